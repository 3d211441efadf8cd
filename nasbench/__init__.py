"""nasbench: real NAS benchmark tables, search strategies and reports, offline.

A light facade: `import nasbench` loads only the errors and the version; `load`,
`list_benchmarks`, `compare` and the benchmark types import their modules (numpy,
pandas, h5py) on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nasbench._version import __version__
from nasbench.errors import InvalidArchitecture, NasbenchError, TableFileError, UnknownName

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark, BenchmarkInfo, MetricInfo
    from nasbench.benchmark.table import TableBenchmark
    from nasbench.live.estimator import NASClassifier, NASRegressor
    from nasbench.registry import list_benchmarks, load
    from nasbench.runner.compare import compare

_LAZY = {
    "Benchmark": "nasbench.benchmark.base",
    "BenchmarkInfo": "nasbench.benchmark.base",
    "MetricInfo": "nasbench.benchmark.base",
    "TableBenchmark": "nasbench.benchmark.table",
    "list_benchmarks": "nasbench.registry",
    "load": "nasbench.registry",
    "compare": "nasbench.runner.compare",
    "NASClassifier": "nasbench.live.estimator",  # torch, scikit-learn: only when asked for
    "NASRegressor": "nasbench.live.estimator",
}


def __getattr__(name: str) -> Any:
    if name == "adapters":  # a subpackage: ConfigSpace, objective_function, optuna, syne-tune, Ray Tune
        return importlib.import_module("nasbench.adapters")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nasbench' has no attribute {name!r}")


__all__ = [
    "Benchmark",
    "BenchmarkInfo",
    "InvalidArchitecture",
    "MetricInfo",
    "NASClassifier",
    "NASRegressor",
    "NasbenchError",
    "TableBenchmark",
    "TableFileError",
    "UnknownName",
    "__version__",
    "adapters",
    "compare",
    "list_benchmarks",
    "load",
]
