"""re-warm: the first population is the source tasks' best, round robin; then plain regularized evolution."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.registry import opened
from nasbench.strategies.re_warm import WarmStartedEvolution
from nasbench.strategies.regularized_evolution import RegularizedEvolution
from tests.strategies.test_transfer import arch, meta_of


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


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


def test_too_few_source_architectures_are_topped_up_with_random_draws(c100) -> None:
    s = c100.space
    shared, other = arch(s, 7), arch(s, 8)
    meta = meta_of(s, {"a": [(shared, 2.0), (other, 1.0)], "b": [(shared, 5.0), ("not|an|arch", 9.0)]})
    strategy = WarmStartedEvolution(s, c100.info, np.random.default_rng(0), population_size=5, meta=meta)
    asked = [s.to_str(strategy.ask()[0]) for _ in range(5)]
    # the shared best once, then a's second; b's unparsable one is skipped; then three random draws
    assert asked[:2] == [shared, other] and strategy.initial is not None and len(strategy.initial) == 2
    assert len(set(asked[2:]) - {shared, other}) >= 2


def test_without_meta_it_is_plain_regularized_evolution(c100) -> None:
    s = c100.space
    warm = WarmStartedEvolution(s, c100.info, np.random.default_rng(4), population_size=3)
    plain = RegularizedEvolution(s, c100.info, np.random.default_rng(4), population_size=3)
    for _ in range(6):
        a, b = warm.ask()[0], plain.ask()[0]
        assert a == b
        warm.tell(a, None, {"valid_acc": 1.0})
        plain.tell(b, None, {"valid_acc": 1.0})
