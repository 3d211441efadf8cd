"""Product spaces (NAS-Bench-Macro, FCNet): keys, indices, moves, encodings, foreign input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nasbench.errors import InvalidArchitecture
from nasbench.spaces import NB201Space, get_space
from nasbench.spaces.fcnet import fcnet_space
from nasbench.spaces.macro import macro_space

MACRO, FCNET = macro_space(), fcnet_space()


def test_sizes_match_the_benchmarks() -> None:
    assert MACRO.size == 3**8 == 6_561  # Su et al., CVPR 2021
    assert FCNET.size == 62_208  # Klein & Hutter 2019: 2*2*4*3*3*6*2*6*6


@pytest.mark.parametrize("space", [MACRO, FCNET])
def test_index_follows_the_key_order(space) -> None:
    keys = ["".join(map(str, c)) for c in itertools.product(*(range(n) for n in space.decisions()))]
    for index in [0, 1, 2, 17, space.size // 2, space.size - 1]:
        arch = space.arch(index)
        assert str(arch) == keys[index] and space.index(arch) == index
        assert space.from_str(keys[index]) == arch and space.parse(keys[index]) == arch
    all_archs = [space.arch(i) for i in range(0, space.size, 7)]
    assert space.indices(all_archs).tolist() == list(range(0, space.size, 7))


def test_a_key_with_a_digit_missing_is_named_as_such() -> None:
    assert MACRO.parse("120") == MACRO.arch(120)  # fewer digits than a key: an index
    with pytest.raises(InvalidArchitecture, match=r"expected 8 digits \(one per decision\) or an index in 0\.\.6560"):
        MACRO.parse("0120120")


def test_encoding() -> None:
    fc = FCNET.encode(FCNET.from_str("110010155"))
    assert fc.shape == (FCNET.encoding_size,) == (12,)
    assert fc.tolist() == [0, 1, 0, 1, 0, 0, 0.5, 0, 0, 1, 1, 1]
    macro = MACRO.encode_many([MACRO.arch(i) for i in range(10)])
    assert macro.shape == (10, 24) and np.all(macro.reshape(10, 8, 3).sum(axis=2) == 1)


@pytest.mark.parametrize(
    ("space", "text", "message"),
    [
        (MACRO, "0201210", "expected 8 digits for macro"),
        (MACRO, "02312100", "layer_3 of macro takes 0..2"),
        (MACRO, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "expected 8 digits for macro"),
        (FCNET, "02012100", "expected 9 digits for fcnet"),
        (FCNET, "000010056", "n_units_2 of fcnet takes 0..5"),
        (FCNET, "relu,relu", "expected 9 digits"),
    ],
)
def test_bad_keys_name_the_valid_choices(space, text: str, message: str) -> None:
    with pytest.raises(InvalidArchitecture, match=message):
        space.from_str(text)


def test_architectures_of_another_benchmark_are_refused() -> None:
    with pytest.raises(InvalidArchitecture, match="expected a fcnet architecture"):
        FCNET.index(MACRO.arch(3))
    with pytest.raises(InvalidArchitecture, match="expected a macro architecture"):
        MACRO.neighbors(NB201Space().arch(3))
    with pytest.raises(InvalidArchitecture, match="expected an index in 0..6560 for macro"):
        MACRO.arch(6561)


def test_registry() -> None:
    assert get_space("macro").size == 6561 and get_space("fcnet").size == 62208


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789x|~+ ", max_size=12))
def test_fuzz_keys(text: str) -> None:
    for space in (MACRO, FCNET):
        try:
            arch = space.from_str(text)
        except InvalidArchitecture:
            continue
        assert str(arch) == text.strip()
