"""Zen-score (Lin et al., "Zen-NAS: A Zero-Shot NAS for High-Performance Image Recognition",
ICCV 2021).

Owns the score only. As the reference (idstcv/ZenNAS, `ZeroShotProxy/compute_zen_score.py`,
mixup_gamma 0.01): every convolution and linear weight re-drawn from N(0, 1) (biases 0, batch
norm 1 and 0), training mode, two Gaussian batches x and x + 0.01 * e, the mean over images of
the summed |f(x) - f(x + 0.01 e)| of the feature map before global average pooling, then
log of that plus the sum over batch norms of log sqrt(mean(running_var)). One repeat (the
reference's command-line default is 32; NASLib uses one). Data-independent: only the input's
shape is used; the draws come from `generator`.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

MIXUP_GAMMA = 1e-2


def _gaussian_init(net: nn.Module, generator: torch.Generator) -> None:
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d | nn.Linear):
                nn.init.normal_(m.weight, generator=generator)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)


def _pre_pool(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The feature map entering the global average pooling (the reference's `forward_pre_GAP`)."""
    seen: list[torch.Tensor] = []
    pools = [m for m in net.modules() if isinstance(m, nn.AdaptiveAvgPool2d)]
    if len(pools) != 1:
        raise AssertionError(f"expected one global pooling layer, got {len(pools)}")
    handle = pools[0].register_forward_hook(lambda module, args, output: seen.append(args[0]))
    try:
        net(x)
    finally:
        handle.remove()
    return seen[0]


def zen(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Zen-score with weights and inputs drawn from `generator` (inputs: shape only; targets unused)."""
    del targets
    net = copy.deepcopy(model)
    net.train()
    _gaussian_init(net, generator)
    shape = tuple(inputs.shape)
    x = torch.randn(shape, generator=generator)
    mixed = x + MIXUP_GAMMA * torch.randn(shape, generator=generator)
    with torch.no_grad():
        out, out_mixed = _pre_pool(net, x), _pre_pool(net, mixed)
        score = torch.log((out - out_mixed).abs().sum(dim=(1, 2, 3)).mean()).to(torch.float64)
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                assert m.running_var is not None
                score = score + torch.log(torch.sqrt(m.running_var.mean())).to(torch.float64)
    return float(score)
