"""The network of the `mlp` space (FCNet's two hidden layers, Klein & Hutter 2019) as a `torch.nn.Module`.

Owns the layout only: Linear(features, n_units_1), activation, Linear(n_units_1, n_units_2),
activation, Linear(n_units_2, classes). Input: (N, features) standardised columns.
"""

from __future__ import annotations

from torch import nn

from nasbench.spaces.mlp import mlp_space
from nasbench.spaces.product import ProductArch

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}


class MLPNetwork(nn.Sequential):
    """Two hidden layers of the chosen widths and activations, then a linear classifier."""

    def __init__(self, arch: ProductArch, num_classes: int, features: int = 64) -> None:
        choice = mlp_space().describe(arch)
        units_1, units_2 = int(choice["n_units_1"]), int(choice["n_units_2"])  # type: ignore[call-overload]
        super().__init__(
            nn.Linear(features, units_1),
            ACTIVATIONS[str(choice["activation_fn_1"])](),
            nn.Linear(units_1, units_2),
            ACTIVATIONS[str(choice["activation_fn_2"])](),
            nn.Linear(units_2, num_classes),
        )
