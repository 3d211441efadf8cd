"""Regularized evolution with a learned prior: sampling and mutation from the source tasks' top architectures.

A search distribution learned on earlier tasks (Perrone et al., "Learning search spaces for
Bayesian optimization: Another view of hyperparameter transfer learning", NeurIPS 2019; in NAS,
the operation priors of Wong et al., "Transfer Learning with Neural AutoML", NeurIPS 2018): the
frequency of each choice of each decision among every source task's `prior_top` best
architectures (sources weighted equally, plus one pseudo-count per choice) is the distribution
the initial population is drawn from, and a mutation changes one uniformly chosen decision to
another choice drawn in proportion to it. Otherwise regularized evolution (Real et al., AAAI
2019), whose plain form `re` is the non-transfer twin.

Declared differences from `re`: the mutated decision is uniform on every space (`re` uses
NAS-Bench-201's node-then-edge rule there) and its new choice follows the prior.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark.meta import MetaInfo
from nasbench.strategies.base import POSITIVE, Range, positive_int
from nasbench.strategies.regularized_evolution import RegularizedEvolution
from nasbench.strategies.transfer import decision_prior, mutate_prior, sample_prior


class PriorEvolution(RegularizedEvolution):
    """`re` drawing and mutating from a prior over decisions learned on the source tasks."""

    name = "re-prior"
    paper = "Perrone et al., NeurIPS 2019 (learned search distribution); Real et al., AAAI 2019 (evolution)"
    meta_learning = True
    twin = "re"  # the same search without transfer
    defaults: ClassVar[dict[str, Any]] = {**RegularizedEvolution.defaults, "prior_top": 20, "pseudo_count": 1.0}
    ranges: ClassVar[dict[str, Range]] = {
        **RegularizedEvolution.ranges,
        "prior_top": positive_int(1),
        "pseudo_count": POSITIVE,
    }

    def __init__(self, *args: Any, meta: MetaInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        self._prior: np.ndarray | None = None

    @property
    def prior(self) -> np.ndarray | None:
        if self._prior is None and self.meta is not None:
            self._prior = decision_prior(self.space, self.meta, self.hp["prior_top"], self.hp["pseudo_count"])
        return self._prior

    def ask(self) -> tuple[Hashable, int | None]:
        prior = self.prior
        if prior is None:
            return super().ask()
        self.asked += 1
        if self.asked <= self.hp["population_size"] or not self.population:
            return sample_prior(self.space, prior, self.rng), None
        return mutate_prior(self.space, self.select_parent(), prior, self.rng), None
