"""Hyperband (Li et al., JMLR 2018): successive-halving brackets of decreasing aggressiveness, cycled."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nasbench.strategies import get_strategy


def test_schedule_is_table_1_of_the_paper(c10) -> None:
    # Checked against Algorithm 1 (mlr-org/mlr3hyperband R/helper.R `hyperband_schedule`); see test_brackets.py.
    grid = replace(c10.info, fidelities=(1, 3, 9, 27, 81))
    hyperband = get_strategy("hyperband")(c10.space, grid, np.random.default_rng(0))
    schedule = hyperband.schedule()
    table_1 = [[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]]
    assert [[n for _, n in bracket] for bracket in schedule] == table_1
    assert [[r for r, _ in bracket] for bracket in schedule][1] == [3, 9, 27, 81]


def test_brackets_are_opened_in_turn(c10) -> None:
    hyperband = get_strategy("hyperband")(c10.space, c10.info, np.random.default_rng(0))
    assert hyperband.schedule() == [[(12, 3), (200, 1)], [(200, 2)]]
    # nothing told: each bracket hands out its first rung, then the next bracket of the cycle opens
    assert [hyperband.ask()[1] for _ in range(8)] == [12, 12, 12, 200, 200, 12, 12, 12]
    assert hyperband.opened == 3


def test_a_finished_bracket_is_closed_after_its_last_result(c10) -> None:
    hyperband = get_strategy("hyperband")(c10.space, c10.info, np.random.default_rng(0))
    jobs = [hyperband.ask() for _ in range(3)]
    for (arch, fidelity), acc in zip(jobs, (5.0, 7.0, 6.0), strict=True):
        hyperband.tell(arch, fidelity, {"valid_acc": acc})
    best = hyperband.ask()
    assert best == (jobs[1][0], 200) and len(hyperband.active) == 1
    hyperband.tell(*best, {"valid_acc": 7.5})
    assert hyperband.active == []
