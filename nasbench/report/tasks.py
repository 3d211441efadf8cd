"""What a report calls a task: one benchmark's dataset, named so that two benchmarks never share a name.

Owns the `task` column every number of a report is grouped by. A task is a (benchmark,
dataset) pair: NAS-Bench-101 and NAS-Bench-Macro both hold `cifar10`, with different
architectures and optima, so their runs must never be pooled. A task is named by its
dataset where no other benchmark in the same report holds that dataset (so a report of
one benchmark reads as before), else `benchmark/dataset`. The benchmark is the one the
comparison ran on (its `comparison.json`), given by `load_results`; a frame without a
`task` column falls back to its rows' `benchmark` column (a frame without one is one
benchmark's). It opens no benchmark and draws nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

TASK = "task"


def task_label(benchmark: str, dataset: str) -> str:
    """A task's full name: `benchmark/dataset`."""
    return f"{benchmark}/{dataset}"


def task_names(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each (benchmark, dataset) pair's task name: the dataset where no other benchmark here shares it."""
    pairs = sorted(set(pairs))
    holders = Counter(d for _, d in pairs)
    return {(b, d): task_label(b, d) if holders[d] > 1 else d for b, d in pairs}


def with_tasks(frame: pd.DataFrame, benchmarks: pd.Series | None = None) -> pd.DataFrame:
    """`frame` with its `task` column (`frame` itself where it has one already).

    `benchmarks`: per row, the benchmark its comparison ran on (default: the rows' `benchmark`).
    """
    if TASK in frame.columns:
        return frame
    datasets = frame["dataset"].astype(str)
    if benchmarks is None and "benchmark" not in frame.columns:
        return frame.assign(task=datasets)
    owners = pd.Series(np.asarray(frame["benchmark"] if benchmarks is None else benchmarks), index=frame.index)
    owners = owners.astype(str)
    keys = pd.DataFrame({"benchmark": owners, "dataset": datasets}).drop_duplicates()
    names = task_names(zip(keys["benchmark"], keys["dataset"], strict=True))
    shared = {d for (_, d), name in names.items() if name != d}
    if not shared:  # the common case: every dataset is one benchmark's
        return frame.assign(task=datasets)
    return frame.assign(task=datasets.where(~datasets.isin(shared), owners + "/" + datasets))  # as `task_label`


def full_names(frame: pd.DataFrame) -> dict[str, str]:
    """Per task of `frame`: its full name `benchmark/dataset` (the dataset alone in a frame without benchmarks)."""
    frame = with_tasks(frame)
    if "benchmark" not in frame.columns:
        return {str(t): str(t) for t in frame[TASK].unique()}
    firsts = frame.drop_duplicates(TASK)
    return {
        str(t): str(t) if t != d else task_label(str(b), str(d))
        for t, b, d in zip(firsts[TASK], firsts["benchmark"], firsts["dataset"], strict=True)
    }
