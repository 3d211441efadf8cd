"""Ranking fidelity: do strategies rank the same on a surrogate as on its table (scored on the table)?"""

from __future__ import annotations

import pytest

from nasbench.fidelity.ranking import final_scores, ranking_fidelity
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.surrogate.benchmark import SurrogateBenchmark
from nasbench.surrogate.model import fit_surrogate


def test_ranking_fidelity_compares_the_same_runs(c10) -> None:
    surrogate = SurrogateBenchmark(fit_surrogate(c10, hyperparameters={"n_estimators": 40}))
    result = ranking_fidelity(c10, surrogate, strategies=("rs", "re"), runs=3, budget="20evals")
    rows = {r["strategy"]: r for r in result["strategies"]}
    for row in rows.values():
        assert row["difference"] == pytest.approx(row["surrogate_mean"] - row["table_mean"])
        assert 80 < row["table_mean"] < 92 and 80 < row["surrogate_mean"] < 92
    assert sorted(result["table_order"]) == ["re", "rs"]
    best = max(rows, key=lambda s: rows[s]["table_mean"])
    assert result["table_order"][0] == best
    assert result["same_order"] == (result["table_order"] == result["surrogate_order"])
    assert result == ranking_fidelity(c10, surrogate, strategies=("rs", "re"), runs=3, budget="20evals")


def test_surrogate_runs_are_scored_on_the_table(c10) -> None:
    """A surrogate's own predictions never grade the runs that searched on it (issue 15 §6)."""
    surrogate = SurrogateBenchmark(fit_surrogate(c10, hyperparameters={"n_estimators": 40}))
    budget = Budget.parse("20evals")
    scores = final_scores(surrogate, "rs", 3, budget, 0, table=c10)
    for run, score in enumerate(scores):
        spec = RunSpec(bench_name="nb201", dataset="cifar10-valid", strategy="rs", run=run, budget=budget)
        incumbent = simulate(spec, surrogate)["incumbent"].iloc[-1]
        assert score == c10.query(incumbent, fidelity=200)["valid_acc"]
        assert score != simulate(spec, surrogate)["incumbent_score"].iloc[-1]  # what the surrogate predicts
