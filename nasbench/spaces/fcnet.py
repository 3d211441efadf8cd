"""The FCNet / NAS-HPO-Bench space (Klein & Hutter, "Tabular Benchmarks for Joint Architecture
and Hyperparameter Optimization", arXiv:1905.04970, 2019): a two-layer MLP's units, activations
and dropout, and its learning rate, schedule and batch size; 62,208 configurations.

Owns the space's definition only. The decision order is the one of the published keys
(checked by the converter: the parameter count follows the last two digits).
"""

from __future__ import annotations

from nasbench.spaces.product import Choice, ProductSpace

UNITS = (16, 32, 64, 128, 256, 512)


def fcnet_space() -> ProductSpace:
    """The FCNet space; the string is 9 digits, one value index per decision in key order."""
    return ProductSpace(
        "fcnet",
        [
            Choice("activation_fn_1", ("relu", "tanh")),
            Choice("activation_fn_2", ("relu", "tanh")),
            Choice("batch_size", (8, 16, 32, 64), ordinal=True),
            Choice("dropout_1", (0.0, 0.3, 0.6), ordinal=True),
            Choice("dropout_2", (0.0, 0.3, 0.6), ordinal=True),
            Choice("init_lr", (5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 1e-1), ordinal=True),
            Choice("lr_schedule", ("cosine", "const")),
            Choice("n_units_1", UNITS, ordinal=True),
            Choice("n_units_2", UNITS, ordinal=True),
        ],
        "activation_fn_1, activation_fn_2 (relu, tanh), batch_size (8..64), dropout_1, dropout_2 (0, 0.3, 0.6), "
        "init_lr (5e-4..0.1), lr_schedule (cosine, const), n_units_1, n_units_2 (16..512)",
    )
