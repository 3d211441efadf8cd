"""The Benchmark protocol's shared parts: metric directions and signs, candidates and optima."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.benchmark.base import EXACT, REFERENCE, MetricInfo, loss_sign, utility_sign
from nasbench.errors import TableFileError
from nasbench.problem.objectives import parse_problem
from nasbench.surrogate.benchmark import SurrogateBenchmark
from nasbench.surrogate.model import fit_surrogate


def test_one_sign_convention() -> None:
    accuracy = MetricInfo("valid_acc", "%", "maximize", "", "accuracy", (200,))
    seconds = MetricInfo("train_seconds", "s", "minimize", "", "cost", (200,))
    assert accuracy.maximize and not seconds.maximize
    assert (utility_sign(True), utility_sign(False), loss_sign(True), loss_sign(False)) == (1.0, -1.0, -1.0, 1.0)
    values = np.array([3.0, 5.0])  # the better of two: largest utility, smallest loss, whatever the direction
    for metric, better in ((accuracy, 5.0), (seconds, 3.0)):
        assert values[np.argmax(utility_sign(metric.maximize) * values)] == better
        assert values[np.argmin(loss_sign(metric.maximize) * values)] == better


def test_objectives_carry_the_tables_direction(c10) -> None:
    problem = parse_problem("valid_acc,train_seconds", None, c10.info)
    assert [(o.maximize, o.direction, o.loss_sign) for o in problem.objectives] == [
        (True, "maximize", -1.0),
        (False, "minimize", 1.0),
    ]


def test_a_tables_candidates_are_its_rows(c10) -> None:
    found = c10.candidates()
    assert found.kind == EXACT and found.size == 15625 and found.description == "the whole table"
    assert np.array_equal(found.select, np.arange(15625)) and c10.candidates() is found


def test_a_tables_optimum_is_the_published_one(nb201_benches) -> None:
    # Best seed-mean 200-epoch validation accuracy; the figures recalled for Dong & Yang (ICLR 2020) Table 5's
    # "optimal" row, UNVERIFIED against the paper (no copy of the table was found).
    assert round(nb201_benches["cifar10-valid"].optimum("valid_acc"), 2) == 91.61
    assert round(nb201_benches["cifar100"].optimum("valid_acc"), 2) == 73.49
    c10 = nb201_benches["cifar10-valid"]
    seconds = c10.query_many(np.arange(15625))["train_seconds"].to_numpy()
    assert c10.optimum("train_seconds") == seconds.min()  # a metric to minimize: its smallest value
    slow = seconds > np.median(seconds)
    assert c10.optimum("train_seconds", slow) == seconds[slow].min() > seconds.min()


@pytest.fixture(scope="module")
def accel_surrogate() -> tuple[nasbench.TableBenchmark, SurrogateBenchmark]:
    table = nasbench.load("accel")
    surrogate = fit_surrogate(table, ensemble=1, hyperparameters={"n_estimators": 20})
    return table, SurrogateBenchmark(surrogate, table=table.table.path)


def test_a_large_surrogates_candidates_are_the_trained_networks(accel_surrogate) -> None:
    table, bench = accel_surrogate
    found = bench.candidates()
    assert found.kind == REFERENCE and found.size == table.info.size == 5125
    assert [bench.space.to_str(a) for a in found.select] == table.table.archs()
    predicted = bench.surrogate.predict(found.select, ["val_top1"])["val_top1"]
    assert bench.optimum("val_top1") == pytest.approx(float(predicted.max()))
    with pytest.raises(TableFileError, match="expected the table file accel/imagenet's surrogate was fitted on"):
        SurrogateBenchmark(bench.surrogate).candidates()


def test_the_registry_passes_a_surrogate_its_table() -> None:
    bench = nasbench.load("accel", estimator="surrogate")
    assert bench.table is not None and bench.table.name == "accel.h5"
