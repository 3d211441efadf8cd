"""Objectives and constraints: parsing against a benchmark's metrics, device aliases, every error."""

from __future__ import annotations

import math

import pytest

from nasbench.errors import NasbenchError, UnknownName
from nasbench.problem.objectives import (
    Constraint,
    ObjectiveError,
    Problem,
    parse_constraint,
    parse_objectives,
    parse_problem,
)


def test_objectives_take_their_direction_from_the_table(c10) -> None:
    objectives = parse_objectives("valid_acc, latency:pixel3", c10.info)
    assert [(o.metric, o.direction, o.loss_sign) for o in objectives] == [
        ("valid_acc", "maximize", -1.0),
        ("latency:pixel3", "minimize", 1.0),
    ]


def test_a_bare_device_name_means_its_latency(c10) -> None:
    assert [o.metric for o in parse_objectives("valid_acc,raspi4,params", c10.info)] == [
        "valid_acc",
        "latency:raspi4",
        "params",
    ]
    assert parse_constraint("pixel3<=5", c10.info) == Constraint("latency:pixel3", "<=", 5.0)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("valid_acc,latency:pixle3", UnknownName, "got 'latency:pixle3'; available: valid_acc, test_acc"),
        ("valid_acc", ObjectiveError, "expected two or three objectives, got 1"),
        ("valid_acc,params,latency,latency:pixel3", ObjectiveError, "expected two or three objectives, got 4"),
        ("valid_acc,valid_acc", ObjectiveError, "expected distinct objectives"),
        ("valid_acc,,params", ObjectiveError, "expected comma-separated metric names"),
        ("test_acc,params", ObjectiveError, "it is the held-out score of nb201/cifar10-valid; observe 'valid_acc'"),
    ],
)
def test_bad_objectives(c10, text: str, error: type[NasbenchError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_objectives(text, c10.info)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latency:raspi4<=10", Constraint("latency:raspi4", "<=", 10.0)),
        (" params < 1.5 ", Constraint("params", "<", 1.5)),
        ("valid_acc>=90", Constraint("valid_acc", ">=", 90.0)),
        ("latency>1e-2", Constraint("latency", ">", 0.01)),
    ],
)
def test_constraints(c10, text: str, expected: Constraint) -> None:
    assert parse_constraint(text, c10.info) == expected


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("latency:raspi4=<10", ObjectiveError, "expected a constraint like 'latency:raspi4<=10'"),
        ("latency:raspi4<=", ObjectiveError, "expected a constraint like"),
        ("<=10", ObjectiveError, "expected a constraint like"),
        ("latency:raspi4 <= ten", ObjectiveError, "expected a constraint like"),
        ("latency:raspberry<=10", UnknownName, "as constraint, got 'latency:raspberry'; available:"),
        ("test_acc>=50", ObjectiveError, "held-out score"),
        ("latency:raspi4<=1e999", ObjectiveError, "expected a finite bound in the constraint, got 'latency:raspi4"),
        ("", ObjectiveError, "expected a constraint like 'latency:raspi4<=10' .*, got ''"),
    ],
)
def test_bad_constraints(c10, text: str, error: type[NasbenchError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_constraint(text, c10.info)


def test_feasibility_and_violation() -> None:
    at_most, at_least = Constraint("latency", "<=", 10.0), Constraint("valid_acc", ">", 90.0)
    assert at_most.satisfied(10.0) and not at_most.satisfied(10.5) and at_most.violation(12.0) == 2.0
    assert not at_least.satisfied(90.0) and at_least.violation(90.0) > 0 and at_least.violation(91.0) == 0.0
    assert not at_most.satisfied(math.nan) and at_most.violation(math.nan) == math.inf
    problem = Problem((), (at_most, at_least))
    assert problem.feasible({"latency": 3.0, "valid_acc": 91.0})
    assert problem.violation({"latency": 11.0, "valid_acc": 89.0}) == pytest.approx(2.0)


def test_problem_text_round_trips(c10) -> None:
    problem = parse_problem("valid_acc,pixel3", ["latency:raspi4<=10", "params<1"], c10.info)
    again = parse_problem(problem.objectives_text(), problem.constraints_text(), c10.info)
    assert again == problem and problem.multi_objective
    assert problem.metrics == ["valid_acc", "latency:pixel3", "latency:raspi4", "params"]
    assert parse_problem(None, None, c10.info) == Problem()
    with pytest.raises(ObjectiveError, match="expected a constraint like"):
        parse_problem(None, " ; ", c10.info)
    with pytest.raises(ObjectiveError, match="expected a constraint like .*, got ''"):
        parse_problem(None, [""], c10.info)  # `--constraint ''`: a mistake, not "no constraint"
    assert parse_problem(None, "", c10.info) == Problem()


@pytest.mark.parametrize("bound", [10.0, 0.01, 1.2345678, 10.0000001, 1e-20, 123456789.0])
def test_a_constraint_survives_its_text_exactly(c10, bound: float) -> None:
    # a run reads its constraints back from their text: a rounded bound would be another problem
    constraint = Constraint("latency:raspi4", "<=", bound)
    assert parse_constraint(str(constraint), c10.info) == constraint
    assert str(Constraint("params", "<", 1.0)) == "params<1"  # the spelling results folders already hold


def test_throughput_objectives_and_ambiguous_devices_on_accel_nasbench() -> None:
    import nasbench

    try:
        accel = nasbench.load("accel")
    except UnknownName:
        pytest.skip("the Accel-NASBench table is not shipped in this tree")
    objectives = parse_objectives("val_top1,a100", accel.info)
    assert [(o.metric, o.direction) for o in objectives] == [("val_top1", "maximize"), ("throughput:a100", "maximize")]
    with pytest.raises(UnknownName, match="got 'zcu102', a device of several: throughput:zcu102, latency:zcu102"):
        parse_objectives("val_top1,zcu102", accel.info)
