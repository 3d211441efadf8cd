"""Every hyperparameter of every strategy declares its valid range and is checked against it."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import parse_problem
from nasbench.strategies import STRATEGIES
from nasbench.strategies.base import Range


def _cases() -> list[tuple[str, str, object, bool]]:
    """(strategy, hyperparameter, value, valid): NaN, +-inf, 0, negative and both sides of each bound."""
    cases = []
    for name, cls in STRATEGIES.items():
        for key, valid in cls.ranges.items():
            for value in (math.nan, math.inf, -math.inf, 0, -1, -0.5, "nonsense"):
                cases.append((name, key, value, valid.contains(value)))
            cases += [(name, key, value, True) for value in _inside(valid)]
            cases += [(name, key, value, False) for value in _outside(valid)]
    return cases


def _inside(valid: Range) -> list[object]:
    if valid.choices:
        return list(valid.choices)
    values: list[object] = []
    for bound, is_open, step in ((valid.low, valid.low_open, 1), (valid.high, valid.high_open, -1)):
        if math.isfinite(bound):
            value = bound + step * (1 if valid.integer else 1e-9) if is_open else bound
            values.append(int(value) if valid.integer else float(value))
    return values


def _outside(valid: Range) -> list[object]:
    if valid.choices:
        return [None] if not valid.optional else []
    values: list[object] = []
    for bound, is_open, step in ((valid.low, valid.low_open, -1), (valid.high, valid.high_open, 1)):
        if math.isfinite(bound):
            value = bound if is_open else bound + step * (1 if valid.integer else 1e-9)
            values.append(int(value) if valid.integer else float(value))
    if valid.integer:
        values.append(2.5)
    return values


def _build(c10, name: str, **hp):
    cls = STRATEGIES[name]
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info) if cls.multi_objective else None
    return cls(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_every_hyperparameter_declares_a_range_that_holds_its_default() -> None:
    for name, cls in STRATEGIES.items():
        assert set(cls.ranges) == set(cls.defaults), name
        for key, default in cls.defaults.items():
            assert cls.ranges[key].contains(default), (name, key, default)


@pytest.mark.parametrize(("name", "key", "value", "valid"), _cases())
def test_hyperparameter_values_outside_their_range_are_refused(c10, name, key, value, valid) -> None:
    default = STRATEGIES[name].defaults[key]
    int_for_float = type(default) is float and type(value) is int
    typed = default is None or type(value) is type(default) or int_for_float or value is None
    if valid and typed:
        bench = c10
        if (name, key, value) == ("rs-lce", "estimator", "sotl"):  # needs a table of training losses
            import nasbench

            bench = nasbench.load("nlp", "wikitext-2")
        assert _build(bench, name, **{key: value}).hp[key] == value
        return
    with pytest.raises(NasbenchError, match=rf"^hyperparameter {key} of {name} expects .+, got .+$"):
        _build(c10, name, **{key: value})


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("hyperband.eta=1", "hyperparameter eta of hyperband expects a finite number > 1, got 1"),
        ("sh.eta=1", "hyperparameter eta of sh expects a finite number > 1, got 1"),
        ("bohb.eta=1", "hyperparameter eta of bohb expects a finite number > 1, got 1"),
        (
            "reinforce.learning_rate=NaN",
            "expected a finite number for reinforce.learning_rate, got nan",  # refused with the settings
        ),
        (
            "bananas.learning_rate=Infinity",
            "expected a finite number for bananas.learning_rate, got inf",
        ),
    ],
)
def test_the_cli_refuses_nonsense_hyperparameters(tmp_path, setting: str, expected: str) -> None:
    strategy = setting.split(".")[0]
    command = [sys.executable, "-m", "nasbench.cli", "compare", "--bench", "nb201", "--strategies", strategy]
    command += ["--runs", "1", "--budget", "5evals", "--out", str(tmp_path / "out"), "--set", setting]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"nasbench: error: {expected}"
