"""A Benchmark answered by a surrogate model: any architecture of the space, not only tabulated ones.

Owns the query semantics over a `Surrogate`, mirroring `TableBenchmark`: one fidelity
(the one the surrogate was fitted at), `seed=None` for the ensemble mean and an
integer seed for a noisy draw, records of the predicted metrics (by default all but
the per-device hardware ones). Strategies, the runner and reports use it unchanged.
It never advances a clock or charges a budget.

Its `candidates` (what a true front or an optimum is computed over): every architecture
of a space small enough to enumerate (`exact`), else the architectures of the table it
was fitted on, the trained networks (`reference`; see `nasbench.problem.front`). Which
file that table is, is the registry's to say (`table=`); this module resolves no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nasbench.benchmark.base import EXACT, REFERENCE, BenchmarkInfo, Candidates, MetricInfo, best_value
from nasbench.errors import InvalidArchitecture, TableFileError, UnknownName
from nasbench.files import sha256_file
from nasbench.spaces.base import EnumerableSpace, SearchSpace
from nasbench.surrogate.model import Surrogate, load_surrogate
from nasbench.tables.format import HARDWARE, read_table

RECORD_CACHE = 1 << 16
ENUMERATE_UP_TO = 100_000


class SurrogateBenchmark:
    """Query a fitted surrogate like a table."""

    def __init__(
        self,
        surrogate: Surrogate,
        path: Path | None = None,
        table: str | Path | None = None,
        space: SearchSpace | None = None,
    ) -> None:
        self.surrogate = surrogate
        self.space = space or surrogate.space  # a narrower space: search only among, e.g., a table's rows
        self.path = path
        self.table = Path(table) if table is not None else None  # the table file it was fitted on
        self._records: dict[tuple[Any, int | None], dict[str, float]] = {}
        self._all: dict[int | None, dict[str, np.ndarray]] = {}

    @classmethod
    def open(cls, path: str | Path, table: str | Path | None = None) -> SurrogateBenchmark:
        """The benchmark of the surrogate file at `path` (`table`: the table file it was fitted on)."""
        return cls(load_surrogate(path), Path(path), table)

    @cached_property
    def info(self) -> BenchmarkInfo:
        """The public description: the surrogate's one fidelity and its predicted metrics."""
        meta = self.surrogate.meta
        fidelity = (meta["fidelity"],)
        metrics = {
            name: MetricInfo(name, m["unit"], m["direction"], m["description"], m["kind"], fidelity)
            for name, m in meta["metrics"].items()
        }
        return BenchmarkInfo(
            name=meta["benchmark"],
            dataset=meta["dataset"],
            space=meta["space"],
            fidelities=fidelity,
            fidelity_unit=meta["fidelity_unit"],
            seeds=tuple(meta["seeds"]),
            metrics=metrics,
            observe=meta["observe"],
            score=meta.get("score", meta["observe"]),  # the table's scored metric where it is predicted too
            score_fallback=None,
            cost=meta["cost"],
            size=int(getattr(self.space, "size", 0)),
        )

    @cached_property
    def default_metrics(self) -> list[str]:
        """What a record holds when no metrics are named: all but the per-device hardware metrics, as a table."""
        return [name for name, m in self.info.metrics.items() if m.kind != HARDWARE]

    @cached_property
    def data_sha256(self) -> str:
        """SHA-256 of the surrogate file (of its training table, for one never saved)."""
        return sha256_file(self.path) if self.path else self.surrogate.meta["training_data_sha256"]

    def fidelity_index(self, fidelity: int | None) -> int:
        """0 for the surrogate's fidelity (or None); an error names the one there is."""
        fitted = self.surrogate.meta["fidelity"]
        if fidelity is not None and fidelity != fitted:
            raise UnknownName(
                f"the {self.info.name}/{self.info.dataset} surrogate predicts fidelity {fitted} "
                f"({self.info.fidelity_unit}) only, not {fidelity}"
            )
        return 0

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        """The table's seeds: a surrogate draws a run for any of them (none where it has no noise model)."""
        self.fidelity_index(fidelity)
        noisy = any(n["kind"] != "none" for n in self.surrogate.meta["noise"].values())
        return self.info.seeds if noisy else ()

    def _predict(self, archs: Sequence[Any], seed: int | None, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        return self.surrogate.predict(archs, metrics) if seed is None else self.surrogate.draw(archs, seed, metrics)

    def _enumerated(self, seed: int | None) -> dict[str, np.ndarray] | None:
        """Every architecture's record for `seed`, predicted in one batch, where the space is small enough.

        A batch of 15,625 costs about as much as 100 single predictions, and the same values result.
        """
        if not isinstance(self.space, EnumerableSpace) or self.space.size > ENUMERATE_UP_TO:
            return None
        if seed not in self._all:
            self._all[seed] = self._predict(list(self.space.all()), seed, self.surrogate.metrics)
        return self._all[seed]

    def query(
        self, arch: Any, fidelity: int | None = None, seed: int | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, float]:
        """One record: the default metrics (or those named) at the surrogate's fidelity.

        Outside an enumerated space only the metrics asked for are predicted: each is one or more boosters.
        """
        self.fidelity_index(fidelity)
        names = self._names(metrics)
        arch = self.space.validate(arch)
        key = (arch, seed)
        record = self._records.get(key)
        if record is None:
            record = {}
            if len(self._records) < RECORD_CACHE:
                self._records[key] = record
        missing = [m for m in names if m not in record]
        if missing:
            every = self._enumerated(seed)
            if every is not None:
                i = self.space.index(arch)  # type: ignore[attr-defined]
                record.update({m: float(v[i]) for m, v in every.items()})
            else:
                record.update({m: float(v[0]) for m, v in self._predict([arch], seed, missing).items()})
        return {m: record[m] for m in names}

    def _names(self, metrics: Sequence[str] | None) -> list[str]:
        """The default metrics, or the named ones; an error lists what the surrogate predicts."""
        if metrics is None:
            return self.default_metrics
        for name in metrics:
            if name not in self.info.metrics:
                raise UnknownName(
                    f"the {self.info.name}/{self.info.dataset} surrogate does not predict {name!r}; "
                    f"it predicts: {', '.join(self.info.metrics)}"
                )
        return list(metrics)

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Records of many architectures, one row each, predicted in one batch.

        An integer array stands for space indices (as a table's rows), where the space is small enough to enumerate.
        The last column, `arch`, holds each architecture's standard string.
        """
        self.fidelity_index(fidelity)
        names = self._names(metrics)
        every = self._enumerated(seed)
        if isinstance(archs, np.ndarray) and archs.dtype.kind in "iu":
            rows = self._indices(archs, every is not None)
            values = {m: v[rows] for m, v in (every or {}).items()}
            valid = [self.space.arch(int(i)) for i in rows]  # type: ignore[attr-defined]
        elif every is not None:
            valid = [self.space.validate(a) for a in archs]
            at = self.space.indices(valid) if hasattr(self.space, "indices") else [self.space.index(a) for a in valid]  # type: ignore[attr-defined]
            values = {m: v[at] for m, v in every.items()}
        else:
            valid = [self.space.validate(a) for a in archs]
            values = self._predict(valid, seed, names)
        frame = pd.DataFrame({m: np.asarray(values[m], dtype=np.float64) for m in names})
        frame["arch"] = [self.space.to_str(a) for a in valid]  # as a table's `query_many`
        return frame

    def _indices(self, rows: np.ndarray, enumerated: bool) -> np.ndarray:
        if not enumerated:
            raise InvalidArchitecture(
                f"expected architectures, got space indices: the {self.space.name} space is too large to enumerate"
            )
        size = self.space.size  # type: ignore[attr-defined]
        if rows.size and not (rows.min() >= 0 and rows.max() < size):
            raise InvalidArchitecture(
                f"expected indices in 0..{size - 1} for {self.space.name}, got {rows.min()}..{rows.max()}"
            )
        return rows

    @cached_property
    def _candidates(self) -> Candidates:
        if isinstance(self.space, EnumerableSpace) and self.space.size <= ENUMERATE_UP_TO:
            size = self.space.size
            return Candidates(np.arange(size), size, EXACT, f"surrogate predictions over all {size:,} architectures")
        name, dataset = self.surrogate.meta["benchmark"], self.surrogate.meta["dataset"]
        if self.table is None:
            raise TableFileError(
                f"expected the table file {name}/{dataset}'s surrogate was fitted on "
                "(SurrogateBenchmark(..., table=PATH), as `nasbench.load` passes it), got none"
            )
        archs = [self.space.from_str(text) for text in read_table(self.table, dataset).archs()]
        text = f"surrogate predictions over the {len(archs):,} trained networks of {name}/{dataset}"
        return Candidates(archs, len(archs), REFERENCE, text)

    def candidates(self) -> Candidates:
        """Every architecture of an enumerable space; else the trained networks of the table it was fitted on."""
        return self._candidates

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        """Best predicted (seed-mean) value of `metric` over the candidates (`where`: a mask over them)."""
        return best_value(self, metric, where)
