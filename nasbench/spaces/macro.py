"""The NAS-Bench-Macro space (Su et al., "Prioritized Architecture Sampling with Monte-Carlo
Tree Search", CVPR 2021): 8 searchable layers, each an identity, a MobileNetV2 block with
kernel 3 and expansion 3, or one with kernel 5 and expansion 6; 3**8 = 6,561 networks.

Owns the space's definition only. Networks that differ only in where their identity
layers sit are NOT merged: the benchmark trained each one separately.
"""

from __future__ import annotations

from nasbench.spaces.product import Choice, ProductSpace

BLOCKS = ("identity", "mbconv_k3_e3", "mbconv_k5_e6")


def macro_space() -> ProductSpace:
    """The NAS-Bench-Macro space; the string is 8 digits, layer 1 first (e.g. '02012100')."""
    return ProductSpace(
        "macro",
        [Choice(f"layer_{i}", BLOCKS) for i in range(1, 9)],
        "one digit per layer: 0 identity, 1 MBConv k3 e3, 2 MBConv k5 e6",
    )
