"""bananas-zc through the runner: every architecture it trains was scored by the proxy first."""

from __future__ import annotations

import pandas as pd

from nasbench.benchmark.zero_cost import ZeroCostBenchmark
from tests.strategies.test_regularized_evolution_zc import _run


def test_bananas_zc_scores_every_architecture_it_trains(zc: ZeroCostBenchmark) -> None:
    hp = {"initial_samples": 4, "candidates": 10, "batch_size": 3, "epochs": 5, "ensemble_size": 2}
    frame = _run(zc, "bananas-zc", "40evals", **hp)
    scored = set(frame.loc[frame["fidelity"] == 0, "arch"])
    trained = frame.loc[frame["fidelity"] == 200, "arch"]
    assert len(trained) >= 7 and set(trained[:-1]) <= scored  # the last one's proxy may still be queued
    pd.testing.assert_frame_equal(frame, _run(zc, "bananas-zc", "40evals", **hp))
    parallel = _run(zc, "bananas-zc", "40evals", workers=4, **hp)
    assert len(parallel) == 40 and parallel["worker"].nunique() == 4
