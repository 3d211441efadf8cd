"""Multi-objective regularized evolution: tournaments won by the lowest Pareto rank."""

from __future__ import annotations

import numpy as np

from nasbench.problem.objectives import parse_problem
from nasbench.strategies import get_strategy

PIXEL3 = "valid_acc,latency:pixel3"


def make(c10, name: str, objectives: str | None = PIXEL3, constraints=None, **hp):
    problem = parse_problem(objectives, constraints, c10.info)
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_mo_regularized_evolution_picks_the_lowest_pareto_rank(c10) -> None:
    evolution = make(c10, "mo-re", population_size=5, sample_size=5)
    archs = [c10.space.arch(i) for i in range(5)]
    for i, arch in enumerate(archs):
        evolution.ask()
        dominated = i != 2
        record = {"valid_acc": 80.0 if dominated else 95.0, "latency:pixel3": 9.0 if dominated else 1.0}
        evolution.tell(arch, None, record)
    for _ in range(10):
        child, _ = evolution.ask()
        assert child in c10.space.neighbors(archs[2])  # the whole population is sampled: the winner is always 2
