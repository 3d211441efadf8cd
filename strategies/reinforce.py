"""REINFORCE with a per-decision categorical policy and a moving-average baseline.

Williams, "Simple Statistical Gradient-Following Algorithms for Connectionist
Reinforcement Learning", Machine Learning 1992, as benchmarked for NAS in NAS-Bench-201
(Dong & Yang, ICLR 2020; its reinforce.py): independent softmax logits per decision,
initialised to 1e-3 * N(0, 1); Adam (torch defaults) with learning rate 0.001 (NB201's
REINFORCE.sh; NATS-Bench uses 0.01); reward minus the bias-corrected exponential moving
average of the rewards so far, the current one included (momentum 0.9):
num <- m num + (1-m) r, den <- m den + (1-m), baseline = num / den.

Options (not the reference): `baseline="ema"` is the uncorrected average started at the
first reward; `init_scale=0` starts from uniform logits.

Declared differences from the reference: the reward is the observed metric as a utility
(the same % scale on NAS-Bench-201); a failed run (NaN) is skipped rather than rewarded;
a combination outside the space is redrawn from the same policy.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.strategies.base import NON_NEGATIVE, POSITIVE, Range, Strategy, choice

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
MAX_REDRAWS = 100


class Reinforce(Strategy):
    """Policy gradient on the space's decisions (`space.decisions()`)."""

    name = "reinforce"
    paper = "Williams, Machine Learning 1992; as benchmarked in Dong & Yang, ICLR 2020"
    defaults: ClassVar[dict[str, Any]] = {
        "learning_rate": 0.001,
        "baseline_momentum": 0.9,
        "baseline": "ema_debiased",
        "init_scale": 1e-3,
    }
    ranges: ClassVar[dict[str, Range]] = {
        "learning_rate": POSITIVE,
        "baseline_momentum": Range(low=0, high=1, low_open=True, high_open=True),
        "baseline": choice("ema_debiased", "ema"),
        "init_scale": NON_NEGATIVE,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.baseline: float | None = None
        self.num = self.den = 0.0
        self.steps = 0
        sizes = self.space.decisions()
        self.valid = np.arange(max(sizes))[None, :] < np.array(sizes)[:, None]
        noise = self.rng.standard_normal(self.valid.shape)
        self.logits = np.where(self.valid, self.hp["init_scale"] * noise, 0.0)
        self.moment1 = np.zeros(self.valid.shape)
        self.moment2 = np.zeros(self.valid.shape)

    def _probabilities(self) -> np.ndarray:
        logits = np.where(self.valid, self.logits, -np.inf)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        return weights / weights.sum(axis=1, keepdims=True)

    def ask(self) -> tuple[Hashable, int | None]:
        cumulative = np.cumsum(self._probabilities(), axis=1)
        for _ in range(MAX_REDRAWS):
            draws = self.rng.random(len(cumulative))[:, None]
            choices = np.minimum((cumulative < draws).sum(axis=1), self.valid.sum(axis=1) - 1)
            try:
                return self.space.from_decisions(choices.tolist()), None
            except InvalidArchitecture:
                continue  # a combination outside the space: draw again from the same policy
        return self.space.sample(self.rng), None

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        reward = self.utility(record)
        if not np.isfinite(reward):
            return  # a failed run carries no gradient signal
        self._learn(arch, reward)

    def _learn(self, arch: Hashable, reward: float) -> None:
        """One policy-gradient step toward (or away from) `arch`, by its reward against the baseline."""
        baseline = self._update_baseline(reward)
        chosen = np.zeros(self.valid.shape)
        chosen[np.arange(len(chosen)), self.space.to_decisions(arch)] = 1.0
        # Gradient of the loss -(reward - baseline) * log pi(arch) with respect to the logits.
        gradient = -(reward - baseline) * (chosen - self._probabilities()) * self.valid
        self._adam_step(gradient)

    def _update_baseline(self, reward: float) -> float:
        """The baseline including the current reward (reinforce.py updates it before the advantage)."""
        momentum = self.hp["baseline_momentum"]
        if self.hp["baseline"] == "ema_debiased":
            self.num = momentum * self.num + (1 - momentum) * reward
            self.den = momentum * self.den + (1 - momentum)
            self.baseline = self.num / self.den
        else:
            self.baseline = reward if self.baseline is None else momentum * self.baseline + (1 - momentum) * reward
        return self.baseline

    def _adam_step(self, gradient: np.ndarray) -> None:
        beta1, beta2 = ADAM_BETAS
        self.steps += 1
        self.moment1 = beta1 * self.moment1 + (1 - beta1) * gradient
        self.moment2 = beta2 * self.moment2 + (1 - beta2) * gradient**2
        corrected1 = self.moment1 / (1 - beta1**self.steps)
        corrected2 = self.moment2 / (1 - beta2**self.steps)
        self.logits -= self.hp["learning_rate"] * corrected1 / (np.sqrt(corrected2) + ADAM_EPS)
