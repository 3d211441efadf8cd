"""REINFORCE (Williams 1992) as in NAS-Bench-201's reinforce.py: baseline, logits, learning."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.strategies import get_strategy


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def test_reinforce_baseline_is_the_bias_corrected_moving_average(c10) -> None:
    agent = make(c10, "reinforce")
    agent.tell(c10.space.arch(0), None, {"valid_acc": 90.0})
    assert agent.baseline == pytest.approx(90.0)
    agent.tell(c10.space.arch(1), None, {"valid_acc": 80.0})
    assert agent.baseline == pytest.approx((0.09 * 90 + 0.1 * 80) / 0.19)  # 84.7368, uncorrected EMA: 89.0
    old = make(c10, "reinforce", baseline="ema")
    old.tell(c10.space.arch(0), None, {"valid_acc": 90.0})
    old.tell(c10.space.arch(1), None, {"valid_acc": 80.0})
    assert old.baseline == pytest.approx(89.0)


def test_reinforce_logits_start_at_small_seeded_noise(c10) -> None:
    agent, again = make(c10, "reinforce"), make(c10, "reinforce")
    assert np.array_equal(agent.logits, again.logits)
    assert 0 < np.abs(agent.logits).max() < 1e-2 and 5e-4 < agent.logits.std() < 2e-3  # 1e-3 N(0, 1)
    assert not make(c10, "reinforce", init_scale=0.0).logits.any()


def test_reinforce_learns_the_rewarded_choices(c10) -> None:
    agent = make(c10, "reinforce", learning_rate=0.1)
    target = c10.space.arch(0)
    before = agent._probabilities()[np.arange(6), list(target.ops)].copy()
    for _ in range(200):
        arch, _ = agent.ask()
        agent.tell(arch, None, {"valid_acc": 10.0 * sum(a == b for a, b in zip(arch.ops, target.ops, strict=True))})
    after = agent._probabilities()[np.arange(6), list(target.ops)]
    assert np.all(after > before) and np.all(after > 0.5)
