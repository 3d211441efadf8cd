"""Model builders by search space: `build_model(space, arch)` returns a plain `torch.nn.Module`.

Owns the mapping from a space's architecture to its network, seeded initialisation and the
parameter / FLOP counts. Importing this package imports torch; `nasbench.live` imports it
lazily so that the core package never needs torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from nasbench.errors import NasbenchError, UnknownName
from nasbench.live.models.macro import MacroNetwork
from nasbench.live.models.mlp import MLPNetwork
from nasbench.live.models.nb201 import NB201Network
from nasbench.spaces import get_space

BUILDERS: dict[str, Callable[..., nn.Module]] = {"nb201": NB201Network, "macro": MacroNetwork, "mlp": MLPNetwork}
OPTIONS = {"nb201": ("channels", "cells"), "macro": (), "mlp": ("features",)}  # each builder's keyword options
INPUT_SIZE = {"nb201": 32, "macro": 32, "mlp": 0}  # the published image size (CIFAR)
MIN_INPUT_SIZE = {"nb201": 4, "macro": 1, "mlp": 0}  # NAS-Bench-201's two 2x2 average-pooling shortcuts need 4 pixels


def build_model(
    space_name: str, arch: Any, num_classes: int = 10, generator: torch.Generator | None = None, **options: Any
) -> nn.Module:
    """The network of `arch` (an architecture object or its standard string) in `space_name`.

    `options` go to the builder (NAS-Bench-201: `channels`, `cells`). With a `generator`, every
    weight is initialised from it (PyTorch's default schemes), so the same seed gives the same
    network without touching the global random state.
    """
    check_options(space_name, options)
    if not isinstance(num_classes, int) or num_classes < 1:
        raise UnknownName(f"expected num_classes >= 1 (1: one regression output), got {num_classes!r}")
    space = get_space(space_name)
    model = BUILDERS[space_name](space.validate(arch), num_classes, **options)
    if generator is not None:
        initialise(model, generator)
    return model


def check_options(space_name: str, options: dict[str, Any]) -> None:
    """Refuse a space without a model builder, an option its builder does not take, or a size below 1."""
    if space_name not in BUILDERS:
        raise UnknownName(f"expected a space with a model builder ({', '.join(sorted(BUILDERS))}), got {space_name!r}")
    allowed = OPTIONS[space_name]
    for name, value in options.items():
        if name not in allowed:
            known = ", ".join(allowed) or "none"
            raise UnknownName(f"expected options of the {space_name} network among: {known}; got {name!r}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise NasbenchError(f"expected {name} >= 1, got {value!r}")


def initialise(model: nn.Module, generator: torch.Generator) -> None:
    """Re-initialise every layer as PyTorch does by default, drawing from `generator`."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.kaiming_uniform_(module.weight, a=5**0.5, generator=generator)
                if module.bias is not None:
                    fan_in = module.weight[0].numel()
                    bound = 1 / fan_in**0.5
                    nn.init.uniform_(module.bias, -bound, bound, generator=generator)
            elif isinstance(module, nn.BatchNorm2d):
                module.reset_parameters()


def count_params(model: nn.Module) -> int:
    """Number of parameters (weights and biases, batch norm included; buffers excluded)."""
    return sum(p.numel() for p in model.parameters())


def count_flops(model: nn.Module, input_shape: tuple[int, int, int]) -> int:
    """Multiply-accumulates of one image's forward pass through convolutions and linear layers.

    This is how NAS-Bench-Macro and NAS-Bench-201 count "FLOPs" (batch norm, activations and
    pooling are left out); `input_shape` is (channels, height, width).
    """
    total = 0

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        nonlocal total
        weight = module.weight
        assert isinstance(weight, torch.Tensor)
        per_output = weight[0].numel()  # in/groups * kh * kw for a convolution, in for a linear
        total += output[0].numel() * per_output

    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    handles = [m.register_forward_hook(hook) for m in layers]
    was_training = model.training
    try:
        model.eval()
        parameter = next(model.parameters())
        with torch.no_grad():
            model(torch.zeros((1, *input_shape), dtype=parameter.dtype, device=parameter.device))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return total
