"""Where the shipped tables live, and `load` / `list_benchmarks` over them.

Owns name resolution (benchmark -> file, dataset -> group, estimator kind) and the
one per-process benchmark cache (`opened`: executors and reports share it); reading is
`tables`' job, answering queries `TableBenchmark`'s.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

from nasbench.benchmark.base import Benchmark, metric_alias
from nasbench.benchmark.table import TableBenchmark
from nasbench.errors import NasbenchError, TableFileError, UnknownName
from nasbench.spaces import get_space
from nasbench.spaces.base import EnumerableSpace
from nasbench.spaces.tabulated import TabulatedSpace
from nasbench.tables.format import read_header, read_table
from nasbench.tables.integrity import shipped_dir

ESTIMATORS = ("table", "surrogate")
# Names users know from the papers and from NASLib / HPOBench, matched ignoring case, '-', '_' and spaces.
BENCHMARK_ALIASES = {
    "nasbench201": "nb201",
    "nb201": "nb201",
    "nasbench101": "nb101",
    "nb101": "nb101",
    "nasbenchnlp": "nlp",
    "nbnlp": "nlp",
    "nasbenchgraph": "graph",
    "nasbenchmacro": "macro",
    "accelnasbench": "accel",
}
# (benchmark, dataset as users write it) -> (dataset of the table, why): where the name alone would mislead
DATASET_ALIASES = {
    ("nb201", "cifar10"): (
        "cifar10-valid",
        "NAS-Bench-201's table holds CIFAR-10 as cifar10-valid (trained on the training half, valid_acc on the "
        "held-out half; no 200-epoch test accuracy of the train+valid protocol)",
    ),
}
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


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c not in "-_ ")


@cache  # once per process: `opened` resolves the same name for every run
def _note(message: str) -> None:
    logging.getLogger("nasbench").warning(message)  # the CLI prints it as one `nasbench: note:` line


@cache
def _datasets(folder: Path, name: str) -> tuple[str, ...]:
    del folder  # a key only, as in `_opened`
    return tuple(read_header(table_path(name))[1])


def canonical_benchmark(name: str) -> str:
    """The shipped benchmark a well-known name means (`NAS-Bench-201`, `nasbench201`, `NB201` -> nb201), noted."""
    if not isinstance(name, str) or is_path(name):
        return name
    target = BENCHMARK_ALIASES.get(_key(name), name)
    if target != name:
        _note(f"benchmark {name!r} is {target!r} here")
    return target


def canonical_dataset(name: str, dataset: str | None) -> str | None:
    """The dataset of benchmark `name`'s table that `dataset` means (`ImageNet16-120` -> imagenet16-120), noted.

    An unknown dataset is returned as given: reading the table names the available ones.
    """
    if dataset is None or not isinstance(dataset, str) or is_path(name):
        return dataset
    try:
        datasets = _datasets(data_dir(), name)
    except NasbenchError:  # no readable table (e.g. a surrogate alone): the caller names what is missing
        return dataset
    if dataset in datasets:
        return dataset
    if (name, _key(dataset)) in DATASET_ALIASES:
        target, why = DATASET_ALIASES[(name, _key(dataset))]
        if target in datasets:
            _note(f"dataset {dataset!r} of {name} is {target!r}: {why}")
            return target
    matches = [d for d in datasets if _key(d) == _key(dataset)]
    if len(matches) == 1:
        _note(f"dataset {dataset!r} of {name} is {matches[0]!r}")
        return matches[0]
    return dataset


def canonical_metric(metrics: Collection[str], metric: str) -> str:
    """The metric among `metrics` a NASLib-style name means (`val_acc` -> valid_acc, `train_time` ->
    train_seconds), noted; an unknown name is returned as given (the query names the available ones)."""
    if metric in metrics:
        return metric
    target = metric_alias(list(metrics), metric)
    if target is None:
        return metric
    _note(f"metric {metric!r} is {target!r} here")
    return target


def load(name: str | os.PathLike[str], dataset: str | None = None, estimator: str = "table") -> Benchmark:
    """Open benchmark `name` (or a table file's path) on `dataset` (default: its first) as a table or surrogate.

    Names users know resolve to the canonical ones with a one-line note (`canonical_benchmark`,
    `canonical_dataset`).
    """
    name = canonical_benchmark(os.fspath(name))
    dataset = canonical_dataset(name, dataset)
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
    name = canonical_benchmark(name)
    return _opened(data_dir(), name, canonical_dataset(name, dataset) or default_dataset(name), estimator)


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


def load_table(name: str | os.PathLike[str], dataset: str | None = None) -> TableBenchmark:
    """The table of benchmark `name` (or a table file's path) on `dataset` (default: its first)."""
    name = os.fspath(name)
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
