"""A benchmark whose cells can also be scored at initialisation: fidelity 0 answers a zero-cost
proxy, at a declared per-cell cost; every other fidelity is the wrapped benchmark's.

Owns the wrapper only (`nasbench.load(name, estimator="zero-cost:<proxy>")` opens one over
`data/<name>-proxies.h5`). A strategy sees proxies the one way it sees anything: its `info` lists
fidelity 0 (unit: "a zero-cost proxy at initialisation") and the proxy metric, and a
fidelity-0 evaluation, run and timed by the runner like any other, reports the proxy's value as
the observed metric and the declared seconds as its cost. It never opens a file for a strategy
and never computes a proxy (the proxy table holds them). Where the proxy table covers only part
of the space, the search space is those cells (a `TabulatedSpace`), and so are the candidates
an optimum is taken over.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nasbench.benchmark.base import Benchmark, BenchmarkInfo, Candidates, MetricInfo, best_value
from nasbench.errors import NasbenchError, UnknownName
from nasbench.spaces.tabulated import TabulatedSpace
from nasbench.tables.format import TableData

ZERO_COST = 0  # the fidelity of a score at initialisation


class ZeroCostBenchmark:
    """`bench` plus fidelity 0: the value of `proxy` from `proxies` (a proxy table), costing `seconds` per cell."""

    def __init__(self, bench: Benchmark, proxies: TableData, proxy: str, seconds: float | None = None) -> None:
        names = [n for n, m in proxies.metrics.items() if m.direction == "maximize" and m.kind == "performance"]
        if proxy not in names:
            raise UnknownName(f"expected a proxy of {proxies.path.name} among {', '.join(names)}, got {proxy!r}")
        if proxies.meta.get("space") != bench.info.space:
            raise NasbenchError(f"expected a proxy table of {bench.info.space}, got one of {proxies.meta.get('space')}")
        if ZERO_COST in bench.info.fidelities:
            raise NasbenchError(f"expected a benchmark without a fidelity 0, got {bench.info.name}")
        self.bench, self.proxy, self.table_path = bench, proxy, proxies.path
        self.archs = proxies.archs()
        self.values = dict(zip(self.archs, proxies.metrics[proxy].values[:, 0, 0].tolist(), strict=True))
        cost = proxies.metrics.get(f"seconds:{proxy}")
        self.seconds = float(np.median(cost.values)) if seconds is None and cost is not None else float(seconds or 0.0)
        partial = len(self.archs) < bench.info.size
        self.space = TabulatedSpace(bench.space, self.archs) if partial else bench.space
        self._rows = np.asarray(bench_rows(bench, self.archs)) if partial else None
        self._candidates: Candidates | None = None

    @property
    def info(self) -> BenchmarkInfo:
        inner = self.bench.info
        unit = f"{inner.fidelity_unit} (0: {self.proxy} at initialisation, {self.seconds:.3g} s per cell)"
        metric = MetricInfo(self.proxy, "score", "maximize", f"zero-cost proxy {self.proxy}", "performance", (0,))
        return dataclasses.replace(
            inner,
            name=f"{inner.name}+{self.proxy}",
            fidelities=(ZERO_COST, *inner.fidelities),
            fidelity_unit=unit,
            metrics={**inner.metrics, self.proxy: metric},
            size=len(self.archs),
        )

    @property
    def data_sha256(self) -> str:
        return self.bench.data_sha256

    def fidelity_index(self, fidelity: int | None) -> int:
        return 0 if fidelity == ZERO_COST else 1 + self.bench.fidelity_index(fidelity)

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        return () if fidelity == ZERO_COST else self.bench.seeds_run(arch, fidelity)

    def _zero_cost(self, arch: Any) -> dict[str, float]:
        value = self.values[self.space.to_str(self.space.validate(arch))]
        info = self.bench.info
        return {info.observe: value, self.proxy: value, info.cost: self.seconds}

    def query(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float]:
        if fidelity != ZERO_COST:
            return self.bench.query(arch, fidelity, seed, metrics)
        record = self._zero_cost(arch)
        return {m: record.get(m, float("nan")) for m in (metrics or record)}

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        if fidelity != ZERO_COST:
            return self.bench.query_many(archs, fidelity, seed, metrics)
        if isinstance(archs, np.ndarray) and archs.dtype.kind in "iu":  # table rows, as TableBenchmark reads them
            strings = self.bench.table.archs()  # type: ignore[attr-defined]
            archs = [strings[int(r)] for r in archs]
        return pd.DataFrame([self.query(a, fidelity, seed, metrics) for a in archs], columns=metrics)

    def candidates(self) -> Candidates:
        if self._rows is None:
            return self.bench.candidates()
        if self._candidates is None:
            text = f"the {len(self.archs):,} cells of {self.bench.info.name} the proxy table covers"
            self._candidates = Candidates(self._rows, len(self._rows), "exact", text)
        return self._candidates

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        return best_value(self, metric, where)

    def __hash__(self) -> int:
        return id(self)


def bench_rows(bench: Benchmark, archs: list[str]) -> list[int]:
    """The rows of `bench` holding `archs` (standard strings)."""
    rows = getattr(bench, "rows", None)
    if rows is None:
        raise NasbenchError(f"expected a table benchmark under a partial proxy table, got {bench.info.name}")
    return [int(r) for r in rows(archs)]
