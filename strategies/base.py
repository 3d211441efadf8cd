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
from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark.base import BenchmarkInfo
from nasbench.errors import NasbenchError
from nasbench.problem.objectives import Problem
from nasbench.spaces.base import SearchSpace


class Strategy(ABC):
    """Base class: stores its inputs; subclasses keep their search state."""

    name: ClassVar[str]
    paper: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}
    multi_fidelity: ClassVar[bool] = False
    multi_objective: ClassVar[bool] = False

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
        self.problem = problem if problem is not None else Problem()
        _check_problem(self.name, self.multi_objective, self.problem)
        self.space = space
        self.info = info
        self.rng = rng
        self.hp: dict[str, Any] = {**self.defaults, **hyperparameters}
        self.sign = 1.0 if info.metrics[info.observe].direction == "maximize" else -1.0

    @abstractmethod
    def ask(self) -> tuple[Hashable, int | None]:
        """The next (architecture, fidelity) to evaluate; fidelity None means the runner's default."""

    @abstractmethod
    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        """The observed record (only the observed metric) of a finished evaluation."""

    def utility(self, record: dict[str, float]) -> float:
        """The observed metric as a number to maximize; a failed run (NaN) is worst."""
        value = record[self.info.observe]
        return -math.inf if math.isnan(value) else self.sign * value

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
    """A hyperparameter must have its default's type (an int may stand for a float) and sign."""
    if default is None:
        return
    expected = type(default)
    ok = type(value) is expected or (expected is float and type(value) is int)
    if not ok:
        raise NasbenchError(f"hyperparameter {key} of {strategy} expects {expected.__name__}, got {value!r}")
    if expected is int and default > 0 and value < 1:
        raise NasbenchError(f"hyperparameter {key} of {strategy} expects at least 1, got {value!r}")
    if expected is float and default >= 0 and value < 0:
        raise NasbenchError(f"hyperparameter {key} of {strategy} expects a non-negative number, got {value!r}")
