"""How many runs each strategy has, and what the report must say when they are unequal or empty.

Owns the checks on run counts: a folder that was interrupted or pruned holds fewer runs
than its settings ask for, and a run whose budget could not afford one evaluation holds
none. Such runs are left out of every number (a run without an evaluation has no
incumbent) and named; unequal counts are stated, never hidden. It draws nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from nasbench.report.style import LABELS, ordered


def empty_runs(folder: str | os.PathLike[str], frame: pd.DataFrame) -> list[str]:
    """The run files of a results folder that hold no evaluation (its rows are in `frame`)."""
    present = set(zip(frame["strategy"], frame["run"], strict=True))
    files = sorted(Path(folder, "runs").glob("*/*.parquet"))
    return [str(path) for path in files if (path.parent.name, int(path.stem)) not in present]


def run_counts(frame: pd.DataFrame) -> pd.Series:
    """Runs with at least one evaluation, per (dataset, strategy)."""
    return frame.groupby(["dataset", "strategy"], sort=True)["run"].nunique()


def count_notes(frame: pd.DataFrame, settings: list[dict[str, Any]]) -> list[str]:
    """Warnings, in words: runs with no evaluation, fewer runs than the settings ask for, unequal counts."""
    counts = run_counts(frame)
    notes = []
    empty = [path for setting in settings for path in setting.get("empty_runs", [])]
    if empty:
        notes.append(f"{len(empty)} run(s) with no evaluation, left out of every number: " + ", ".join(empty))
    for setting in settings:
        dataset = setting["dataset"]
        for strategy in ordered(setting["strategies"]):
            found = int(counts.get((dataset, strategy), 0))
            if found != setting["runs"]:
                notes.append(
                    f"{LABELS.get(strategy, strategy)} on {dataset}: {found} runs with evaluations, "
                    f"the settings ask for {setting['runs']}"
                )
    notes += unscored_notes(frame)
    if counts.nunique() > 1:
        keys = [(d, s) for d in sorted(set(frame["dataset"])) for s in ordered(frame["strategy"]) if (d, s) in counts]
        listed = ", ".join(f"{LABELS.get(s, s)} on {d} {counts[(d, s)]}" for d, s in keys)
        notes.append(f"run counts differ ({listed}); every table and figure gives n")
    return notes


def unscored_notes(frame: pd.DataFrame) -> list[str]:
    """Runs whose last incumbent has no score (none feasible, or every held-out value failed): the final table
    and the tests leave them out, so the report names how many."""
    if "incumbent_score" not in frame:
        return []
    last = frame.sort_values(["dataset", "strategy", "run", "eval"], kind="stable")
    last = last.groupby(["dataset", "strategy", "run"], sort=True).tail(1)  # the last row, NaN kept
    unscored = last["incumbent_score"].isna()
    missing = unscored.groupby([last["dataset"], last["strategy"]], sort=True).agg(["sum", "size"])
    return [
        f"{LABELS.get(s, s)} on {d}: {int(n)} of {int(total)} runs end without a scored incumbent (no feasible "
        "evaluation, or no finite held-out value), left out of the final table and the tests"
        for (d, s), (n, total) in missing.iterrows()
        if n
    ]
