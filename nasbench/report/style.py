"""One look for every figure: colour-blind-safe colours and markers fixed per strategy.

Owns plotting style only. Colours are the Okabe-Ito palette (Okabe & Ito, 2008), each
strategy keeps its colour and marker in every figure, and sizes suit a two-column
paper (3.4 in per panel, 8-9 pt text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import matplotlib
import pandas as pd

matplotlib.use("Agg")  # files only: reports never open a window

from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nasbench.report.tasks import TASK, with_tasks

P = ParamSpec("P")
R = TypeVar("R")

ORDER = (
    "rs",
    "re",
    "reinforce",
    "ls",
    "bananas",
    "gp-bo",
    "sh",
    "hyperband",
    "bohb",
    "mo-rs",
    "nsga2",
    "mo-re",
    "parego",
    "re-warm",
    "re-prior",
    "reinforce-prior",
    "rgpe",
    "re-zc",
    "bananas-zc",
    "rs-lce",
    "reinforce-zc",
    "bananas-transfer",
)
LABELS = {
    "rs": "Random search",
    "re": "Reg. evolution",
    "reinforce": "REINFORCE",
    "ls": "Local search",
    "bananas": "BANANAS",
    "gp-bo": "GP-BO",
    "sh": "Succ. halving",
    "hyperband": "Hyperband",
    "bohb": "BOHB",
    "mo-rs": "MO random search",
    "nsga2": "NSGA-II",
    "mo-re": "MO reg. evolution",
    "parego": "ParEGO",
    "re-warm": "RE warm-started",
    "re-prior": "RE learned prior",
    "reinforce-prior": "REINFORCE learned prior",
    "rgpe": "RGPE",
    "re-zc": "Reg. evolution + ZC warm-up",
    "bananas-zc": "BANANAS + ZC features",
    "rs-lce": "RS + curve early stop",
    "reinforce-zc": "REINFORCE + ZC warm-up",
    "bananas-transfer": "BANANAS transfer",
}
# Okabe-Ito, with its pale yellow replaced by grey and a dark gold for a ninth strategy, then twelve of Paul Tol's
# muted and dark schemes (indigo, wine, olive, teal; rose, green, cyan, purple for the transfer strategies; sand,
# brown, steel blue, Tol's vibrant magenta for the zero-cost ones) and his vibrant orange (BANANAS transfer) so that
# every registered strategy has its own colour and marker, also when single- and multi-objective comparisons share
# a report.
PALETTE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999", "#8C6D1F",
    "#332288", "#882255", "#999933", "#44AA99", "#CC6677", "#117733", "#88CCEE", "#AA4499",
    "#DDCC77", "#661100", "#6699CC", "#EE3377", "#EE7733",
)  # fmt: skip
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p", "d", "H", "8", "x", "+", "1", "2", "3", "4", "|")
PANEL_WIDTH, PANEL_HEIGHT = 3.4, 2.5
RC: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "lines.linewidth": 1.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "nasbench",
    "pdf.compression": 6,
}


def ordered(strategies: Iterable[str]) -> list[str]:
    """Strategies in the fixed order (unknown names after, alphabetically)."""
    names = set(strategies)
    return [s for s in ORDER if s in names] + sorted(names - set(ORDER))


def look(strategy: str) -> dict[str, Any]:
    """The colour, marker and label of one strategy, the same in every figure."""
    position = ORDER.index(strategy) if strategy in ORDER else len(ORDER) + sum(map(ord, strategy))
    return {
        "color": PALETTE[position % len(PALETTE)],
        "marker": MARKERS[position % len(MARKERS)],  # unknown names may repeat a look
        "label": LABELS.get(strategy, strategy),
    }


def styled(function: Callable[P, R]) -> Callable[P, R]:
    """Run a plotting or saving function under the report's style, leaving the caller's untouched."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.rc_context(RC):  # type: ignore[arg-type]
            return function(*args, **kwargs)

    return wrapper


def figure(panels: int, height: float = PANEL_HEIGHT) -> tuple[Figure, list[Axes]]:
    """A figure of `panels` side-by-side axes at column width each, room for a legend below."""
    fig, axes = plt.subplots(
        1, panels, figsize=(PANEL_WIDTH * panels, height + 0.55), layout="constrained", squeeze=False
    )
    return fig, list(axes[0])


def band(ax: Axes, grid: Any, centre: Any, strategy: str, spread: tuple[Any, Any] | None = None) -> None:
    """One strategy's line (markers thinned to about eight) and, where given, its (low, high) band."""
    style = look(strategy)
    ax.plot(grid, centre, color=style["color"], marker=style["marker"], markersize=3, markevery=max(1, len(grid) // 8))
    if spread is not None:
        ax.fill_between(grid, *spread, color=style["color"], alpha=0.15, linewidth=0)


def counts(frame: pd.DataFrame) -> dict[str, str]:
    """Per strategy: its number of runs, 'n=6', or one per task in sorted order ('n=6/3') when they differ."""
    runs = with_tasks(frame).groupby(["strategy", TASK], sort=True)["run"].nunique()
    found = {}
    for strategy in ordered(frame["strategy"].unique()):
        values = runs.loc[strategy].tolist()
        found[strategy] = f"n={values[0]}" if len(set(values)) == 1 else "n=" + "/".join(map(str, values))
    return found


def runs_text(frame: pd.DataFrame) -> str:
    """'over 6 runs' when every strategy on every task has 6; else the range, pointing to the legend."""
    runs = with_tasks(frame).groupby([TASK, "strategy"])["run"].nunique()
    low, high = int(runs.min()), int(runs.max())
    return f"over {low} runs" if low == high else f"over {low} to {high} runs (n per strategy in the legend)"


def legend(
    fig: Figure, strategies: list[str], per_panel: int, first: list[Any] | None = None, n: dict[str, str] | None = None
) -> None:
    """One legend below the panels: `first` handles (e.g. a true front), then each strategy's look and its n."""
    handles = list(first or [])
    for s in strategies:
        label = look(s)["label"] + (f" ({n[s]})" if n and s in n else "")
        handles += fig.axes[0].plot([], [], color=look(s)["color"], marker=look(s)["marker"], markersize=4, label=label)
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), per_panel * len(fig.axes)), frameon=False
    )
