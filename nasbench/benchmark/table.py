"""A Benchmark answered by looking up a table: microsecond queries, no training.

Owns the query semantics over `TableData`: fidelity and seed selection, the
mean over seeds, the record layout and the vectorized `query_many`. It never
advances a clock or charges a budget: a record only states the training cost
that a runner may charge.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from nasbench.benchmark.base import EXACT, WHOLE_TABLE, BenchmarkInfo, Candidates, MetricInfo, best_value
from nasbench.errors import InvalidArchitecture, UnknownName
from nasbench.files import sha256_file
from nasbench.spaces.base import EnumerableSpace, SearchSpace
from nasbench.tables.format import HARDWARE, MISSING, STATUS_NAMES, TableData
from nasbench.tables.integrity import known_sha256

try:  # pandas >= 3: the public low-level constructor, about 2 µs less per frame than DataFrame(...)
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - pandas 2
    _from_blocks = None
try:  # pandas' own blocks, as its constructors build them: ~2 µs a frame, where the public path takes ~17
    from pandas._libs.internals import BlockPlacement
    from pandas.core.internals.blocks import ExtensionBlock, NumpyBlock
    from pandas.core.internals.managers import BlockManager
except ImportError:  # pragma: no cover - another pandas layout: the public path
    BlockManager = None

ROW_CACHE = 1 << 17
RECORD_CACHE = 1 << 16  # default records kept for query()'s fast path (~0.3 kB each: at most ~20 MB)
SELECTION_CACHE = 1 << 22  # values kept in row-major copies of named metrics, over all selections: at most 32 MB
_INTEGERS = (int, np.integer)  # built once: `int | np.integer` in the hot path costs a union per call
_SEQUENCES = (list, tuple)  # the same, for `list | tuple`


class TableBenchmark:
    """Query one dataset of a tabular benchmark.

    Records hold every metric that has a value at the requested fidelity (and
    seed); `seed=None` gives the mean over the seeds that were run.
    """

    def __init__(self, table: TableData, space: SearchSpace[Any]) -> None:
        self.space = space
        self.table = table
        self._enumerable = isinstance(space, EnumerableSpace) and table.meta.get("row_order") == "space-index"
        self._matrices: dict[tuple[int, int | None], tuple[list[str], int, np.ndarray]] = {}
        # query_many's default metrics per (fidelity, seed): the frame's columns and their rows of `_matrix`
        self._defaults: dict[tuple[int, int | None], tuple[pd.Index, np.ndarray]] = {}
        self._seed_lists: dict[int, list[tuple[int, ...]]] = {}
        self._row_cache: dict[Any, int] = {}  # tables keyed by string: what callers passed -> row
        # query()'s fast path: fidelity as passed -> each row's default record, built on its first query
        self._records: dict[Any, list[dict[str, float] | None]] = {}
        self._n_records = 0  # records kept, over every fidelity: at most RECORD_CACHE
        # named metrics: (fidelity, seed, *metrics) as passed -> (names, their values as (row, metric),
        # the seeds run per row where a seed is asked); what a simulation asks on every evaluation
        self._selections: dict[tuple[Any, ...], tuple[tuple[str, ...], np.ndarray, list[tuple[int, ...]] | None]] = {}
        self._n_selected = 0  # values kept in `_selections`: at most SELECTION_CACHE
        self._space_index = space.index if self._enumerable else None  # type: ignore[attr-defined]
        self._space_indices = getattr(space, "indices", None) if self._enumerable else None

    def __repr__(self) -> str:
        ds, unit = self.table.dataset, self.table.meta.get("fidelity_unit", "")
        seeds = ", ".join(map(str, ds["seeds"])) or "none"
        return (
            f"<TableBenchmark {self._where()}: {self.table.n_archs:,} architectures, "
            f"fidelities {', '.join(map(str, ds['fidelities']))} {unit}, seeds {seeds}; {self.table.path}>"
        )

    @cached_property
    def info(self) -> BenchmarkInfo:
        """The public description of this benchmark and dataset."""
        meta, ds = self.table.meta, self.table.dataset
        metrics = {name: self._metric_info(name) for name in self.table.metrics}
        return BenchmarkInfo(
            name=meta["benchmark"],
            dataset=self.table.dataset_name,
            space=meta["space"],
            fidelities=tuple(ds["fidelities"]),
            fidelity_unit=meta["fidelity_unit"],
            seeds=tuple(ds["seeds"]),
            metrics=metrics,
            observe=ds["observe"],
            score=ds["score"],
            score_fallback=ds["score_fallback"],
            cost=ds["cost"],
            size=self.table.n_archs,
        )

    def _metric_info(self, name: str) -> MetricInfo:
        metric = self.table.metrics[name]
        present = (metric.mean_status != MISSING).any(axis=0)
        fidelities = tuple(f for f, ok in zip(self.table.dataset["fidelities"], present, strict=True) if ok)
        return MetricInfo(name, metric.unit, metric.direction, metric.description, metric.kind, fidelities)

    @cached_property
    def data_sha256(self) -> str:
        """SHA-256 of the table file this benchmark reads (the one its damage check computed, where it did)."""
        return known_sha256(self.table.path) or sha256_file(self.table.path)

    def fidelity_index(self, fidelity: int | None) -> int:
        """Position of `fidelity` on the table's fidelity axis (None: the largest)."""
        fidelities = self.table.dataset["fidelities"]
        if fidelity is None:
            return len(fidelities) - 1
        try:
            return fidelities.index(fidelity)
        except ValueError:
            raise UnknownName(
                f"fidelity {fidelity!r} not in {self._where()}; available: "
                f"{', '.join(map(str, fidelities))} ({self.table.meta['fidelity_unit']})"
            ) from None

    def seed_index(self, seed: int | None) -> int | None:
        """Position of `seed` on the seed axis (None: the mean over seeds)."""
        if seed is None:
            return None
        seeds = self.table.dataset["seeds"]
        if not seeds:
            raise UnknownName(f"{self._where()} publishes one value per architecture, no seeds; use seed=None")
        try:
            return seeds.index(seed)
        except ValueError:
            raise UnknownName(
                f"seed {seed!r} not in {self._where()}; available: "
                f"{', '.join(map(str, seeds))}, or None for the mean over seeds"
            ) from None

    def _where(self) -> str:
        return f"{self.table.meta['benchmark']}/{self.table.dataset_name}"

    def _matrix(self, f: int, s: int | None) -> tuple[list[str], int, np.ndarray]:
        """Every metric with values at (fidelity f, seed s): one row per metric.

        Returns the metric names, how many of them form the default record (all
        but per-device hardware metrics, which come last) and the array. Stored
        metric-major so that a slice of architectures becomes a DataFrame without
        a second copy.
        """
        key = (f, s)
        if key not in self._matrices:
            present = []
            for name, metric in self.table.metrics.items():
                status = metric.mean_status[:, f] if s is None else metric.status[:, s, f]
                if (status != MISSING).any():
                    present.append(name)
            if self.table.dataset["observe"] not in present:
                raise UnknownName(self._no_values_message(f, s))
            columns = sorted(present, key=lambda n: self.table.metrics[n].kind == HARDWARE)
            n_default = sum(self.table.metrics[n].kind != HARDWARE for n in columns)
            arrays = [
                self.table.metrics[n].mean[:, f] if s is None else self.table.metrics[n].values[:, s, f]
                for n in columns
            ]
            self._matrices[key] = (columns, n_default, np.ascontiguousarray(np.stack(arrays)))
        return self._matrices[key]

    def _no_values_message(self, f: int, s: int | None) -> str:
        fidelity = self.table.dataset["fidelities"][f]
        seeded = [
            fid
            for i, fid in enumerate(self.table.dataset["fidelities"])
            if (self.table.metrics[self.table.dataset["observe"]].status[:, :, i] != MISSING).any()
        ]
        return (
            f"{self._where()} has no per-seed values at fidelity {fidelity} (the source publishes "
            f"only the mean over seeds there); use seed=None, or a fidelity with seeds: "
            f"{', '.join(map(str, seeded)) or 'none'}"
        )

    def row(self, arch: Any) -> int:
        """The table row of one architecture (object, standard string or index)."""
        index = _is_index(arch)
        if self._enumerable:
            if index:
                return self.space.check_index(arch)  # type: ignore[attr-defined]
            return self.space.index(arch)  # type: ignore[attr-defined]
        row = self._row_cache.get(arch)
        if row is None:
            if index and hasattr(self.space, "arch"):  # a partial table of a numbered space: the space's index
                arch = self.space.arch(arch)
            row = self._row_of_string(self.space.to_str(self.space.validate(arch)))
            if len(self._row_cache) < ROW_CACHE:
                self._row_cache[arch] = row
        return row

    def rows(self, archs: Sequence[Any] | np.ndarray) -> np.ndarray:
        """The table rows of many architectures, vectorized where the space allows."""
        indices = self._space_indices
        if indices is not None and isinstance(archs, _SEQUENCES) and archs and not isinstance(archs[0], _INTEGERS):
            return indices(archs)  # cells or strings: where the checks below would send them, ~0.3 µs sooner
        if isinstance(archs, np.ndarray) and archs.dtype.kind in "iu":
            if archs.size and (archs.min() < 0 or archs.max() >= self.table.n_archs):
                raise InvalidArchitecture(f"expected indices in 0..{self.table.n_archs - 1}")
            return archs.astype(np.int64, copy=False)
        indices = getattr(self.space, "indices", None)
        if isinstance(archs, list | tuple) and archs and all(map(_is_index, archs)):  # indices, as `query` reads them
            if self._enumerable:
                return np.fromiter((self.space.check_index(a) for a in archs), dtype=np.int64)  # type: ignore[attr-defined]
        elif indices is not None and self._enumerable:
            return indices(archs)
        return np.fromiter((self.row(a) for a in archs), dtype=np.int64)

    @cached_property
    def _string_rows(self) -> dict[str, int]:
        return {text: i for i, text in enumerate(self.table.archs())}

    def _row_of_string(self, text: str) -> int:
        lookup = self._string_rows
        if text not in lookup:
            raise InvalidArchitecture(f"architecture {text} is not in the table {self._where()}")
        return lookup[text]

    def query(
        self,
        arch: Any,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> dict[str, float]:
        """One record: metric -> value at `fidelity` for `seed` (None: mean over seeds).

        By default every metric but the per-device hardware ones; `metrics` names
        exactly which to return (any metric the table has at that fidelity).
        """
        if metrics is None and seed is None:
            try:
                records = self._records[fidelity]
            except (KeyError, TypeError):  # first query at this fidelity, or one to refuse below
                pass
            else:  # the hot path: validated fidelity, mean over seeds, default metrics
                index = self._space_index
                row = index(arch) if index is not None and not isinstance(arch, _INTEGERS) else self.row(arch)
                record = records[row]
                if record is None:
                    return self._default_record(fidelity, row)
                return record.copy()  # the caller's own dict: the kept one stays as read
        elif metrics is not None:
            try:
                names, by_row, seeds = self._selections[(fidelity, seed, *metrics)]
            except (KeyError, TypeError):  # first query of these metrics here, or one to refuse below
                pass
            else:  # a simulation's path: validated fidelity, seed and metrics
                index = self._space_index
                row = index(arch) if index is not None and not isinstance(arch, _INTEGERS) else self.row(arch)
                if seeds is None or seed in seeds[row]:  # else a seed never run: refused below
                    return dict(zip(names, by_row[row].tolist(), strict=False))  # equal lengths by construction
        return self._query(arch, fidelity, seed, metrics)

    def _query(
        self, arch: Any, fidelity: int | None, seed: int | None, metrics: Sequence[str] | None
    ) -> dict[str, float]:
        """`query`'s general path: validates everything, then keeps what its fast paths read."""
        f, s = self.fidelity_index(fidelity), self.seed_index(seed)
        columns, n_default, matrix = self._matrix(f, s)
        row = self.row(arch)
        if s is not None:
            self._check_measured(row, f, s)
        if metrics is None:
            if s is None:
                self._records.setdefault(fidelity, [None] * self.table.n_archs)
                return self._default_record(fidelity, row)
            return dict(zip(columns[:n_default], matrix[:n_default, row].tolist(), strict=False))
        positions = self._positions(metrics, columns, f)
        if self._n_selected + len(positions) * self.table.n_archs <= SELECTION_CACHE:
            seeds = None if s is None else self._seeds_by_row(f)
            by_row = np.ascontiguousarray(matrix[positions].T)
            self._selections[(fidelity, seed, *metrics)] = (tuple(metrics), by_row, seeds)
            self._n_selected += by_row.size
        return dict(zip(metrics, matrix[positions, row].tolist(), strict=False))

    def _default_record(self, fidelity: int | None, row: int) -> dict[str, float]:
        """The default record of `row` (mean over seeds), kept for the fast path while RECORD_CACHE allows."""
        columns, n_default, matrix = self._matrix(self.fidelity_index(fidelity), None)
        record = dict(zip(columns[:n_default], matrix[:n_default, row].tolist(), strict=True))
        if self._n_records < RECORD_CACHE:
            self._records[fidelity][row] = record
            self._n_records += 1
            return record.copy()
        return record

    def _check_measured(self, row: int, f: int, s: int) -> None:
        status = self.table.metrics[self.table.dataset["observe"]].status[row, :, f]
        if status[s] == MISSING:
            seeds = [seed for seed, st in zip(self.table.dataset["seeds"], status, strict=True) if st != MISSING]
            raise UnknownName(
                f"architecture {row} of {self._where()} has no seed "
                f"{self.table.dataset['seeds'][s]} at fidelity {self.table.dataset['fidelities'][f]}; "
                f"seeds run: {', '.join(map(str, seeds))}"
            )

    def _positions(self, metrics: Sequence[str], columns: list[str], f: int) -> list[int]:
        """Where each named metric sits in the matrix; an error lists those that exist."""
        positions = []
        for name in metrics:
            if name not in columns:
                raise UnknownName(self._missing_metric_message(name, f))
            positions.append(columns.index(name))
        return positions

    def _missing_metric_message(self, name: str, f: int) -> str:
        fidelity = self.table.dataset["fidelities"][f]
        if name in self.info.metrics:
            where = ", ".join(map(str, self.info.metrics[name].fidelities))
            return f"metric {name!r} of {self._where()} has values at fidelity {where}, not at {fidelity}"
        return f"unknown metric {name!r} in {self._where()}; available: {', '.join(self.info.metrics)}"

    def query_many(
        self,
        archs: Sequence[Any] | np.ndarray,
        fidelity: int | None = None,
        seed: int | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Records of many architectures, one row each (indexed by table row).

        Columns as in `query`, then `arch`: each architecture's standard string (categorical over the
        table's architectures; `.astype(str)` for plain text). An integer array selects table rows (the
        space's indices wherever the table follows them); a list of integers reads each as `query` does,
        as the space's index. Values a seed never measured are NaN;
        `status` tells missing from failed.
        """
        f, s = self.fidelity_index(fidelity), self.seed_index(seed)
        # One copy into a (metrics, n) array: the frame's one float block, as it is.
        if metrics is None:
            names, values = self._defaults.get((f, s)) or self._default_values(f, s)
            rows = self.rows(archs)
            block = values.take(rows, axis=1)
        else:
            columns, _, matrix = self._matrix(f, s)
            rows = self.rows(archs)
            block = matrix[np.asarray(self._positions(metrics, columns, f))[:, None], rows[None, :]]
            names = pd.Index([*metrics, "arch"])
        # The strings as a categorical over the table's: built from the row numbers alone (~30 µs for
        # 1,000 rows, where str objects cost ~0.4 ms); `arch` comes last, so positional reads stay as they were.
        return _frame(block, rows, self._arch_empty, names)

    def _default_values(self, f: int, s: int | None) -> tuple[pd.Index, np.ndarray]:
        """`query_many`'s columns without `metrics` (~50 µs to build the Index) and their values, kept."""
        columns, n_default, matrix = self._matrix(f, s)
        entry = self._defaults[(f, s)] = (pd.Index([*columns[:n_default], "arch"]), matrix[:n_default])
        return entry

    @cached_property
    def _arch_dtype(self) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(pd.Index(self.table.archs(), dtype="string"))

    @cached_property
    def _arch_empty(self) -> pd.Categorical:
        """No architecture, as `query_many`'s categorical: its dtype and the integer type of its codes."""
        return pd.Categorical.from_codes(np.empty(0, dtype=np.int64), dtype=self._arch_dtype, validate=False)

    def to_xarray(self, metrics: Sequence[str] | None = None) -> Any:
        """The table as an `xarray.DataArray`: architecture x seed (then "mean") x fidelity x metric.

        Needs the optional xarray (`pip install 'nasbench[xarray]'`); see `nasbench.benchmark.arrays`.
        """
        from nasbench.benchmark.arrays import table_array

        return table_array(self, metrics)

    def seeds_run(self, arch: Any, fidelity: int | None = None) -> tuple[int, ...]:
        """The seeds with a value of the observed metric for `arch` at `fidelity` (empty: means only)."""
        f = self.fidelity_index(fidelity)
        return self._seeds_by_row(f)[self.row(arch)]

    def _seeds_by_row(self, f: int) -> list[tuple[int, ...]]:
        if f not in self._seed_lists:
            status = self.table.metrics[self.table.dataset["observe"]].status[:, :, f]
            seeds = self.table.dataset["seeds"]
            masks = ((status != MISSING) * (1 << np.arange(len(seeds)))).sum(axis=1).tolist()
            patterns = {m: tuple(s for i, s in enumerate(seeds) if m >> i & 1) for m in set(masks)}
            self._seed_lists[f] = [patterns[m] for m in masks]
        return self._seed_lists[f]

    def status(
        self, archs: Sequence[Any] | np.ndarray, metric: str, fidelity: int | None = None, seed: int | None = None
    ) -> list[str]:
        """Why each value is what it is: measured, missing, failed or estimated."""
        if metric not in self.table.metrics:
            raise UnknownName(f"unknown metric {metric!r}; available: {', '.join(self.table.metrics)}")
        f, s = self.fidelity_index(fidelity), self.seed_index(seed)
        m = self.table.metrics[metric]
        codes = (m.mean_status[:, f] if s is None else m.status[:, s, f])[self.rows(archs)]
        return [STATUS_NAMES[int(c)] for c in codes]

    @cached_property
    def _candidates(self) -> Candidates:
        return Candidates(np.arange(self.info.size), self.info.size, EXACT, WHOLE_TABLE)

    def candidates(self) -> Candidates:
        """Every row: a table's front and optimum are the true ones."""
        return self._candidates

    def optimum(self, metric: str, where: np.ndarray | None = None) -> float:
        """Best full-fidelity seed-mean value of `metric` over the rows (`where`: a mask over them)."""
        return best_value(self, metric, where)


def _frame(block: np.ndarray, rows: np.ndarray, empty: pd.Categorical, columns: pd.Index) -> pd.DataFrame:
    """Floats from `block` (metrics, n) then `arch`, indexed by `rows` (named "row").

    `arch` is the categorical of `empty`'s dtype whose codes are `rows` (checked table rows). Where the
    frame is built from blocks, it is `empty`'s with other codes, of the integer type `from_codes` picks
    for these categories (~0.5-0.9 µs less than `from_codes`; a test compares the frames' pickles).
    """
    if _FAST_FRAME:
        arch = empty._from_backing_data(rows.astype(empty._ndarray.dtype))  # type: ignore[attr-defined]
        return _blocks_frame(block, arch, rows, columns)
    arch = pd.Categorical.from_codes(rows, dtype=empty.dtype, validate=False)
    return _public_frame(block, arch, pd.Index(rows, name="row", copy=False), columns)


def _blocks_frame(block: np.ndarray, arch: pd.Categorical, rows: np.ndarray, columns: pd.Index) -> pd.DataFrame:
    """The frame `_public_frame` builds, from its two blocks directly: nothing is checked or inferred.

    `block` is a fresh (metrics, n) float64 array, `arch` a categorical of n values, `rows` int64:
    exactly the blocks, axes and dtypes the public constructor makes of them (a test compares them).
    """
    n = len(block)
    placements = _PLACEMENTS.get(n)
    if placements is None:  # immutable, and shared between blocks as pandas' own copies share them
        placements = _PLACEMENTS[n] = (BlockPlacement(slice(0, n)), BlockPlacement(slice(n, n + 1)))
    index = pd.Index._simple_new(rows, name="row")  # type: ignore[attr-defined]
    blocks = [
        NumpyBlock(block, placements[0], 2),  # (values, placement, ndim): by position, ~0.1 µs less each
        ExtensionBlock(arch, placements[1], 2),
    ]
    axes = [columns, index]
    return pd.DataFrame._from_mgr(BlockManager(blocks, axes, verify_integrity=False), axes)  # type: ignore[attr-defined]


def _public_frame(block: np.ndarray, arch: pd.Categorical, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    """Floats from `block` (metrics, n) then the `arch` column, without the constructor's per-column checks."""
    n = len(block)
    if _from_blocks is None:
        frame = pd.DataFrame(dict(enumerate([*block, arch])), index=index, copy=False)
        frame.columns = columns  # keys by position: a metric named twice stays twice
        return frame
    return _from_blocks([(block, np.arange(n)), (arch, np.array([n]))], index=index, columns=columns)


_FAST_FRAME = (
    BlockManager is not None
    and hasattr(pd.DataFrame, "_from_mgr")
    and hasattr(pd.Index, "_simple_new")
    and hasattr(pd.Categorical, "_from_backing_data")
)
_PLACEMENTS: dict[int, tuple[Any, Any]] = {}  # by number of metric columns: the two blocks' column positions


def _is_index(arch: object) -> bool:
    """Whether `arch` is an integer index (a bool is not)."""
    return isinstance(arch, _INTEGERS) and not isinstance(arch, bool)
