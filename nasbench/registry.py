"""Where the shipped tables live, and `load` / `list_benchmarks` over them.

Owns name resolution (benchmark -> file, dataset -> group, estimator kind) and the
one per-process benchmark cache (`opened`: executors and reports share it); reading is
`tables`' job, answering queries `TableBenchmark`'s.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from nasbench.benchmark.base import Benchmark
from nasbench.benchmark.table import TableBenchmark
from nasbench.errors import NasbenchError, TableFileError, UnknownName
from nasbench.spaces import get_space
from nasbench.spaces.base import EnumerableSpace
from nasbench.spaces.tabulated import TabulatedSpace
from nasbench.tables.format import read_header, read_table
from nasbench.tables.integrity import shipped_dir

ESTIMATORS = ("table", "surrogate")
ZERO_COST = "zero-cost:"  # estimator "zero-cost:<proxy>": the table plus fidelity 0 from <name>-proxies.h5


def data_dir() -> Path:
    """The folder of tables: $NASBENCH_DATA, else the installed package's data, else the checkout's `data/`."""
    override = os.environ.get("NASBENCH_DATA")
    return Path(override) if override else shipped_dir()


def benchmark_names() -> list[str]:
    """Names of the benchmarks whose table files are present."""
    return sorted(p.stem for p in data_dir().glob("*.h5"))


def is_path(name: str) -> bool:
    """Whether `name` names a file (a path, or a name ending .h5 / .json) rather than a shipped benchmark."""
    return name.endswith((".h5", ".json")) or "/" in name or os.sep in name


def table_path(name: str) -> Path:
    """The table file of benchmark `name`, or `name` itself where it is a path; an error lists the known ones."""
    if is_path(name):
        path = Path(name).expanduser()
        if path.suffix != ".h5":
            raise UnknownName(f"expected a table file ending in .h5 or a benchmark name, got {name!r}")
        if not path.is_file():
            raise TableFileError(f"table file not found: {path}")
        return path
    path = data_dir() / f"{name}.h5"
    if not path.exists():
        names = benchmark_names()
        raise UnknownName(
            f"unknown benchmark {name!r}; available: {', '.join(names) or f'none (no tables in {data_dir()})'}"
        )
    return path


def surrogate_path(name: str, dataset: str) -> Path:
    """The shipped surrogate of `name` on `dataset`; an error lists the shipped ones."""
    stem = name if name.endswith(f"-{dataset}") else f"{name}-{dataset}"  # nb201-digits, not nb201-digits-digits
    path = data_dir() / "surrogates" / f"{stem}.json"
    if not path.exists():
        shipped = sorted(p.stem for p in (data_dir() / "surrogates").glob("*.json"))
        raise UnknownName(
            f"no surrogate for {name}/{dataset} (expected {path}); shipped: {', '.join(shipped) or 'none'}; "
            "fit one with `nasbench surrogate fit`"
        )
    return path


def load(name: str, dataset: str | None = None, estimator: str = "table") -> Benchmark:
    """Open benchmark `name` on `dataset` (default: the table's first dataset) as a table or its surrogate."""
    if estimator.startswith(ZERO_COST):
        return load_zero_cost(name, dataset, estimator.removeprefix(ZERO_COST))
    if estimator not in ESTIMATORS:
        raise UnknownName(f"unknown estimator {estimator!r}; available: {', '.join(ESTIMATORS)}")
    if estimator == "surrogate":
        from nasbench.surrogate.benchmark import SurrogateBenchmark
        from nasbench.surrogate.model import SurrogateFileError  # xgboost: only when asked for

        if is_path(name):  # a surrogate file of one's own: it says what it models
            return _open_surrogate_file(name, dataset)
        dataset = dataset or default_dataset(name)
        path = surrogate_path(name, dataset)
        bench = SurrogateBenchmark.open(path, table=data_dir() / f"{name}.h5")  # its reference candidates
        if (bench.info.name, bench.info.dataset) != (name, dataset):
            raise SurrogateFileError(
                f"{path} is a surrogate of {bench.info.name}/{bench.info.dataset}, not of {name}/{dataset}"
            )
        return bench
    return load_table(name, dataset)


def opened(name: str, dataset: str | None = None, estimator: str = "table") -> Benchmark:
    """`load`, once per process, data folder and (benchmark, dataset, estimator): the one benchmark cache."""
    return _opened(data_dir(), name, dataset or default_dataset(name), estimator)


@cache
def _opened(folder: Path, name: str, dataset: str, estimator: str) -> Benchmark:
    del folder  # a key only: $NASBENCH_DATA may change within a process, and `load` reads it again
    return load(name, dataset=dataset, estimator=estimator)


def _open_surrogate_file(name: str, dataset: str | None) -> Benchmark:
    from nasbench.surrogate.benchmark import SurrogateBenchmark

    path = Path(name).expanduser()
    if path.suffix != ".json":
        raise UnknownName(f"expected a surrogate file ending in .json or a benchmark name, got {name!r}")
    bench = SurrogateBenchmark.open(path)
    if dataset is not None and bench.info.dataset != dataset:
        raise UnknownName(f"{path} is a surrogate on dataset {bench.info.dataset}, not on {dataset}")
    return bench


def default_dataset(name: str) -> str:
    """The first dataset of benchmark `name`'s table."""
    path = table_path(name)
    _, datasets = read_header(path)
    dataset = next(iter(datasets), None)
    if dataset is None:
        raise TableFileError(f"table file {path} holds no dataset")
    return dataset


def load_table(name: str, dataset: str | None = None) -> TableBenchmark:
    """The table of benchmark `name` on `dataset` (default: its first)."""
    table = read_table(table_path(name), dataset or default_dataset(name))
    options = table.dataset.get("space_options", {})
    space = get_space(table.meta["space"], **options)
    partial = table.meta.get("row_order") == "listed" and "tabulated" not in options
    if partial and isinstance(space, EnumerableSpace) and space.size > table.n_archs:
        space = TabulatedSpace(space, table.archs())  # a table of part of the space: search stays in it
    return TableBenchmark(table, space)


def load_zero_cost(name: str, dataset: str | None, proxy: str) -> Benchmark:
    """The table of `name` whose fidelity 0 answers `proxy` from the proxy table `<name>-proxies.h5`."""
    from nasbench.benchmark.zero_cost import ZeroCostBenchmark

    path = data_dir() / f"{name}-proxies.h5"
    if not path.is_file():
        raise UnknownName(
            f"expected a proxy table {path} for --estimator {ZERO_COST}{proxy}, got none (build it: nasbench proxies)"
        )
    _, datasets = read_header(path)
    return ZeroCostBenchmark(load_table(name, dataset), read_table(path, next(iter(datasets))), proxy)


def scan_benchmarks() -> tuple[list[dict[str, Any]], list[str]]:
    """Every readable table of the data folder (as `list_benchmarks`), and one message per file that is not."""
    result, problems = [], []
    for name in benchmark_names():
        try:
            meta, datasets = read_header(data_dir() / f"{name}.h5")
        except NasbenchError as err:
            problems.append(str(err))
            continue
        result.append({"name": name, **meta, "datasets": datasets})
    return result, problems


def list_benchmarks() -> list[dict[str, Any]]:
    """Every benchmark of the data folder: metadata and per-dataset metadata (no arrays read).

    A damaged or unreadable file is left out with a warning naming it, so one bad file hides no other.
    """
    result, problems = scan_benchmarks()
    for problem in problems:
        logging.getLogger("nasbench").warning("%s; left out", problem)
    return result
