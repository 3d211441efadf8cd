"""GraSP (Wang et al., "Picking Winning Tickets Before Training by Preserving Gradient Flow",
ICLR 2020), as a zero-cost proxy (Abdelfattah et al., ICLR 2021).

Owns the score only. As the reference (SamsungLabs/zero-cost-nas, `measures/grasp.py`,
temperature 1, one split): g = dL/dw (detached), then the Hessian-gradient product
Hg = d(g . dL/dw)/dw by double backpropagation, and the score is the sum over convolutions
and linear layers of -w * Hg. Training mode (batch statistics).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nasbench.proxies._layers import layer_sum, scored_layers, train_copy, weight_grad


def grasp(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Sum of -w * (H g) over the network (generator unused)."""
    del generator
    net = train_copy(model)
    weights = [layer.weight for layer in scored_layers(net)]
    first = torch.autograd.grad(F.cross_entropy(net(inputs), targets), weights, allow_unused=True)
    grads = torch.autograd.grad(F.cross_entropy(net(inputs), targets), weights, create_graph=True, allow_unused=True)
    z = torch.zeros((), dtype=inputs.dtype)
    for g, g_graph in zip(first, grads, strict=True):
        if g is not None and g_graph is not None:
            z = z + (g.detach() * g_graph).sum()
    net.zero_grad(set_to_none=True)
    if z.requires_grad:
        z.backward()
    return layer_sum(net, lambda layer: -layer.weight.detach() * weight_grad(layer))
