"""The transfer strategies' own behaviour: warm start, learned prior, RGPE's ranking weights."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.benchmark.meta import MetaInfo, SourceTask
from nasbench.registry import opened
from nasbench.strategies.re_prior import PriorEvolution
from nasbench.strategies.re_warm import WarmStartedEvolution
from nasbench.strategies.reinforce_prior import PriorReinforce
from nasbench.strategies.rgpe import RGPE, _fit, ranking_losses, ranking_weights
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


def test_warm_start_evaluates_the_sources_best_first_round_robin(c100) -> None:
    s = c100.space
    meta = meta_of(
        s, {"a": [(arch(s, i), float(i)) for i in range(20)], "b": [(arch(s, 100 + i), -i) for i in range(20)]}
    )
    strategy = WarmStartedEvolution(s, c100.info, np.random.default_rng(0), population_size=4, meta=meta)
    asked = [s.to_str(strategy.ask()[0]) for _ in range(4)]
    assert asked == [arch(s, 19), arch(s, 100), arch(s, 18), arch(s, 101)]
    for text in asked:
        strategy.tell(s.from_str(text), None, {"valid_acc": 50.0})
    strategy.ask()  # then plain evolution: a mutation of a tournament winner
    assert strategy.asked == 5 and len(strategy.population) == 4


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


def test_ranking_loss_counts_misranked_pairs_of_a_bootstrap_sample() -> None:
    y = np.array([0.0, 1.0, 2.0])
    draws = np.array([[[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [0.0, 2.0, 1.0]]])  # (samples, models, n)
    counts = np.ones((1, 3))
    # ordered pairs (j, k): perfect 0; reversed all 6 ordered pairs wrong; one swap: pairs (1,2), (2,1)
    assert ranking_losses(draws, y, counts).tolist() == [[0.0, 6.0, 2.0]]
    assert ranking_losses(draws, y, np.array([[2.0, 1.0, 0.0]])).tolist() == [[0.0, 4.0, 0.0]]


def test_a_source_that_ranks_like_the_target_gets_the_weight(c100) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((30, 4))
    y = x @ np.array([3.0, -1.0, 0.5, 0.0])
    alike, opposite = _fit(x, y, 0), _fit(x, -y, 0)
    target = _fit(x[:12], y[:12], 0)
    weights = ranking_weights([alike, opposite, target], x[:12], y[:12], 200, np.random.default_rng(1))
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 0.5 and weights[1] == 0.0  # the opposite source is diluted away


def test_rgpe_proposes_from_the_sources_before_much_target_data(c100) -> None:
    s, info = c100.space, c100.info
    sources = {}
    for name in ("cifar10-valid", "imagenet16-120"):
        bench = opened("nb201", name)
        rows = np.random.default_rng(3).choice(s.size, 60, replace=False)
        values = bench.query_many(rows, metrics=["valid_acc"])["valid_acc"].to_numpy()
        sources[name] = [(arch(s, int(r)), float(v)) for r, v in zip(rows, values, strict=True)]
    strategy = RGPE(s, info, np.random.default_rng(0), meta=meta_of(s, sources))
    for _ in range(4):
        a, _ = strategy.ask()
        strategy.tell(a, None, c100.query(a, metrics=["valid_acc"]))
    assert len(strategy.source_models()) == 2 and strategy.weights is not None and len(strategy.weights) == 3
