"""The best value a benchmark holds for the scored metric: the reference point of regret.

Owns that lookup only: it reads the shipped table's public query API (reading a table
is free) and never reruns a search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nasbench.registry import load


def optimum(benchmark: str, dataset: str, metric: str) -> tuple[float, bool]:
    """(best value of `metric` at full fidelity over every architecture, whether larger is better)."""
    bench = load(benchmark, dataset=dataset)
    values = bench.query_many(np.arange(bench.info.size), metrics=[metric])[metric].to_numpy()
    maximize = bench.info.metrics[metric].direction == "maximize"
    return (float(np.nanmax(values)) if maximize else float(np.nanmin(values))), maximize


def optima(frame: pd.DataFrame) -> dict[str, tuple[float, bool]]:
    """Per dataset of a results frame: (best value, maximize) of its scored metric."""
    keys = frame[["benchmark", "dataset", "score_metric"]].drop_duplicates().itertuples(index=False)
    return {dataset: optimum(benchmark, dataset, metric) for benchmark, dataset, metric in keys}
