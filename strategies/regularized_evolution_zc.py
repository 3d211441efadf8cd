"""Regularized evolution with a zero-cost warm-up.

Abdelfattah, Mehrotra, Dudziak & Lane, "Zero-Cost Proxies for Lightweight NAS", ICLR 2021, §5
("zero-cost warmup"): score `warmup` random architectures with a zero-cost proxy, then start the
population from the best `population_size` of them instead of random ones; the search goes on as
regularized evolution (Real et al., AAAI 2019; `re`, whose hyperparameters it takes). The proxy
scores are evaluations at fidelity 0 of a `ZeroCostBenchmark`, charged by its declared per-cell
cost. On a benchmark without a fidelity 0 there is no proxy to ask for, and it is `re` exactly.
The reference draws its warm-up with replacement; here distinct architectures are drawn
where the space allows (at most 5 draws each), as no proxy needs scoring twice.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies.base import Range, positive_int
from nasbench.strategies.regularized_evolution import RegularizedEvolution
from nasbench.strategies.zero_cost import ZERO_COST, has_zero_cost, proxy_value

DRAWS = 5


class RegularizedEvolutionZC(RegularizedEvolution):
    """`re` whose first population is the proxy's best of `warmup` random architectures."""

    name = "re-zc"
    paper = "Abdelfattah et al., ICLR 2021 (zero-cost warm-up) on Real et al., AAAI 2019"
    defaults: ClassVar[dict[str, Any]] = {**RegularizedEvolution.defaults, "warmup": 100}
    ranges: ClassVar[dict[str, Range]] = {**RegularizedEvolution.ranges, "warmup": positive_int(1)}
    multi_fidelity = True  # it asks for fidelity 0: an evaluations budget would count a proxy as a training
    asked: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zero_cost = has_zero_cost(self.info)
        self.scores: dict[Hashable, float] = {}
        self.warm_asked: list[Hashable] = []
        self.start: list[Hashable] | None = None

    def ask(self) -> tuple[Hashable, int | None]:
        if not self.zero_cost:
            return super().ask()
        if len(self.warm_asked) < self.hp["warmup"]:
            arch = self._fresh()
            self.warm_asked.append(arch)
            return arch, ZERO_COST
        if self.start is None:
            if any(a not in self.scores for a in self.warm_asked):  # proxies still running (several workers)
                return self.space.sample(self.rng), ZERO_COST
            ranked = sorted(self.scores, key=lambda a: -self.scores[a])  # stable: ties keep the drawing order
            self.start = ranked[: self.hp["population_size"]]
        if self.start:
            self.asked += 1
            return self.start.pop(0), None
        self.asked = max(self.asked, self.hp["population_size"])  # the warm start stood in for the random one
        return super().ask()

    def _fresh(self) -> Hashable:
        seen = set(self.warm_asked)
        arch = self.space.sample(self.rng)
        for _ in range(DRAWS - 1):
            if arch not in seen:
                break
            arch = self.space.sample(self.rng)
        return arch

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        if fidelity == ZERO_COST:
            self.scores[arch] = max(proxy_value(self.info, record), self.scores.get(arch, -math.inf))
            return
        super().tell(arch, fidelity, record)
