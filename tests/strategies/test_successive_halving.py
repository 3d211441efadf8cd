"""Successive halving (Jamieson & Talwalkar, AISTATS 2016): Hyperband's most aggressive bracket, repeated."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nasbench.strategies import get_strategy


def make(info, space, **hp):
    return get_strategy("sh")(space, info, np.random.default_rng(0), **hp)


def test_the_bracket_is_hyperbands_first(c10) -> None:
    # Li et al., JMLR 2018, Table 1 (R = 81, eta = 3), bracket s = 4: 81, 27, 9, 3, 1 configurations.
    grid = replace(c10.info, fidelities=(1, 3, 9, 27, 81))
    assert make(grid, c10.space).schedule() == [[(1, 81), (3, 27), (9, 9), (27, 3), (81, 1)]]
    assert make(c10.info, c10.space).schedule() == [[(12, 3), (200, 1)]]  # NAS-Bench-201: 12 and 200 epochs


def test_initial_overrides_the_first_rung_and_every_rung_keeps_one(c10) -> None:
    grid = replace(c10.info, fidelities=(1, 3, 9, 27, 81))
    # floor(10 * 3^-i) = 10, 3, 1, 0, 0: a rung never drops below one configuration
    assert make(grid, c10.space, initial=10).schedule() == [[(1, 10), (3, 3), (9, 1), (27, 1), (81, 1)]]
    assert make(c10.info, c10.space, initial=27, eta=2).schedule() == [[(12, 27), (200, 13)]]


def test_the_best_third_is_promoted_and_unfinished_brackets_open_new_ones(c10) -> None:
    sh = make(c10.info, c10.space)
    first = [sh.ask() for _ in range(3)]
    assert [f for _, f in first] == [12, 12, 12]
    assert sh.ask()[1] == 12  # nothing told yet: a second bracket opens, of the same shape
    for (arch, fidelity), acc in zip(first, (10.0, 30.0, 20.0), strict=True):
        sh.tell(arch, fidelity, {"valid_acc": acc})
    assert sh.ask() == (first[1][0], 200)
