"""Where the shipped tables live, and `load` / `list_benchmarks` over them.

Owns name resolution (benchmark -> file, dataset -> group, estimator kind);
reading is `tables`' job, answering queries `TableBenchmark`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nasbench.errors import TableFileError, UnknownName
from nasbench.spaces import get_space
from nasbench.table_benchmark import TableBenchmark
from nasbench.tables import read_header, read_table

ESTIMATORS = ("table",)


def data_dir() -> Path:
    """The folder of shipped tables: $NASBENCH_DATA, else the repository's `data/`."""
    override = os.environ.get("NASBENCH_DATA")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "data"


def benchmark_names() -> list[str]:
    """Names of the benchmarks whose table files are present."""
    return sorted(p.stem for p in data_dir().glob("*.h5"))


def table_path(name: str) -> Path:
    """The table file of benchmark `name`; an error lists the known ones."""
    path = data_dir() / f"{name}.h5"
    if not path.exists():
        names = benchmark_names()
        raise UnknownName(
            f"unknown benchmark {name!r}; available: {', '.join(names) or f'none (no tables in {data_dir()})'}"
        )
    return path


def load(name: str, dataset: str | None = None, estimator: str = "table") -> TableBenchmark:
    """Open benchmark `name` on `dataset` (default: the table's first dataset)."""
    if estimator not in ESTIMATORS:
        raise UnknownName(f"unknown estimator {estimator!r}; available: {', '.join(ESTIMATORS)}")
    path = table_path(name)
    if dataset is None:
        _, datasets = read_header(path)
        dataset = next(iter(datasets), None)
        if dataset is None:
            raise TableFileError(f"table file {path} holds no dataset")
    table = read_table(path, dataset)
    return TableBenchmark(table, get_space(table.meta["space"], **table.dataset.get("space_options", {})))


def list_benchmarks() -> list[dict[str, Any]]:
    """Every shipped benchmark: metadata and per-dataset metadata (no arrays read)."""
    result = []
    for name in benchmark_names():
        meta, datasets = read_header(data_dir() / f"{name}.h5")
        result.append({"name": name, **meta, "datasets": datasets})
    return result
