"""What the transfer strategies share: the learned prior over decisions (and the MetaInfo helpers of their tests)."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.benchmark.meta import MetaInfo, SourceTask
from nasbench.registry import opened
from nasbench.strategies.re_prior import PriorEvolution
from nasbench.strategies.reinforce_prior import PriorReinforce
from nasbench.strategies.transfer import decision_prior


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


def meta_of(space, tasks: dict[str, list[tuple[str, float]]]) -> MetaInfo:
    sources = tuple(
        SourceTask(name, tuple(a for a, _ in rows), np.array([u for _, u in rows])) for name, rows in tasks.items()
    )
    return MetaInfo(setting="history", target="cifar100", space="nb201", sources=sources)


def arch(space, index: int) -> str:
    return space.to_str(space.arch(index))


def test_the_prior_is_the_top_architectures_choice_frequencies(c100) -> None:
    s = c100.space
    top = [s.from_decisions([1, 1, 1, 1, 1, 1]), s.from_decisions([1, 1, 1, 1, 1, 2])]
    rows = [(s.to_str(top[0]), 3.0), (s.to_str(top[1]), 2.0), (s.to_str(s.from_decisions([0] * 6)), 1.0)]
    prior = decision_prior(s, meta_of(s, {"a": rows}), top=2, pseudo_count=1.0)
    # decision 0: 2 of 2 chose op 1, plus one pseudo-count per op (5 ops): (2 + 1) / (2 + 5)
    assert prior[0].tolist() == pytest.approx([1 / 7, 3 / 7, 1 / 7, 1 / 7, 1 / 7])
    assert prior[5].tolist() == pytest.approx([1 / 7, 2 / 7, 2 / 7, 1 / 7, 1 / 7])


def test_prior_strategies_start_from_the_prior(c100) -> None:
    s = c100.space
    rows = [(s.to_str(s.from_decisions([3] * 6)), 1.0)]
    meta = meta_of(s, {"a": rows})
    reinforce = PriorReinforce(s, c100.info, np.random.default_rng(0), prior_top=1, pseudo_count=0.01, meta=meta)
    np.testing.assert_allclose(reinforce._probabilities(), decision_prior(s, meta, 1, 0.01))
    evolution = PriorEvolution(s, c100.info, np.random.default_rng(0), prior_top=1, pseudo_count=0.01, meta=meta)
    draws = [s.to_decisions(evolution.ask()[0]) for _ in range(10)]
    assert np.mean(np.array(draws) == 3) > 0.9  # a sharp prior: nearly every choice is the sources' favourite
