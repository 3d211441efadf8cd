"""The Accel-NASBench block space: its size, moves, features and the tabulated mode."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.accel import AccelSpace


def test_size_and_decisions() -> None:
    space = AccelSpace()
    assert space.size == 36**6 * 48 == 104_485_552_128
    assert len(space.choices) == 28 and space.decisions()[5 * 4 + 2] == 4  # block 5's layers: 1-4
    arch = space.sample(np.random.default_rng(0))
    assert space.from_str(space.to_str(arch)) == arch and space.arch(space.index(arch)) == arch
    assert space.describe(arch)["block0_e"] in (1, 4, 6)


def test_moves_change_one_decision_by_one_step() -> None:
    space = AccelSpace()
    arch = space.from_str("1111" * 7)
    for other in space.neighbors(arch):
        changed = [i for i, (a, b) in enumerate(zip(arch.choices, other.choices, strict=True)) if a != b]
        assert len(changed) == 1 and abs(arch.choices[changed[0]] - other.choices[changed[0]]) == 1


def test_features_add_width_depth_and_totals() -> None:
    space = AccelSpace()
    arch = space.from_str("2111" * 7)  # expansion 6, kernel 5, 2 layers, squeeze-excite, in every block
    features = space.features_many([arch])[0]
    assert len(features) == space.encoding_size + 7 + 7 + 3
    extra = features[space.encoding_size :]
    assert np.allclose(extra[:7], 6 * 2) and np.allclose(extra[7:14], 25 * 6 * 2)
    assert extra[14:].tolist() == [14, 14, 84]


def test_tabulated_mode_stays_among_the_trained_networks() -> None:
    space, whole = AccelSpace(tabulated=True), AccelSpace()
    rng = np.random.default_rng(0)
    listed = set(space.trained.listed)
    assert len(listed) == 5125
    arch = space.sample(rng)
    for _ in range(30):
        assert arch in listed and all(n in listed for n in space.neighbors(arch))
        arch = space.mutate(arch, rng)
    outside = next(a for a in (whole.sample(rng) for _ in range(100)) if a not in listed)
    with pytest.raises(InvalidArchitecture, match="not among the 5125 trained ones; query it with estimator="):
        space.validate(whole.to_str(outside))
    with pytest.raises(InvalidArchitecture):
        space.from_decisions(list(outside.choices))


def test_malformed_strings_are_named() -> None:
    with pytest.raises(InvalidArchitecture, match="expected 28 digits for accel"):
        AccelSpace().from_str("12x")
    with pytest.raises(InvalidArchitecture, match="block5_l of accel takes 0..3"):
        AccelSpace().from_str("0000" * 5 + "0050" + "0000")
