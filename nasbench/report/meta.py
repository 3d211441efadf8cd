"""Meta-comparisons in a report: each transfer strategy against its non-transfer twin, task by task.

Owns finding the comparisons of a leave-one-task-out folder (`meta.json`, written by the
runner) and the "transfer vs twin" statistics: per task, the gain of the transfer strategy's
mean over its twin's (signed so that positive is better) at 10/25/50/100 % of the budget, and
at the budget a Mann-Whitney U test (two-sided) with the Vargha-Delaney A12 effect size
(Vargha & Delaney 2000: the probability that a transfer run beats a twin run, ties counting
half; 0.5: no effect); a win or loss needs p < 0.05, else a tie. The ranks, Friedman test and
critical-difference diagram across tasks are the report's own (`analysis`, Demšar 2006).
Reads results only; never reruns a search.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from nasbench.files import atomic_path
from nasbench.report.analysis import MEANINGFUL_TASKS
from nasbench.report.final import final_values
from nasbench.report.tasks import TASK, with_tasks

META_FILE = "meta.json"
FRACTIONS = (0.1, 0.25, 0.5, 1.0)
ALPHA = 0.05


def expand(folders: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Each folder, or for a leave-one-task-out folder (`meta.json`) its targets' comparison folders."""
    found: list[str] = []
    for folder in folders:
        index = Path(folder) / META_FILE
        if index.is_file():
            targets = json.loads(index.read_text())["targets"]
            found += [str(Path(folder) / t) for t in targets if (Path(folder) / t / "comparison.json").is_file()]
        else:
            found.append(str(folder))
    return found


def twins_of(settings: list[dict[str, Any]]) -> dict[str, str]:
    """Transfer strategy -> its non-transfer twin, as the comparisons recorded them."""
    twins: dict[str, str] = {}
    for setting in settings:
        twins.update(setting.get("twins") or {})
    return dict(sorted(twins.items()))


def a12(a: np.ndarray, b: np.ndarray) -> float:
    """Vargha-Delaney A12: P(a > b) + P(a = b) / 2 (a, b signed so that larger is better)."""
    greater = (a[:, None] > b[None, :]).mean()
    equal = (a[:, None] == b[None, :]).mean()
    return float(greater + equal / 2)


def versus_twins(frame: pd.DataFrame, settings: list[dict[str, Any]], maximize: dict[str, bool]) -> pd.DataFrame:
    """One row per (task, transfer strategy) with its twin: gains at each budget fraction, p, A12, outcome.

    `maximize` is keyed by task (`nasbench.report.tasks`); a setting's task is its `task`, else its dataset."""
    frame = with_tasks(frame)
    twins = {s: t for s, t in twins_of(settings).items() if s in set(frame["strategy"]) and t in set(frame["strategy"])}
    budgets = {s.get(TASK, s["dataset"]): s["budget"] for s in settings}
    rows = []
    for dataset, part in frame.groupby(TASK, sort=True):
        sign = 1.0 if maximize[str(dataset)] else -1.0
        points = {f: _checkpoint(budgets[str(dataset)], f) for f in FRACTIONS}
        values = {f: final_values(part, points[f]) for f in FRACTIONS}
        for strategy, twin in twins.items():
            gains = {f"gain_{int(f * 100)}%": _gain(values[f], strategy, twin, sign) for f in FRACTIONS}
            mine, theirs = (sign * _runs(values[1.0], name) for name in (strategy, twin))
            rows.append({"task": str(dataset), "strategy": strategy, "twin": twin, **gains, **_test(mine, theirs)})
    return pd.DataFrame(rows)


def _checkpoint(budget: str, fraction: float) -> str:
    """'final' at the whole budget, else the same unit at `fraction` of it (at least one evaluation)."""
    if fraction == 1.0:
        return "final"
    if budget.endswith("evals"):
        return f"{max(1, math.ceil(float(budget[:-5]) * fraction))}evals"
    return f"{float(budget[:-1]) * fraction:g}s"


def _runs(values: pd.DataFrame, strategy: str) -> np.ndarray:
    return values.loc[values["strategy"] == strategy, "value"].dropna().to_numpy(float)


def _gain(values: pd.DataFrame, strategy: str, twin: str, sign: float) -> float:
    mine, theirs = _runs(values, strategy), _runs(values, twin)
    return float(sign * (mine.mean() - theirs.mean())) if len(mine) and len(theirs) else math.nan


def _test(mine: np.ndarray, theirs: np.ndarray) -> dict[str, Any]:
    if len(mine) < 2 or len(theirs) < 2 or np.ptp(np.concatenate([mine, theirs])) == 0:
        return {"p": math.nan, "a12": a12(mine, theirs) if len(mine) and len(theirs) else math.nan, "outcome": "tie"}
    p = float(mannwhitneyu(mine, theirs, alternative="two-sided").pvalue)
    effect = a12(mine, theirs)
    outcome = "win" if p < ALPHA and effect > 0.5 else "loss" if p < ALPHA and effect < 0.5 else "tie"
    return {"p": p, "a12": effect, "outcome": outcome}


def meta_markdown(table: pd.DataFrame, tasks: int) -> list[str]:
    """The report's section: the per-task table and each transfer strategy's wins/ties/losses."""
    if table.empty:
        return []
    lines = ["", "## Transfer vs the non-transfer twin", ""]
    if tasks < MEANINGFUL_TASKS:
        lines += [
            f"Only {tasks} task(s): a critical-difference diagram across fewer than {MEANINGFUL_TASKS} tasks is "
            "not meaningful, so none is drawn; read the per-task tests below instead.",
            "",
        ]
    lines += [
        "Gain: transfer mean minus twin mean (positive: transfer better) at a share of the budget; "
        f"Mann-Whitney U (two-sided) and Vargha-Delaney A12 at the budget; win/loss at p < {ALPHA}.",
        "",
    ]
    gains = [c for c in table.columns if c.startswith("gain_")]
    lines.append("| task | strategy | twin | " + " | ".join(gains) + " | p | A12 | outcome |")
    lines.append("|" + "---|" * (len(gains) + 6))
    for row in table.to_dict("records"):
        values = " | ".join(f"{row[g]:+.4g}" for g in gains)
        cells = f"{row['p']:.3g} | {row['a12']:.2f} | {row['outcome']}"
        lines.append(f"| {row['task']} | {row['strategy']} | {row['twin']} | {values} | {cells} |")
    lines += ["", "| strategy | twin | wins | ties | losses |", "|---|---|---|---|---|"]
    for (strategy, twin), part in table.groupby(["strategy", "twin"], sort=True):
        counts = part["outcome"].value_counts()
        wins, ties, losses = (int(counts.get(k, 0)) for k in ("win", "tie", "loss"))
        lines.append(f"| {strategy} | {twin} | {wins} | {ties} | {losses} |")
    return lines


def transfer_section(
    frame: pd.DataFrame, settings: list[dict[str, Any]], maximize: dict[str, bool], out: Path
) -> list[str]:
    """Write `transfer.csv` where transfer strategies ran with their twins; return the report's section."""
    table = versus_twins(frame, settings, maximize)
    if table.empty:
        return []
    with atomic_path(out / "transfer.csv") as tmp:
        tmp.write_text(table.to_csv(index=False))
    return meta_markdown(table, with_tasks(frame)[TASK].nunique())
