"""Multi-objective panels: attained Pareto fronts against the true (or reference) front, and hypervolume regret.

Owns the figures and numbers of multi-objective comparisons (runs with `hv_regret`
rows): the front comes from `nasbench.problem.front` (the table, or the surrogate the runs used,
read once per process; a large surrogate space's front is a reference front, which a
run may go beyond: negative regret); the per-evaluation hypervolume, regret, attainment
and epsilon indicator were recorded by the runner, so a report never recomputes a run.
A run's attained front is the non-dominated set of its feasible evaluations'
full-fidelity seed-mean objectives; of three objectives, the first is drawn against each
of the others. One panel and one front per task (`nasbench.report.tasks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from nasbench.problem.front import REFERENCE, WHOLE_TABLE, TrueFront, true_front
from nasbench.problem.objectives import Problem, parse_problem
from nasbench.problem.pareto import non_dominated
from nasbench.report.curves import BAND_NAMES, grid_for, run_curves, summarize
from nasbench.report.optimum import opened
from nasbench.report.style import band, counts, figure, legend, look, ordered, runs_text, styled
from nasbench.report.tasks import TASK, with_tasks

X_LABELS = {"time": "simulated wall-clock (s)", "evals": "evaluations"}
TRUTH: dict[str, Any] = {"color": "black", "alpha": 0.3, "linewidth": 3.0, "label": "true front"}
FLOOR = 1e-6  # regret 0 (the whole true front found) on a log axis


@dataclass(frozen=True)
class FrontSetting:
    """One task's problem, its true front and the units of its objectives."""

    problem: Problem
    truth: TrueFront
    units: tuple[str, ...]

    @property
    def values(self) -> np.ndarray:
        """The front's raw objective values (front size, objectives), in the metrics' own units."""
        return self.truth.values


