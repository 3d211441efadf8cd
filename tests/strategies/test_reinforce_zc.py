"""reinforce-zc: the proxy rewards the controller before any training, then REINFORCE goes on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from nasbench.strategies import get_strategy
from tests.strategies.test_regularized_evolution_zc import _run


def _agent(zc: ZeroCostBenchmark, seed: int = 0, **hp: object):
    return get_strategy("reinforce-zc")(zc.space, zc.info, np.random.default_rng(seed), **hp)


def test_the_warm_up_reward_is_the_proxy_normalised_online(zc: ZeroCostBenchmark) -> None:
    agent, proxy = _agent(zc), zc.info.observe
    cells = [zc.space.from_str(a) for a in zc.archs[:4]]
    expected = [0.0, 1.0, 0.0, -1.0]  # proxies 1, 3, 2, 0: min and max adjusted as they come
    for arch, value, reward in zip(cells, [1.0, 3.0, 2.0, 0.0], expected, strict=True):
        agent.tell(arch, 0, {proxy: value})
        assert agent.proxy_reward(value) == pytest.approx(reward)
    ranked = _agent(zc, warmup_reward="rank")
    for arch, value in zip(cells, [1.0, 3.0, 2.0, 2.0], strict=True):
        ranked.tell(arch, 0, {proxy: value})
    assert [ranked.proxy_reward(v) for v in (1.0, 2.0, 3.0)] == pytest.approx([-1.0, 0.0, 1.0])  # ties share ranks 1, 2
    assert agent.baseline is None and agent.proxy_baseline[2] is not None  # accuracy's baseline untouched


def test_the_warm_up_biases_the_controller_toward_the_proxys_best(zc: ZeroCostBenchmark) -> None:
    agent = _agent(zc, warmup=3, learning_rate=0.05, warmup_reward="rank")
    for _ in range(3):
        assert agent.ask()[1] == 0
    cells = sorted(zc.archs, key=zc.values.__getitem__)  # worst proxy first
    for _ in range(3):  # every covered cell rewards the controller, three times over
        for cell in cells:
            agent.tell(zc.space.from_str(cell), 0, zc.query(cell, 0))
    probabilities = agent._probabilities()
    decisions = np.array([zc.space.to_decisions(zc.space.from_str(c)) for c in cells])
    likelihood = np.prod(probabilities[np.arange(6), decisions], axis=1)
    ranks = np.arange(len(cells))
    assert likelihood[-1] > likelihood[0] and np.corrcoef(ranks, likelihood)[0, 1] > 0.3
    assert agent.ask()[1] is None  # after the warm-up: trainings at the full fidelity


def test_reinforce_zc_through_the_runner(zc: ZeroCostBenchmark) -> None:
    frame = _run(zc, "reinforce-zc", "20000s", warmup=20)
    warm, rest = frame.iloc[:20], frame.iloc[20:]
    assert (warm["fidelity"] == 0).all() and (warm["cost"] == 2.5).all()  # the proxy's declared cost
    assert (rest["fidelity"] == 200).all() and len(rest) > 5
    pd.testing.assert_frame_equal(frame, _run(zc, "reinforce-zc", "20000s", warmup=20))
    other = _run(zc, "reinforce-zc", "20000s", seed=1, warmup=20)
    assert frame["arch"].tolist() != other["arch"].tolist()
    on_policy = _run(zc, "reinforce-zc", "20000s", warmup=20, warmup_sampling="policy")
    assert (on_policy["fidelity"].iloc[:20] == 0).all() and len(on_policy) > 25
    parallel = _run(zc, "reinforce-zc", "20000s", workers=4, warmup=20)
    assert (parallel["fidelity"] == 0).sum() == 20 and parallel["worker"].nunique() == 4
