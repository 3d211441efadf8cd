"""Local search (hill climbing with restarts) over the space's neighbourhoods.

White, Nolen & Savani, "Exploring the Loss Landscape in Neural Architecture Search", UAI
2021 (arXiv 2005.02960, first titled "Local Search is State of the Art for NAS
Benchmarks"), as in its code (realityengines/local_search, `query_full_nbhd=True,
stop_at_minimum=True`): evaluate 10 random architectures never evaluated before and start
from the best of them; evaluate every not-yet-evaluated neighbour of the centre (in random
order) and move to the best one if it improves on the centre; at a local optimum (no
improving neighbour, or every neighbour already evaluated) draw 10 new never-evaluated
random architectures and start again from the best of those.

Options (not the paper code's defaults): `first_improvement=True` moves to the first
improving neighbour (naszilla's default); `restart_samples=1` restarts from one random
architecture (NASLib); `at_minimum="continue"` never restarts and moves to the best
evaluated architecture that has not been a centre yet (naszilla's `stop_at_minimum=False`).

Declared differences from the reference: with parallel workers, an ask that finds nothing
to propose (the centre's neighbours still running, or the restart batch fully asked)
proposes a new random architecture that joins the next restart batch; so does a result of
a neighbour of a centre already left. Every evaluation is used.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies.base import BOOL, Range, Strategy, choice, positive_int

REDRAWS = 100  # random draws per new architecture before a seen one is accepted (a nearly exhausted space)


class LocalSearch(Strategy):
    """Best-improvement hill climbing with restarts from the best of fresh random batches."""

    name = "ls"
    paper = "White, Nolen & Savani, UAI 2021"
    defaults: ClassVar[dict[str, Any]] = {
        "initial_samples": 10,
        "first_improvement": False,
        "restart_samples": None,
        "at_minimum": "restart",
    }
    ranges: ClassVar[dict[str, Range]] = {
        "initial_samples": positive_int(1),
        "first_improvement": BOOL,
        "restart_samples": positive_int(1, optional=True),
        "at_minimum": choice("restart", "continue"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: dict[Hashable, float] = {}
        self.proposed: set[Hashable] = set()
        self.sampling = True
        self.batch: dict[Hashable, None] = {}
        self.batch_size = int(self.hp["initial_samples"])
        self.spares: dict[Hashable, None] = {}
        self.centers: set[Hashable] = set()
        self.center: tuple[Hashable, float] | None = None
        self.queue: list[Hashable] = []
        self.waiting: set[Hashable] = set()
        self.best_neighbor: tuple[Hashable, float] | None = None

    def ask(self) -> tuple[Hashable, int | None]:
        arch = self._next()
        self.proposed.add(arch)
        return arch, None

    def _next(self) -> Hashable:
        if self.sampling and len(self.batch) < self.batch_size:
            arch = self._fresh()
            self.batch[arch] = None
            return arch
        while not self.sampling and self.queue:
            arch = self.queue.pop()
            if arch not in self.proposed:
                self.waiting.add(arch)
                return arch
        arch = self._fresh()  # parallel workers only: nothing left to ask in this phase
        self.spares[arch] = None
        return arch

    def _fresh(self) -> Hashable:
        """A random architecture never proposed before (after many tries, any)."""
        for _ in range(REDRAWS):
            arch = self.space.sample(self.rng)
            if arch not in self.proposed:
                return arch
        return arch

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        utility = self.utility(record)
        self.seen[arch] = max(utility, self.seen.get(arch, -math.inf))
        if self.sampling and arch in self.batch:
            self._batch_done()
        elif not self.sampling and arch in self.waiting:
            self._neighbor_done(arch, utility)
        elif arch not in self.batch:
            self.spares[arch] = None

    def _batch_done(self) -> None:
        """Once every member of the random batch is back, climb from its best."""
        if len(self.batch) >= self.batch_size and all(a in self.seen for a in self.batch):
            best = max(self.batch, key=lambda a: self.seen[a])
            self.sampling = False
            self._climb_from(best)

    def _neighbor_done(self, arch: Hashable, utility: float) -> None:
        self.waiting.discard(arch)
        if self.best_neighbor is None or utility > self.best_neighbor[1]:
            self.best_neighbor = (arch, utility)
        assert self.center is not None
        improved = self.best_neighbor[1] > self.center[1]
        if improved and self.hp["first_improvement"]:
            self._climb_from(self.best_neighbor[0])
        elif not self.queue and not self.waiting:
            if self.hp["at_minimum"] == "continue":
                self._continue()
            elif improved:
                self._climb_from(self.best_neighbor[0])
            else:
                self._restart()

    def _climb_from(self, arch: Hashable) -> None:
        """Make `arch` the centre; at once a local optimum when all its neighbours were evaluated."""
        if not self._move_to(arch):
            if self.hp["at_minimum"] == "continue":
                self._continue()
            else:
                self._restart()

    def _move_to(self, arch: Hashable) -> bool:
        """Centre on `arch` and queue its new neighbours in random order; False when there are none."""
        self.center = (arch, self.seen[arch])
        self.centers.add(arch)
        self.best_neighbor = None
        self.waiting.clear()
        neighbors = [n for n in self.space.neighbors(arch) if n not in self.proposed]
        order = self.rng.permutation(len(neighbors))
        self.queue = [neighbors[int(i)] for i in order]
        return bool(self.queue)

    def _continue(self) -> None:
        """naszilla's stop_at_minimum=False: the best evaluated architecture never yet a centre."""
        ranked = sorted((a for a in self.seen if a not in self.centers), key=lambda a: -self.seen[a])
        for arch in ranked:
            if self._move_to(arch):
                return
        self._restart()  # everything evaluated has been a centre: sample again

    def _restart(self) -> None:
        """A local optimum: a new batch of never-evaluated random architectures (with any spares)."""
        self.sampling = True
        self.center = None
        self.queue = []
        self.waiting.clear()
        self.batch = dict(self.spares)
        self.spares = {}
        self.batch_size = max(int(self.hp["restart_samples"] or self.hp["initial_samples"]), len(self.batch))
        self._batch_done()
