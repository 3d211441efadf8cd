"""The FCNet / NAS-HPO-Bench space (Klein & Hutter, arXiv:1905.04970): decisions in key order, ordinal moves."""

from __future__ import annotations

from nasbench.spaces.fcnet import fcnet_space

FCNET = fcnet_space()


def test_fcnet_ordinal_moves_one_step() -> None:
    arch = FCNET.from_str("000010055")
    described = FCNET.describe(arch)
    assert described["n_units_1"] == 512 and described["dropout_2"] == 0.3 and described["init_lr"] == 5e-4
    changed = {
        tuple(i for i, (a, b) in enumerate(zip(arch.choices, n.choices, strict=True)) if a != b)
        for n in FCNET.neighbors(arch)
    }
    assert changed == {(i,) for i in range(9)}
    assert len(FCNET.neighbors(arch)) == 1 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 1
    assert str(FCNET.neighbors(arch)[-1]) == "000010054"  # n_units_2 512 -> 256 only, not to 16
