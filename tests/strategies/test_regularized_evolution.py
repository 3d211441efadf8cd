"""Regularized evolution (Real et al., AAAI 2019): NAS-Bench-201's R_EA.py tournament and ageing."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def test_re_tournament_draws_with_replacement(c10) -> None:
    # P(the best of 10 wins a tournament of 3) = 1 - 0.9^3 = 0.271 with replacement, 0.3 without.
    re = make(c10, "re")
    for step in range(10):
        re.tell(c10.space.arch(step), None, {"valid_acc": float(step)})
    best = c10.space.arch(9)
    wins = sum(re.select_parent() == best for _ in range(20000)) / 20000
    assert abs(wins - 0.271) < 0.012
    re_old = make(c10, "re", tournament_replacement=False)
    re_old.population = re.population
    assert abs(sum(re_old.select_parent() == best for _ in range(20000)) / 20000 - 0.3) < 0.012


def test_regularized_evolution_ages_and_mutates(c10) -> None:
    re = make(c10, "re", population_size=5, sample_size=2)
    for step in range(20):
        arch, _ = re.ask()
        if step >= 5:
            parents = {member for member, *_ in re.population}
            assert any(arch in c10.space.neighbors(p) for p in parents)
        re.tell(arch, None, {"valid_acc": float(step)})
    assert len(re.population) == 5
    assert [u for _, u, _ in re.population] == [15.0, 16.0, 17.0, 18.0, 19.0]
