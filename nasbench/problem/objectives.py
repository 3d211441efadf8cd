"""What a search optimizes: objectives with directions, and constraints on metrics.

Owns parsing and checking the user's `--objectives valid_acc,latency:pixel3` and
`--constraint 'latency:raspi4<=10'` against a benchmark's public description, and the
arithmetic of feasibility. It never reads a table: whether any architecture satisfies
the constraints is `nasbench.problem.front`'s question.

A device may be named alone (`pixel3` for `latency:pixel3`). A problem travels inside a
`RunSpec` as two canonical strings, so a run stays hashable and picklable.
"""

from __future__ import annotations

import logging
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nasbench.benchmark.base import BenchmarkInfo, loss_sign, metric_alias
from nasbench.errors import NasbenchError, UnknownName

_CONSTRAINT = re.compile(r"^\s*([A-Za-z0-9_.:\-]+?)\s*(<=|>=|<|>)\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


class ObjectiveError(NasbenchError):
    """A malformed objective list or constraint expression."""


@dataclass(frozen=True)
class Objective:
    """One metric to optimize and its direction (`MetricInfo.maximize`)."""

    metric: str
    maximize: bool

    @property
    def direction(self) -> str:
        """'maximize' or 'minimize', as the table states it."""
        return "maximize" if self.maximize else "minimize"

    @property
    def loss_sign(self) -> float:
        """+1 for a metric to minimize, -1 for one to maximize: the Pareto code's minimization form."""
        return loss_sign(self.maximize)


@dataclass(frozen=True)
class Constraint:
    """`metric op bound`, e.g. latency:raspi4 <= 10."""

    metric: str
    op: str
    bound: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{_number(self.bound)}"

    def satisfied(self, value: float) -> bool:
        """Whether `value` meets the constraint; a failed (NaN) value never does."""
        return not math.isnan(value) and _OPERATORS[self.op](value, self.bound)

    def violation(self, value: float) -> float:
        """How far `value` is from meeting the constraint (0 when met, infinity for NaN)."""
        if math.isnan(value):
            return math.inf
        if self.satisfied(value):
            return 0.0
        return max(abs(value - self.bound), 1e-12)

    def margin(self, value: float) -> float:
        """How far `value` lies inside the bound (negative outside; NaN for a failed evaluation)."""
        return self.bound - value if self.op in ("<=", "<") else value - self.bound


@dataclass(frozen=True)
class Problem:
    """The objectives (none: the benchmark's observed metric alone) and the constraints of a search."""

    objectives: tuple[Objective, ...] = ()
    constraints: tuple[Constraint, ...] = ()

    @property
    def multi_objective(self) -> bool:
        return len(self.objectives) >= 2

    @property
    def metrics(self) -> list[str]:
        """Every metric the problem needs, objectives first, each once."""
        names = [o.metric for o in self.objectives] + [c.metric for c in self.constraints]
        return list(dict.fromkeys(names))

    def objectives_text(self) -> str:
        return ",".join(o.metric for o in self.objectives)

    def constraints_text(self) -> str:
        return ";".join(str(c) for c in self.constraints)

    def violation(self, record: Mapping[str, float]) -> float:
        """Sum of the constraints' violations in `record` (0: feasible)."""
        return sum(c.violation(record[c.metric]) for c in self.constraints)

    def feasible(self, record: Mapping[str, float]) -> bool:
        return all(c.satisfied(record[c.metric]) for c in self.constraints)


def _number(value: float) -> str:
    """The shortest text that reads back as exactly `value`: '10' for 10.0 (the spelling older folders hold)."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def resolve_metric(name: str, info: BenchmarkInfo, what: str = "objective") -> str:
    """The metric `name` stands for (a bare device name means its latency); an error lists the valid ones."""
    name = name.strip()
    if name in info.metrics:
        return name
    devices = [m for m in info.metrics if m.partition(":")[2] == name]
    if len(devices) == 1:  # a bare device name: its one per-device metric (latency:pixel3)
        return devices[0]
    if devices:
        raise UnknownName(f"expected one metric as {what}, got {name!r}, a device of several: {', '.join(devices)}")
    alias = metric_alias(list(info.metrics), name)
    if alias is not None:  # a NASLib name (val_acc, train_time): said once, then the table's name is used
        logging.getLogger("nasbench").warning("metric %r is %r here", name, alias)
        return alias
    raise UnknownName(
        f"expected a metric of {info.name}/{info.dataset} as {what}, got {name!r}; available: {', '.join(info.metrics)}"
    )


def _check_observable(metric: str, info: BenchmarkInfo) -> None:
    if metric == info.score and info.score != info.observe:
        raise ObjectiveError(
            f"expected an observable metric, got {metric!r}: it is the held-out score of "
            f"{info.name}/{info.dataset}; observe {info.observe!r} instead"
        )


def parse_objectives(text: str, info: BenchmarkInfo) -> tuple[Objective, ...]:
    """Read 'valid_acc,latency:pixel3' (two or three distinct metrics, directions from the table)."""
    names = [part.strip() for part in str(text).split(",")]
    if any(not n for n in names):
        raise ObjectiveError(f"expected comma-separated metric names like 'valid_acc,latency:pixel3', got {text!r}")
    metrics = [resolve_metric(n, info) for n in names]
    if len(set(metrics)) != len(metrics):
        raise ObjectiveError(f"expected distinct objectives, got {text!r}")
    if not 2 <= len(metrics) <= 3:
        raise ObjectiveError(f"expected two or three objectives, got {len(metrics)} in {text!r}")
    for metric in metrics:
        _check_observable(metric, info)
    return tuple(Objective(m, info.metrics[m].maximize) for m in metrics)


def parse_constraint(text: str, info: BenchmarkInfo) -> Constraint:
    """Read 'latency:raspi4<=10' (operators <=, >=, <, >; the bound in the metric's unit)."""
    match = _CONSTRAINT.match(str(text))
    if not match:
        raise ObjectiveError(f"expected a constraint like 'latency:raspi4<=10' (<=, >=, <, >), got {text!r}")
    bound = float(match.group(3))
    if not math.isfinite(bound):  # the pattern admits only numbers, but 1e999 overflows
        raise ObjectiveError(f"expected a finite bound in the constraint, got {text!r}")
    metric = resolve_metric(match.group(1), info, "constraint")
    _check_observable(metric, info)
    return Constraint(metric, match.group(2), bound)


def parse_problem(objectives: str | None, constraints: str | list[str] | None, info: BenchmarkInfo) -> Problem:
    """A problem from the user's text: '' or None for no objectives / no constraints.

    Several constraints are a list (each one must be a constraint: the CLI's repeated
    --constraint), or one string joined by ';' (a `RunSpec`'s, '' for none).
    """
    parsed = parse_objectives(objectives, info) if objectives else ()
    if isinstance(constraints, str):
        texts = constraints.split(";") if constraints.strip() else []
    else:
        texts = list(constraints or [])
    return Problem(parsed, tuple(parse_constraint(t, info) for t in texts))
