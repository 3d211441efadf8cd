"""The Benchmark protocol and the public description a search strategy may see.

Owns the contract shared by table, surrogate and live benchmarks: `query`,
`query_many` and `BenchmarkInfo`. A strategy gets the `BenchmarkInfo` (the space,
fidelities, seeds, metrics, which metric it observes), never the table itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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


class Benchmark(Protocol):
    """Anything that scores architectures: a table, a surrogate, live training."""

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
        archs: Sequence[Any],
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The records of many architectures as a DataFrame, one row each, vectorized."""
        ...

    def fidelity_index(self, fidelity: int | None) -> int:
        """Position of `fidelity` among `info.fidelities` (None: the largest); an error lists them."""
        ...

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        """The seeds a run of `arch` at `fidelity` may draw (empty: one value, no seeds)."""
        ...
