"""The NAS-Bench-201 cell search space (Dong & Yang, ICLR 2020, arXiv:2001.00326).

Owns the architecture value type, its standard string, the official index order,
the moves (sample, mutate, neighbours), the one-hot encoding and the isomorphism
classes. It never reads a table: the official order ships as `nb201_order.npy`,
written by `scripts/convert_nb201.py` from the published index.

A cell has 4 nodes; each of its 6 edges i->j (i<j) carries one of 5 operations:
5**6 = 15,625 architectures. Edge order is (0->1), (0->2), (1->2), (0->3), (1->3),
(2->3), as in the standard string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import EnumerableSpace
from nasbench.spaces.nb201_cell import EDGES, NUM_EDGES, NUM_OPS, OPS, SIZE

EXAMPLE = "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|"
ORDER_FILE = Path(__file__).with_name("nb201_order.npy")
_OP_INDEX = {op: i for i, op in enumerate(OPS)}
_DIGIT_WEIGHTS = NUM_OPS ** np.arange(NUM_EDGES - 1, -1, -1)
_TEXTS: list[str | None] = [None] * SIZE  # each cell's standard string, by code, once built
_EDGE_WEIGHTS = _DIGIT_WEIGHTS.tolist()  # what a change of one edge's operation adds to the code, per unit
_SEQUENCES = (list, tuple)  # built once: `list | tuple` in the hot path costs a union per call
_ROWS: list[int | None] = []  # the official index of each code: filled by `_load_rows` on the first cell built


@dataclass(frozen=True, slots=True)
class NB201Arch:
    """One cell: the operation index (into `OPS`) of each of the 6 edges.

    `code` is the base-5 number whose k-th digit (most significant first) is edge
    k's operation: the key used by several published NAS-Bench-201 dumps.
    """

    ops: tuple[int, ...]
    code: int = field(init=False, repr=False, compare=False)
    # The official index (`NB201Space.index`), under a name no other class has: `NB201Space.indices`
    # reads it from a list of objects without a type check per object (~9 µs for 1,000, where the
    # check doubled it) and without a lookup from code to index, since an object without it (a
    # string, another space's cell) fails the read. None where the order file cannot be read (then
    # `indices` takes its checked path, which names the file). Subclasses are refused.
    _nb201_row: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ops = self.ops
        if not isinstance(ops, tuple) or len(ops) != NUM_EDGES:
            raise _bad_ops(ops)
        code = 0
        for op in ops:  # checked as the code is summed: one loop, where a separate `all()` cost ~0.4 µs
            if type(op) is not int or not 0 <= op < NUM_OPS:
                raise _bad_ops(ops)
            code = code * NUM_OPS + op
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "_nb201_row", (_ROWS or _load_rows())[code])

    def __init_subclass__(cls) -> None:
        raise TypeError("NB201Arch cannot be subclassed: the space reads its slots as this class's only")

    @classmethod
    def from_code(cls, code: int) -> NB201Arch:
        """The architecture whose base-5 digits are `code`'s."""
        digits = []
        for _ in range(NUM_EDGES):
            code, digit = divmod(code, NUM_OPS)
            digits.append(digit)
        return cls(tuple(reversed(digits)))

    @property
    def op_names(self) -> tuple[str, ...]:
        """The operation name on each edge, in edge order."""
        return tuple(OPS[o] for o in self.ops)

    def __str__(self) -> str:
        text = _TEXTS[self.code]
        if text is None:  # each cell's string built once per process: a run writes one per evaluation
            text = _TEXTS[self.code] = "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*self.op_names)
        return text

    def __repr__(self) -> str:
        return f"NB201Arch('{self}')"


def _bad_ops(ops: object) -> InvalidArchitecture:
    return InvalidArchitecture(f"expected a tuple of {NUM_EDGES} operation indices in 0..{NUM_OPS - 1}, got {ops!r}")


def _load_rows() -> list[int | None]:
    """Fill `_ROWS` (the official index of each code) on the first cell built: importing stays light.

    An unreadable order file leaves every cell's index None, so that cells can still be built (the
    converter builds them before it writes the file); `NB201Space.index` then names the file.
    """
    try:
        _ROWS[:] = _order()[2]
    except InvalidArchitecture:
        _ROWS[:] = [None] * SIZE
    return _ROWS


