"""The report's figures: anytime curves, average rank over time, and the critical-difference diagram.

Owns drawing only: the numbers come from `curves` and `ranks`. Every function returns
a matplotlib Figure; one panel per dataset, one line per strategy in its fixed colour
and marker, the statistic and band stated on the figure, the legend below the panels.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nasbench.report.curves import BAND_NAMES, grid_for, run_curves, summarize
from nasbench.report.optimum import optima, unit
from nasbench.report.ranks import RankTest, cliques, rank_rows
from nasbench.report.style import band, figure, legend, look, ordered, styled

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
) -> Figure:
    """The incumbent's scored metric (or its regret) over simulated time or evaluations."""
    datasets = sorted(frame["dataset"].unique())
    strategies = ordered(frame["strategy"].unique())
    best = optimum if optimum is not None or y != "regret" else optima(frame)
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
            higher_is_better = True
            if y == "regret":
                reference, maximize = best[dataset]  # type: ignore[index]
                values = np.maximum(reference - values if maximize else values - reference, 1e-3)
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
    runs = frame.groupby("strategy")["run"].nunique().min()
    fig.suptitle(f"{BAND_NAMES[stat]} over {runs} runs" if runs > 1 else "a single run: no band", fontsize=8)
    legend(fig, strategies, per_panel=3)
    return fig


@styled
def rank_plot(frame: pd.DataFrame, x: str = "time", maximize: bool = True) -> Figure:
    """Average rank (1 = best) of each strategy over time, runs paired by index."""
    datasets = sorted(frame["dataset"].unique())
    strategies = ordered(frame["strategy"].unique())
    fig, axes = figure(len(datasets))
    for ax, dataset in zip(axes, datasets, strict=True):
        part = frame[frame["dataset"] == dataset]
        grid = grid_for(part, x)
        present = ordered(part["strategy"].unique())
        curves = {s: run_curves(part[part["strategy"] == s], x, grid) for s in present}
        common = sorted(set.intersection(*(set(c.runs.tolist()) for c in curves.values())))
        stacked = np.stack([c.values[np.isin(c.runs, common)] for c in curves.values()], axis=-1)
        ranks = np.stack([rank_rows(stacked[:, g, :], maximize) for g in range(len(grid))], axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # grid points before every run has a result
            average = np.nanmean(ranks, axis=0)
        for k, strategy in enumerate(present):
            band(ax, grid, average[:, k], strategy)
        ax.set_xscale("log" if x == "time" else "linear")
        ax.set_ylim(len(strategies) + 0.3, 0.7)
        ax.set_title(dataset)
        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel("average rank (1 = best)")
        ax.grid(alpha=0.3, linewidth=0.5)
    fig.suptitle("average rank over runs paired by index", fontsize=8)
    legend(fig, strategies, per_panel=3)
    return fig


@styled
def cd_diagram(test: RankTest) -> Figure:
    """Critical-difference diagram: average ranks; bars join strategies not significantly different."""
    order = sorted(test.strategies, key=lambda s: test.average_ranks[s])
    k, groups = len(order), cliques(test)
    bars = 0.25 * (len(groups) + 1)
    rows = (k + 1) // 2
    fig, (ax,) = figure(1, height=0.6 + 0.2 * rows + 0.1 * len(groups))
    ax.set_xlim(0.8, k + 0.2)
    ax.set_ylim(-(bars + 0.4 * rows + 0.2), 0.1)
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
        ax.text(
            end,
            level + 0.04,
            f"{look(strategy)['label']} ({rank:.2f})",
            ha="left" if left else "right",
            va="bottom",
            fontsize=7,
        )
    for g, group in enumerate(groups):
        ranks = [test.average_ranks[s] for s in group]
        ax.plot([min(ranks) - 0.03, max(ranks) + 0.03], [-0.25 * (g + 1)] * 2, color="black", linewidth=2.5)
    friedman = "" if test.friedman_p is None else f"Friedman p = {test.friedman_p:.2g}, "
    fig.suptitle(
        f"average rank at the final budget ({friedman}{test.blocks} blocks)\n"
        f"bars: no significant difference (Wilcoxon-Holm, $\\alpha$ = {test.alpha})",
        fontsize=7,
    )
    return fig
