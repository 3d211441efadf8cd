"""BANANAS with a zero-cost proxy as an extra predictor feature.

White, Neiswanger & Savani, "BANANAS", AAAI 2021 (`bananas`, whose hyperparameters and
defaults it takes), with the proxy of every architecture the predictor sees appended to its
encoding, as NAS-Bench-Suite-Zero (Krishnakumar et al., NeurIPS 2022 Datasets and Benchmarks,
§5, "zero-cost proxies as features of performance predictors") and Abdelfattah et al. (ICLR
2021, §5, proxies inside predictor-based search). Each architecture's proxy is an evaluation at
fidelity 0 of a `ZeroCostBenchmark`, charged by its declared per-cell cost: those of the
initial random architectures, and those of each round's candidates before the ensemble ranks
them. The feature is the proxy's rank among every proxy value known at fit time, in [0, 1]
(the MLP needs a bounded input; synflow spans dozens of orders of magnitude); an unknown one
counts 0. On a benchmark without a fidelity 0 there is no proxy to ask for, and it is `bananas`
exactly.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import numpy as np

from nasbench.strategies.bananas import Bananas
from nasbench.strategies.zero_cost import ZERO_COST, has_zero_cost, proxy_value


class BananasZC(Bananas):
    """`bananas` whose predictor also sees each architecture's zero-cost proxy."""

    name = "bananas-zc"
    paper = "White et al., AAAI 2021, with zero-cost features (Krishnakumar et al., NeurIPS 2022)"
    multi_fidelity = True  # it asks for fidelity 0: an evaluations budget would count a proxy as a training
    asked: int
    queue: list[Hashable]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zero_cost = has_zero_cost(self.info)
        self.scores: dict[Hashable, float] = {}
        self.to_score: list[Hashable] = []  # proxies to ask for, first in first out
        self.scoring: set[Hashable] = set()
        self.pool: list[Hashable] | None = None

    def ask(self) -> tuple[Hashable, int | None]:
        if not self.zero_cost:
            return super().ask()
        if self.to_score:
            arch = self.to_score.pop(0)
            self.scoring.add(arch)
            return arch, ZERO_COST
        finite = {a: u for a, u in self.observed.items() if math.isfinite(u)}
        if self.asked < self.hp["initial_samples"] or len(finite) < 2:
            return self._full(self._random())
        if not self.queue:
            if self.pool is None:
                self.pool = self._candidates(finite)
                self._need(list(self.pool))
                if self.to_score:
                    return self.ask()
            if any(a not in self.scores for a in self.pool):  # proxies still running (several workers)
                return self._full(self._random())
            self.queue, self.pool = self._rank(self.pool, finite), None
        return self._full(self.queue.pop(0) if self.queue else self._random())

    def _full(self, arch: Hashable) -> tuple[Hashable, int | None]:
        self.asked += 1
        self.pending.append(arch)
        self._need([arch])
        return arch, None

    def _need(self, archs: list[Hashable]) -> None:
        for arch in archs:
            if arch not in self.scores and arch not in self.scoring and arch not in self.to_score:
                self.to_score.append(arch)

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        if fidelity == ZERO_COST:
            self.scoring.discard(arch)
            self.scores[arch] = max(proxy_value(self.info, record), self.scores.get(arch, -math.inf))
            return
        super().tell(arch, fidelity, record)

    def _encode(self, archs: list[Hashable]) -> np.ndarray:
        known = np.sort(np.array(list(self.scores.values()), dtype=np.float64))
        values = np.array([self.scores.get(a, -math.inf) for a in archs], dtype=np.float64)
        rank = np.searchsorted(known, values, side="right") / max(len(known), 1)
        return np.column_stack([super()._encode(archs), rank]) if self.zero_cost else super()._encode(archs)
