"""Multi-objective panels: attained Pareto fronts against the true (or reference) front, and hypervolume regret.

Owns the figures and numbers of multi-objective comparisons (runs with `hv_regret`
rows): the front comes from `nasbench.front` (the table, or the surrogate the runs used,
read once per process; a large surrogate space's front is a reference front, which a
run may go beyond: negative regret);
the per-evaluation hypervolume, regret and attainment were recorded by the runner, so a
report never recomputes a run. A run's attained front is the non-dominated set of its
feasible evaluations' full-fidelity seed-mean objectives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from nasbench.front import REFERENCE, WHOLE_TABLE, TrueFront, true_front
from nasbench.objectives import Problem, parse_problem
from nasbench.pareto import non_dominated
from nasbench.report.curves import BAND_NAMES, grid_for, run_curves, summarize
from nasbench.report.optimum import opened
from nasbench.report.style import figure, look, ordered, styled

X_LABELS = {"time": "simulated wall-clock (s)", "evals": "evaluations"}
TRUTH: dict[str, Any] = {"color": "black", "alpha": 0.3, "linewidth": 3.0, "label": "true front"}
FLOOR = 1e-6  # regret 0 (the whole true front found) on a log axis


@dataclass(frozen=True)
class FrontSetting:
    """One dataset's problem, its true front and the front's raw objective values."""

    problem: Problem
    truth: TrueFront
    values: np.ndarray  # (front size, objectives), in the metrics' own units
    units: tuple[str, ...]


def multi_objective_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of multi-objective runs (empty when there are none)."""
    if "hv_regret" not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame["hv_regret"].notna()]


def settings(frame: pd.DataFrame) -> dict[str, FrontSetting]:
    """Per dataset: the problem the runs solved and the front they were measured against."""
    found: dict[str, FrontSetting] = {}
    frame = frame if "estimator" in frame.columns else frame.assign(estimator="table")
    keys = ["benchmark", "dataset", "estimator", "objectives", "constraints"]
    for benchmark, dataset, estimator, objectives, constraints in frame[keys].drop_duplicates().itertuples(index=False):
        bench: Any = opened(benchmark, dataset, estimator)
        problem = parse_problem(objectives, constraints, bench.info)
        truth = true_front(bench, problem)
        names = [o.metric for o in problem.objectives]
        units = tuple(bench.info.metrics[m].unit for m in names)
        found[dataset] = FrontSetting(problem, truth, truth.values, units)
    return found


def front_name(fronts: dict[str, FrontSetting]) -> str:
    """'true front', 'reference front', or both, for labels."""
    kinds = {s.truth.kind for s in fronts.values()}
    if kinds == {REFERENCE}:
        return "reference front"
    return "true or reference front" if REFERENCE in kinds else "true front"


def attained(run: pd.DataFrame, objectives: int) -> np.ndarray:
    """One run's attained front: its feasible evaluations' scored objectives, non-dominated, raw units."""
    columns = [f"objective_{k}_scored" for k in range(objectives)]
    points = run.loc[run["feasible"], columns].dropna().to_numpy(dtype=float)
    return points


def _front_of(points: np.ndarray, sign: np.ndarray) -> np.ndarray:
    if len(points) == 0:
        return points
    return points[non_dominated(points * sign)]


