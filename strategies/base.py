"""The ask/tell contract every search strategy implements.

Owns the `Strategy` base class only. A strategy sees the search space, the
benchmark's public `BenchmarkInfo` (never the table), its hyperparameters and a
`numpy.random.Generator`, and the `Problem` (objectives and constraints, none by
default); it proposes `(arch, fidelity)` pairs and is told the observed metric of each
finished evaluation (every objective and constrained metric when the problem has
them). It never reads a clock or a file: the runner owns simulated time and budgets.

With several asynchronous workers, `ask` is called again before earlier
proposals are told, so every strategy must always propose something.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark.base import BenchmarkInfo
from nasbench.errors import NasbenchError
from nasbench.problem.objectives import Problem
from nasbench.spaces.base import SearchSpace


@dataclass(frozen=True)
class Range:
    """The valid values of one hyperparameter: a finite interval (optionally integers), or a set of choices."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False
    choices: tuple[Any, ...] = ()
    optional: bool = False  # None is valid too (it means "derived from the space")
    noun: str = ""  # how the message names the value, e.g. "a probability"

    def contains(self, value: Any) -> bool:
        """True when `value` is valid; a non-finite number never is."""
        if value is None:
            return self.optional
        if self.choices:
            return any(type(value) is type(c) and value == c for c in self.choices)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return False
        if self.integer and type(value) is not int:
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def text(self) -> str:
        """The range in words, e.g. 'an integer >= 2' or 'a finite number in (0, 1]'."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = self.noun or ("an integer" if self.integer else "a finite number")
        if math.isinf(self.high):
            bound = f"{kind} {'>' if self.low_open else '>='} {_num(self.low)}" if math.isfinite(self.low) else kind
        else:
            left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
            bound = f"{kind} in {left}{_num(self.low)}, {_num(self.high)}{right}"
        return bound + (" or null" if self.optional else "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def positive_int(low: int = 1, optional: bool = False) -> Range:
    """An integer of at least `low`."""
    return Range(low=low, integer=True, optional=optional)


POSITIVE = Range(low=0, low_open=True)  # a finite number > 0
NON_NEGATIVE = Range(low=0)
FRACTION = Range(low=0, high=1, low_open=True)  # (0, 1]
PROBABILITY = Range(low=0, high=1, noun="a probability")  # [0, 1]
BOOL = Range(choices=(False, True))


def choice(*values: Any) -> Range:
    """One of `values`."""
    return Range(choices=values)


class Strategy(ABC):
    """Base class: stores its inputs; subclasses keep their search state.

    Every hyperparameter has a default (`defaults`) and a valid range (`ranges`); a value
    outside its range is refused before anything runs.
    """

    name: ClassVar[str]
    paper: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}
    ranges: ClassVar[dict[str, Range]] = {}
    multi_fidelity: ClassVar[bool] = False
    multi_objective: ClassVar[bool] = False
    meta_learning: ClassVar[bool] = False  # takes `meta=` (a MetaInfo: source tasks' data, never the target's)
    twin: ClassVar[str] = ""  # a transfer strategy's non-transfer twin (the same search, learning nothing)
    also_observes: tuple[str, ...] = ()  # training-side metrics told beside the observed one (set in __init__)
    note: str = ""  # a one-line caveat about this benchmark, printed once per comparison (set in __init__)

    def __init__(
        self,
        space: SearchSpace[Any],
        info: BenchmarkInfo,
        rng: np.random.Generator,
        problem: Problem | None = None,
        **hyperparameters: Any,
    ) -> None:
        unknown = sorted(set(hyperparameters) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "none"
            raise NasbenchError(f"unknown hyperparameter {unknown[0]!r} for {self.name}; allowed: {allowed}")
        for key, value in hyperparameters.items():
            _check_type(self.name, key, value, self.defaults[key])
            _check_range(self.name, key, value, self.ranges[key])
        self.problem = problem if problem is not None else Problem()
        _check_problem(self.name, self.multi_objective, self.problem)
        self.space = space
        self.info = info
        self.rng = rng
        self.hp: dict[str, Any] = {**self.defaults, **hyperparameters}
        self.maximize = info.metrics[info.observe].maximize

    @abstractmethod
    def ask(self) -> tuple[Hashable, int | None]:
        """The next (architecture, fidelity) to evaluate; fidelity None means the runner's default."""

    @abstractmethod
    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        """The observed record (only the observed metric) of a finished evaluation."""

    def utility(self, record: dict[str, float]) -> float:
        """The observed metric as a number to maximize; a failed run (NaN) is worst."""
        value = record[self.info.observe]
        if math.isnan(value):
            return -math.inf
        return value if self.maximize else -value

    def violation(self, record: dict[str, float]) -> float:
        """How far the record is from meeting the problem's constraints (0: feasible, or none)."""
        return self.problem.violation(record)

    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter in effect, defaults included."""
        return dict(self.hp)


def _check_problem(strategy: str, multi_objective: bool, problem: Problem) -> None:
    """A multi-objective strategy needs two or more objectives; a single-objective one at most one."""
    if multi_objective and not problem.multi_objective:
        raise NasbenchError(
            f"expected --objectives with two or three metrics for {strategy}, got {problem.objectives_text() or 'none'}"
        )
    if not multi_objective and problem.multi_objective:
        raise NasbenchError(
            f"expected a multi-objective strategy for --objectives {problem.objectives_text()}, got {strategy} "
            "(single-objective); use mo-rs, nsga2, mo-re or parego"
        )


def _check_type(strategy: str, key: str, value: Any, default: Any) -> None:
    """A hyperparameter must have its default's type (an int may stand for a float)."""
    if default is None or value is None:
        return
    expected = type(default)
    ok = type(value) is expected or (expected is float and type(value) is int)
    if not ok:
        raise NasbenchError(f"hyperparameter {key} of {strategy} expects {expected.__name__}, got {value!r}")


def _check_range(strategy: str, key: str, value: Any, valid: Range) -> None:
    """A hyperparameter must lie in its declared range."""
    if not valid.contains(value):
        raise NasbenchError(f"hyperparameter {key} of {strategy} expects {valid.text()}, got {value!r}")
