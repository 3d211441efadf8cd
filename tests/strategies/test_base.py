"""The Strategy base class: hyperparameter ranges in words, the checks at construction, utility and violation."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import parse_problem
from nasbench.strategies import get_strategy
from nasbench.strategies.base import BOOL, FRACTION, POSITIVE, PROBABILITY, Range, choice, positive_int


def test_ranges_say_what_they_accept() -> None:
    assert positive_int(2).text() == "an integer >= 2"
    assert positive_int(1, optional=True).text() == "an integer >= 1 or null"
    assert POSITIVE.text() == "a finite number > 0"
    assert FRACTION.text() == "a finite number in (0, 1]"
    assert PROBABILITY.text() == "a probability in [0, 1]"
    assert Range(low=0.5, high=2, high_open=True).text() == "a finite number in [0.5, 2)"
    assert choice("its", "ucb").text() == "one of 'its', 'ucb'"
    assert Range().text() == "a finite number"


@pytest.mark.parametrize(
    ("valid", "inside", "outside"),
    [
        (positive_int(2), [2, 10**9], [1, 2.0, True, None, math.inf]),
        (FRACTION, [1, 0.5, 1e-12], [0, 1.0000001, math.nan, "0.5"]),
        (PROBABILITY, [0, 1, 0.25], [-1e-9, 1.5]),
        (BOOL, [True, False], [1, 0, "True"]),
        (positive_int(1, optional=True), [None, 1], [0]),
    ],
)
def test_ranges_contain_exactly_their_values(valid: Range, inside: list, outside: list) -> None:
    assert all(valid.contains(v) for v in inside)
    assert not any(valid.contains(v) for v in outside)


def test_construction_refuses_unknown_mistyped_and_out_of_range_hyperparameters(c10) -> None:
    def build(name: str, **hp):
        return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), **hp)

    with pytest.raises(NasbenchError, match=r"^unknown hyperparameter 'population_size' for rs; allowed: none$"):
        build("rs", population_size=3)
    with pytest.raises(NasbenchError, match=r"^hyperparameter population_size of re expects int, got 2\.5$"):
        build("re", population_size=2.5)
    with pytest.raises(NasbenchError, match=r"^hyperparameter learning_rate of reinforce expects a finite number > 0"):
        build("reinforce", learning_rate=-0.1)
    assert build("reinforce", learning_rate=1).hyperparameters()["learning_rate"] == 1  # an int stands for a float


def test_hyperparameters_are_the_defaults_overridden_and_a_copy(c10) -> None:
    re = get_strategy("re")(c10.space, c10.info, np.random.default_rng(0), sample_size=5)
    assert re.hyperparameters() == {
        "population_size": 10,
        "sample_size": 5,
        "tournament_replacement": True,
        "mutation": "reference",
    }
    re.hyperparameters()["sample_size"] = 99
    assert re.hp["sample_size"] == 5


def test_single_objective_strategies_refuse_several_objectives(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    with pytest.raises(NasbenchError, match=r"^expected a multi-objective strategy for --objectives valid_acc,"):
        get_strategy("rs")(c10.space, c10.info, np.random.default_rng(0), problem=problem)


def test_utility_is_larger_when_better_and_a_failure_is_worst(c10) -> None:
    rs = get_strategy("rs")(c10.space, c10.info, np.random.default_rng(0))
    assert rs.utility({"valid_acc": 91.5}) == 91.5 and rs.utility({"valid_acc": math.nan}) == -math.inf
    by_latency = replace(c10.info, observe="latency:pixel3")  # a metric to minimize
    rs = get_strategy("rs")(c10.space, by_latency, np.random.default_rng(0))
    assert rs.utility({"latency:pixel3": 12.0}) == -12.0


def test_violation_is_the_problems(c10) -> None:
    problem = parse_problem(None, "latency:raspi4<=10", c10.info)
    re = get_strategy("re")(c10.space, c10.info, np.random.default_rng(0), problem=problem)
    assert re.violation({"latency:raspi4": 9.0}) == 0.0
    assert re.violation({"latency:raspi4": 14.0}) == problem.violation({"latency:raspi4": 14.0}) > 0
    plain = get_strategy("re")(c10.space, c10.info, np.random.default_rng(0))
    assert plain.violation({"latency:raspi4": 1e9}) == 0.0
