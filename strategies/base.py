"""The ask/tell contract every search strategy implements.

Owns the `Strategy` base class only. A strategy sees the search space, the
benchmark's public `BenchmarkInfo` (never the table), its hyperparameters and a
`numpy.random.Generator`; it proposes `(arch, fidelity)` pairs and is told the
observed metric of each finished evaluation. It never reads a clock or a file:
the runner owns simulated time and budgets.

With several asynchronous workers, `ask` is called again before earlier
proposals are told, so every strategy must always propose something.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark import BenchmarkInfo
from nasbench.errors import NasbenchError
from nasbench.spaces.base import SearchSpace


class Strategy(ABC):
    """Base class: stores its inputs; subclasses keep their search state."""

    name: ClassVar[str]
    paper: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}
    multi_fidelity: ClassVar[bool] = False

    def __init__(
        self, space: SearchSpace[Any], info: BenchmarkInfo, rng: np.random.Generator, **hyperparameters: Any
    ) -> None:
        unknown = sorted(set(hyperparameters) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "none"
            raise NasbenchError(f"unknown hyperparameter {unknown[0]!r} for {self.name}; allowed: {allowed}")
        for key, value in hyperparameters.items():
            _check_type(self.name, key, value, self.defaults[key])
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

    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter in effect, defaults included."""
        return dict(self.hp)


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
