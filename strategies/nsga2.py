"""NSGA-II: elitist non-dominated sorting genetic algorithm.

Deb, Pratap, Agarwal & Meyarivan, "A Fast and Elitist Multiobjective Genetic Algorithm:
NSGA-II", IEEE Transactions on Evolutionary Computation 6(2), 2002. Binary tournaments
on (constrained Pareto rank, crowding distance) pick two parents; the space's uniform
crossover (probability `crossover_rate`) and one mutation (probability `mutation_rate`)
make a child; once a generation of `population_size` children is told, parents and
children compete and the best `population_size` by rank and crowding survive. With
asynchronous workers a generation is simply the next `population_size` children told.
A child already evaluated is redrawn (up to 10 times): in a finite space a repeat buys
nothing.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies.base import PROBABILITY, Range, Strategy, positive_int
from nasbench.strategies.selection import better, objective_vector, rank_and_crowding, survivors

RETRIES = 10


class NSGA2(Strategy):
    """Generational NSGA-II on the space's crossover and mutation."""

    name = "nsga2"
    paper = "Deb, Pratap, Agarwal & Meyarivan, IEEE TEC 2002"
    multi_objective = True
    defaults: ClassVar[dict[str, Any]] = {"population_size": 20, "crossover_rate": 0.9, "mutation_rate": 1.0}
    ranges: ClassVar[dict[str, Range]] = {
        "population_size": positive_int(2),
        "crossover_rate": PROBABILITY,
        "mutation_rate": PROBABILITY,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.population: list[tuple[Hashable, np.ndarray, float]] = []
        self.children: list[tuple[Hashable, np.ndarray, float]] = []
        self.seen: set[Hashable] = set()
        self.ranks = np.zeros(0, dtype=np.int64)
        self.crowding = np.zeros(0)

    def ask(self) -> tuple[Hashable, int | None]:
        for _ in range(RETRIES):
            arch = self._child() if self.population else self.space.sample(self.rng)
            if arch not in self.seen:
                break
        self.seen.add(arch)
        return arch, None

    def _child(self) -> Hashable:
        first, second = self._tournament(), self._tournament()
        child = first
        if self.rng.random() < self.hp["crossover_rate"]:
            child = self.space.crossover(first, second, self.rng)
        if self.rng.random() < self.hp["mutation_rate"]:
            child = self.space.mutate(child, self.rng)
        return child

    def _tournament(self) -> Hashable:
        i, j = (int(k) for k in self.rng.integers(len(self.population), size=2))
        return self.population[better(i, j, self.ranks, self.crowding)][0]

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.children.append((arch, objective_vector(self.problem, record), self.violation(record)))
        if len(self.children) < self.hp["population_size"]:
            return
        pool = self.population + self.children
        vectors = np.array([member[1] for member in pool])
        violations = np.array([member[2] for member in pool])
        keep = survivors(vectors, violations, self.hp["population_size"])
        self.population = [pool[int(k)] for k in keep]
        self.children = []
        self.ranks, self.crowding = rank_and_crowding(vectors[keep], violations[keep])
