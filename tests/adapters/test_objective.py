"""`objective_function`: HPOBench's contract, values from the table, `query`'s errors."""

from __future__ import annotations

import pytest

from nasbench.adapters.config_space import InvalidConfiguration, configspace, to_architecture
from nasbench.adapters.objective import objective_function
from nasbench.errors import UnknownName
from nasbench.registry import opened
from tests.adapters.test_config_space import HPOBENCH_CONFIG


def test_the_hpobench_contract_on_nb201() -> None:
    bench = opened("nb201", "cifar10-valid")
    result = objective_function(bench, HPOBENCH_CONFIG, fidelity=200)
    record = bench.query(to_architecture(bench, HPOBENCH_CONFIG), 200)
    assert set(result) == {"function_value", "cost", "info"}
    assert result["function_value"] == 100 - record["valid_acc"]  # an error in percent, as HPOBench's
    assert result["cost"] == record["train_seconds"]
    assert result["info"] == record and {"valid_acc", "train_seconds", "params", "latency"} <= set(result["info"])


@pytest.mark.parametrize(
    ("name", "dataset", "loss"),
    [
        ("fcnet", "protein_structure", lambda v: v),  # a loss: as it is
        ("nb101", "cifar10", lambda v: 1 - v),  # an accuracy as a fraction: its error
        ("graph", "cora", lambda v: -v),  # any other metric to maximise: negated
    ],
)
def test_the_observed_metric_becomes_a_loss(name: str, dataset: str, loss: object) -> None:
    bench = opened(name, dataset)
    config = configspace(bench, seed=0).sample_configuration()
    result = objective_function(bench, config)
    assert result["function_value"] == loss(result["info"][bench.info.observe])  # type: ignore[operator]
    assert result["info"] == bench.query(to_architecture(bench, config))


def test_fidelity_seed_and_metric_reach_the_query() -> None:
    bench = opened("nb201", "cifar10-valid")
    arch = to_architecture(bench, HPOBENCH_CONFIG)
    assert objective_function(bench, HPOBENCH_CONFIG, {"epoch": 12}) == objective_function(bench, HPOBENCH_CONFIG, 12)
    seeded = objective_function(bench, HPOBENCH_CONFIG, 200, seed=1)
    assert seeded["info"] == bench.query(arch, 200, 1)
    latency = objective_function(bench, HPOBENCH_CONFIG, metric="latency")
    assert latency["function_value"] == bench.query(arch)["latency"]


def test_a_configuration_object_and_a_dict_give_the_same_answer() -> None:
    bench = opened("macro", "cifar10")
    config = configspace(bench, seed=4).sample_configuration()
    assert objective_function(bench, config) == objective_function(bench, dict(config))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fidelity": 13}, UnknownName, "fidelity 13 not in nb201/cifar10-valid; available: 12, 200"),
        ({"seed": 9}, UnknownName, "seed 9 not in nb201/cifar10-valid; available: 0, 1, 2"),
        ({"fidelity": {"epoch": 12, "seed": 0}}, InvalidConfiguration, "expected a fidelity as one number"),
        ({"fidelity": "twelve"}, InvalidConfiguration, "expected an integer fidelity, got 'twelve'"),
        ({"metric": "accuracy"}, UnknownName, "unknown metric 'accuracy' of nb201/cifar10-valid; available: valid_acc"),
    ],
)
def test_errors_are_the_querys(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    bench = opened("nb201", "cifar10-valid")
    with pytest.raises(error, match=message):
        objective_function(bench, HPOBENCH_CONFIG, **kwargs)  # type: ignore[arg-type]
    if error is UnknownName and "fidelity" in kwargs:
        with pytest.raises(error, match=message):
            bench.query(to_architecture(bench, HPOBENCH_CONFIG), **kwargs)  # type: ignore[arg-type]
