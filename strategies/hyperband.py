"""Hyperband over the benchmark's fidelities.

Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel Bandit-Based
Approach to Hyperparameter Optimization", JMLR 2018: cycle through successive-halving
brackets of decreasing aggressiveness, with random sampling and eta = 3. The fidelity
grid is the benchmark's own (for NAS-Bench-201: 12 and 200 epochs).
"""

from __future__ import annotations

from typing import Any, ClassVar

from nasbench.strategies.base import Range
from nasbench.strategies.brackets import ETA, BracketStrategy


class Hyperband(BracketStrategy):
    """Hyperband's bracket cycle with random sampling."""

    name = "hyperband"
    paper = "Li et al., JMLR 2018"
    defaults: ClassVar[dict[str, Any]] = {"eta": 3}
    ranges: ClassVar[dict[str, Range]] = {"eta": ETA}