def _parse(text: str) -> NB201Arch:
    """Parse a standard string, naming the first thing that is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidArchitecture(f"expected a NAS-Bench-201 string like {EXAMPLE}, got {text!r}")
    nodes = text.strip().split("+")
    if len(nodes) != 3:
        raise InvalidArchitecture(f"expected 3 nodes separated by '+' (like {EXAMPLE}), got {len(nodes)} in {text!r}")
    ops: list[int] = []
    for target, node in enumerate(nodes, start=1):
        if len(node) < 2 or node[0] != "|" or node[-1] != "|":
            raise InvalidArchitecture(f"expected node {target} as '|op~i|...|', got {node!r}")
        tokens = node[1:-1].split("|")
        if len(tokens) != target:
            raise InvalidArchitecture(f"expected {target} edge(s) into node {target}, got {len(tokens)} in {node!r}")
        for source, token in enumerate(tokens):
            ops.append(_parse_edge(token, source, target))
    return NB201Arch(tuple(ops))


def _parse_edge(token: str, source: int, target: int) -> int:
    name, sep, origin = token.partition("~")
    if not sep or origin != str(source):
        raise InvalidArchitecture(f"expected edge '{name or 'op'}~{source}' into node {target}, got {token!r}")
    if name not in _OP_INDEX:
        raise InvalidArchitecture(f"unknown operation {name!r} on edge {source}->{target}; allowed: {', '.join(OPS)}")
    return _OP_INDEX[name]


def unique_cell_key(arch: NB201Arch) -> str:
    """NAS-Bench-201's isomorphism key (its `to_unique_str(consider_zero=True)` rule).

    Each node is the sorted '+'-join of its inputs; `skip_connect` passes its
    source through, `none` (or a source that is exactly zero, '#') gives '#', any
    other operation wraps its source as '(src)@op'. Two cells are the same
    network exactly when their output node's key is equal: 6,466 classes.
    """
    nodes = ["0"]
    edge = 0
    for target in range(1, 4):
        inputs = []
        for source in range(target):
            op = OPS[arch.ops[edge]]
            edge += 1
            if op == "none" or nodes[source] == "#":
                inputs.append("#")
            elif op == "skip_connect":
                inputs.append(nodes[source])
            else:
                inputs.append(f"({nodes[source]})@{op}")
        nodes.append("+".join(sorted(inputs)))
    return nodes[3]


@cache
def _order() -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(code of each official index, official index of each code, the same as a list)."""
    try:
        code_of_index = np.load(ORDER_FILE, allow_pickle=False).astype(np.int64)
    except (OSError, ValueError) as err:
        raise InvalidArchitecture(f"cannot read the NAS-Bench-201 order file {ORDER_FILE}: {err}") from err
    if sorted(code_of_index.tolist()) != list(range(SIZE)):
        raise InvalidArchitecture(f"{ORDER_FILE} is not a permutation of 0..{SIZE - 1}")
    index_of_code = np.empty(SIZE, dtype=np.int64)
    index_of_code[code_of_index] = np.arange(SIZE)
    return code_of_index, index_of_code, index_of_code.tolist()


@cache
def _all_archs() -> tuple[NB201Arch, ...]:
    """Every architecture in code order (code == position)."""
    return tuple(NB201Arch(ops) for ops in itertools.product(range(NUM_OPS), repeat=NUM_EDGES))


def _int64s(values: list[int]) -> np.ndarray:
    """Python ints as an int64 array: packed by `struct`, about 3x faster than `np.fromiter`."""
    out = np.empty(len(values), dtype=np.int64)
    struct.pack_into(f"{len(values)}q", out.data, 0, *values)
    return out


@cache
def _arch_of_string() -> dict[str, NB201Arch]:
    return {str(a): a for a in _all_archs()}


