"""What a report needs to know of a benchmark: the scored metric's best value (the reference
point of regret) and its unit.

Owns those lookups only: it asks the shipped table (`Benchmark.optimum`, over every
architecture meeting the runs' constraints) through the registry's one benchmark cache
(reading is free, and each benchmark is opened once per process) and never reruns a search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nasbench.benchmark.base import Benchmark
from nasbench.problem.front import feasible_mask, table_values
from nasbench.problem.objectives import parse_problem
from nasbench.registry import opened
from nasbench.report.tasks import TASK, with_tasks

__all__ = ["opened", "optima", "optimum", "unit"]  # `opened`: the registry's, re-exported for the report


def unit(benchmark: str, dataset: str, metric: str) -> str:
    """The unit of `metric` in that benchmark and dataset."""
    return opened(benchmark, dataset).info.metrics[metric].unit


def optimum(benchmark: str, dataset: str, metric: str, constraints: str = "") -> tuple[float, bool]:
    """(best value of `metric` at full fidelity over every table row meeting `constraints`, maximize?)."""
    bench = opened(benchmark, dataset)
    return bench.optimum(metric, _feasible(bench, constraints)), bench.info.metrics[metric].maximize


def _feasible(bench: Benchmark, constraints: str) -> np.ndarray | None:
    """Which candidates meet `constraints` (None: all, with no constraints)."""
    if not constraints:
        return None
    problem = parse_problem(None, constraints, bench.info)
    return feasible_mask(table_values(bench, problem.metrics), problem)


def optima(frame: pd.DataFrame) -> dict[str, tuple[float, bool]]:
    """Per task of a results frame (`nasbench.report.tasks`): (best value, maximize) of its scored metric.

    The table's best, or a better score a run reached (a surrogate scores architectures
    no table holds), so that regret is never negative. Each task's own benchmark is
    opened: two benchmarks sharing a dataset name have two optima.
    """
    frame = with_tasks(frame)
    result = {}
    for task, part in frame.groupby(TASK, sort=True):
        keys = part[["benchmark", "dataset", "score_metric"]].drop_duplicates().itertuples(index=False)
        for benchmark, dataset, metric in keys:
            best, maximize = optimum(benchmark, dataset, metric, _constraints(part))
            scores = part["incumbent_score"]
            reached = float(scores.max() if maximize else scores.min())
            result[str(task)] = (max(best, reached) if maximize else min(best, reached)), maximize
    return result


def _constraints(part: pd.DataFrame) -> str:
    """The constraints of one task's runs ('' for unconstrained ones and for results that predate them)."""
    if "constraints" not in part.columns:
        return ""
    found = part["constraints"].dropna().unique()
    return str(found[0]) if len(found) else ""
