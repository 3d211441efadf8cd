"""nasbench: real NAS benchmark tables, search strategies and reports, offline."""

from nasbench.benchmark import Benchmark, BenchmarkInfo, MetricInfo
from nasbench.errors import InvalidArchitecture, NasbenchError, TableFileError, UnknownName
from nasbench.registry import list_benchmarks, load
from nasbench.table_benchmark import TableBenchmark

__version__ = "0.1.0"

__all__ = [
    "Benchmark",
    "BenchmarkInfo",
    "InvalidArchitecture",
    "MetricInfo",
    "NasbenchError",
    "TableBenchmark",
    "TableFileError",
    "UnknownName",
    "__version__",
    "list_benchmarks",
    "load",
]
