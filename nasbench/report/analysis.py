"""Which statistics a report computes, on which numbers: the observed metric's score for
single-objective runs, hypervolume regret for multi-objective ones.

Owns choosing the value each analysis ranks and tests (multi-objective comparisons rank
by hypervolume regret, never by the one observed metric), the per-task summaries the
critical-difference diagram ranks, and the unpaired tests within each task (a
benchmark's dataset, `nasbench.report.tasks`). The arithmetic is in `ranks`; it draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nasbench.benchmark.base import utility_sign
from nasbench.report.final import final_values
from nasbench.report.fronts import multi_objective_rows
from nasbench.report.ranks import PairTests, RankTest, pair_tests, rank_test
from nasbench.report.style import ordered
from nasbench.report.tasks import full_names, task_label

__all__ = ["MEANINGFUL_TASKS", "Analysis", "across_tasks", "analyses", "task_label", "task_scores", "within_tasks"]

MEANINGFUL_TASKS = 3  # ranks across fewer tasks say nothing: no critical-difference diagram (Demšar 2006)


@dataclass(frozen=True)
class Analysis:
    """One kind of comparison in a report: its rows, the value ranked, and its direction per task."""

    suffix: str  # '' for the scored metric, '_hv' for hypervolume regret: file names
    rows: pd.DataFrame
    y: str
    maximize: dict[str, bool]
    what: str  # the value, in words

    @property
    def strategies(self) -> list[str]:
        return ordered(self.rows["strategy"].unique())


def analyses(frame: pd.DataFrame, maximize: dict[str, bool]) -> list[Analysis]:
    """Single-objective runs by their incumbent's score; multi-objective runs by hypervolume regret."""
    multi = multi_objective_rows(frame)
    single = frame.drop(index=multi.index)
    found = []
    if not single.empty:
        found.append(Analysis("", single, "incumbent_score", maximize, "final score"))
    if not multi.empty:
        found.append(Analysis("_hv", multi, "hv_regret", dict.fromkeys(maximize, False), "final hypervolume regret"))
    return found


def within_tasks(analysis: Analysis) -> list[PairTests]:
    """Per task: Mann-Whitney U with Holm between every pair of strategies' final values (unpaired)."""
    values = final_values(analysis.rows, "final", analysis.y)
    names = full_names(analysis.rows)
    tests = []
    for task, part in values.groupby("dataset", sort=True):
        samples = {s: part.loc[part["strategy"] == s, "value"].to_numpy(float) for s in ordered(part["strategy"])}
        tests.append(pair_tests(names[str(task)], samples))
    return tests


def task_scores(analysis: Analysis, stat: str) -> pd.DataFrame:
    """(tasks x strategies): each strategy's median (or mean) final value per task, signed so higher is better."""
    values = final_values(analysis.rows, "final", analysis.y).dropna(subset=["value"])
    table = values.groupby(["dataset", "strategy"], sort=True)["value"].agg(stat).unstack("strategy")
    sign = np.array([utility_sign(analysis.maximize[t]) for t in table.index])
    names = full_names(analysis.rows)
    table = table.mul(sign, axis=0)
    table.index = [names[t] for t in table.index]
    return table


def across_tasks(analysis: Analysis, stat: str, method: str, alpha: float = 0.05) -> RankTest | None:
    """Ranks across tasks (Friedman, then Nemenyi or Wilcoxon-Holm) of the strategies run on every task;
    None with fewer than two such strategies or `MEANINGFUL_TASKS` tasks."""
    scores = task_scores(analysis, stat).dropna(axis=1)
    strategies = [s for s in analysis.strategies if s in scores.columns]
    if len(strategies) < 2 or len(scores) < MEANINGFUL_TASKS:
        return None
    return rank_test(scores, strategies, maximize=True, method=method, alpha=alpha)
