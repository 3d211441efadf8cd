"""Regularized (aging) evolution.

Real, Aggarwal, Huang & Le, "Regularized Evolution for Image Classifier Architecture
Search", AAAI 2019. Defaults are the setting benchmarked in NAS-Bench-201 (Dong & Yang,
ICLR 2020): population 10, tournament sample 3.

Under constraints the tournament prefers a feasible member, then the least total
violation, then the best observation (Deb's feasibility rules, Deb 2000): an infeasible
child stays in the population until it ages out, but rarely becomes a parent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies.base import Strategy


class RegularizedEvolution(Strategy):
    """Tournament selection, one mutation per child, and the oldest member dies."""

    name = "re"
    paper = "Real et al., AAAI 2019"
    defaults: ClassVar[dict[str, Any]] = {"population_size": 10, "sample_size": 3}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.population: deque[tuple[Hashable, float, float]] = deque()
        self.asked = 0

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        if self.asked <= self.hp["population_size"] or not self.population:
            return self.space.sample(self.rng), None
        size = min(self.hp["sample_size"], len(self.population))
        picks = self.rng.choice(len(self.population), size=size, replace=False)
        parent = max((self.population[int(i)] for i in picks), key=lambda member: (-member[2], member[1]))[0]
        return self.space.mutate(parent, self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.population.append((arch, self.utility(record), self.violation(record)))
        if len(self.population) > self.hp["population_size"]:
            self.population.popleft()
