"""Anytime curves: step functions on a grid, medians, means and their bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nasbench.report.curves import grid_for, run_curves, summarize


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["a"] * 5,
            "run": [0, 0, 0, 1, 1],
            "eval": [0, 1, 2, 0, 1],
            "end": [10.0, 20.0, 30.0, 15.0, 40.0],
            "incumbent_score": [1.0, 2.0, 3.0, 5.0, 6.0],
        }
    )


def test_time_curves_are_step_functions() -> None:
    curves = run_curves(frame(), "time", np.array([5.0, 10.0, 19.0, 20.0, 35.0, 40.0]))
    assert curves.runs.tolist() == [0, 1]
    expected = [[np.nan, 1, 1, 2, 3, 3], [np.nan, np.nan, 5, 5, 5, 6]]
    np.testing.assert_array_equal(curves.values, np.array(expected, dtype=float))


def test_evaluation_curves_carry_the_last_value() -> None:
    curves = run_curves(frame(), "evals", grid_for(frame(), "evals"))
    np.testing.assert_array_equal(curves.values, [[1, 2, 3], [5, 6, 6]])


def test_median_counts_missing_as_worst() -> None:
    values = np.array([[np.nan, 1.0], [np.nan, 3.0], [2.0, 5.0]])
    centre, low, high = summarize(values, "median")
    assert np.isnan(centre[0])  # only one of three runs has an incumbent
    assert centre[1] == 3.0 and low[1] == 2.0 and high[1] == 4.0


def test_mean_and_bootstrap_band() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(10.0, 1.0, size=(400, 3))
    centre, low, high = summarize(values, "mean")
    np.testing.assert_allclose(centre, values.mean(axis=0))
    sem = values.std(axis=0, ddof=1) / np.sqrt(400)
    np.testing.assert_allclose(high - low, 2 * 1.96 * sem, rtol=0.15)
    again = summarize(values, "mean")
    np.testing.assert_array_equal(again[1], low)
    values[0, 0] = np.nan
    assert np.isnan(summarize(values, "mean")[0][0])  # the mean needs every run
