"""REINFORCE with a zero-cost warm-up of its controller.

Abdelfattah, Mehrotra, Dudziak & Lane, "Zero-Cost Proxies for Lightweight NAS", ICLR 2021, §5
("zero-cost warmup", reinforcement learning): before any training, `warmup` random architectures
are scored by a zero-cost proxy and each score rewards the controller, so that it is biased
toward architectures with high proxy values; the reward during warm-up is the proxy linearly
normalised to [-1, 1] by the smallest and largest proxy seen so far (min and max adjusted
online). The search then goes on as REINFORCE (Williams 1992; `reinforce`, whose
hyperparameters it takes), rewarded by the observed metric. The proxy scores are evaluations at
fidelity 0 of a `ZeroCostBenchmark`, charged by its declared per-cell cost. On a benchmark
without a fidelity 0 there is no proxy to ask for, and it is `reinforce` exactly.

The authors' public code (SamsungLabs/zero-cost-nas) holds the warm-up for aging evolution and
random search only (notebooks/nas_examples.ipynb; their paper's runs came from an internal
tool), so this follows the paper's text. Declared choices where the text is silent: the
warm-up architectures are drawn uniformly ("N random models"), their rewards update the
controller one by one in the order they are told; proxy rewards and accuracy rewards keep
separate moving-average baselines (their scales differ), while the logits and Adam's moments
carry over. A failed proxy (NaN) is skipped.

Options (not the reference): `warmup_sampling="policy"` draws the warm-up architectures from
the controller itself (on-policy pre-training); `warmup_reward="rank"` rewards a proxy by its
rank among the proxies seen so far, scaled to [-1, 1] (synflow spans dozens of orders of
magnitude, so the linear reward puts almost every cell near -1).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable
from typing import Any, ClassVar

from nasbench.strategies.base import Range, choice, positive_int
from nasbench.strategies.reinforce import Reinforce
from nasbench.strategies.zero_cost import ZERO_COST, has_zero_cost, proxy_value


class ReinforceZC(Reinforce):
    """`reinforce` whose controller is first rewarded by the proxy of `warmup` random architectures."""

    name = "reinforce-zc"
    paper = "Abdelfattah et al., ICLR 2021 (zero-cost warm-up) on Williams, Machine Learning 1992"
    defaults: ClassVar[dict[str, Any]] = {
        **Reinforce.defaults,
        "warmup": 100,
        "warmup_sampling": "random",
        "warmup_reward": "linear",
    }
    ranges: ClassVar[dict[str, Range]] = {
        **Reinforce.ranges,
        "warmup": positive_int(1),
        "warmup_sampling": choice("random", "policy"),
        "warmup_reward": choice("linear", "rank"),
    }
    multi_fidelity = True  # it asks for fidelity 0: an evaluations budget would count a proxy as a training
    num: float
    den: float
    baseline: float | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zero_cost = has_zero_cost(self.info)
        self.warm_asked = 0
        self.proxies: list[float] = []  # sorted: every finite proxy told so far
        self.proxy_baseline: tuple[float, float, float | None] = (0.0, 0.0, None)  # (num, den, baseline)

    def ask(self) -> tuple[Hashable, int | None]:
        if not self.zero_cost or self.warm_asked >= self.hp["warmup"]:
            return super().ask()
        self.warm_asked += 1
        arch = self.space.sample(self.rng) if self.hp["warmup_sampling"] == "random" else super().ask()[0]
        return arch, ZERO_COST

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        if fidelity != ZERO_COST:
            super().tell(arch, fidelity, record)
            return
        value = proxy_value(self.info, record)
        if not math.isfinite(value):
            return  # a failed proxy carries no signal
        bisect.insort(self.proxies, value)
        saved = (self.num, self.den, self.baseline)
        self.num, self.den, self.baseline = self.proxy_baseline
        self._learn(arch, self.proxy_reward(value))
        self.proxy_baseline = (self.num, self.den, self.baseline)
        self.num, self.den, self.baseline = saved

    def proxy_reward(self, value: float) -> float:
        """`value` (already among `self.proxies`) in [-1, 1]: linearly between the extremes so far, or by rank."""
        low, high, count = self.proxies[0], self.proxies[-1], len(self.proxies)
        if high == low:
            return 0.0
        if self.hp["warmup_reward"] == "linear":
            return 2 * (value - low) / (high - low) - 1
        middle = (bisect.bisect_left(self.proxies, value) + bisect.bisect_right(self.proxies, value) - 1) / 2
        return 2 * middle / (count - 1) - 1
