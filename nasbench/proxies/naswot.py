"""NASWOT (Mellor et al., "Neural Architecture Search without Training", ICML 2021).

Owns the score only. As the reference (BayesWatch/nas-without-training, `score_networks.py`,
the `hook_logdet` score): at the input of every ReLU, each image's binary code (x > 0); the
kernel K = sum over ReLUs of (c c^T + (1 - c)(1 - c)^T), i.e. the number of units on which two
images agree; the score is log|det K|. Training mode, as the reference leaves the network. As
the reference, only ReLUs on a path to the output count: a first forward and backward pass (the
reference's Jacobian pass) marks the ReLUs a gradient reaches, and the second forward pass counts
those (in NAS-Bench-201 a node with no way to the cell's output carries ReLUs that do not count).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn


def naswot(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """log|det K| of the binary activation codes of the batch (targets, generator unused)."""
    del targets, generator
    net = copy.deepcopy(model)
    net.train()
    relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
    visited = _on_a_path_to_the_output(net, relus, inputs)
    kernel = torch.zeros((len(inputs), len(inputs)), dtype=torch.float64)

    def count(module: nn.Module, args: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal kernel
        # an in-place ReLU has overwritten its input by now: relu(x) > 0 exactly where x > 0
        code = (args[0].detach().reshape(len(args[0]), -1) > 0).to(torch.float64)
        kernel = kernel + code @ code.T + (1.0 - code) @ (1.0 - code).T

    handles = [m.register_forward_hook(count) for m in relus if id(m) in visited]
    try:
        with torch.no_grad():
            net(inputs)
    finally:
        for handle in handles:
            handle.remove()
    _, logdet = np.linalg.slogdet(kernel.numpy())
    return float(logdet)


def _on_a_path_to_the_output(net: nn.Module, relus: list[nn.Module], inputs: torch.Tensor) -> set[int]:
    """The ids of the ReLUs a gradient of the summed output reaches (the reference's backward hooks)."""
    visited: set[int] = set()

    def watch(module: nn.Module, args: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        if output.requires_grad:
            output.register_hook(lambda grad: visited.add(id(module)))

    handles = [m.register_forward_hook(watch) for m in relus]
    try:
        x = inputs.clone().requires_grad_(True)
        y = net(x)
        if y.requires_grad:
            y.backward(torch.ones_like(y))
    finally:
        for handle in handles:
            handle.remove()
    return visited