def median_run(group: pd.DataFrame) -> int:
    """The run whose final hypervolume regret is the median (the lower middle one for an even count)."""
    final = group.sort_values(["run", "eval"], kind="stable").groupby("run")["hv_regret"].last()
    ranked = final.sort_values(kind="stable")
    return int(ranked.index[(len(ranked) - 1) // 2])


def _steps(ax: Any, points: np.ndarray, sign: np.ndarray, **style: Any) -> None:
    """Draw a 2-D front as its staircase, x = second objective, y = first."""
    front = _front_of(points[:, :2], sign[:2])
    front = front[np.argsort(front[:, 1], kind="stable")]
    where = "post" if sign[1] > 0 else "pre"  # the dominated region lies right of a minimized x
    ax.step(front[:, 1], front[:, 0], where=where, **style)


@styled
def front_plot(frame: pd.DataFrame, fronts: dict[str, FrontSetting]) -> Figure:
    """Per dataset: the true or reference front (black) and each strategy's attained front of its median run."""
    datasets = sorted(fronts)
    strategies = ordered(frame["strategy"].unique())
    fig, axes = figure(len(datasets), height=2.8)
    for ax, dataset in zip(axes, datasets, strict=True):
        setting, part = fronts[dataset], frame[frame["dataset"] == dataset]
        sign = setting.truth.sign
        _steps(ax, setting.values, sign, **{**TRUTH, "label": front_name(fronts)})
        for strategy in strategies:
            group = part[part["strategy"] == strategy]
            if group.empty:
                continue
            run = group[group["run"] == median_run(group)]
            points = _front_of(attained(run, len(sign))[:, :2], sign[:2])
            if len(points):
                style = look(strategy)
                _steps(ax, points, sign, color=style["color"], linewidth=0.9, alpha=0.9)
                ax.plot(
                    points[:, 1], points[:, 0], linestyle="", marker=style["marker"], markersize=3, color=style["color"]
                )
        names = [o.metric for o in setting.problem.objectives]
        _zoom(ax, setting.values, sign)
        ax.set_xscale("log")
        ax.set_xlabel(f"{names[1]} ({setting.units[1]})")
        ax.set_ylabel(f"{names[0]} ({setting.units[0]})")
        ax.set_title(dataset + (f", projected from {len(names)} objectives" if len(names) > 2 else ""))
        ax.grid(alpha=0.3, linewidth=0.5)
    fig.suptitle(f"median run's attained front (by final regret)\nagainst the {front_name(fronts)}", fontsize=7)
    _legend(fig, strategies, truth=front_name(fronts))
    return fig


def _zoom(ax: Any, front: np.ndarray, sign: np.ndarray) -> None:
    """Show the useful part of the true front: its best 90 % on the y objective (not the failed networks)."""
    y = front[:, 0] * sign[0]  # minimization form
    cut = np.percentile(y, 90)
    shown = front[y <= cut]
    low, high = shown[:, 0].min(), shown[:, 0].max()
    margin = 0.05 * (high - low) or 1.0
    ax.set_ylim(low - margin, high + margin)
    positive = shown[:, 1][shown[:, 1] > 0]
    if positive.size:
        ax.set_xlim(positive.min() / 1.3, positive.max() * 1.3)


def _legend(fig: Figure, strategies: list[str], truth: str | None = None) -> None:
    handles = [fig.axes[0].plot([], [], **{**TRUTH, "label": truth})[0]] if truth else []
    handles += [
        fig.axes[0].plot(
            [], [], color=look(s)["color"], marker=look(s)["marker"], markersize=4, label=look(s)["label"]
        )[0]
        for s in strategies
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 2 * len(fig.axes)), frameon=False)


@styled
def regret_plot(
    frame: pd.DataFrame, x: str = "evals", stat: str = "median", y: str = "hv_regret", front: str = "true front"
) -> Figure:
    """Hypervolume regret (or attainment) of the attained front over evaluations or simulated time, with bands.

    Regret is on a log axis, unless a run went beyond a reference front (negative regret): then linear, 0 marked.
    """
    datasets = sorted(frame["dataset"].unique())
    strategies = ordered(frame["strategy"].unique())
    fig, axes = figure(len(datasets))
    for ax, dataset in zip(axes, datasets, strict=True):
        part = frame[frame["dataset"] == dataset]
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
            style = look(strategy)
            ax.plot(
                grid,
                centre,
                color=style["color"],
                marker=style["marker"],
                markersize=3,
                markevery=max(1, len(grid) // 8),
            )
            if values.shape[0] > 1:
                ax.fill_between(grid, low, high, color=style["color"], alpha=0.15, linewidth=0)
        ax.set_xscale("log" if x == "time" else "linear")
        ax.set_yscale("log" if y == "hv_regret" and not signed else "linear")
        if signed:
            ax.axhline(0.0, color="black", linewidth=0.6, alpha=0.5)
        ax.set_title(dataset)
        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel("hypervolume regret" if y == "hv_regret" else f"share of the {front} found")
        ax.grid(alpha=0.3, linewidth=0.5)
    runs = frame.groupby("strategy")["run"].nunique().min()
    fig.suptitle(f"{BAND_NAMES[stat]} over {runs} runs" if runs > 1 else "a single run: no band", fontsize=8)
    _legend(fig, strategies)
    return fig


def reference_note(fronts: dict[str, FrontSetting]) -> list[str]:
    """One line per dataset: the problem, the front's kind, size and hypervolume, the reference point."""
    lines = []
    for dataset, setting in sorted(fronts.items()):
        truth, problem = setting.truth, setting.problem
        nadir = ", ".join(f"{o.metric} {h * o.sign:g}" for o, h in zip(problem.objectives, truth.high, strict=True))
        constraints = f" subject to {problem.constraints_text()}" if problem.constraints else ""
        what = "reference front" if truth.kind == REFERENCE else "true front"
        over = "the table's nadir" if truth.description == WHOLE_TABLE else f"the nadir of {truth.description}"
        lines.append(
            f"- {dataset}: {problem.objectives_text()}{constraints}: {what} of {len(truth.rows)} "
            f"architectures (of {truth.feasible} feasible), hypervolume {truth.hypervolume:.4f} of the unit box; "
            f"reference point ({over}): {nadir}"
        )
    return lines


def beyond_note(fronts: dict[str, FrontSetting]) -> list[str]:
    """For reference fronts: what they are, and what a negative regret means."""
    return [
        f"- {dataset}: reference front: {setting.truth.description}; negative regret = beyond them"
        for dataset, setting in sorted(fronts.items())
        if setting.truth.kind == REFERENCE
    ]
