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


def test_the_grid_is_the_papers_62208_configurations() -> None:
    # Klein & Hutter 2019, Table 1: 2 x 2 activations, 4 batch sizes, 3 x 3 dropouts, 6 learning rates,
    # 2 schedules, 6 x 6 layer widths; as the authors' code defines the space (automl/nas_benchmarks
    # tabular_benchmarks/fcnet_benchmark.py `get_configuration_space`, commit 1b09906).
    assert FCNET.size == 2 * 2 * 4 * 3 * 3 * 6 * 2 * 6 * 6 == 62208
    first, last = FCNET.describe(FCNET.arch(0)), FCNET.describe(FCNET.arch(FCNET.size - 1))
    assert (first["batch_size"], first["init_lr"], first["n_units_1"], first["lr_schedule"]) == (8, 5e-4, 16, "cosine")
    assert (last["batch_size"], last["init_lr"], last["n_units_2"], last["dropout_1"]) == (64, 0.1, 512, 0.6)
    assert str(FCNET.arch(1)) == "000000001"  # the last decision (n_units_2) varies fastest
