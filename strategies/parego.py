"""ParEGO: random augmented-Tchebycheff scalarizations, each optimized by BANANAS.

Knowles, "ParEGO: A Hybrid Algorithm With On-Line Landscape Approximation for Expensive
Multiobjective Optimization Problems", IEEE TEC 10(1), 2006: before each evaluation, draw
a weight vector uniformly from the simplex lattice {l/s : l_j in 0..s, sum l_j = s} (s = 10
for 2 objectives, 4 for 3, 3 for 4), scale every objective to [0, 1] over the observations
so far (the paper's estimated limits), and model the augmented Tchebycheff scalar
s = max_j(w_j f_j) + rho * sum_j(w_j f_j) (rho = 0.05).

Options (not the reference): `weights="dirichlet"` draws weights uniformly from the
continuous simplex; `batch_size=10` keeps one weight vector per batch of 10 proposals.

Declared differences from the reference: Knowles fits a DACE GP to at most 11d+24 points
and maximizes EI with a GA from an 11d-1 Latin-hypercube design; here the model,
acquisition and initial design are BANANAS's (White, Neiswanger & Savani, AAAI 2021: MLP
ensemble, Thompson sampling, mutation candidates, 10 random architectures). An infeasible
observation scores worse than any feasible one (s > 1 + rho), more so the larger its
violation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies.bananas import Bananas
from nasbench.strategies.base import NON_NEGATIVE, Range, choice
from nasbench.strategies.selection import objective_vector

LATTICE_STEPS = {2: 10, 3: 4, 4: 3}  # Knowles 2006 (the C code's init_ParEGO): 11, 15 and 20 weight vectors


class ParEGO(Bananas):
    """BANANAS on a fresh random Tchebycheff scalarization of the objectives every evaluation."""

    name = "parego"
    paper = "Knowles, IEEE TEC 2006; model of White, Neiswanger & Savani, AAAI 2021"
    multi_objective = True
    defaults: ClassVar[dict[str, Any]] = {**Bananas.defaults, "rho": 0.05, "batch_size": 1, "weights": "lattice"}
    ranges: ClassVar[dict[str, Range]] = {
        **Bananas.ranges,
        "rho": NON_NEGATIVE,
        "weights": choice("lattice", "dirichlet"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vectors: dict[Hashable, np.ndarray] = {}
        self.violations: dict[Hashable, float] = {}
        k = len(self.problem.objectives)
        self.weights = np.full(k, 1.0 / max(k, 1))
        self.lattice = simplex_lattice(k, LATTICE_STEPS.get(k, 3))

    def ask(self) -> tuple[Hashable, int | None]:
        if not self.queue and self.asked >= self.hp["initial_samples"] and len(self.vectors) >= 2:
            if self.hp["weights"] == "lattice":
                self.weights = self.lattice[int(self.rng.integers(len(self.lattice)))]
            else:
                self.weights = self.rng.dirichlet(np.ones(len(self.weights)))
            self.observed = self._scalarized()
        return super().ask()

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.pending.remove(arch)
        self.vectors.setdefault(arch, objective_vector(self.problem, record))
        self.violations.setdefault(arch, self.violation(record))
        if self.problem.constraints:
            self.margins[arch] = [c.margin(record[c.metric]) for c in self.problem.constraints]
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


def simplex_lattice(k: int, s: int) -> np.ndarray:
    """Every weight vector l / s with non-negative integers l summing to s (stars and bars), one per row."""
    rows = []
    for bars in itertools.combinations(range(s + k - 1), k - 1):
        edges = (-1, *bars, s + k - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(k)])
    return np.array(rows, dtype=np.float64) / s
