"""Every space's repr says what it is: class, name, size."""

from __future__ import annotations

import pytest

import nasbench
from nasbench.spaces import SPACES, get_space

SIZES = {
    "nb201": "15,625",
    "macro": "6,561",
    "fcnet": "62,208",
    "graph": "26,206",
    "nlp": "291",
    "nb101": "423,624",
    "accel": "104,485,552,128",
    "mlp": "144",
}


@pytest.mark.parametrize("name", sorted(SPACES))
def test_repr_names_the_space_and_its_size(name: str) -> None:
    space = get_space(name)
    assert repr(space) == (
        f"<{type(space).__name__} {name}: {SIZES[name]} architectures, encoding of {space.encoding_size}>"
    )


def test_repr_of_a_tabulated_space() -> None:
    nb101 = nasbench.load("nb101").space
    assert repr(nb101) == "<NB101Space nb101: 1,000 architectures (tabulated mode), encoding of 36>"
    digits = nasbench.load("nb201-digits")
    assert repr(digits.space).startswith(
        f"<TabulatedSpace nb201: the {digits.table.n_archs:,} architectures a table holds of "
        "<NB201Space nb201: 15,625 architectures"
    )
