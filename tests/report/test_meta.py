"""Transfer vs twin statistics: the effect size and the outcome rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nasbench.report.meta import _checkpoint, a12, versus_twins


def test_a12_is_the_probability_of_beating_ties_half() -> None:
    assert a12(np.array([2.0, 3.0]), np.array([1.0, 1.0])) == 1.0
    assert a12(np.array([1.0]), np.array([1.0])) == 0.5
    assert a12(np.array([1.0, 3.0]), np.array([2.0])) == 0.5


def test_budget_shares_are_checkpoints_in_the_budgets_unit() -> None:
    assert [_checkpoint("100evals", f) for f in (0.1, 0.25, 1.0)] == ["10evals", "25evals", "final"]
    assert _checkpoint("3evals", 0.1) == "1evals" and _checkpoint("12000s", 0.5) == "6000s"


def _frame(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"dataset": "d", "strategy": s, "run": r, "eval": e, "end": float(e), "incumbent_score": v + e}
        for s, runs in values.items()
        for r, v in enumerate(runs)
        for e in range(4)
    ]
    return pd.DataFrame(rows)


def test_a_clear_gain_is_a_win_and_the_sign_follows_the_direction() -> None:
    frame = _frame({"re": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], "re-warm": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5]})
    settings = [{"dataset": "d", "budget": "4evals", "twins": {"re-warm": "re"}}]
    up = versus_twins(frame, settings, {"d": True}).iloc[0]
    assert up["outcome"] == "win" and up["a12"] == 1.0 and up["gain_100%"] == np.float64(1.0)
    down = versus_twins(frame, settings, {"d": False}).iloc[0]
    assert down["outcome"] == "loss" and down["a12"] == 0.0 and down["gain_100%"] == -1.0
