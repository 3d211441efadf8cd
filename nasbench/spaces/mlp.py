"""A small MLP space for tabular data in a live search: FCNet's architecture choices without dropout.

The two hidden layers' widths and activations of the FCNet space (Klein & Hutter, "Tabular
Benchmarks for Joint Architecture and Hyperparameter Optimization", arXiv:1905.04970, 2019); its
dropout choices are left out (PyTorch's dropout draws from the global generator, and a seeded
live run draws only from its own), as are its training hyperparameters (the protocol fixes them).
6 x 6 x 2 x 2 = 144 architectures. Owns the space's definition only.
"""

from __future__ import annotations

from nasbench.spaces.fcnet import UNITS
from nasbench.spaces.product import Choice, ProductSpace


def mlp_space() -> ProductSpace:
    """The MLP space; the string is 4 digits: units of layer 1, of layer 2, activation 1, activation 2."""
    return ProductSpace(
        "mlp",
        [
            Choice("n_units_1", UNITS, ordinal=True),
            Choice("n_units_2", UNITS, ordinal=True),
            Choice("activation_fn_1", ("relu", "tanh")),
            Choice("activation_fn_2", ("relu", "tanh")),
        ],
        "n_units_1, n_units_2 (16..512), activation_fn_1, activation_fn_2 (relu, tanh)",
    )
