"""The NAS-Bench-Graph space: canonical forms, keys, moves inside the table, bad strings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.graph import LINKS, OPS, PROTEINS_OPS, GraphArch, GraphSpace, canonical_form, representatives

SPACE = GraphSpace()
PROTEINS = GraphSpace(PROTEINS_OPS)


def test_counts_match_the_benchmark() -> None:
    # NAS-Bench-Graph (Qin et al., NeurIPS 2022): 26,206 networks; 2,021 with proteins' 5 layer types.
    assert SPACE.size == len(representatives(OPS)) == 26_206
    assert PROTEINS.size == len(representatives(PROTEINS_OPS)) == 2_021


def test_shipped_keys_equal_the_derivation() -> None:
    assert SPACE.keys.tolist() == [a.key for a in representatives(OPS)]
    assert PROTEINS.keys.tolist() == [a.key for a in representatives(PROTEINS_OPS)]


def test_every_spelling_has_a_tabulated_representative() -> None:
    table = set(representatives(OPS))
    for link in itertools.product(range(4), repeat=4):
        if all(0 <= f <= i for i, f in enumerate(link)):
            for ops in itertools.product(range(9), repeat=4):
                if ops.count(OPS.index("skip")) < 4:
                    assert canonical_form(link, ops) in table
    for arch in representatives(OPS)[::97]:
        assert canonical_form(arch.link, arch.ops) == arch  # representatives are fixed points


def test_keys_and_strings() -> None:
    arch = SPACE.from_str("0,0,0,0:gat,gat,gat,gat")
    assert arch.key == 0 and SPACE.index(arch) == 0
    assert SPACE.from_str(str(SPACE.arch(1234))) == SPACE.arch(1234)
    # Nodes listed in another order are the same network: sorted positions of [0,0,0,0].
    assert SPACE.from_str("0,0,0,0:gin,gcn,gat,fc") == SPACE.from_str("0,0,0,0:fc,gat,gin,gcn")
    assert SPACE.parse("17") == SPACE.arch(17)


def test_moves_stay_in_the_table() -> None:
    rng = np.random.default_rng(0)
    for space in (SPACE, PROTEINS):
        for _ in range(50):
            arch = space.sample(rng)
            neighbors = space.neighbors(arch)
            assert neighbors and arch not in neighbors
            assert all(space.index(n) >= 0 for n in neighbors)
            assert space.mutate(arch, rng) in neighbors
            assert space.from_decisions(space.to_decisions(arch)) == arch


def test_encoding() -> None:
    encoded = SPACE.encode_many([SPACE.arch(i) for i in range(20)])
    assert encoded.shape == (20, 9 + 36)
    assert np.all(encoded[:, :9].sum(axis=1) == 1) and np.all(encoded[:, 9:].sum(axis=1) == 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gcn,gin,fc,cheb", "expected a NAS-Bench-Graph string like"),
        ("0,1,2:gcn,gin,fc", "expected a NAS-Bench-Graph string like"),
        ("0,3,1,2:gcn,gin,fc,cheb", "node i reads a node 0..i-1"),
        ("0,1,2,x:gcn,gin,fc,cheb", "expected 4 integer links"),
        ("0,1,2,1:gcn,gin,fc,transformer", "unknown GNN layer 'transformer'; allowed: gat, gcn"),
        ("0,1,2,3:skip,skip,skip,skip", "only skip layers"),
        ("02012100", "expected a NAS-Bench-Graph string like"),
    ],
)
def test_bad_strings(text: str, message: str) -> None:
    with pytest.raises(InvalidArchitecture, match=message):
        SPACE.from_str(text)


def test_proteins_layers_only() -> None:
    with pytest.raises(InvalidArchitecture, match="unknown GNN layer 'gin'; allowed: gcn, sage, arma, fc, skip"):
        PROTEINS.from_str("0,1,2,1:gcn,gin,fc,sage")
    with pytest.raises(InvalidArchitecture, match="not a tabulated NAS-Bench-Graph network"):
        PROTEINS.index(SPACE.from_str("0,0,0,0:gat,gat,gat,gat"))
    with pytest.raises(InvalidArchitecture, match="not a tabulated"):
        SPACE.index(GraphArch(LINKS[0], (8, 8, 8, 8)))
