"""Helpers shared by the proxies: the layers they score, a network without batch norm, and the
per-layer sum that turns a per-weight score into one number.

Owns these helpers only. As in Abdelfattah et al.'s reference code (SamsungLabs/zero-cost-nas,
`foresight/pruners/p_utils.py` and `measures/__init__.py`), the scored layers are every
`Conv2d` and `Linear`, and a score is the sum over those layers of the per-weight (or
per-channel) values.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import nn


def scored_layers(model: nn.Module) -> list[nn.Conv2d | nn.Linear]:
    """Every convolution and linear layer, in module order."""
    return [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]


def layer_sum(model: nn.Module, per_layer: Callable[[nn.Conv2d | nn.Linear], torch.Tensor]) -> float:
    """Sum over the scored layers of `per_layer(layer).sum()`, in double precision."""
    total = torch.zeros((), dtype=torch.float64)
    for layer in scored_layers(model):
        total = total + per_layer(layer).detach().to(torch.float64).sum()
    return float(total)


def weight_grad(layer: nn.Conv2d | nn.Linear) -> torch.Tensor:
    """The gradient of a layer's weight, zeros where the layer took no part (the reference's rule)."""
    return layer.weight.grad if layer.weight.grad is not None else torch.zeros_like(layer.weight)


def without_batch_norm(model: nn.Module) -> nn.Module:
    """A copy of `model` with every batch norm layer replaced by the identity (the reference's `bn=False` copy)."""
    clone = copy.deepcopy(model)
    for parent in clone.modules():
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.BatchNorm1d | nn.BatchNorm2d | nn.BatchNorm3d):
                setattr(parent, name, nn.Identity())
    return clone


def train_copy(model: nn.Module) -> nn.Module:
    """A copy in training mode (batch statistics), as the reference scores every data-dependent proxy."""
    clone = copy.deepcopy(model)
    clone.train()
    clone.zero_grad(set_to_none=True)
    return clone
