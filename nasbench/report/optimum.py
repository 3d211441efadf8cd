"""What a report needs to know of a benchmark: the scored metric's best value (the reference
point of regret) and its unit.

Owns those lookups only: it reads the shipped table's public API (or, for the fronts of
surrogate runs, the shipped surrogate's; reading is free, and each is opened once per
process) and never reruns a search.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from nasbench.benchmark.table import TableBenchmark
from nasbench.problem.front import feasible_mask, table_values
from nasbench.problem.objectives import parse_problem
from nasbench.registry import load, load_table


@lru_cache(maxsize=16)
def _bench(benchmark: str, dataset: str) -> TableBenchmark:
    return load_table(benchmark, dataset)


@lru_cache(maxsize=16)
def _estimated(benchmark: str, dataset: str, estimator: str) -> Any:
    return load(benchmark, dataset=dataset, estimator=estimator)


def opened(benchmark: str, dataset: str, estimator: str = "table") -> Any:
    """The shipped table (or surrogate) of that benchmark and dataset, opened once per process."""
    return _bench(benchmark, dataset) if estimator == "table" else _estimated(benchmark, dataset, estimator)


def unit(benchmark: str, dataset: str, metric: str) -> str:
    """The unit of `metric` in that benchmark and dataset."""
    return _bench(benchmark, dataset).info.metrics[metric].unit


def optimum(benchmark: str, dataset: str, metric: str, constraints: str = "") -> tuple[float, bool]:
    """(best value of `metric` at full fidelity over every architecture meeting `constraints`, maximize?)."""
    bench = _bench(benchmark, dataset)
    values = bench.query_many(np.arange(bench.info.size), metrics=[metric])[metric].to_numpy()
    if constraints:
        problem = parse_problem(None, constraints, bench.info)
        values = values[feasible_mask(table_values(bench, problem.metrics), problem)]
    maximize = bench.info.metrics[metric].direction == "maximize"
    return (float(np.nanmax(values)) if maximize else float(np.nanmin(values))), maximize


def optima(frame: pd.DataFrame) -> dict[str, tuple[float, bool]]:
    """Per dataset of a results frame: (best value, maximize) of its scored metric.

    The table's best, or a better score a run reached (a surrogate scores architectures
    no table holds), so that regret is never negative.
    """
    keys = frame[["benchmark", "dataset", "score_metric"]].drop_duplicates().itertuples(index=False)
    result = {}
    for benchmark, dataset, metric in keys:
        best, maximize = optimum(benchmark, dataset, metric, _constraints(frame, dataset))
        scores = frame.loc[frame["dataset"] == dataset, "incumbent_score"]
        reached = float(scores.max() if maximize else scores.min())
        result[dataset] = (max(best, reached) if maximize else min(best, reached)), maximize
    return result


def _constraints(frame: pd.DataFrame, dataset: str) -> str:
    """The constraints of a dataset's runs ('' for unconstrained ones and for results that predate them)."""
    if "constraints" not in frame.columns:
        return ""
    found = frame.loc[frame["dataset"] == dataset, "constraints"].dropna().unique()
    return str(found[0]) if len(found) else ""
