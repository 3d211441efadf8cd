"""BOHB: Hyperband whose new configurations come from a tree-Parzen density model.

Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
Scale", ICML 2018. Defaults are the paper's: eta 3, 15% of observations are "good",
a model needs d + 1 points (d decisions) at a fidelity and is built on the highest
fidelity that has enough, 64 samples per proposal from the good density widened by a
bandwidth factor of 3, and a third of configurations drawn at random. The decisions are
categorical, so both densities are products of Aitchison-Aitken kernels, as in the
paper's statsmodels-based implementation; bandwidths follow the normal reference rule,
clipped to [min_bandwidth, 1].
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.strategies.brackets import BracketStrategy


class BOHB(BracketStrategy):
    """Hyperband + kernel density model on the space's decisions (`space.decisions()`)."""

    name = "bohb"
    paper = "Falkner, Klein & Hutter, ICML 2018"
    defaults: ClassVar[dict[str, Any]] = {
        "eta": 3,
        "top_n_percent": 15,
        "num_samples": 64,
        "random_fraction": 1 / 3,
        "bandwidth_factor": 3,
        "min_bandwidth": 1e-3,
        "min_points_in_model": None,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes = np.array(self.space.decisions())
        self.data: dict[int, list[tuple[list[int], float]]] = {}

    def observe(self, arch: Hashable, fidelity: int, utility: float) -> None:
        if math.isfinite(utility):
            self.data.setdefault(fidelity, []).append((self.space.to_decisions(arch), utility))

    def sample(self, fidelity: int) -> Hashable:
        minimum = self.hp["min_points_in_model"] or len(self.sizes) + 1
        usable = [f for f in sorted(self.data, reverse=True) if len(self.data[f]) >= minimum + 2]
        if not usable or self.rng.random() < self.hp["random_fraction"]:
            return self.space.sample(self.rng)
        points = sorted(self.data[usable[0]], key=lambda item: -item[1])
        n = len(points)
        n_good = max(minimum, self.hp["top_n_percent"] * n // 100)
        n_bad = max(minimum, (100 - self.hp["top_n_percent"]) * n // 100)
        good = np.array([p for p, _ in points[:n_good]])
        bad = np.array([p for p, _ in points[-n_bad:]])
        for choices in self._ranked_samples(good, bad):
            try:
                return self.space.from_decisions(choices.tolist())
            except InvalidArchitecture:
                continue  # a combination outside the space: take the next best sample
        return self.space.sample(self.rng)

    def _bandwidths(self, data: np.ndarray) -> np.ndarray:
        n, d = data.shape
        rule = 1.06 * data.std(axis=0) * n ** (-1.0 / (4 + d))
        return np.clip(rule, self.hp["min_bandwidth"], 1.0)

    def _density(self, data: np.ndarray, bandwidths: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Aitchison-Aitken product-kernel density of each row of x under `data`."""
        lam = np.minimum(bandwidths, (self.sizes - 1) / self.sizes)
        same = x[:, None, :] == data[None, :, :]
        kernel = np.where(same, 1.0 - lam, lam / np.maximum(self.sizes - 1, 1))
        return np.prod(kernel, axis=2).mean(axis=1)

    def _ranked_samples(self, good: np.ndarray, bad: np.ndarray) -> np.ndarray:
        """`num_samples` draws from the widened good density, best good/bad ratio first."""
        bw_good, bw_bad = self._bandwidths(good), self._bandwidths(bad)
        count, d = self.hp["num_samples"], len(self.sizes)
        centers = good[self.rng.integers(len(good), size=count)]
        widened = np.clip(bw_good * self.hp["bandwidth_factor"], 0.0, 1.0)
        keep = self.rng.random((count, d)) < 1.0 - widened
        others = self.rng.integers(0, self.sizes, size=(count, d))
        samples = np.where(keep, centers, others)
        ratio = self._density(good, bw_good, samples) / np.maximum(self._density(bad, bw_bad, samples), 1e-32)
        return samples[np.argsort(-ratio, kind="stable")]
