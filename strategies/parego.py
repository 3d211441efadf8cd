"""ParEGO: random augmented-Tchebycheff scalarizations, each optimized by BANANAS.

Knowles, "ParEGO: A Hybrid Algorithm With On-Line Landscape Approximation for Expensive
Multiobjective Optimization Problems", IEEE TEC 10(1), 2006: before each round, draw a
weight vector uniformly from the simplex, scale every objective to [0, 1] over the
observations so far, and model the scalar s = max_j(w_j f_j) + rho * sum_j(w_j f_j)
(rho = 0.05). Knowles fits a GP; here the model and acquisition are BANANAS's (White,
Neiswanger & Savani, AAAI 2021: MLP ensemble, Thompson sampling, mutation candidates), one
weight vector per batch of proposals. An infeasible observation scores worse than any
feasible one (s > 1 + rho), more so the larger its violation.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies.bananas import Bananas, _margin
from nasbench.strategies.selection import objective_vector


class ParEGO(Bananas):
    """BANANAS on a fresh random Tchebycheff scalarization of the objectives every batch."""

    name = "parego"
    paper = "Knowles, IEEE TEC 2006; model of White, Neiswanger & Savani, AAAI 2021"
    multi_objective = True
    defaults: ClassVar[dict[str, Any]] = {**Bananas.defaults, "rho": 0.05}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vectors: dict[Hashable, np.ndarray] = {}
        self.violations: dict[Hashable, float] = {}
        self.weights = np.full(len(self.problem.objectives), 1.0 / max(len(self.problem.objectives), 1))

    def ask(self) -> tuple[Hashable, int | None]:
        if not self.queue and self.asked >= self.hp["initial_samples"] and len(self.vectors) >= 2:
            self.weights = self.rng.dirichlet(np.ones(len(self.weights)))
            self.observed = self._scalarized()
        return super().ask()

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.pending.remove(arch)
        self.vectors.setdefault(arch, objective_vector(self.problem, record))
        self.violations.setdefault(arch, self.violation(record))
        if self.problem.constraints:
            self.margins[arch] = [_margin(c.op, c.bound, record[c.metric]) for c in self.problem.constraints]
        self.observed = self._scalarized()

    def _scalarized(self) -> dict[Hashable, float]:
        """Utility (higher is better) of every observed architecture under the current weights."""
        archs = list(self.vectors)
        vectors = np.array([self.vectors[a] for a in archs])
        finite = np.isfinite(vectors).all(axis=1)
        low = vectors[finite].min(axis=0) if finite.any() else np.zeros(vectors.shape[1])
        high = vectors[finite].max(axis=0) if finite.any() else np.ones(vectors.shape[1])
        scaled = (vectors - low) / np.where(high > low, high - low, 1.0)
        weighted = scaled * self.weights
        s = weighted.max(axis=1) + self.hp["rho"] * weighted.sum(axis=1)
        result = {}
        for arch, value in zip(archs, s.tolist(), strict=True):
            violation = self.violations[arch]
            if violation > 0:
                value = 1.0 + self.hp["rho"] + 1.0 + math.log1p(violation)
            result[arch] = -value if math.isfinite(value) else -math.inf
        return result
