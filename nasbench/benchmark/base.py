"""The Benchmark protocol and the public description a search strategy may see.

Owns the contract shared by table, surrogate and live benchmarks: `query`,
`query_many`, `candidates` (the architectures a true front or an optimum is computed
over), `optimum`, and `BenchmarkInfo`. A strategy gets the `BenchmarkInfo` (the space,
fidelities, seeds, metrics, which metric it observes), never the table itself. It knows
no file, no registry and no problem (objectives, constraints): those sit above it.

Sign convention (one for the whole package): `MetricInfo.maximize` says whether larger
is better. Code that needs a number multiplies by `utility_sign` (+1 maximize, -1
minimize: larger utility is better) or by `loss_sign` (+1 minimize, -1 maximize: smaller
loss is better, the Pareto code's minimization form); nothing compares `direction` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from nasbench.spaces.base import SearchSpace


@dataclass(frozen=True)
class MetricInfo:
    """What one metric means: unit, direction (maximize/minimize) and kind."""

    name: str
    unit: str
    direction: str
    description: str
    kind: str
    fidelities: tuple[int, ...]

    @property
    def maximize(self) -> bool:
        """True when larger values are better."""
        return self.direction == "maximize"


@dataclass(frozen=True)
class BenchmarkInfo:
    """The public description of one benchmark on one dataset."""

    name: str
    dataset: str
    space: str
    fidelities: tuple[int, ...]
    fidelity_unit: str
    seeds: tuple[int, ...]
    metrics: dict[str, MetricInfo]
    observe: str
    score: str
    score_fallback: str | None
    cost: str
    size: int

    @property
    def max_fidelity(self) -> int:
        """The full-training fidelity."""
        return self.fidelities[-1]

    def score_metric(self, fidelity: int) -> str:
        """The metric a result is scored on at `fidelity` (the fallback where score is absent)."""
        if fidelity in self.metrics[self.score].fidelities or self.score_fallback is None:
            return self.score
        return self.score_fallback


# NASLib-style metric names -> the names of the tables here, the first one a benchmark has
METRIC_ALIASES = {
    "valacc": ("valid_acc", "val_top1"),
    "valaccuracy": ("valid_acc", "val_top1"),
    "validaccuracy": ("valid_acc", "val_top1"),
    "testaccuracy": ("test_acc",),
    "trainaccuracy": ("train_acc",),
    "valloss": ("valid_loss",),
    "traintime": ("train_seconds",),
    "trainingtime": ("train_seconds",),
    "parameters": ("params",),
    "numparams": ("params",),
}


def metric_alias(metrics: Sequence[str] | dict[str, Any], name: str) -> str | None:
    """The metric among `metrics` a NASLib-style `name` means (`val_acc` -> valid_acc), else None.

    Matched ignoring case, '-', '_' and spaces; only where the target exists (no guessing).
    """
    key = "".join(c for c in name.lower() if c not in "-_ ")
    return next((m for m in METRIC_ALIASES.get(key, ()) if m in metrics), None)


def utility_sign(maximize: bool) -> float:
    """+1 for a metric to maximize, -1 for one to minimize: `sign * value` is larger when better."""
    return 1.0 if maximize else -1.0


def loss_sign(maximize: bool) -> float:
    """+1 for a metric to minimize, -1 for one to maximize: `sign * value` is smaller when better."""
    return -utility_sign(maximize)


EXACT, REFERENCE = "exact", "reference"
WHOLE_TABLE = "the whole table"


@dataclass(frozen=True)
class Candidates:
    """The architectures a true front or an optimum is computed over: what `query_many` takes, and in words."""

    select: np.ndarray | list[Any]  # row or space indices, or a list of architectures
    size: int
    kind: str  # EXACT: every architecture there is; REFERENCE: the best known ones (a search may go beyond)
    description: str  # e.g. "surrogate predictions over the 5,125 trained networks of accel/imagenet"


class Benchmark(Protocol):
    """Anything that scores architectures: a table, a surrogate, live training.

    Hashable by identity: what is computed from one (a true front) is remembered per object.
    """

    space: SearchSpace[Any]

    @property
    def info(self) -> BenchmarkInfo:
        """The public description a strategy may see."""
        ...

    @property
    def data_sha256(self) -> str:
        """SHA-256 of the file the answers come from (table or surrogate)."""
        ...

    def query(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float]:
        """One record: metric name -> value, including the cost of reaching `fidelity`."""
        ...

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The records of many architectures as a DataFrame, one row each, vectorized (an integer array: rows).

        The metric columns, then `arch`: each architecture's standard string.
        """
        ...

    def fidelity_index(self, fidelity: int | None) -> int:
        """Position of `fidelity` among `info.fidelities` (None: the largest); an error lists them."""
        ...

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        """The seeds a run of `arch` at `fidelity` may draw (empty: one value, no seeds)."""
        ...

    def __hash__(self) -> int: ...

    def candidates(self) -> Candidates:
        """The architectures a true front or an optimum is computed over (the same object on every call)."""
        ...

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        """Best full-fidelity seed-mean value of `metric` over the candidates (`where`: a mask over them)."""
        ...


def best_value(bench: Benchmark, metric: str, where: np.ndarray | None = None) -> float:
    """`Benchmark.optimum` from `candidates` and `query_many`: the shared implementation (NaN: failed, skipped)."""
    found = bench.candidates()
    values = bench.query_many(found.select, bench.info.max_fidelity, metrics=[metric])[metric].to_numpy()
    if where is not None:
        values = values[where]
    maximize = bench.info.metrics[metric].maximize
    return float(np.nanmax(values)) if maximize else float(np.nanmin(values))
