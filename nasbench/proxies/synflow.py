"""SynFlow (Tanaka et al., "Pruning neural networks without any data by iteratively conserving
synaptic flow", NeurIPS 2020), as a zero-cost proxy (Abdelfattah et al., "Zero-Cost Proxies for
Lightweight NAS", ICLR 2021).

Owns the score only. As the reference (SamsungLabs/zero-cost-nas,
`foresight/pruners/measures/synflow.py`, measure `synflow`): a copy without batch norm, in
double precision, every parameter replaced by its absolute value, one all-ones input image, the
sum of the output backpropagated; the score is the sum over convolutions and linear layers of
|w * dR/dw|. Data-independent: only the input's shape is used.
"""

from __future__ import annotations

import torch
from torch import nn

from nasbench.proxies._layers import layer_sum, weight_grad, without_batch_norm


def synflow(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Synaptic flow of `model` at its current weights (inputs: shape only; targets, generator unused)."""
    del targets, generator
    net = without_batch_norm(model).double()
    net.train()
    with torch.no_grad():
        for tensor in net.state_dict().values():
            tensor.abs_()
    net.zero_grad(set_to_none=True)
    ones = torch.ones((1, *inputs.shape[1:]), dtype=torch.float64)
    net(ones).sum().backward()
    return layer_sum(net, lambda layer: (layer.weight * weight_grad(layer)).abs())
