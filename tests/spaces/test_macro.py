"""The NAS-Bench-Macro space (Su et al., CVPR 2021): 8 layers of 3 blocks, no merged equivalents."""

from __future__ import annotations

import numpy as np

from nasbench.spaces.macro import macro_space

MACRO = macro_space()


def test_macro_moves_and_no_merged_equivalents() -> None:
    arch = MACRO.from_str("02012100")
    neighbors = MACRO.neighbors(arch)
    assert len(neighbors) == 16 and len(set(neighbors)) == 16
    assert all(sum(a != b for a, b in zip(arch.choices, n.choices, strict=True)) == 1 for n in neighbors)
    # Identity layers in other places are other networks: NAS-Bench-Macro trained each one.
    assert MACRO.canonical(MACRO.from_str("01000000")) != MACRO.canonical(MACRO.from_str("10000000"))
    rng = np.random.default_rng(0)
    assert {MACRO.mutate(arch, rng) for _ in range(300)} == set(neighbors)


def test_digits_name_the_layers_blocks_in_order() -> None:
    described = MACRO.describe(MACRO.from_str("02012100"))
    assert list(described.values()) == [
        "identity",
        "mbconv_k5_e6",
        "identity",
        "mbconv_k3_e3",
        "mbconv_k5_e6",
        "mbconv_k3_e3",
        "identity",
        "identity",
    ]
    assert list(described) == [f"layer_{i}" for i in range(1, 9)] and MACRO.size == 3**8 == 6561
