"""Multi-objective regularized (aging) evolution: a Pareto-rank tournament.

Real, Aggarwal, Huang & Le, "Regularized Evolution for Image Classifier Architecture
Search", AAAI 2019, with the tournament's "best" read as the lowest constrained Pareto
rank within the population, ties broken by crowding distance (both from Deb, Pratap,
Agarwal & Meyarivan, IEEE TEC 2002). One mutation per child; the oldest member dies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies.base import Range, Strategy, positive_int
from nasbench.strategies.selection import objective_vector, rank_and_crowding


class MORegularizedEvolution(Strategy):
    """Aging evolution whose tournament prefers the lowest Pareto rank, then the least crowded."""

    name = "mo-re"
    paper = "Real et al., AAAI 2019; Pareto ranks of Deb et al., IEEE TEC 2002"
    multi_objective = True
    defaults: ClassVar[dict[str, Any]] = {"population_size": 20, "sample_size": 5}
    ranges: ClassVar[dict[str, Range]] = {"population_size": positive_int(1), "sample_size": positive_int(1)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.population: deque[tuple[Hashable, np.ndarray, float]] = deque()
        self.asked = 0

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        if self.asked <= self.hp["population_size"] or not self.population:
            return self.space.sample(self.rng), None
        vectors = np.array([member[1] for member in self.population])
        violations = np.array([member[2] for member in self.population])
        ranks, crowding = rank_and_crowding(vectors, violations)
        size = min(self.hp["sample_size"], len(self.population))
        picks = [int(i) for i in self.rng.choice(len(self.population), size=size, replace=False)]
        parent = min(picks, key=lambda i: (ranks[i], -crowding[i]))
        return self.space.mutate(self.population[parent][0], self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.population.append((arch, objective_vector(self.problem, record), self.violation(record)))
        if len(self.population) > self.hp["population_size"]:
            self.population.popleft()
