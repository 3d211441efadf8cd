"""REINFORCE whose initial policy is a prior learned on the source tasks' top architectures.

The policy of REINFORCE (Williams 1992; as benchmarked in NAS-Bench-201, `reinforce`, its
non-transfer twin) starts from the logarithm of a learned prior instead of near-uniform logits:
the frequency of each choice of each decision among every source task's `prior_top` best
architectures (sources weighted equally, one pseudo-count per choice), the transfer of an
RL controller's learned distribution to a new task of Wong et al., "Transfer Learning with
Neural AutoML", NeurIPS 2018. Learning then proceeds as in `reinforce`, unchanged.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark.meta import MetaInfo
from nasbench.strategies.base import POSITIVE, Range, positive_int
from nasbench.strategies.reinforce import Reinforce
from nasbench.strategies.transfer import decision_prior


class PriorReinforce(Reinforce):
    """`reinforce` started from log-prior logits."""

    name = "reinforce-prior"
    paper = "Wong et al., NeurIPS 2018 (transferred controller prior); Williams, Machine Learning 1992"
    meta_learning = True
    twin = "reinforce"  # the same search without transfer
    defaults: ClassVar[dict[str, Any]] = {**Reinforce.defaults, "prior_top": 20, "pseudo_count": 1.0}
    ranges: ClassVar[dict[str, Range]] = {**Reinforce.ranges, "prior_top": positive_int(1), "pseudo_count": POSITIVE}

    def __init__(self, *args: Any, meta: MetaInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        if meta is not None:
            prior = decision_prior(self.space, meta, self.hp["prior_top"], self.hp["pseudo_count"])
            with np.errstate(divide="ignore"):
                self.logits = np.where(self.valid, np.log(prior), 0.0)