class NB201Space(EnumerableSpace[NB201Arch]):
    """The 15,625 cells of NAS-Bench-201, indexed in the official benchmark order."""

    name = "nb201"
    size = SIZE
    encoding_size = NUM_EDGES * NUM_OPS
    ops = OPS
    edges = EDGES

    def sample(self, rng: np.random.Generator) -> NB201Arch:
        """Each edge's operation drawn uniformly and independently."""
        return _all_archs()[int(rng.integers(SIZE))]

    def mutate(self, arch: NB201Arch, rng: np.random.Generator) -> NB201Arch:
        """Change one uniformly chosen edge to a different, uniformly chosen operation."""
        arch = self.validate(arch)
        edge = int(rng.integers(NUM_EDGES))
        return self.with_other_op(arch, edge, int(rng.integers(NUM_OPS - 1)))

    def with_other_op(self, arch: NB201Arch, edge: int, draw: int) -> NB201Arch:
        """`arch` with edge `edge` set to the `draw`-th operation (0..3) other than its current one.

        Found by its code among the space's cells, not built: an evolution's mutation costs ~1 µs.
        """
        arch = self.validate(arch)
        if not (0 <= edge < NUM_EDGES and 0 <= draw < NUM_OPS - 1):
            raise InvalidArchitecture(f"expected an edge in 0..{NUM_EDGES - 1} and a draw in 0..3, got {edge}, {draw}")
        old = arch.ops[edge]
        op = draw + 1 if draw >= old else draw
        return _all_archs()[arch.code + (op - old) * _EDGE_WEIGHTS[edge]]

    def neighbors(self, arch: NB201Arch) -> list[NB201Arch]:
        """All 24 single-edge changes, edge by edge, operations in `OPS` order."""
        arch = self.validate(arch)
        result = []
        for edge in range(NUM_EDGES):
            for op in range(NUM_OPS):
                if op != arch.ops[edge]:
                    result.append(NB201Arch((*arch.ops[:edge], op, *arch.ops[edge + 1 :])))
        return result

    def encode_many(self, archs: Iterable[object]) -> np.ndarray:
        """One-hot of each edge's operation: shape (n, 30), edge-major."""
        codes = self.codes(archs)
        digits = (codes[:, None] // _DIGIT_WEIGHTS) % NUM_OPS
        return np.eye(NUM_OPS, dtype=np.float64)[digits].reshape(len(codes), self.encoding_size)

    def features_many(self, archs: Iterable[object]) -> np.ndarray:
        """The one-hot encoding, then the effective-structure features of `nb201_features`."""
        from nasbench.spaces.nb201_features import feature_table  # built on first use (~0.2 s)

        codes = self.codes(archs)
        digits = (codes[:, None] // _DIGIT_WEIGHTS) % NUM_OPS
        one_hot = np.eye(NUM_OPS, dtype=np.float64)[digits].reshape(len(codes), self.encoding_size)
        return np.hstack([one_hot, feature_table()[codes]])

    def codes(self, archs: Iterable[object]) -> np.ndarray:
        """The base-5 codes of many architectures (objects or strings) as an int array."""
        if not isinstance(archs, list | tuple):
            archs = list(archs)
        kind = NB201Arch  # a comprehension's attribute reads beat map(attrgetter) ~3x on 3.11
        codes = [a.code for a in archs if type(a) is kind]
        if len(codes) == len(archs):
            return _int64s(codes)
        return np.fromiter((self.validate(a).code for a in archs), dtype=np.int64, count=len(archs))

    def decisions(self) -> list[int]:
        """One decision per edge: which of the 5 operations it carries."""
        return [NUM_OPS] * NUM_EDGES

    def from_decisions(self, choices: Sequence[int]) -> NB201Arch:
        return NB201Arch(tuple(int(c) for c in choices))

    def to_decisions(self, arch: NB201Arch) -> list[int]:
        return list(self.validate(arch).ops)

    def canonical(self, arch: NB201Arch) -> str:
        """NAS-Bench-201's unique-cell key (see `unique_cell_key`)."""
        return unique_cell_key(self.validate(arch))

    def to_str(self, arch: NB201Arch) -> str:
        return str(self.validate(arch))

    def from_str(self, text: str) -> NB201Arch:
        found = _arch_of_string().get(text) if isinstance(text, str) else None
        return found if found is not None else _parse(text)

    def validate(self, arch: object) -> NB201Arch:
        if type(arch) is NB201Arch:
            return arch
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(f"expected an NB201Arch or a NAS-Bench-201 string, got {type(arch).__name__}")

    def index(self, arch: NB201Arch) -> int:
        """The official NAS-Bench-201 index (the row of the published benchmark file)."""
        if type(arch) is not NB201Arch:
            arch = self.validate(arch)
        row = arch._nb201_row
        return _order()[2][arch.code] if row is None else row  # None: no order file, which `_order` names

    def indices(self, archs: Iterable[object]) -> np.ndarray:
        """Official indices of many architectures, vectorized."""
        if isinstance(archs, _SEQUENCES):
            try:  # a list of cells: only NB201Arch has this slot, so the read is the type check
                return _int64s([a._nb201_row for a in archs])  # type: ignore[attr-defined]
            except (AttributeError, struct.error):
                pass  # strings among them, something else, or no order file: each validated below
        return _order()[1][self.codes(archs)]

    def arch(self, index: int) -> NB201Arch:
        return _all_archs()[int(_order()[0][self.check_index(index)])]
