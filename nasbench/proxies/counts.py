"""Parameter and FLOP counts, the naive baselines every zero-cost proxy is judged against
(Abdelfattah et al., ICLR 2021, Table 1; Ning et al., "Evaluating Efficient Performance
Estimators of Neural Architectures", NeurIPS 2021).

Owns the two baselines only; the counting itself is `nasbench.live.models`' (the counts the
benchmarks publish). Both are exact and independent of the batch's values; FLOPs are counted
for one image of the batch's shape.
"""

from __future__ import annotations

import torch
from torch import nn

from nasbench.live.models import count_flops, count_params


def params(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Parameters, millions."""
    del inputs, targets, generator
    return count_params(model) / 1e6


def flops(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Multiply-accumulates of one image of the batch's shape, millions."""
    del targets, generator
    return count_flops(model, tuple(inputs.shape[1:])) / 1e6  # type: ignore[arg-type]
