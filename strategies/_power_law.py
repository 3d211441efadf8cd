"""Learning-curve extrapolation by a power law, the `pow3` family of Domhan, Springenberg & Hutter,
"Speeding up Automatic Hyperparameter Optimization of Deep Neural Networks by Extrapolation of
Learning Curves", IJCAI 2015: y(t) = c - a * t^(-alpha).

Owns the fit and the extrapolation only. Declared difference from the paper: one parametric
family (of their eleven) fitted by least squares, not an MCMC-weighted ensemble; alpha is
searched on a fixed log grid and (c, a) solved linearly for each, so the fit is deterministic
and needs no optimiser. Used by `rs-lce`; knows nothing of benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ALPHAS = np.logspace(-2, 1, 61)  # 0.01 .. 10


def fit_pow3(epochs: Sequence[float], values: Sequence[float]) -> tuple[float, float, float]:
    """(c, a, alpha) of the least-squares fit of values ~ c - a * epochs^(-alpha), with a >= 0 (a rising curve).

    With fewer than three points, or a curve that does not rise, the fit is flat at the last value.
    """
    t, y = np.asarray(epochs, dtype=np.float64), np.asarray(values, dtype=np.float64)
    flat = (float(y[-1]), 0.0, 1.0)
    if len(t) < 3 or not np.all(np.isfinite(y)):
        return flat
    best, best_sse = flat, float(np.sum((y - y[-1]) ** 2))
    for alpha in ALPHAS:
        design = np.column_stack([np.ones_like(t), -(t ** (-alpha))])
        (c, a), *_ = np.linalg.lstsq(design, y, rcond=None)
        if a < 0:
            continue
        sse = float(np.sum((design @ np.array([c, a]) - y) ** 2))
        if sse < best_sse - 1e-12:
            best, best_sse = (float(c), float(a), float(alpha)), sse
    return best


def extrapolate(epochs: Sequence[float], values: Sequence[float], target: float) -> float:
    """The fitted curve's value at `target`."""
    c, a, alpha = fit_pow3(epochs, values)
    return c - a * float(target) ** (-alpha)
