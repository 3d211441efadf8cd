"""The pow3 fit (Domhan et al. 2015): an exact power law is recovered; too few points or a falling curve stay flat."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.strategies._power_law import ALPHAS, extrapolate, fit_pow3


def test_an_exact_power_law_is_recovered() -> None:
    epochs = np.array([1.0, 3, 6, 12, 25])
    true_alpha = float(ALPHAS[34])  # a point of the grid (about 0.5)
    values = 90 - 40 * epochs ** (-true_alpha)
    assert fit_pow3(epochs, values) == pytest.approx((90, 40, true_alpha), rel=1e-6)
    assert extrapolate(epochs, values, 50) == pytest.approx(90 - 40 * 50 ** (-true_alpha), rel=1e-9)


def test_too_few_points_or_a_falling_curve_stay_flat() -> None:
    assert fit_pow3([1, 2], [5.0, 6.0]) == (6.0, 0.0, 1.0)
    assert extrapolate([1, 2, 4], [9.0, 7.0, 5.0], 100) == 5.0
