"""Successive halving over the benchmark's fidelities.

Jamieson & Talwalkar, "Non-stochastic Best Arm Identification and Hyperparameter
Optimization", AISTATS 2016: sample configurations at the lowest fidelity, keep the
best 1/eta at each next fidelity. One bracket shape (Hyperband's most aggressive) is
repeated; `initial` overrides its number of starting configurations.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from nasbench.strategies.base import Range, positive_int
from nasbench.strategies.brackets import ETA, BracketStrategy, hyperband_schedule


class SuccessiveHalving(BracketStrategy):
    """Repeated successive-halving brackets with random sampling."""

    name = "sh"
    paper = "Jamieson & Talwalkar, AISTATS 2016"
    defaults: ClassVar[dict[str, Any]] = {"eta": 3, "initial": None}
    ranges: ClassVar[dict[str, Range]] = {"eta": ETA, "initial": positive_int(1, optional=True)}

    def schedule(self) -> list[list[tuple[int, int]]]:
        rungs = hyperband_schedule(self.info.fidelities, self.hp["eta"])[0]
        if self.hp["initial"] is not None:
            n = int(self.hp["initial"])
            rungs = [(f, max(1, math.floor(n * self.hp["eta"] ** -i))) for i, (f, _) in enumerate(rungs)]
        return [rungs]
