"""Regularized evolution warm-started from the source tasks' best architectures.

The meta-learned initial design of Feurer, Springenberg & Hutter, "Initializing Bayesian
Hyperparameter Optimization via Meta-Learning", AAAI 2015: instead of random draws, the first
evaluations are the best configurations found on earlier tasks. Here the initial population of
regularized evolution (Real et al., AAAI 2019; `re`, its non-transfer twin) is the source tasks'
best architectures, round robin (each source's best, then each one's second best, ...,
distinct), topped up with random draws if the sources hold too few. Everything after the
initial population is `re` unchanged.

Declared differences from the reference: Feurer et al. pick the t nearest earlier datasets by
meta-features and take each one's best configuration; here every source task counts equally
(NAS benchmarks publish no dataset meta-features) and `per_source` of each one's best may enter.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.benchmark.meta import MetaInfo
from nasbench.strategies.base import Range
from nasbench.strategies.regularized_evolution import RegularizedEvolution
from nasbench.strategies.transfer import parsed


class WarmStartedEvolution(RegularizedEvolution):
    """`re` whose initial population is the source tasks' best architectures."""

    name = "re-warm"
    paper = "Feurer, Springenberg & Hutter, AAAI 2015 (initial design); Real et al., AAAI 2019 (evolution)"
    meta_learning = True
    twin = "re"  # the same search without transfer
    defaults: ClassVar[dict[str, Any]] = dict(RegularizedEvolution.defaults)
    ranges: ClassVar[dict[str, Range]] = dict(RegularizedEvolution.ranges)

    def __init__(self, *args: Any, meta: MetaInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        self.initial: list[Hashable] | None = None

    def ask(self) -> tuple[Hashable, int | None]:
        if self.asked < self.hp["population_size"] and self.meta is not None:
            if self.initial is None:
                size = self.hp["population_size"]
                per_source = -(-size // len(self.meta.sources))  # ceiling: enough for one population
                self.initial = parsed(self.space, self.meta.best_first(per_source))[:size]
            if self.asked < len(self.initial):
                self.asked += 1
                return self.initial[self.asked - 1], None
        return super().ask()
