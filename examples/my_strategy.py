"""An example plug-in strategy: mutate a parent drawn by rank with a Boltzmann (softmax) weight.

Run it beside the built-ins by its import path, with its hyperparameter set like theirs::

    nasbench compare --bench nb201 --dataset cifar10-valid --strategies re,examples.my_strategy:MyStrategy \\
        --set MyStrategy.temperature=0.3 --runs 10 --budget 12000s --out results/mine

It shows the whole contract of `nasbench.strategies.base.Strategy`: a `name` (its name in
results and in `--set`), `defaults` and `ranges` (every hyperparameter, validated before
anything runs), `ask` (the next architecture and fidelity; called again before earlier
proposals are told when there are several workers, so it always proposes something) and
`tell` (the observed record of a finished evaluation). All randomness comes from `self.rng`.
A teaching example, not a published method: the parent choice is a rank-based Boltzmann
selection (as in Goldberg & Deb, "A Comparative Analysis of Selection Schemes Used in
Genetic Algorithms", FOGA 1991), the mutation the space's own `mutate`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies.base import POSITIVE, Range, Strategy, positive_int

__version__ = "0.1"  # recorded in comparison.json beside the import path


class MyStrategy(Strategy):
    """Random samples first, then mutations of a parent drawn with weight exp(-rank / temperature)."""

    name = "my-strategy"
    paper = "example plug-in (rank-based Boltzmann selection, Goldberg & Deb 1991)"
    defaults: ClassVar[dict[str, Any]] = {"initial_samples": 10, "temperature": 1.0}
    ranges: ClassVar[dict[str, Range]] = {"initial_samples": positive_int(1), "temperature": POSITIVE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # checks the hyperparameters; sets self.space, self.rng, self.hp
        self.asked = 0
        self.history: list[tuple[float, Hashable]] = []  # (utility, arch) of every evaluation told

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        if self.asked <= self.hp["initial_samples"] or not self.history:
            return self.space.sample(self.rng), None  # None: the comparison's fidelity
        ranked = sorted(range(len(self.history)), key=lambda i: -self.history[i][0])  # stable: ties by age
        weights = np.exp(-np.arange(len(ranked)) / self.hp["temperature"])
        parent = self.history[ranked[int(self.rng.choice(len(ranked), p=weights / weights.sum()))]][1]
        return self.space.mutate(parent, self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.history.append((self.utility(record), arch))  # utility: larger is better, a failed run is -inf
