"""Pareto-rank selection (Deb et al., NSGA-II, IEEE TEC 2002): minimization form, constrained domination."""

from __future__ import annotations

import numpy as np

from nasbench.problem.objectives import parse_problem
from nasbench.strategies.selection import better, objective_vector, rank_and_crowding, survivors

PIXEL3 = "valid_acc,latency:pixel3"


def test_objective_vectors_are_minimized_and_failures_are_worst(c10) -> None:
    problem = parse_problem(PIXEL3, None, c10.info)
    assert objective_vector(problem, {"valid_acc": 90.0, "latency:pixel3": 3.0}).tolist() == [-90.0, 3.0]
    assert objective_vector(problem, {"valid_acc": float("nan"), "latency:pixel3": 3.0})[0] == np.inf


def test_constrained_ranks_put_every_feasible_member_first() -> None:
    vectors = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 2.0], [2.0, 1.0], [9.0, 9.0]])
    violations = np.array([3.0, 0.0, 0.0, 0.0, 1.0])
    ranks, crowding = rank_and_crowding(vectors, violations)
    # feasible: [1, 2] and [2, 1] on front 0, [5, 5] on front 1; infeasible after, least violation first
    assert ranks.tolist() == [3, 1, 0, 0, 2]
    assert np.isinf(crowding[[2, 3]]).all()
    assert survivors(vectors, violations, 3).tolist() == [1, 2, 3]
    assert better(0, 2, ranks, crowding) == 2 and better(2, 3, ranks, crowding) == 2
