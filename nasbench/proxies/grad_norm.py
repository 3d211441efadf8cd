"""Gradient norm (Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021, §3).

Owns the score only. As the reference (SamsungLabs/zero-cost-nas, `measures/grad_norm.py`):
training mode, cross-entropy of one batch, the L2 norm of each convolution's and linear layer's
weight gradient, summed over layers.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nasbench.proxies._layers import layer_sum, train_copy, weight_grad


def grad_norm(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Sum over layers of ||dL/dw||_2 (generator unused)."""
    del generator
    net = train_copy(model)
    F.cross_entropy(net(inputs), targets).backward()
    return layer_sum(net, lambda layer: weight_grad(layer).norm())
