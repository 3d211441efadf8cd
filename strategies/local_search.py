"""Local search (hill climbing with restarts) over the space's neighbourhoods.

White, Nolen, Pang & Mumford (also White, Zela et al.), "Exploring the Loss Landscape in
Neural Architecture Search", UAI 2021: evaluate random architectures, then repeatedly
evaluate the neighbourhood of the best one and move to its best neighbour; at a local
optimum, restart from a fresh random architecture. Defaults: 10 initial random
architectures and the full neighbourhood per step (`first_improvement=False`).

With parallel workers, an ask that finds nothing left to propose in the current
neighbourhood (its evaluations still running) proposes a random architecture.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies.base import Strategy


class LocalSearch(Strategy):
    """Best-improvement hill climbing with random restarts."""

    name = "ls"
    paper = "White et al., UAI 2021"
    defaults: ClassVar[dict[str, Any]] = {"initial_samples": 10, "first_improvement": False}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: dict[Hashable, float] = {}
        self.asked = 0
        self.initial: dict[Hashable, int] = {}
        self.center: tuple[Hashable, float] | None = None
        self.queue: list[Hashable] = []
        self.waiting: set[Hashable] = set()
        self.best_neighbor: tuple[Hashable, float] | None = None
        self.restart_arch: Hashable | None = None

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        if self.asked <= self.hp["initial_samples"]:
            arch = self.space.sample(self.rng)
            self.initial[arch] = self.initial.get(arch, 0) + 1
            return arch, None
        if self.center is None and self.restart_arch is None and not self.initial:
            self.restart_arch = self.space.sample(self.rng)
            return self.restart_arch, None
        while self.queue:
            arch = self.queue.pop()
            if arch not in self.seen:
                self.waiting.add(arch)
                return arch, None
        return self.space.sample(self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        utility = self.utility(record)
        self.seen[arch] = max(utility, self.seen.get(arch, -math.inf))
        if arch in self.initial:
            self.initial[arch] -= 1
            if not self.initial[arch]:
                del self.initial[arch]
            if not self.initial and self.asked >= self.hp["initial_samples"]:
                self._move_to(max(self.seen.items(), key=lambda item: item[1]))
        elif arch == self.restart_arch:
            self.restart_arch = None
            self._move_to((arch, utility))
        elif arch in self.waiting:
            self._neighbor_done(arch, utility)

    def _neighbor_done(self, arch: Hashable, utility: float) -> None:
        self.waiting.discard(arch)
        if self.best_neighbor is None or utility > self.best_neighbor[1]:
            self.best_neighbor = (arch, utility)
        assert self.center is not None
        improved = self.best_neighbor[1] > self.center[1]
        if improved and self.hp["first_improvement"]:
            self._move_to(self.best_neighbor)
        elif not self.queue and not self.waiting:
            if improved:
                self._move_to(self.best_neighbor)
            else:
                self.center = None  # a local optimum: the next ask restarts

    def _move_to(self, center: tuple[Hashable, float]) -> None:
        self.center = center
        self.best_neighbor = None
        self.waiting.clear()
        neighbors = [n for n in self.space.neighbors(center[0]) if n not in self.seen]
        order = self.rng.permutation(len(neighbors))
        self.queue = [neighbors[int(i)] for i in order]
