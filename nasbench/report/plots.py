"""The report's figures: anytime curves, expected rank over time, and the critical-difference diagram.

Owns drawing only: the numbers come from `curves` and `ranks`. Every function returns
a matplotlib Figure; one panel per dataset, one line per strategy in its fixed colour
and marker, the statistic, band, number of runs and scoring rule stated on the figure,
the legend (with each strategy's n) below the panels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nasbench.report.curves import BAND_NAMES, grid_for, run_curves, summarize
from nasbench.report.optimum import optima, unit
from nasbench.report.ranks import RankTest, cliques, expected_ranks
from nasbench.report.style import band, counts, figure, legend, look, ordered, runs_text, styled

X_LABELS = {"time": "simulated wall-clock (s)", "evals": "evaluations"}


def _y_label(frame: pd.DataFrame, y: str) -> str:
    metric = "/".join(sorted(frame["score_metric"].unique()))
    first = frame.iloc[0]
    units = unit(first["benchmark"], first["dataset"], first["score_metric"])
    return f"regret of {metric} ({units})" if y == "regret" else f"{metric} of incumbent ({units})"


def _zoom(ax: Axes, centres: np.ndarray) -> None:
    """Show where the curves spend most of the run, not the first few evaluations' outliers."""
    finite = centres[np.isfinite(centres)]
    if finite.size:
        low, high = np.percentile(finite, 10), finite.max()
        margin = 0.08 * (high - low) or 1.0
        ax.set_ylim(low - margin, high + margin)


@styled
def anytime_plot(
    frame: pd.DataFrame,
    x: str = "time",
    y: str = "score",
    stat: str = "median",
    optimum: dict[str, tuple[float, bool]] | None = None,
    scoring: str | None = None,
) -> Figure:
    """The incumbent's scored metric (or its regret) over simulated time or evaluations; `scoring` states the rule.

    `optimum`: per dataset, (best value, maximize) as `optima` gives them (its default); the direction also
    decides which end a run without an incumbent yet counts at (the worst) in a median and its band."""
    datasets = sorted(frame["dataset"].unique())
    strategies = ordered(frame["strategy"].unique())
    best = optimum if optimum is not None else optima(frame)  # each dataset's direction, also for scores
    y_label = _y_label(frame, y)
    fig, axes = figure(len(datasets))
    for ax, dataset in zip(axes, datasets, strict=True):
        part = frame[frame["dataset"] == dataset]
        grid = grid_for(part, x)
        centres = []
        for strategy in strategies:
            group = part[part["strategy"] == strategy]
            if group.empty:
                continue
            values = run_curves(group, x, grid).values
            reference, higher_is_better = best[dataset]  # a run without an incumbent yet counts as worst
            if y == "regret":
                values = np.maximum(reference - values if higher_is_better else values - reference, 1e-3)
                higher_is_better = False
            centre, low, high = summarize(values, stat, higher_is_better)
            centres.append(centre)
            band(ax, grid, centre, strategy, (low, high) if values.shape[0] > 1 else None)
        ax.set_xscale("log" if x == "time" else "linear")
        if y == "regret":
            ax.set_yscale("log")
        else:
            _zoom(ax, np.concatenate(centres))
        ax.set_title(dataset)
        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel(y_label)
        ax.grid(alpha=0.3, linewidth=0.5)
    fig.suptitle(subtitle(frame, stat, scoring), fontsize=8)
    legend(fig, strategies, per_panel=3, n=counts(frame))
    return fig


def subtitle(frame: pd.DataFrame, stat: str, scoring: str | None = None) -> str:
    """The statistic and band, over how many runs (never more than every strategy has), and the scoring rule."""
    runs = frame.groupby(["dataset", "strategy"])["run"].nunique()
    text = f"{BAND_NAMES[stat]} {runs_text(frame)}" if runs.max() > 1 else "a single run: no band"
    return text + (f"\nscored: {scoring}" if scoring else "")


