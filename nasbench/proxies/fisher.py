"""Fisher (Theis et al., "Faster gaze prediction with dense networks and Fisher pruning", 2018;
Turner et al., "BlockSwap", ICLR 2020), as a zero-cost proxy (Abdelfattah et al., ICLR 2021).

Owns the score only. As the reference (SamsungLabs/zero-cost-nas, `measures/fisher.py`): for
the output activation a of every convolution and linear layer and its gradient g, per channel
k the value 0.5 * mean over the batch of (sum over positions of a * g)^2, summed over channels
and layers. The reference takes the activation after an identity placed behind each layer; a
hook on the layer's output is the same tensor. Training mode, cross-entropy of one batch.
"""

from __future__ import annotations

import functools

import torch
from torch import nn
from torch.nn import functional as F

from nasbench.proxies._layers import scored_layers, train_copy


def fisher(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Sum over channels of the Fisher information of a channel mask (generator unused)."""
    del generator
    net = train_copy(model)
    terms: list[torch.Tensor] = []
    acts: dict[int, torch.Tensor] = {}  # never the hooked tensor itself: a hook closing over it leaks the graph

    def on_grad(key: int, grad: torch.Tensor) -> None:
        act, g = acts.pop(key), grad.detach()
        g_nk = (act * g).sum(dim=tuple(range(2, act.dim()))) if act.dim() > 2 else act * g
        terms.append((0.5 * g_nk.pow(2).mean(0)).to(torch.float64).sum())

    def keep(module: nn.Module, args: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        if output.requires_grad:
            key = len(acts) + len(terms)
            acts[key] = output.detach()
            output.register_hook(functools.partial(on_grad, key))

    handles = [layer.register_forward_hook(keep) for layer in scored_layers(net)]
    try:
        F.cross_entropy(net(inputs), targets).backward()
    finally:
        for handle in handles:
            handle.remove()
    return float(sum(terms, torch.zeros((), dtype=torch.float64)))
