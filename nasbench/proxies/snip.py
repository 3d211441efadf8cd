"""SNIP (Lee et al., "SNIP: Single-shot Network Pruning based on Connection Sensitivity", ICLR
2019), as a zero-cost proxy (Abdelfattah et al., ICLR 2021).

Owns the score only. The reference (SamsungLabs/zero-cost-nas, `measures/snip.py`) multiplies
each weight by a mask of ones and takes |dL/dmask|; at mask = 1 that is |w * dL/dw|, computed
here directly (the same numbers, no patched forward). Training mode (batch statistics),
cross-entropy of one batch, summed over convolutions and linear layers.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nasbench.proxies._layers import layer_sum, train_copy, weight_grad


def snip(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Connection sensitivity summed over the network (generator unused)."""
    del generator
    net = train_copy(model)
    F.cross_entropy(net(inputs), targets).backward()
    return layer_sum(net, lambda layer: (layer.weight * weight_grad(layer)).abs())
