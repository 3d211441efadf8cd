"""NASWOT (Mellor et al., "Neural Architecture Search without Training", ICML 2021).

Owns the score only. As the reference (BayesWatch/nas-without-training, `score_networks.py`,
the `hook_logdet` score): at the input of every ReLU, each image's binary code (x > 0); the
kernel K = sum over ReLUs of (c c^T + (1 - c)(1 - c)^T), i.e. the number of units on which two
images agree; the score is log|det K|. Training mode, as the reference leaves the network.

The reference counts the ReLUs that its first (Jacobian) backward pass visits. In NAS-Bench-201
that is every ReLU of the network: its `none` edges are multiplications by zero, which keep every
node connected to the output. This suite's builder leaves `none` edges out, so a node can lose
its way to the output here while it keeps it there; counting every ReLU that runs gives the
reference's set (NAS-Bench-Macro has no such node).
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
    kernel = torch.zeros((len(inputs), len(inputs)), dtype=torch.float64)

    def count(module: nn.Module, args: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal kernel
        # an in-place ReLU has overwritten its input by now: relu(x) > 0 exactly where x > 0
        code = (args[0].detach().reshape(len(args[0]), -1) > 0).to(torch.float64)
        kernel = kernel + code @ code.T + (1.0 - code) @ (1.0 - code).T

    handles = [m.register_forward_hook(count) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(inputs)
    finally:
        for handle in handles:
            handle.remove()
    _, logdet = np.linalg.slogdet(kernel.numpy())
    return float(logdet)
