"""Multi-objective random search: architectures drawn uniformly; the runner keeps the attained front.

The baseline of multi-objective NAS comparisons (e.g. Izquierdo et al., "Bag of Baselines
for Multi-objective Joint Neural Architecture Search and Hyperparameter Optimization",
ICML AutoML workshop 2021); the sampling is that of Bergstra & Bengio, JMLR 2012.
"""

from __future__ import annotations

from collections.abc import Hashable

from nasbench.strategies.base import Strategy


class MORandomSearch(Strategy):
    """Sample uniformly from the space; learn nothing. Needs two or three objectives."""

    name = "mo-rs"
    paper = "Bergstra & Bengio, JMLR 2012 (as the multi-objective baseline)"
    multi_objective = True

    def ask(self) -> tuple[Hashable, int | None]:
        return self.space.sample(self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        return None
