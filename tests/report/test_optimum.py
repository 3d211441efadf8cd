"""The reference point of regret: the table's best scored value, under the runs' constraints, and its unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nasbench.report.optimum import optima, optimum, unit


def test_the_nb201_optima_are_the_papers() -> None:
    # The table's best validation accuracies; recalled as Dong & Yang (ICLR 2020) Table 5's "optimal" row, but
    # UNVERIFIED against the paper (no copy of the table was found): what is tested is the table's own optimum.
    assert optimum("nb201", "cifar10-valid", "valid_acc") == (pytest.approx(91.61, abs=0.005), True)
    assert optimum("nb201", "cifar100", "valid_acc") == (pytest.approx(73.49, abs=0.005), True)
    assert unit("nb201", "cifar10-valid", "valid_acc") == "%"


def test_a_minimized_metric_and_a_constraint(c10) -> None:
    values = c10.query_many(c10.candidates().select, 200, metrics=["valid_acc", "latency:raspi4"])
    best, maximize = optimum("nb201", "cifar10-valid", "latency:raspi4")
    assert not maximize and best == values["latency:raspi4"].min()
    feasible = values.loc[values["latency:raspi4"] <= 10, "valid_acc"].max()
    assert optimum("nb201", "cifar10-valid", "valid_acc", "latency:raspi4<=10") == (feasible, True)
    assert feasible < values["valid_acc"].max()


def test_a_score_beyond_the_table_becomes_the_reference() -> None:
    def frame(score: float, constraints: str | None = None) -> pd.DataFrame:
        rows = {"benchmark": "nb201", "dataset": "cifar10-valid", "score_metric": "valid_acc"}
        data = pd.DataFrame([{**rows, "incumbent_score": score}])
        return data if constraints is None else data.assign(constraints=constraints)

    table_best = optimum("nb201", "cifar10-valid", "valid_acc")[0]
    assert optima(frame(90.0)) == {"cifar10-valid": (table_best, True)}
    assert optima(frame(95.0)) == {"cifar10-valid": (95.0, True)}  # a surrogate's architecture no table holds
    constrained = optima(frame(80.0, "latency:raspi4<=10"))["cifar10-valid"][0]
    assert constrained == optimum("nb201", "cifar10-valid", "valid_acc", "latency:raspi4<=10")[0]
    assert optima(frame(80.0, np.nan)) == {"cifar10-valid": (table_best, True)}  # results that predate constraints
