"""Random search with learning-curve early stopping.

Domhan, Springenberg & Hutter, "Speeding up Automatic Hyperparameter Optimization of Deep
Neural Networks by Extrapolation of Learning Curves", IJCAI 2015: each sampled architecture
is trained through a ladder of checkpoints (the benchmark's fidelities spaced by a factor
`eta`, as Hyperband's rungs); from the third checkpoint on, its observed curve is extrapolated
to the full fidelity (`_power_law`: the pow3 family) and the run stops where the prediction is
worse than the incumbent's full-fidelity observation by more than `margin`.

Declared differences from the paper: one parametric family fitted by least squares instead of
an MCMC ensemble of eleven, and a deterministic stop rule (predicted final below the incumbent)
instead of "P(final > best) < 5 %". As the suite's Hyperband, a run continued to a higher
checkpoint is charged the table's cost of that fidelity from scratch (tables hold no resumable
state). A ladder of fewer than three checkpoints (NAS-Bench-201's 12 and 200 epochs) leaves nothing
to extrapolate: every run then climbs to the full fidelity. Meant for tables with curves (NAS-Bench-NLP's
50 epochs, nb201-digits' 12, NAS-Bench-101's 4/12/36/108).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies._power_law import extrapolate
from nasbench.strategies.base import NON_NEGATIVE, Range, Strategy
from nasbench.strategies.brackets import ETA, rung_fidelities

MIN_POINTS = 3  # pow3 has three parameters


class RandomSearchLCE(Strategy):
    """Random architectures up a ladder of checkpoints; stopped where the extrapolated curve loses."""

    name = "rs-lce"
    paper = "Domhan, Springenberg & Hutter, IJCAI 2015"
    multi_fidelity = True
    defaults: ClassVar[dict[str, Any]] = {"eta": 2.0, "margin": 0.0}
    ranges: ClassVar[dict[str, Range]] = {"eta": ETA, "margin": NON_NEGATIVE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ladder = rung_fidelities(self.info.fidelities, self.hp["eta"])
        self.curves: dict[Hashable, list[tuple[int, float]]] = {}
        self.ready: list[tuple[Hashable, int]] = []  # (architecture, next checkpoint) to continue, in order
        self.best = -math.inf

    def ask(self) -> tuple[Hashable, int | None]:
        if self.ready:
            return self.ready.pop(0)
        arch = self.space.sample(self.rng)
        self.curves[arch] = []
        return arch, self.ladder[0]

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        fidelity = self.ladder[-1] if fidelity is None else fidelity
        utility = self.utility(record)
        curve = self.curves.setdefault(arch, [])
        curve.append((fidelity, utility))
        if fidelity >= self.ladder[-1]:
            self.best = max(self.best, utility)
            return
        if self.keep(curve):
            self.ready.append((arch, self.ladder[self.ladder.index(fidelity) + 1]))

    def keep(self, curve: list[tuple[int, float]]) -> bool:
        """Whether to train on: too few points to fit, no incumbent yet, or a final predicted within `margin`."""
        if len(curve) < MIN_POINTS or not math.isfinite(self.best):
            return not math.isinf(curve[-1][1])  # a failed run (NaN) stops
        epochs, values = zip(*curve, strict=True)
        return extrapolate(epochs, values, self.ladder[-1]) >= self.best - self.hp["margin"]
