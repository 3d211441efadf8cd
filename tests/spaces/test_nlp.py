"""The NAS-Bench-NLP space (Klyuchnikov et al., IEEE Access 2022): the 291 tabulated recipes, moves, bad recipes."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.nlp import NLPSpace

SPACE = NLPSpace()


def test_space_moves_and_bad_recipes() -> None:
    rng = np.random.default_rng(0)
    arch = SPACE.sample(rng)
    neighbors = SPACE.neighbors(arch)
    assert len(neighbors) == 8 and arch not in neighbors and SPACE.mutate(arch, rng) in neighbors
    assert SPACE.encode(arch).shape == (10,)
    assert SPACE.from_decisions(SPACE.to_decisions(arch)) == arch
    with pytest.raises(InvalidArchitecture, match="expected a NAS-Bench-NLP recipe"):
        SPACE.from_str("02012100")
    with pytest.raises(InvalidArchitecture, match="needs an op among linear"):
        SPACE.from_str('{"h_new_0": {"op": "conv", "input": ["x"]}}')
    with pytest.raises(InvalidArchitecture, match="reads 'y'"):
        SPACE.from_str('{"h_new_0": {"op": "linear", "input": ["y"]}}')
    with pytest.raises(InvalidArchitecture, match="not among the 291 tabulated"):
        SPACE.from_str('{"h_new_0": {"op": "linear", "input": ["x", "h_prev_0"]}}')
