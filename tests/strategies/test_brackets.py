"""Hyperband brackets and schedules (Li et al., JMLR 2018; hpbandster's bracket sizes)."""

from __future__ import annotations

from nasbench.strategies.brackets import Bracket, hyperband_schedule


def test_bracket_sizes_are_hpbandsters() -> None:
    schedule = hyperband_schedule((1, 3, 9, 27, 81), 3, "hpbandster")
    assert [[n for _, n in bracket] for bracket in schedule] == [
        [81, 27, 9, 3, 1],
        [27, 9, 3, 1],
        [9, 3, 1],
        [6, 2],
        [5],
    ]
    assert hyperband_schedule((12, 200), 3, "hpbandster") == [[(12, 3), (200, 1)], [(200, 2)]]


def test_hyperband_schedule_matches_the_paper() -> None:
    # Li et al., JMLR 2018, Table 1 (R = 81, eta = 3): configurations per rung of each bracket. Checked against the
    # paper's Algorithm 1 as mlr-org/mlr3hyperband R/helper.R `hyperband_schedule` computes it (n = ceil(B/R *
    # eta^s/(s+1)), n_i = floor(n eta^-i)); the printed table itself was not available.
    schedule = hyperband_schedule((1, 3, 9, 27, 81), 3)
    assert [[n for _, n in bracket] for bracket in schedule] == [
        [81, 27, 9, 3, 1],
        [34, 11, 3, 1],
        [15, 5, 1],
        [8, 2],
        [5],
    ]
    assert [bracket[0][0] for bracket in schedule] == [1, 3, 9, 27, 81]
    assert hyperband_schedule((12, 200), 3) == [[(12, 3), (200, 1)], [(200, 2)]]


def test_bracket_promotes_the_best_third() -> None:
    bracket = Bracket([(1, 9), (3, 3), (9, 1)])
    names = iter(range(100))
    jobs = [bracket.next_job(lambda: next(names)) for _ in range(9)]
    assert [f for _, f in jobs] == [1] * 9 and bracket.next_job(lambda: -1) is None
    for arch, _ in jobs:
        bracket.told(arch, float(arch))
    promoted = [bracket.next_job(lambda: -1) for _ in range(3)]
    assert promoted == [(8, 3), (7, 3), (6, 3)]
    for arch, _ in promoted:
        bracket.told(arch, -float(arch))
    assert bracket.next_job(lambda: -1) == (6, 9)
    bracket.told(6, 0.0)
    assert bracket.finished