def multi_objective_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of multi-objective runs (empty when there are none)."""
    if "hv_regret" not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame["hv_regret"].notna()]


def settings(frame: pd.DataFrame) -> dict[str, FrontSetting]:
    """Per task: the problem the runs solved and the front they were measured against."""
    found: dict[str, FrontSetting] = {}
    frame = with_tasks(frame)
    frame = frame if "estimator" in frame.columns else frame.assign(estimator="table")
    keys = [TASK, "benchmark", "dataset", "estimator", "objectives", "constraints"]
    for task, benchmark, dataset, estimator, objectives, constraints in (
        frame[keys].drop_duplicates().itertuples(index=False)
    ):
        bench = opened(benchmark, dataset, estimator)
        problem = parse_problem(objectives, constraints, bench.info)
        truth = true_front(bench, problem)
        names = [o.metric for o in problem.objectives]
        units = tuple(bench.info.metrics[m].unit for m in names)
        found[task] = FrontSetting(problem, truth, units)
    return found


def front_name(fronts: dict[str, FrontSetting]) -> str:
    """'true front', 'reference front', or both, for labels."""
    kinds = {s.truth.kind for s in fronts.values()}
    if kinds == {REFERENCE}:
        return "reference front"
    return "true or reference front" if REFERENCE in kinds else "true front"


def attained(run: pd.DataFrame, objectives: int) -> np.ndarray:
    """One run's feasible evaluations' scored objectives, raw units (its attained front is their non-dominated set)."""
    columns = [f"objective_{k}_scored" for k in range(objectives)]
    return run.loc[run["feasible"], columns].dropna().to_numpy(dtype=float)


def _front_of(points: np.ndarray, loss_sign: np.ndarray) -> np.ndarray:
    if len(points) == 0:
        return points
    return points[non_dominated(points * loss_sign)]


def median_run(group: pd.DataFrame) -> int:
    """The run whose final hypervolume regret is the median (the lower middle one for an even count)."""
    final = group.sort_values(["run", "eval"], kind="stable").groupby("run")["hv_regret"].last()
    ranked = final.sort_values(kind="stable")
    return int(ranked.index[(len(ranked) - 1) // 2])


def pairs(objectives: int) -> list[tuple[int, int]]:
    """The (y, x) objective pairs drawn: the first objective against each other one.

    The first is the one the others trade off against (accuracy, in `valid_acc,latency:pixel3,params`); the
    pair of two costs is left out: its front is mostly the cheapest, untrainable networks.
    """
    return [(0, j) for j in range(1, objectives)]


def _steps(ax: Any, front: np.ndarray, x_sign: float, **style: Any) -> None:
    """Draw a 2-D front (columns y, x) as its staircase."""
    front = front[np.argsort(front[:, 1], kind="stable")]
    where = "post" if x_sign > 0 else "pre"  # the dominated region lies right of a minimized x
    ax.step(front[:, 1], front[:, 0], where=where, **style)


@styled
def front_plot(frame: pd.DataFrame, fronts: dict[str, FrontSetting]) -> Figure:
    """Per task and pair of objectives: the true or reference front (black) and each strategy's median run.

    With three objectives, the first against each other one: the 2-D front of the projected
    points (the projection of the 3-D front holds the front of every pair of objectives).
    """
    frame = with_tasks(frame)
    strategies = ordered(frame["strategy"].unique())
    panels = [(task, pair) for task in sorted(fronts) for pair in pairs(len(fronts[task].truth.loss_sign))]
    fig, axes = figure(len(panels), height=2.8)
    for ax, (task, (i, j)) in zip(axes, panels, strict=True):
        setting, part = fronts[task], frame[frame[TASK] == task]
        loss_sign = setting.truth.loss_sign[[i, j]]
        truth = _front_of(setting.values[:, [i, j]], loss_sign)
        _steps(ax, truth, loss_sign[1], **{**TRUTH, "label": front_name(fronts)})
        for strategy in strategies:
            group = part[part["strategy"] == strategy]
            if group.empty:
                continue
            run = group[group["run"] == median_run(group)]
            points = _front_of(attained(run, len(setting.truth.loss_sign))[:, [i, j]], loss_sign)
            if len(points):
                style = look(strategy)
                _steps(ax, points, loss_sign[1], color=style["color"], linewidth=0.9, alpha=0.9)
                ax.plot(
                    points[:, 1], points[:, 0], linestyle="", marker=style["marker"], markersize=3, color=style["color"]
                )
        names = [o.metric for o in setting.problem.objectives]
        _zoom(ax, truth, loss_sign)
        ax.set_xlabel(f"{names[j]} ({setting.units[j]})")
        ax.set_ylabel(f"{names[i]} ({setting.units[i]})")
        ax.set_title(task)
        ax.grid(alpha=0.3, linewidth=0.5)
    projected = "2-D projections of the " if any(len(s.truth.loss_sign) > 2 for s in fronts.values()) else ""
    title = f"{projected}median run's attained front (by final regret)\nagainst the {front_name(fronts)}"
    fig.suptitle(title, fontsize=7)
    handle = axes[0].plot([], [], **{**TRUTH, "label": front_name(fronts)})[0]
    legend(fig, strategies, per_panel=2, first=[handle], n=counts(frame))
    return fig


def _zoom(ax: Any, front: np.ndarray, loss_sign: np.ndarray) -> None:
    """Show the useful part of a 2-D front (columns y, x): its best 90 % on y, without a detached tail.

    The tail is the networks that failed to learn (10 % accuracy at a fraction of the cost):
    fewer than half the points, beyond a gap in y wider than half the range of what is left.
    x is on a log axis when the shown x values are positive and span more than a decade.
    """
    y = front[:, 0] * loss_sign[0]  # minimization form
    shown = front[y <= np.percentile(y, 90)]
    ordered_y = np.sort(shown[:, 0] * loss_sign[0])
    if len(ordered_y) > 2:
        gaps = np.diff(ordered_y)
        cut = int(gaps.argmax())  # the tail is ordered_y[cut + 1:]
        if gaps[cut] > 0.5 * (ordered_y[-1] - ordered_y[0]) and 2 * (cut + 1) > len(ordered_y):
            shown = shown[shown[:, 0] * loss_sign[0] <= ordered_y[cut]]
    low, high = shown[:, 0].min(), shown[:, 0].max()
    margin = 0.05 * (high - low) or 1.0
    ax.set_ylim(low - margin, high + margin)
    x = shown[:, 1]
    if (x > 0).all() and x.max() > 10 * x.min():
        ax.set_xscale("log")
        ax.set_xlim(x.min() / 1.3, x.max() * 1.3)


@styled
def regret_plot(
    frame: pd.DataFrame, x: str = "evals", stat: str = "median", y: str = "hv_regret", front: str = "true front"
) -> Figure:
    """Hypervolume regret (or attainment) of the attained front over evaluations or simulated time, with bands.

    Regret is on a log axis, unless a run went beyond a reference front (negative regret): then linear, 0 marked.
    """
    frame = with_tasks(frame)
    tasks = sorted(frame[TASK].unique())
    strategies = ordered(frame["strategy"].unique())
    fig, axes = figure(len(tasks))
    for ax, task in zip(axes, tasks, strict=True):
        part = frame[frame[TASK] == task]
        grid = grid_for(part, x)
        signed = y == "hv_regret" and bool((part[y] < 0).any())  # beyond a reference front
        for strategy in strategies:
            group = part[part["strategy"] == strategy]
            if group.empty:
                continue
            values = run_curves(group, x, grid, y).values
            if y == "hv_regret" and not signed:
                values = np.maximum(values, FLOOR)
            centre, low, high = summarize(values, stat, maximize=y != "hv_regret")
            band(ax, grid, centre, strategy, (low, high) if values.shape[0] > 1 else None)
        ax.set_xscale("log" if x == "time" else "linear")
        ax.set_yscale("log" if y == "hv_regret" and not signed else "linear")
        if signed:
            ax.axhline(0.0, color="black", linewidth=0.6, alpha=0.5)
        ax.set_title(task)
        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel("hypervolume regret" if y == "hv_regret" else f"share of the {front} found")
        ax.grid(alpha=0.3, linewidth=0.5)
    runs = frame.groupby([TASK, "strategy"])["run"].nunique()
    fig.suptitle(f"{BAND_NAMES[stat]} {runs_text(frame)}" if runs.max() > 1 else "a single run: no band", fontsize=8)
    legend(fig, strategies, per_panel=2, n=counts(frame))
    return fig


def reference_note(fronts: dict[str, FrontSetting]) -> list[str]:
    """One line per task: the problem, the front's kind, size and hypervolume, the reference point."""
    lines = []
    for task, setting in sorted(fronts.items()):
        truth, problem = setting.truth, setting.problem
        units = [f" {u}" if u else "" for u in setting.units]
        objectives = list(zip(problem.objectives, units, strict=True))
        nadir = ", ".join(
            f"{o.metric} {h * o.loss_sign:g}{u}" for (o, u), h in zip(objectives, truth.high, strict=True)
        )
        ideal = ", ".join(f"{o.metric} {v * o.loss_sign:g}{u}" for (o, u), v in zip(objectives, truth.low, strict=True))
        constraints = f" subject to {problem.constraints_text()}" if problem.constraints else ""
        what = "reference front" if truth.kind == REFERENCE else "true front"
        over = "the table's nadir" if truth.description == WHOLE_TABLE else f"the nadir of {truth.description}"
        lines.append(
            f"- {task}: {problem.objectives_text()}{constraints}: {what} of {len(truth.rows)} "
            f"architectures (of {truth.feasible:,} feasible), hypervolume {truth.hypervolume:.4f} of the unit box; "
            f"reference point ({over}): {nadir}, scaled to 1; best values, scaled to 0: {ideal}"
        )
    return lines


def beyond_note(fronts: dict[str, FrontSetting]) -> list[str]:
    """For reference fronts: what they are, and what a negative regret means."""
    return [
        f"- {task}: reference front: {setting.truth.description}; negative regret = beyond them"
        for task, setting in sorted(fronts.items())
        if setting.truth.kind == REFERENCE
    ]
