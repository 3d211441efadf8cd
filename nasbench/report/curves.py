"""Anytime curves: each run's incumbent on a common grid, and their median or mean with a band.

Owns the arithmetic behind the anytime and rank plots; it draws nothing. A run's
value at grid point x is the scored metric of its incumbent after the last evaluation
that ended by x (NaN before its first). Bootstrap bands use a fixed seed, so a report
is the same every time it is made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BOOTSTRAP_SAMPLES = 1000
BAND_NAMES = {"median": "median, band: interquartile range", "mean": "mean, band: 95 % bootstrap CI"}


@dataclass
class Curves:
    """Runs x grid values of one (dataset, strategy)."""

    grid: np.ndarray
    values: np.ndarray  # (runs, grid)
    runs: np.ndarray


def grid_for(frame: pd.DataFrame, x: str, points: int = 200) -> np.ndarray:
    """A grid over simulated seconds (log-spaced) or over evaluations (every count)."""
    if x == "evals":
        return np.arange(1, int(frame.groupby(["strategy", "run"]).size().max()) + 1, dtype=float)
    first, last = frame["end"].min(), frame["end"].max()
    low = max(first, last * 1e-4, 1e-9)
    return np.geomspace(low, max(last, low * 1.0001), points)


def run_curves(frame: pd.DataFrame, x: str, grid: np.ndarray, y: str = "incumbent_score") -> Curves:
    """The incumbent's value of every run of one (dataset, strategy) on `grid`."""
    frame = frame.sort_values(["run", "eval"], kind="stable")
    runs, starts = np.unique(frame["run"].to_numpy(), return_index=True)
    bounds = [*starts[1:], len(frame)] if len(frame) else []
    position = (frame["eval"].to_numpy() + 1.0) if x == "evals" else frame["end"].to_numpy()
    values = frame[y].to_numpy(dtype=float)
    out = np.full((len(runs), len(grid)), np.nan)
    for i, (begin, end) in enumerate(zip(starts, bounds, strict=True)):
        last = np.searchsorted(position[begin:end], grid, side="right") - 1
        seen = last >= 0
        out[i, seen] = values[begin:end][last[seen]]
    return Curves(grid, out, runs)


def summarize(
    values: np.ndarray, stat: str, maximize: bool = True, rng_seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, low, high) over runs at each grid point: median with IQR, or mean with a bootstrap CI.

    A run without an incumbent yet counts as worst: the median is shown once half the
    runs have one, the mean once all have.
    """
    present = ~np.isnan(values)
    needed = values.shape[0] if stat == "mean" else (values.shape[0] + 1) // 2
    enough = present.sum(axis=0) >= max(needed, 1)
    centre, low, high = (np.full(values.shape[1], np.nan) for _ in range(3))
    if stat == "median":
        worst = -np.inf if maximize else np.inf
        with np.errstate(invalid="ignore"):  # interpolating between two infinities
            quartiles = np.percentile(np.where(present, values, worst)[:, enough], [25, 50, 75], axis=0)
        quartiles[~np.isfinite(quartiles)] = np.nan
        low[enough], centre[enough], high[enough] = quartiles
        return centre, low, high
    if stat != "mean":
        raise ValueError(f"expected stat 'median' or 'mean', got {stat!r}")
    runs = values.shape[0]
    filled = np.where(present, values, 0.0)
    weights = np.random.default_rng(rng_seed).multinomial(runs, np.full(runs, 1.0 / runs), size=BOOTSTRAP_SAMPLES)
    with np.errstate(all="ignore"):
        centre[enough] = filled.sum(axis=0)[enough] / present.sum(axis=0)[enough]
        boot = (weights @ filled[:, enough]) / (weights @ present[:, enough])
        low[enough], high[enough] = np.percentile(boot, [2.5, 97.5], axis=0)
    return centre, low, high
