"""Pareto-rank selection shared by the multi-objective strategies (NSGA-II, MO-RE; ParEGO its vectors).

Owns turning told records into objective vectors and ranking them by constrained
domination (Deb, Pratap, Agarwal & Meyarivan, "A Fast and Elitist Multiobjective Genetic
Algorithm: NSGA-II", IEEE TEC 2002, Sec. VI): a feasible vector beats an infeasible one,
two infeasible ones compare by total violation, two feasible ones by Pareto rank and then
crowding distance. It draws no random numbers and reads nothing but records.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from nasbench.problem.objectives import Problem
from nasbench.problem.pareto import crowding_distance, nondominated_ranks


def objective_vector(problem: Problem, record: Mapping[str, float]) -> np.ndarray:
    """The record's objectives in minimization form; a failed (NaN) value is worst (infinity)."""
    values = [o.loss_sign * record[o.metric] for o in problem.objectives]
    return np.array([math.inf if math.isnan(v) else v for v in values])


def rank_and_crowding(vectors: np.ndarray, violations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per member: its constrained front index (0 best) and its crowding distance within that front."""
    n = len(vectors)
    ranks = np.zeros(n, dtype=np.int64)
    crowding = np.zeros(n)
    feasible = np.flatnonzero(violations <= 0)
    if feasible.size:
        ranks[feasible] = nondominated_ranks(vectors[feasible])
    infeasible = np.flatnonzero(violations > 0)
    if infeasible.size:
        worst = ranks[feasible].max() + 1 if feasible.size else 0
        _, dense = np.unique(violations[infeasible], return_inverse=True)
        ranks[infeasible] = worst + dense
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        crowding[members] = crowding_distance(_finite(vectors[members]))
    return ranks, crowding


def _finite(vectors: np.ndarray) -> np.ndarray:
    """Failed objectives (infinity) as a large finite number, so crowding distances stay defined."""
    return np.where(np.isfinite(vectors), vectors, np.finfo(float).max / 4)


def survivors(vectors: np.ndarray, violations: np.ndarray, count: int) -> np.ndarray:
    """NSGA-II's environmental selection: indices of the `count` best by (rank, -crowding), stable."""
    ranks, crowding = rank_and_crowding(vectors, violations)
    order = np.lexsort((-crowding, ranks))
    return np.sort(order[:count])


def better(i: int, j: int, ranks: np.ndarray, crowding: np.ndarray) -> int:
    """The winner of a binary tournament between members i and j (ties: i)."""
    if ranks[j] < ranks[i] or (ranks[j] == ranks[i] and crowding[j] > crowding[i]):
        return j
    return i