@styled
def rank_plot(
    frame: pd.DataFrame,
    x: str = "time",
    maximize: bool | dict[str, bool] = True,
    y: str = "incumbent_score",
    scoring: str | None = None,
) -> Figure:
    """Expected rank (1 = best) of each strategy over time: its average over every combination of one run per
    strategy, so runs of different strategies are never paired by their index."""
    datasets = sorted(frame["dataset"].unique())
    strategies = ordered(frame["strategy"].unique())
    fig, axes = figure(len(datasets))
    for ax, dataset in zip(axes, datasets, strict=True):
        part = frame[frame["dataset"] == dataset]
        grid = grid_for(part, x)
        present = ordered(part["strategy"].unique())
        higher = maximize[dataset] if isinstance(maximize, dict) else maximize
        ranks = expected_ranks([run_curves(part[part["strategy"] == s], x, grid, y).values for s in present], higher)
        for k, strategy in enumerate(present):
            band(ax, grid, ranks[:, k], strategy)
        ax.set_xscale("log" if x == "time" else "linear")
        ax.set_ylim(len(strategies) + 0.3, 0.7)
        ax.set_title(dataset)
        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel("expected rank (1 = best)")
        ax.grid(alpha=0.3, linewidth=0.5)
    by = "hypervolume regret" if y == "hv_regret" else "the incumbent's score"
    title = f"expected rank by {by}: one run per strategy, over every combination of runs"
    fig.suptitle(title + (f"\nscored: {scoring}" if scoring else ""), fontsize=8)
    legend(fig, strategies, per_panel=3, n=counts(frame))
    return fig


@styled
def cd_diagram(test: RankTest, what: str = "median final score", scoring: str | None = None) -> Figure:
    """Critical-difference diagram (Demsar 2006): average ranks over tasks; bars join exactly the pairs of
    strategies not significantly different (a bar that skips a strategy marks its members with dots)."""
    order = sorted(test.strategies, key=lambda s: test.average_ranks[s])
    k, groups = len(order), cliques(test)
    bars = 0.25 * (len(groups) + 1)
    rows = (k + 1) // 2
    fig, (ax,) = figure(1, height=0.6 + 0.2 * rows + 0.1 * len(groups))
    ax.set_xlim(0.8, k + 0.2)
    ax.set_ylim(-(bars + 0.4 * rows + 0.2), 0.1 + (0.35 if test.critical_difference is not None else 0.0))
    ax.xaxis.set_ticks_position("top")
    ax.set_xticks(range(1, k + 1))
    ax.spines[["left", "bottom", "right"]].set_visible(False)
    ax.spines["top"].set_visible(True)
    ax.set_yticks([])
    for i, strategy in enumerate(order):
        rank, left = test.average_ranks[strategy], i < rows
        level = -bars - 0.4 * (i + 1 if left else k - i)
        end = 0.8 if left else k + 0.2
        ax.plot([rank, rank, end], [0, level, level], color=look(strategy)["color"], linewidth=1)
        label = f"{look(strategy)['label']} ({rank:.2f})"
        ax.text(end, level + 0.04, label, ha="left" if left else "right", va="bottom", fontsize=7)
    for g, group in enumerate(groups):
        _bar(ax, [test.average_ranks[s] for s in group], [test.average_ranks[s] for s in order], -0.25 * (g + 1))
    if test.critical_difference is not None:
        cd = test.critical_difference
        ax.plot([1, 1 + cd], [0.25, 0.25], color="black", linewidth=1, marker="|")
        ax.text(1 + cd + 0.05, 0.25, f"CD = {cd:.2f}", ha="left", va="center", fontsize=6.5)
    fig.suptitle(cd_title(test, what) + (f"\nscored: {scoring}" if scoring else ""), fontsize=7)
    return fig


def _bar(ax: Axes, members: list[float], every: list[float], level: float) -> None:
    low, high = min(members), max(members)
    skipped = any(low < r < high and r not in members for r in every)
    ax.plot([low - 0.03, high + 0.03], [level] * 2, color="black", linewidth=1.0 if skipped else 2.5)
    if skipped:  # a bar is read as joining everything under it: mark who it joins
        ax.plot(members, [level] * len(members), linestyle="", marker="o", markersize=3, color="black")


def cd_title(test: RankTest, what: str) -> str:
    """What the diagram ranks, over how many tasks, and which test draws its bars."""
    friedman = "" if test.friedman_p is None else f"Friedman p = {test.friedman_p:.2g}; "
    rule = "Nemenyi critical difference" if test.method == "nemenyi" else "Wilcoxon signed-rank over tasks, Holm"
    return (
        f"average rank over {test.blocks} tasks (benchmark x dataset) by {what}\n"
        f"{friedman}bars: no significant difference ({rule}, $\\alpha$ = {test.alpha})"
    )
