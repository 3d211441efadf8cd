"""The discrete-event runner: budgets, workers, costs, incumbents, the overhead model."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import numpy as np
import pytest

from nasbench import strategies
from nasbench.errors import NasbenchError
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies.base import Strategy


def run(c10, name="rs", budget="40evals", **kwargs):
    spec = RunSpec(
        bench_name="nb201", dataset="cifar10-valid", strategy=name, run=0, budget=Budget.parse(budget), **kwargs
    )
    return simulate(spec, c10)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [("12000s", 12000, "s"), ("150evals", 150, "evals"), (" 1.5e3s ", 1500, "s"), ("0.5s", 0.5, "s")],
)
def test_budget_parse(text: str, amount: float, unit: str) -> None:
    assert Budget.parse(text) == Budget(amount, unit)


@pytest.mark.parametrize("text", ["12000", "12000x", "", "s", "0s", "-5s", "0evals", "1.5evals", "ten evals"])
def test_bad_budgets(text: str) -> None:
    with pytest.raises(NasbenchError, match="budget"):
        Budget.parse(text)


def test_evaluation_budget(c10) -> None:
    frame = run(c10, budget="37evals")
    assert len(frame) == 37 and frame["eval"].tolist() == list(range(37))


def test_seconds_budget_counts_only_what_finishes_in_time(c10) -> None:
    frame = run(c10, budget="20000s", workers=3)
    assert frame["end"].max() <= 20000
    assert (frame["end"].diff().dropna() >= 0).all()


def test_one_worker_runs_back_to_back(c10) -> None:
    frame = run(c10)
    assert frame["start"].iloc[0] == 0.0
    assert np.allclose(frame["start"].iloc[1:].to_numpy(), frame["end"].iloc[:-1].to_numpy())
    assert np.allclose(frame["end"] - frame["start"], frame["cost"])


def test_at_most_k_evaluations_overlap(c10) -> None:
    frame = run(c10, budget="200evals", workers=4)
    for t in frame["start"]:
        running = ((frame["start"] <= t) & (frame["end"] > t)).sum()
        assert running <= 4
    assert frame["worker"].nunique() == 4
    for _, per_worker in frame.groupby("worker"):
        assert (per_worker["start"].iloc[1:].to_numpy() >= per_worker["end"].iloc[:-1].to_numpy() - 1e-9).all()


def test_overhead_model_is_charged_per_proposal(c10) -> None:
    frame = run(c10, overhead_seconds=10.0)
    assert frame["start"].iloc[0] == 10.0
    assert np.allclose(frame["start"].iloc[1:].to_numpy(), frame["end"].iloc[:-1].to_numpy() + 10.0)
    with pytest.raises(NasbenchError, match="overhead"):
        run(c10, overhead_seconds=-1.0)


def test_costs_and_observations_come_from_the_table(c10) -> None:
    frame = run(c10, fidelity=12, budget="30evals")
    for _, row in frame.iterrows():
        record = c10.query(row["arch"], fidelity=12)
        assert row["observed"] == record["valid_acc"] and row["cost"] == record["train_seconds"]
        assert row["query_seed"] == -1
    full = run(c10, budget="30evals")
    for _, row in full.iterrows():
        record = c10.query(row["arch"], seed=int(row["query_seed"]))
        assert row["observed"] == record["valid_acc"] and row["cost"] == record["train_seconds"]


def test_incumbent_is_the_best_observation_and_is_scored_at_full_fidelity(c10) -> None:
    frame = run(c10, budget="60evals", fidelity=12)
    assert np.array_equal(frame["incumbent_observed"].to_numpy(), np.maximum.accumulate(frame["observed"].to_numpy()))
    for _, row in frame.iterrows():
        # searched at 12 epochs (seed means, separate trainings): every 200-epoch seed is held out
        assert row["incumbent_score"] == c10.query(row["incumbent"], fidelity=200)["valid_acc"]
        assert row["incumbent_held_out"]
    assert set(frame["score_metric"]) == {"valid_acc"}


class Recorder(Strategy):
    """Proposes one architecture forever and keeps what it was told."""

    name = "recorder"
    paper = "none: a test double that exercises the runner"
    seen: ClassVar[list[dict[str, float]]] = []

    def ask(self) -> tuple[Hashable, int | None]:
        return self.space.arch(9930), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.seen.append(record)


def test_strategy_sees_only_the_observed_metric_and_ties_are_fifo(c10, monkeypatch) -> None:
    monkeypatch.setitem(strategies.STRATEGIES, "recorder", Recorder)
    Recorder.seen = []
    frame = run(c10, name="recorder", budget="9evals", workers=3, fidelity=12)
    assert all(set(record) == {"valid_acc"} for record in Recorder.seen)
    # The same architecture at the same fidelity costs the same: three workers tie each round.
    assert frame["worker"].tolist() == [0, 1, 2] * 3


def test_run_record_carries_settings(c10) -> None:
    frame = run(c10, name="re")
    assert set(frame["run_id"]) == {"re-0000"} and set(frame["hyperparameters"]) == {
        '{"mutation": "reference", "population_size": 10, "sample_size": 3, "tournament_replacement": true}'
    }
    assert set(frame["data_sha256"]) == {c10.data_sha256}
    assert {"benchmark", "dataset", "budget", "workers", "root_seed", "code_version"} <= set(frame.columns)


def test_constrained_runs_record_infeasible_evaluations_and_keep_the_best_feasible_incumbent(c10) -> None:
    frame = run(c10, name="rs", budget="60evals", constraints="latency:raspi4<=10")
    raspi = c10.query_many(list(frame["arch"]), metrics=["latency:raspi4"])["latency:raspi4"].to_numpy()
    np.testing.assert_allclose(frame["constraint_0"], raspi)
    assert frame["feasible"].tolist() == (raspi <= 10).tolist()
    assert 0 < frame["feasible"].sum() < len(frame)  # infeasible ones are recorded, not dropped
    for k in range(len(frame)):
        feasible = frame.iloc[: k + 1]
        feasible = feasible[feasible["feasible"]]
        if feasible.empty:
            assert frame["incumbent"].iloc[k] == "" and np.isnan(frame["incumbent_score"].iloc[k])
        else:
            assert frame["incumbent_observed"].iloc[k] == feasible["observed"].max()
    assert set(frame["constraints"]) == {"latency:raspi4<=10"}


def test_multi_objective_runs_record_objectives_and_front_progress(c10) -> None:
    frame = run(c10, name="mo-rs", budget="50evals", objectives="valid_acc,latency:pixel3")
    archs = list(frame["arch"])
    means = c10.query_many(archs, metrics=["valid_acc", "latency:pixel3"])
    np.testing.assert_allclose(frame["objective_0_scored"], means["valid_acc"])
    np.testing.assert_allclose(frame["objective_1"], means["latency:pixel3"])  # latency has no seed noise
    seeds = frame["query_seed"].to_numpy()
    assert (frame["objective_0"] == frame["observed"]).all() and (seeds >= 0).all()
    assert frame["hypervolume"].is_monotonic_increasing and frame["hv_regret"].is_monotonic_decreasing
    assert frame["attainment"].is_monotonic_increasing and (frame["hv_regret"] > 0).all()
    assert frame["epsilon"].is_monotonic_decreasing and (frame["epsilon"] > 0).all()
    total = frame["hypervolume"] + frame["hv_regret"]  # the true front's hypervolume, every row
    np.testing.assert_allclose(total, total.iloc[0])
    assert set(frame["objectives"]) == {"valid_acc,latency:pixel3"} and frame["feasible"].all()


def test_multi_objective_strategies_see_the_objectives_only(c10, monkeypatch) -> None:
    class MORecorder(Recorder):
        multi_objective = True

    monkeypatch.setitem(strategies.STRATEGIES, "recorder", MORecorder)
    MORecorder.seen = []
    run(c10, name="recorder", budget="5evals", objectives="params,latency:pixel3", constraints="latency:raspi4<=10")
    assert all(set(r) == {"params", "latency:pixel3", "latency:raspi4"} for r in MORecorder.seen)
