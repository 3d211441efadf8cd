"""The mlp space: its size by hand, its strings, sampling and mutation, the index <-> architecture bijection."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import InvalidArchitecture
from nasbench.spaces import get_space
from nasbench.spaces.mlp import mlp_space


def test_the_size_is_six_widths_squared_times_two_activations_squared() -> None:
    space = mlp_space()
    assert space.size == 6 * 6 * 2 * 2 == 144
    assert space.decisions() == [6, 6, 2, 2]
    assert get_space("mlp").size == 144


def test_a_string_names_each_decision() -> None:
    space = mlp_space()
    arch = space.from_str("5201")
    assert space.describe(arch) == {
        "n_units_1": 512,
        "n_units_2": 64,
        "activation_fn_1": "relu",
        "activation_fn_2": "tanh",
    }
    assert space.to_str(arch) == "5201"
    with pytest.raises(InvalidArchitecture, match="expected 4 digits"):
        space.from_str("520")
    with pytest.raises(InvalidArchitecture, match="activation_fn_1 of mlp takes 0..1"):
        space.from_str("5221")


def test_samples_and_mutations_round_trip_through_their_strings() -> None:
    space = mlp_space()
    rng = np.random.default_rng(0)
    for _ in range(50):
        arch = space.sample(rng)
        child = space.mutate(arch, rng)
        assert child != arch
        assert sum(a != b for a, b in zip(space.to_decisions(arch), space.to_decisions(child), strict=True)) == 1
        for a in (arch, child):
            assert space.from_str(space.to_str(a)) == a
    again = np.random.default_rng(0)
    assert space.to_str(space.sample(again)) == space.to_str(space.sample(np.random.default_rng(0)))


def test_index_and_architecture_are_a_bijection() -> None:
    space = mlp_space()
    texts = [space.to_str(space.arch(i)) for i in range(space.size)]
    assert len(set(texts)) == 144
    assert all(space.index(space.from_str(t)) == i for i, t in enumerate(texts))
    assert texts[0] == "0000" and texts[-1] == "5511"
