"""The HDF5 table format (version 1): its writer and its reader.

Owns the on-disk layout documented in `data/README.md` and nothing else: it
neither knows a search space's rules nor answers queries (that is
`TableBenchmark`'s job). Reading a table is free: it never touches a budget.

Layout::

    /                       attrs: format, format_version, meta (JSON)[, meta_sha256]
    /archs                  (A,) UTF-8: the standard string of each row
    /common/<metric>/...    metrics shared by every dataset
    /datasets/<name>        attrs: meta (JSON: fidelities, seeds, observe, score, ...)
    /datasets/<name>/<metric>/values, status[, mean, mean_status]   attrs: meta (JSON)

Written with checksums (the default), every array is one Fletcher-32-checked chunk and
`meta_sha256` covers the metadata and row strings; `integrity` refuses damaged files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from nasbench.errors import NasbenchError, TableFileError, UnknownName
from nasbench.files import atomic_path
from nasbench.tables import integrity

FORMAT = "nasbench-table"
FORMAT_VERSION = 1
AXES = ("arch", "seed", "fidelity")
MEASURED, MISSING, FAILED, ESTIMATED = 0, 1, 2, 3
KINDS = ("performance", "cost", "hardware")
HARDWARE = "hardware"
STATUS_NAMES = {MEASURED: "measured", MISSING: "missing", FAILED: "failed", ESTIMATED: "estimated"}
# Uncompressed: measured 18 ms to load a dataset against 69 ms with gzip (BENCHMARKS.md); the
# committed file is 17 MB instead of 9 MB, and git packs it. With checksums, each array is one
# chunk carrying a Fletcher-32 checksum (HDF5 filters need chunks; one chunk reads like contiguous).
_STORAGE: dict[str, object] = {}


@dataclass
class Metric:
    """One quantity of a table: its description and its arrays.

    `values` has the axes named in `axes` (a prefix-ordered subset of
    arch, seed, fidelity; `arch` always first). `status` tells measured, missing,
    failed and estimated values apart (a NaN alone never does). `mean` is the
    mean over seeds, where the array has a seed axis.
    """

    name: str
    unit: str
    direction: str
    description: str
    axes: tuple[str, ...]
    values: np.ndarray
    status: np.ndarray | None = None
    mean: np.ndarray | None = None
    mean_status: np.ndarray | None = None
    kind: str = "performance"

    def info(self) -> dict[str, Any]:
        """The metric's JSON-able description."""
        return {
            "unit": self.unit,
            "direction": self.direction,
            "description": self.description,
            "axes": list(self.axes),
            "kind": self.kind,
        }


@dataclass
class StoredMetric(Metric):
    """A metric as written and read back: every array present."""

    status: np.ndarray
    mean: np.ndarray
    mean_status: np.ndarray


@dataclass
class Dataset:
    """One dataset of a benchmark: its axes' labels, its roles and its metrics."""

    name: str
    fidelities: list[int]
    seeds: list[int]
    observe: str
    score: str
    cost: str
    metrics: list[Metric]
    score_fallback: str | None = None
    notes: str = ""
    meta_extra: dict[str, Any] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """The dataset's JSON-able description."""
        return {
            "fidelities": self.fidelities,
            "seeds": self.seeds,
            "observe": self.observe,
            "score": self.score,
            "score_fallback": self.score_fallback,
            "cost": self.cost,
            "notes": self.notes,
            **self.meta_extra,
        }


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def complete(metric: Metric) -> StoredMetric:
    """Fill in default status (NaN -> missing) and the mean over seeds."""
    values = np.asarray(metric.values, dtype=np.float64)
    if metric.axes[0] != "arch" or list(metric.axes) != [a for a in AXES if a in metric.axes]:
        raise TableFileError(f"metric {metric.name}: expected axes ordered like {AXES}, got {metric.axes}")
    if values.ndim != len(metric.axes):
        raise TableFileError(
            f"metric {metric.name}: expected {len(metric.axes)}-d values for axes {metric.axes}, got {values.ndim}-d"
        )
    status = metric.status
    if status is None:
        status = np.where(np.isnan(values), MISSING, MEASURED).astype(np.uint8)
    if status.shape != values.shape:
        raise TableFileError(f"metric {metric.name}: expected status of shape {values.shape}, got {status.shape}")
    mean, mean_status = metric.mean, metric.mean_status
    if "seed" not in metric.axes:
        mean, mean_status = values, status  # nothing to average; not written twice
    elif mean is None:
        mean, mean_status = seed_mean(values, status)
    elif mean_status is None:
        mean_status = np.where(np.isnan(mean), MISSING, MEASURED).astype(np.uint8)
    return StoredMetric(
        metric.name,
        metric.unit,
        metric.direction,
        metric.description,
        tuple(metric.axes),
        values,
        np.asarray(status, dtype=np.uint8),
        mean,
        mean_status,
        metric.kind,
    )


