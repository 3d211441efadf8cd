"""BANANAS: Bayesian optimization with an ensemble of neural predictors.

White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural Architectures
for Neural Architecture Search", AAAI 2021. Defaults follow the paper: 10 initial random
architectures; an ensemble of 5 feed-forward networks (width 20, Adam, learning rate
0.01) on the architecture encoding; 100 candidates made by mutating the 10 best
architectures; independent Thompson sampling (or UCB); the top 10 are evaluated per
round. The space's own encoding is used (the paper's path encoding is NAS-Bench-101/201
specific).

Under constraints (constrained BO in the manner of Gardner et al., ICML 2014), a second
ensemble predicts each constrained metric's margin (how far inside its bound); a
candidate counts only if its sampled (or, for UCB, mean) margins are all non-negative,
feasible candidates rank by the acquisition and the rest after them by predicted
violation. Parents of the candidates are the best feasible architectures first.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from nasbench.errors import NasbenchError
from nasbench.strategies.base import Strategy
from nasbench.strategies.candidates import candidate_pool, top


class Bananas(Strategy):
    """Neural ensemble predictor + Thompson sampling, in batches of proposals."""

    name = "bananas"
    paper = "White, Neiswanger & Savani, AAAI 2021"
    defaults: ClassVar[dict[str, Any]] = {
        "initial_samples": 10,
        "ensemble_size": 5,
        "hidden_layers": 3,
        "width": 20,
        "epochs": 200,
        "learning_rate": 0.01,
        "candidates": 100,
        "parents": 10,
        "batch_size": 10,
        "acquisition": "its",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.hp["acquisition"] not in ("its", "ucb"):
            raise NasbenchError(f"acquisition must be 'its' or 'ucb', got {self.hp['acquisition']!r}")
        self.observed: dict[Hashable, float] = {}
        self.margins: dict[Hashable, list[float]] = {}
        self.pending: list[Hashable] = []
        self.queue: list[Hashable] = []
        self.asked = 0

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        finite = {a: u for a, u in self.observed.items() if math.isfinite(u)}
        if self.asked <= self.hp["initial_samples"] or len(finite) < 2:
            arch = self.space.sample(self.rng)
        else:
            if not self.queue:
                self.queue = self._propose(finite)
            arch = self.queue.pop(0) if self.queue else self.space.sample(self.rng)
        self.pending.append(arch)
        return arch, None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.pending.remove(arch)
        self.observed[arch] = max(self.utility(record), self.observed.get(arch, -math.inf))
        if self.problem.constraints:
            self.margins[arch] = [_margin(c.op, c.bound, record[c.metric]) for c in self.problem.constraints]

    def _propose(self, observed: dict[Hashable, float]) -> list[Hashable]:
        pool = candidate_pool(
            self.space,
            self.rng,
            top(self._parent_scores(observed), self.hp["parents"]),
            self.hp["candidates"],
            0,
            exclude=[*self.observed, *self.pending],
        )
        if not pool:
            return []
        means, stds = self._predict(observed, pool)
        its = self.hp["acquisition"] == "its"
        scores = self.rng.normal(means, stds) if its else means + stds
        if self.problem.constraints:
            order = self._feasible_first(pool, scores, its)[: self.hp["batch_size"]]
        else:
            order = np.argsort(-scores, kind="stable")[: self.hp["batch_size"]]
        return [pool[int(i)] for i in order]

    def _parent_scores(self, observed: dict[Hashable, float]) -> dict[Hashable, float]:
        """Utilities for choosing parents: infeasible architectures after every feasible one."""
        if not self.problem.constraints:
            return observed
        return {a: u if min(self.margins[a]) >= 0 else -math.inf for a, u in observed.items()}

    def _feasible_first(self, pool: list[Hashable], scores: np.ndarray, its: bool) -> np.ndarray:
        """Candidate order: predicted feasible by acquisition, then the rest by predicted violation."""
        known = {a: m for a, m in self.margins.items() if all(math.isfinite(v) for v in m)}
        if len(known) < 2:
            return np.argsort(-scores, kind="stable")
        means, stds = self._predict(known, pool)
        margins = self.rng.normal(means, stds) if its else means
        margins = margins.reshape(len(pool), -1)
        feasible = (margins >= 0).all(axis=1)
        value = np.where(feasible, scores, np.minimum(margins, 0).sum(axis=1))
        return np.lexsort((-value, ~feasible))

    def _predict(self, observed: dict[Hashable, Any], pool: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        """Ensemble mean and std at `pool` of the observed values (one or several per architecture)."""
        archs = list(observed)
        x = self.space.encode_many(archs)
        y = np.array([observed[a] for a in archs])
        if y.ndim == 2 and y.shape[1] == 1:  # one constraint: a plain target
            y = y[:, 0]
        center, scale = y.mean(axis=0), np.where(y.std(axis=0) > 0, y.std(axis=0), 1.0)
        candidates = self.space.encode_many(pool)
        predictions = []
        for _ in range(self.hp["ensemble_size"]):
            model = MLPRegressor(
                hidden_layer_sizes=(self.hp["width"],) * self.hp["hidden_layers"],
                learning_rate_init=self.hp["learning_rate"],
                max_iter=self.hp["epochs"],
                random_state=int(self.rng.integers(2**31)),
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x, (y - center) / scale)
            predictions.append(model.predict(candidates))
        stacked = np.array(predictions) * scale + center
        return stacked.mean(axis=0), stacked.std(axis=0)


def _margin(op: str, bound: float, value: float) -> float:
    """How far `value` lies inside the bound (negative outside; NaN for a failed evaluation)."""
    return bound - value if op in ("<=", "<") else value - bound
