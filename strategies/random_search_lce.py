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

Option (not Domhan et al.): `estimator="sotl"` ranks a run by its training speed instead, the sum of
training losses of Ru et al., "Speedy Performance Estimation for Neural Architecture Search",
NeurIPS 2021 (`_training_speed`; `sotl_epochs` = E of their TSE-E, 1 by default as they found
best, 0 for the sum over every epoch): from the first checkpoint on, a run stops where its
estimate is above the incumbent's at the same checkpoint by more than `margin` (in nats). It
observes the benchmark's `train_loss` beside the validation metric, so it needs a table that
holds training losses (NAS-Bench-NLP, nb201-digits); elsewhere it is refused before any run.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.errors import NasbenchError
from nasbench.strategies._power_law import extrapolate
from nasbench.strategies._training_speed import sotl
from nasbench.strategies.base import NON_NEGATIVE, Range, Strategy, choice, positive_int
from nasbench.strategies.brackets import ETA, rung_fidelities

MIN_POINTS = 3  # pow3 has three parameters
TRAIN_LOSS = "train_loss"


class RandomSearchLCE(Strategy):
    """Random architectures up a ladder of checkpoints; stopped where the extrapolated curve loses."""

    name = "rs-lce"
    paper = "Domhan, Springenberg & Hutter, IJCAI 2015"
    multi_fidelity = True
    defaults: ClassVar[dict[str, Any]] = {"eta": 2.0, "margin": 0.0, "estimator": "pow3", "sotl_epochs": 1}
    ranges: ClassVar[dict[str, Range]] = {
        "eta": ETA,
        "margin": NON_NEGATIVE,
        "estimator": choice("pow3", "sotl"),
        "sotl_epochs": positive_int(0),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ladder = rung_fidelities(self.info.fidelities, self.hp["eta"])
        self.curves: dict[Hashable, list[tuple[int, float]]] = {}
        self.losses: dict[Hashable, list[tuple[int, float]]] = {}  # training losses at the checkpoints (sotl)
        self.ready: list[tuple[Hashable, int]] = []  # (architecture, next checkpoint) to continue, in order
        self.best = -math.inf
        self.incumbent: Hashable | None = None
        if self.hp["estimator"] == "pow3" and len(self.ladder) < MIN_POINTS:
            self.note = (
                f"rs-lce: {self.info.name}/{self.info.dataset} has {len(self.ladder)} checkpoints "
                f"({', '.join(map(str, self.ladder))}) at eta {self.hp['eta']:g}, fewer than the {MIN_POINTS} pow3 "
                f"extrapolates from: no run is stopped, each climbs to {self.ladder[-1]} (random search)"
            )
        if self.hp["estimator"] == "sotl":
            if TRAIN_LOSS not in self.info.metrics:
                names = list(self.info.metrics)  # NB201's run to 30 (a latency per device): the first few
                more = f" and {len(names) - 5} more" if len(names) > 5 else ""
                raise NasbenchError(
                    f"expected a benchmark with training losses ({TRAIN_LOSS}) for rs-lce estimator=sotl, got "
                    f"{self.info.name}/{self.info.dataset} (metrics: {', '.join(names[:5])}{more})"
                )
            self.also_observes = (TRAIN_LOSS,)

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
        if self.also_observes:
            self.losses.setdefault(arch, []).append((fidelity, record[TRAIN_LOSS]))
        if fidelity >= self.ladder[-1]:
            if utility > self.best:
                self.best, self.incumbent = utility, arch
            return
        if self.keep(curve) if not self.also_observes else self.keep_faster(arch, fidelity):
            self.ready.append((arch, self.ladder[self.ladder.index(fidelity) + 1]))

    def keep(self, curve: list[tuple[int, float]]) -> bool:
        """Whether to train on: too few points to fit, no incumbent yet, or a final predicted within `margin`."""
        if len(curve) < MIN_POINTS or not math.isfinite(self.best):
            return not math.isinf(curve[-1][1])  # a failed run (NaN) stops
        epochs, values = zip(*curve, strict=True)
        return extrapolate(epochs, values, self.ladder[-1]) >= self.best - self.hp["margin"]

    def keep_faster(self, arch: Hashable, fidelity: int) -> bool:
        """Whether to train on (sotl): no incumbent yet, or training losses summed within `margin` of its."""
        estimate = self.training_speed(arch, fidelity)
        if math.isnan(estimate) or math.isinf(self.curves[arch][-1][1]):
            return False  # a failed run stops
        if self.incumbent is None:
            return True
        return estimate <= self.training_speed(self.incumbent, fidelity) + self.hp["margin"]

    def training_speed(self, arch: Hashable, fidelity: int) -> float:
        """The sum of `arch`'s training losses up to checkpoint `fidelity` (TSE, or TSE-E with E = `sotl_epochs`)."""
        points = sorted(dict(self.losses[arch]).items())  # a cell drawn twice: its latest loss per checkpoint
        epochs, losses = zip(*[(f, v) for f, v in points if f <= fidelity], strict=True)
        return sotl(epochs, losses, self.hp["sotl_epochs"])
