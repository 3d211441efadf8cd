"""NAS-Bench-Macro and FCNet behind the same interface: queries, every strategy, foreign input."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.benchmark.base import utility_sign
from nasbench.errors import InvalidArchitecture, UnknownName
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies import STRATEGIES, get_strategy

SINGLE_OBJECTIVE = [s for s in STRATEGIES if not get_strategy(s).multi_objective]  # MO ones: test_strategies_mo.py

CASES = [
    ("macro", "cifar10"),
    ("fcnet", "protein_structure"),
    ("graph", "citeseer"),
    ("graph", "proteins"),
    ("nlp", "wikitext-2"),
    ("nb101", "cifar10"),
    ("accel", "imagenet"),
]


@pytest.mark.parametrize(("bench", "dataset"), CASES)
@pytest.mark.parametrize("strategy", SINGLE_OBJECTIVE)
def test_every_strategy_runs(bench: str, dataset: str, strategy: str) -> None:
    table = nasbench.load(bench, dataset=dataset)
    budget = "12evals" if strategy in ("bananas", "gp-bo") else "40evals"
    spec = RunSpec(bench_name=bench, dataset=dataset, strategy=strategy, run=0, budget=Budget.parse(budget), workers=2)
    frame = simulate(spec, table)
    assert len(frame) == int(budget.removesuffix("evals"))
    for text in frame["arch"]:
        table.space.from_str(text)
    sign = utility_sign(table.info.metrics[table.info.observe].maximize)
    top, best_utility, best = -1, -np.inf, np.nan  # the best observation at the highest fidelity so far
    for row in frame.itertuples():
        utility = -np.inf if np.isnan(row.observed) else sign * row.observed
        if row.fidelity > top or (row.fidelity == top and utility > best_utility):
            top, best_utility, best = row.fidelity, utility, row.observed
        assert row.incumbent_observed == best or (np.isnan(best) and np.isnan(row.incumbent_observed))


def test_macro_record() -> None:
    record = nasbench.load("macro").query("02012100")
    assert record == pytest.approx(
        {"test_acc": 89.19666544596355, "evaluations": 1.0, "params": 890666.0, "flops": 47327744.0}
    )
    assert nasbench.load("macro").query("02012100", seed=1)["test_acc"] == pytest.approx(88.94999694824219)


def test_fcnet_minimizes_loss() -> None:
    bench = nasbench.load("fcnet", dataset="naval_propulsion")
    assert bench.info.metrics["valid_loss"].direction == "minimize"
    assert bench.info.seeds == (0, 1, 2, 3) and bench.info.fidelities == (100,)


def test_names_of_another_benchmark_are_refused() -> None:
    with pytest.raises(UnknownName, match="unknown dataset 'cifar10-valid' for macro; available: cifar10"):
        nasbench.load("macro", dataset="cifar10-valid")
    with pytest.raises(UnknownName, match="available: naval_propulsion, parkinsons_telemonitoring"):
        nasbench.load("fcnet", dataset="cifar10")
    with pytest.raises(InvalidArchitecture, match="expected 9 digits for fcnet"):
        nasbench.load("fcnet").query("02012100")
    nb201_string = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    with pytest.raises(InvalidArchitecture, match="expected 8 digits for macro"):
        nasbench.load("macro").query(nb201_string)


def test_a_table_without_seeds_says_so() -> None:
    with pytest.raises(UnknownName, match="graph/cora publishes one value per architecture, no seeds"):
        nasbench.load("graph", dataset="cora").query("0,1,2,1:gcn,gin,fc,cheb", seed=0)
