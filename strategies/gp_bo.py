"""Bayesian optimization with a Gaussian process on the architecture encoding.

Snoek, Larochelle & Adams, "Practical Bayesian Optimization of Machine Learning
Algorithms", NeurIPS 2012: a GP with a Matern-5/2 kernel (plus a noise term), expected
improvement, here maximized over a pool of 50 mutations of the 10 best architectures and
50 random ones (the mutation-based acquisition search of BANANAS), after 10 random
initial architectures. scikit-learn's GaussianProcessRegressor fits the kernel's
hyperparameters by maximum likelihood.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

from nasbench.strategies.base import NON_NEGATIVE, Range, Strategy, positive_int
from nasbench.strategies.candidates import candidate_pool, top


class GaussianProcessBO(Strategy):
    """GP regression + expected improvement, one proposal per ask."""

    name = "gp-bo"
    paper = "Snoek, Larochelle & Adams, NeurIPS 2012"
    defaults: ClassVar[dict[str, Any]] = {
        "initial_samples": 10,
        "mutations": 50,
        "randoms": 50,
        "parents": 10,
        "xi": 0.01,
    }
    ranges: ClassVar[dict[str, Range]] = {
        "initial_samples": positive_int(1),
        "mutations": positive_int(0),
        "randoms": positive_int(0),
        "parents": positive_int(1),
        "xi": NON_NEGATIVE,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observed: dict[Hashable, float] = {}
        self.pending: list[Hashable] = []
        self.asked = 0

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        finite = {a: u for a, u in self.observed.items() if math.isfinite(u)}
        arch = None
        if self.asked > self.hp["initial_samples"] and len(finite) >= 2:
            arch = self._propose(finite)
        if arch is None:
            arch = self.space.sample(self.rng)
        self.pending.append(arch)
        return arch, None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.pending.remove(arch)
        self.observed[arch] = max(self.utility(record), self.observed.get(arch, -math.inf))

    def _pool(self, observed: dict[Hashable, float]) -> list[Hashable]:
        """Mutations of the best observed and random draws, none already observed or pending."""
        return candidate_pool(
            self.space,
            self.rng,
            top(observed, self.hp["parents"]),
            self.hp["mutations"],
            self.hp["randoms"],
            exclude=[*self.observed, *self.pending],
        )

    def _propose(self, observed: dict[Hashable, float]) -> Hashable | None:
        pool = self._pool(observed)
        if not pool:
            return None
        archs = list(observed)
        y = np.array([observed[a] for a in archs])
        kernel = ConstantKernel(1.0) * Matern(length_scale=1.0, nu=2.5) + WhiteKernel(1e-2)
        model = GaussianProcessRegressor(kernel, normalize_y=True, random_state=int(self.rng.integers(2**31)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(self.space.encode_many(archs), y)
        mean, std = model.predict(self.space.encode_many(pool), return_std=True)
        improvement = mean - y.max() - self.hp["xi"]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(std > 0, improvement / std, 0.0)
        expected = np.where(std > 0, improvement * norm.cdf(z) + std * norm.pdf(z), np.maximum(improvement, 0.0))
        return pool[int(np.argmax(expected))]