def seed_mean(values: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over the seed axis (axis 1) of usable values; its status."""
    usable = (status == MEASURED) | (status == ESTIMATED)
    counts = usable.sum(axis=1)
    total = np.where(usable, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
    mean_status = np.full(mean.shape, MEASURED, dtype=np.uint8)
    mean_status[(counts > 0) & (status == ESTIMATED).any(axis=1)] = ESTIMATED
    mean_status[counts == 0] = MISSING
    mean_status[(counts == 0) & (status == FAILED).any(axis=1)] = FAILED
    return mean, mean_status


def write_table(
    path: str | os.PathLike[str],
    meta: dict[str, Any],
    archs: Sequence[str],
    datasets: Sequence[Dataset],
    common: Sequence[Metric] = (),
    checksums: bool = True,
) -> None:
    """Write a complete table atomically (a temporary file, then a rename).

    With `checksums` (the default) every array carries HDF5's Fletcher-32 and the file the SHA-256
    of its metadata and row strings, so that a reader refuses a damaged copy. The converters of the
    shipped tables pass False: `data/SHA256SUMS` pins those files' bytes, which surrogates and
    results folders record.
    """
    with atomic_path(path) as tmp, h5py.File(tmp, "w", track_order=True) as h5:
        h5.attrs["format"] = FORMAT
        h5.attrs["format_version"] = FORMAT_VERSION
        h5.attrs["meta"] = _dumps(meta)
        h5.create_dataset("archs", data=np.array(list(archs), dtype=h5py.string_dtype()), **_STORAGE)
        _write_metrics(h5.create_group("common", track_order=True), common, len(archs), None, checksums)
        group = h5.create_group("datasets", track_order=True)
        for dataset in datasets:
            sub = group.create_group(dataset.name, track_order=True)
            sub.attrs["meta"] = _dumps(dataset.meta())
            _write_metrics(sub, dataset.metrics, len(archs), dataset, checksums)
        if checksums:
            h5.attrs[integrity.META_DIGEST] = integrity.metadata_digest(h5)


def _storage(array: np.ndarray, checksums: bool) -> dict[str, object]:
    """How one array is stored: one checksummed chunk, or as `_STORAGE` says (an empty array has no chunk)."""
    if not checksums or array.size == 0:
        return _STORAGE
    return {**_STORAGE, "chunks": array.shape, "fletcher32": True}


def _write_metrics(
    group: h5py.Group, metrics: Sequence[Metric], n_archs: int, dataset: Dataset | None, checksums: bool
) -> None:
    for raw in metrics:
        metric = complete(raw)
        expected = {"arch": n_archs}
        if dataset is not None:
            expected |= {"seed": len(dataset.seeds), "fidelity": len(dataset.fidelities)}
        shape = tuple(expected.get(axis, -1) for axis in metric.axes)
        if metric.values.shape != shape:
            raise TableFileError(f"metric {metric.name}: expected shape {shape}, got {metric.values.shape}")
        if metric.kind not in KINDS:
            raise TableFileError(f"metric {metric.name}: expected a kind among {KINDS}, got {metric.kind!r}")
        sub = group.create_group(metric.name, track_order=True)
        sub.attrs["meta"] = _dumps(metric.info())
        keys = ("values", "status", "mean", "mean_status") if "seed" in metric.axes else ("values", "status")
        for key in keys:
            data = _compact(getattr(metric, key))
            sub.create_dataset(key, data=data, track_times=False, **_storage(data, checksums))


def _compact(array: np.ndarray) -> np.ndarray:
    """float32 where that loses nothing (many published results are float32), else as given."""
    if array.dtype == np.float64:
        with np.errstate(over="ignore"):  # a value beyond float32's range simply stays float64
            single = array.astype(np.float32)
        if np.array_equal(single.astype(np.float64), array, equal_nan=True):
            return single
    return array


@dataclass
class TableData:
    """One dataset of a table, read whole into memory."""

    path: Path
    meta: dict[str, Any]
    dataset: dict[str, Any]
    dataset_name: str
    n_archs: int
    metrics: dict[str, StoredMetric]
    _archs: list[str] | None = None

    def archs(self) -> list[str]:
        """The standard string of each row (read on first use)."""
        if self._archs is None:
            with _open(self.path) as h5:
                self._archs = [s.decode() for s in h5["archs"][()]]
        return self._archs


def _open(path: Path) -> h5py.File:
    if not path.exists():
        raise TableFileError(f"table file not found: {path}")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise TableFileError(f"cannot read table file {path}: truncated or not HDF5 ({err})") from None


def read_header(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The table's metadata (with `rows`, its number of architectures) and each dataset's, without reading arrays."""
    path = Path(path)
    with _open(path) as h5:
        try:
            _check_format(path, h5)
            integrity.check(path, h5)
            datasets = {name: json.loads(g.attrs["meta"]) for name, g in h5["datasets"].items()}
            for name in datasets:
                datasets[name]["metrics"] = _metric_infos(h5["datasets"][name]) | _metric_infos(h5["common"])
            return {**json.loads(h5.attrs["meta"]), "rows": int(h5["archs"].shape[0])}, datasets
        except (KeyError, OSError, ValueError) as err:
            raise _damaged(path, err) from None


def _damaged(path: Path, err: Exception) -> NasbenchError:
    """The error to raise for `err` met while reading `path`: the project's own as it is, else 'damaged'."""
    if isinstance(err, NasbenchError):
        return err
    if isinstance(err, OSError) and "filter returned failure" in str(err):  # Fletcher-32 mismatch
        return TableFileError(f"table file {path} is damaged: an array fails its Fletcher-32 checksum")
    return TableFileError(f"table file {path} is damaged: {' '.join(str(err).split())}")


def _metric_infos(group: h5py.Group) -> dict[str, dict[str, Any]]:
    return {name: json.loads(g.attrs["meta"]) for name, g in group.items()}


def _check_format(path: Path, h5: h5py.File) -> None:
    if h5.attrs.get("format") != FORMAT:
        raise TableFileError(f"{path} is not a nasbench table (expected format '{FORMAT}')")
    version = int(h5.attrs.get("format_version", -1))
    if version != FORMAT_VERSION:
        raise TableFileError(f"{path} has table format version {version}; this nasbench reads version {FORMAT_VERSION}")


def read_table(path: str | os.PathLike[str], dataset: str) -> TableData:
    """Read one dataset of a table whole into memory (measured faster than lazy reads)."""
    path = Path(path)
    with _open(path) as h5:
        try:
            _check_format(path, h5)
            integrity.check(path, h5)
            names = list(h5["datasets"])
            if dataset not in names:
                raise UnknownName(f"unknown dataset {dataset!r} for {path.stem}; available: {', '.join(names)}")
            group = h5["datasets"][dataset]
            meta = json.loads(group.attrs["meta"])
            shape = (h5["archs"].shape[0], len(meta["seeds"]), len(meta["fidelities"]))
            metrics = _read_metrics(group, shape) | _read_metrics(h5["common"], shape)
            return TableData(path, json.loads(h5.attrs["meta"]), meta, dataset, shape[0], metrics)
        except (KeyError, OSError, ValueError) as err:
            raise _damaged(path, err) from None


def _read_metrics(group: h5py.Group, shape: tuple[int, int, int]) -> dict[str, StoredMetric]:
    """Read each metric, broadcasting it to (arch, seed, fidelity) and its mean to (arch, fidelity)."""
    metrics = {}
    for name, sub in group.items():
        info = json.loads(sub.attrs["meta"])
        axes = tuple(info["axes"])
        values = _full(sub["values"][()].astype(np.float64, copy=False), axes, shape)
        status = _full(sub["status"][()], axes, shape)
        one_seed = (shape[0], 1, shape[2])  # the mean has no seed axis, even where there are no seeds
        if "mean" in sub:
            mean_axes = tuple(a for a in axes if a != "seed")
            mean = _full(sub["mean"][()].astype(np.float64, copy=False), mean_axes, one_seed)[:, 0, :]
            mean_status = _full(sub["mean_status"][()], mean_axes, one_seed)[:, 0, :]
        else:
            raw = sub["values"][()].astype(np.float64, copy=False)
            mean, mean_status = _full(raw, axes, one_seed)[:, 0, :], _full(sub["status"][()], axes, one_seed)[:, 0, :]
        metrics[name] = StoredMetric(
            name,
            info["unit"],
            info["direction"],
            info["description"],
            axes,
            values,
            status,
            mean,
            mean_status,
            info["kind"],
        )
    return metrics


def _full(array: np.ndarray, axes: tuple[str, ...], shape: tuple[int, int, int]) -> np.ndarray:
    """View `array` (with `axes`) as a read-only (arch, seed, fidelity) array."""
    index = tuple(slice(None) if axis in axes else None for axis in AXES)
    return np.broadcast_to(array[index], shape)
