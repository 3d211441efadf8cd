"""NSGA-II (Deb et al., IEEE TEC 2002): elitist survival and crossover of the selected parents."""

from __future__ import annotations

import numpy as np

from nasbench.problem.objectives import parse_problem
from nasbench.strategies import get_strategy

PIXEL3 = "valid_acc,latency:pixel3"


def make(c10, name: str, objectives: str | None = PIXEL3, constraints=None, **hp):
    problem = parse_problem(objectives, constraints, c10.info)
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_nsga2_keeps_the_best_of_parents_and_children_and_breeds_from_them(c10) -> None:
    nsga = make(c10, "nsga2", population_size=4)
    told = {}
    for step in range(12):
        arch, _ = nsga.ask()
        # a synthetic trade-off: later architectures are more accurate and slower, the 5th dominates all
        record = {"valid_acc": 80.0 + step, "latency:pixel3": 1.0 + step}
        if step == 4:
            record = {"valid_acc": 99.0, "latency:pixel3": 0.5}
        nsga.tell(arch, None, record)
        told[arch] = record
    assert len(nsga.population) == 4 and nsga.children == []
    best = next(a for a, r in told.items() if r["valid_acc"] == 99.0)
    assert best in [member[0] for member in nsga.population]
    assert nsga.ranks[[member[0] for member in nsga.population].index(best)] == 0
    assert len(set(told)) == 12  # no architecture proposed twice


def test_nsga2_children_recombine_their_parents(c10) -> None:
    nsga = make(c10, "nsga2", population_size=2, crossover_rate=1.0, mutation_rate=0.0)
    a, b = c10.space.from_decisions([0] * 6), c10.space.from_decisions([4] * 6)
    nsga.tell(a, None, {"valid_acc": 90.0, "latency:pixel3": 5.0})
    nsga.tell(b, None, {"valid_acc": 80.0, "latency:pixel3": 1.0})
    for _ in range(20):
        child, _ = nsga.ask()
        assert set(c10.space.to_decisions(child)) <= {0, 4}
