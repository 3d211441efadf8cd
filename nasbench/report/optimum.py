"""What a report needs to know of a benchmark: the scored metric's best value (the reference
point of regret) and its unit.

Owns those lookups only: it reads the shipped table's public API (reading a table is free,
and each is opened once per process) and never reruns a search.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from nasbench.registry import load
from nasbench.table_benchmark import TableBenchmark


@lru_cache(maxsize=16)
def _bench(benchmark: str, dataset: str) -> TableBenchmark:
    return load(benchmark, dataset=dataset)


def unit(benchmark: str, dataset: str, metric: str) -> str:
    """The unit of `metric` in that benchmark and dataset."""
    return _bench(benchmark, dataset).info.metrics[metric].unit


def optimum(benchmark: str, dataset: str, metric: str) -> tuple[float, bool]:
    """(best value of `metric` at full fidelity over every architecture, whether larger is better)."""
    bench = _bench(benchmark, dataset)
    values = bench.query_many(np.arange(bench.info.size), metrics=[metric])[metric].to_numpy()
    maximize = bench.info.metrics[metric].direction == "maximize"
    return (float(np.nanmax(values)) if maximize else float(np.nanmin(values))), maximize


def optima(frame: pd.DataFrame) -> dict[str, tuple[float, bool]]:
    """Per dataset of a results frame: (best value, maximize) of its scored metric."""
    keys = frame[["benchmark", "dataset", "score_metric"]].drop_duplicates().itertuples(index=False)
    return {dataset: optimum(benchmark, dataset, metric) for benchmark, dataset, metric in keys}
