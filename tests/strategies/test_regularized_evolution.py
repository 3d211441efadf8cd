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


def test_the_tournament_draws_what_one_sized_draw_would() -> None:
    """`select_parent` draws its k members one at a time: the values and the stream after them are
    those of `integers(n, size=k)`, as R_EA.py's sized draw gives (bounds below and above 2**32)."""
    for seed in range(50):
        for n in (1, 2, 3, 10, 1000, 2**32 - 1, 2**32, 2**40):
            for k in (1, 3, 25):
                one, each = np.random.default_rng(seed), np.random.default_rng(seed)
                assert one.integers(n, size=k).tolist() == [int(each.integers(n)) for _ in range(k)]
                assert one.integers(2**40) == each.integers(2**40) and one.random() == each.random()


def test_the_winner_is_the_first_best_drawn_and_feasibility_comes_first(c10) -> None:
    re = make(c10, "re", population_size=4, sample_size=4)
    utilities = [0.5, 0.9, 0.9, 0.7]
    re.population.extend((c10.space.arch(i), u, 0.0) for i, u in enumerate(utilities))
    expected = []
    for seed in range(30):
        re.rng = np.random.default_rng(seed)
        picks = np.random.default_rng(seed).integers(4, size=4).tolist()
        expected.append(c10.space.arch(max(picks, key=lambda i: (utilities[i], -picks.index(i)))))
        assert re.select_parent() == expected[-1]
    re.population[1] = (c10.space.arch(1), 0.9, 2.0)  # infeasible: loses to any feasible member drawn
    for seed in range(30):
        re.rng = np.random.default_rng(seed)
        picks = np.random.default_rng(seed).integers(4, size=4).tolist()
        feasible = [i for i in picks if i != 1] or [1]
        assert re.select_parent() == c10.space.arch(max(feasible, key=lambda i: (utilities[i], -picks.index(i))))
