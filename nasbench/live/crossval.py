"""`CrossValidated`: K `LiveBenchmark`s, one per fold, answering as one (the mean over folds).

Owns k-fold cross-validation for a live search (`nasbench search --cv K`): a query trains the
architecture on each fold's training part and scores it on that fold's validation part; the
record holds each metric's mean over the folds, the observed metric's spread
(`<observe>_std`, the standard deviation over folds, ddof 0) and, as the cost, the sum of the folds'
training seconds. Each fold keeps its own cache table (`cache-fold<i>.h5`). It implements what the
real-time runner needs (`cached`, `missing`, `train`, `add_run`, `flush`, `worker_init`); training
orders carry their fold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from nasbench.benchmark.base import BenchmarkInfo, Candidates
from nasbench.live.benchmark import LiveBenchmark, TrainOrder, query_by_training


class CrossValidated:
    """The folds' benchmarks as one Benchmark (see the module docstring)."""

    score_held_out: bool = True  # as `LiveBenchmark.score_held_out`

    def __init__(self, folds: Sequence[LiveBenchmark]) -> None:
        self.folds = list(folds)
        self.space = self.folds[0].space
        self.space_name = self.folds[0].space_name
        self.device = self.folds[0].device
        self.model_options = self.folds[0].model_options

    @property
    def info(self) -> BenchmarkInfo:
        return self.folds[0].info

    @cached_property
    def data_sha256(self) -> str:
        """SHA-256 over the folds' data fingerprints."""
        return hashlib.sha256("".join(f.data_sha256 for f in self.folds).encode()).hexdigest()

    @property
    def runs(self) -> dict[str, Any]:
        """The architectures every fold has trained (their first fold's runs)."""
        return {a: r for a, r in self.folds[0].runs.items() if all(a in f.runs for f in self.folds[1:])}

    def fidelity_index(self, fidelity: int | None) -> int:
        return self.folds[0].fidelity_index(fidelity)

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        return self.folds[0].seeds_run(arch, fidelity)

    def candidates(self) -> Candidates:
        return self.folds[0].candidates()

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        return self.folds[0].optimum(metric, where)

    def cached(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float] | None:
        """The mean record over the folds (cost: their sum), the observed metric's spread; None if a fold lacks it."""
        records = [fold.cached(arch, fidelity, seed, metrics) for fold in self.folds]
        if any(r is None for r in records):
            return None
        frame = pd.DataFrame(records)
        record = {name: float(frame[name].mean()) for name in frame.columns}
        cost = self.info.cost
        if cost in record:
            record[cost] = float(frame[cost].sum())
        observe = self.info.observe
        if observe in record:
            record[f"{observe}_std"] = float(frame[observe].std(ddof=0))
        return record

    def missing(self, arch: Any, fidelity: int | None = None, seed: int | None = None) -> list[tuple[int, TrainOrder]]:
        return [(i, order) for i, fold in enumerate(self.folds) for order in fold.missing(arch, fidelity, seed)]

    def train(self, order: tuple[int, TrainOrder]) -> Any:
        return self.folds[order[0]].train(order[1])

    def add_run(
        self, order: tuple[int, TrainOrder], outcome: Any, wait: bool = True, charged: float | None = None
    ) -> None:
        self.folds[order[0]].add_run(order[1], outcome, wait, charged)

    def recorded_seconds(self, arch: Any, seed: int | None, start: int, end: int) -> float:
        """The folds' recorded seconds, summed (they train one after another in one worker)."""
        return sum(fold.recorded_seconds(arch, seed, start, end) for fold in self.folds)

    def unpaid_seconds(self, order: tuple[int, TrainOrder], reached: int) -> float:
        return self.folds[order[0]].unpaid_seconds(order[1], reached)

    def flush(self) -> None:
        for fold in self.folds:
            fold.flush()

    def worker_init(self) -> None:
        self.folds[0].worker_init()

    def query(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float]:
        """`cached`, training on every fold what is missing."""
        return query_by_training(self, arch, fidelity, seed, metrics)

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        return pd.DataFrame([self.query(a, fidelity, seed, metrics) for a in archs])
