"""The NAS-Bench-101 space: validity and pruning, the exact graph hash, moves, encodings, the subset."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.nb101 import OPS, SUBSET_FILE, NB101Space

SPACE = NB101Space()
SUBSET = NB101Space(tabulated=True)
C3, C1, MP = OPS


def test_the_subset_hashes_are_nas_bench_101s() -> None:
    # data-1k.json's `key` is NAS-Bench-101's own module hash; the converter reproduced all 1,000
    # (scripts/convert_nb101.py refuses otherwise); here the shipped strings are rechecked.
    lines = [line.split("\t") for line in SUBSET_FILE.read_text().splitlines()]
    assert len(lines) == 1000
    for text, key in lines:
        assert SPACE.hash(SPACE.from_str(text)) == key


def test_hash_ignores_vertex_order() -> None:
    a = SPACE.from_spec([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", C3, MP, "output"])
    b = SPACE.from_spec([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", MP, C3, "output"])
    c = SPACE.from_spec([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", MP, MP, "output"])
    assert a != b and SPACE.hash(a) == SPACE.hash(b) != SPACE.hash(c)


def test_pruning_removes_dangling_vertices() -> None:
    matrix = [[0, 1, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    cell = SPACE.from_spec(matrix, ["input", C3, C1, MP, "output"])  # 2 -> 3 never reaches the output
    assert cell.ops == ("input", C3, "output") and cell.matrix == ((0, 1, 0), (0, 0, 1), (0, 0, 0))


@pytest.mark.parametrize(
    ("matrix", "ops", "message"),
    [
        ([[0, 1], [0, 0]], ["input", "output", C3], "square adjacency matrix"),
        ([[0, 1], [1, 0]], ["input", "output"], "strictly upper-triangular"),
        ([[0, 2], [0, 0]], ["input", "output"], "strictly upper-triangular"),
        ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], ["input", C3, "output"], "does not reach the output"),
        ([[0, 1], [0, 0]], ["input", C3], "expected ops"),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv5x5", "output"], "expected ops 'input'"),
        (np.triu(np.ones((7, 7), dtype=int), 1), ["input", C3, C3, C3, C3, C3, "output"], "21 edges after pruning"),
        (np.zeros((8, 8), dtype=int), ["input", *[C3] * 6, "output"], "2..7 vertices"),
    ],
)
def test_invalid_cells_name_the_problem(matrix, ops, message: str) -> None:
    with pytest.raises(InvalidArchitecture, match=message):
        SPACE.from_spec(matrix, ops)


def test_samples_are_valid_and_seeded() -> None:
    rng = np.random.default_rng(0)
    cells = [SPACE.sample(rng) for _ in range(200)]
    assert all(len(c.ops) <= 7 and sum(map(sum, c.matrix)) <= 9 for c in cells)
    assert SPACE.sample(np.random.default_rng(0)) == cells[0]
    assert len({SPACE.hash(c) for c in cells}) > 100


def test_neighbors_and_mutation() -> None:
    rng = np.random.default_rng(1)
    cell = SPACE.sample(rng)
    neighbors = SPACE.neighbors(cell)
    assert neighbors and len({SPACE.hash(n) for n in neighbors}) == len(neighbors)
    assert SPACE.hash(cell) not in {SPACE.hash(n) for n in neighbors}
    assert SPACE.hash(SPACE.mutate(cell, rng)) in {SPACE.hash(n) for n in neighbors}


def test_encodings() -> None:
    cell = SPACE.from_str("0110,0001,0001,0000:input,conv3x3-bn-relu,maxpool3x3,output")
    adjacency = SPACE.encode(cell)
    assert adjacency.shape == (36,) and adjacency[:21].sum() == 4 and adjacency[21:].sum() == 2
    paths = SPACE.path_encoding(cell)
    assert paths.shape == (364,) and paths.sum() == 2  # input->conv3x3->output and input->maxpool->output
    assert SPACE.from_decisions(SPACE.to_decisions(cell)) == cell


def test_strings() -> None:
    text = "0110,0001,0001,0000:input,conv3x3-bn-relu,maxpool3x3,output"
    assert str(SPACE.from_str(text)) == text
    for bad in ["", "0110:input", "012,000,000:input,conv3x3-bn-relu,output", "02012100"]:
        with pytest.raises(InvalidArchitecture, match="expected a NAS-Bench-101 string"):
            SPACE.from_str(bad)


def test_the_tabulated_space_stays_in_the_subset() -> None:
    rng = np.random.default_rng(0)
    cell = SUBSET.sample(rng)
    neighbors = SUBSET.neighbors(cell)
    assert neighbors and all(SUBSET.validate(n) for n in neighbors)
    with pytest.raises(InvalidArchitecture, match="not among the 1000 tabulated ones"):
        SUBSET.from_str("0110,0001,0001,0000:input,conv3x3-bn-relu,maxpool3x3,output")
    # Another spelling of a tabulated network finds the tabulated one.
    assert SUBSET.validate(cell) is cell


def test_sizes() -> None:
    # Ying et al., ICML 2019: distinct cells up to isomorphism (google-research/nasbench README.md, commit b942470)
    assert SPACE.size == 423_624
    assert SUBSET.size == 1_000
