"""The NAS-Bench-Graph space (Qin et al., "NAS-Bench-Graph: Benchmarking Graph Neural
Architecture Search", NeurIPS 2022 Datasets and Benchmarks).

Owns the architecture type, its canonical form and the benchmark's key. A network is a
DAG of 4 computing nodes, each reading one earlier node (0 is the input) and applying
one GNN layer; leaves feed the output. `link[i]` is node i+1's input. Many spellings
are the same network (nodes listed in another order, skip layers placed elsewhere), so
the benchmark stores one representative per class: the spelling its `valid_hash`
produces. This module re-derives that canonical form (relink non-standard link
patterns, move skip layers forward, sort interchangeable positions) and the key
`link_pattern * 10**4 + ops as base-10 digits`; the converter checks that the
representatives it enumerates are exactly the published keys (26,206, or 2,021 with
the 5 layer types run on proteins).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import EnumerableSpace

OPS = ("gat", "gcn", "gin", "cheb", "sage", "arma", "graph", "fc", "skip")
PROTEINS_OPS = ("gcn", "sage", "arma", "fc", "skip")
SKIP = OPS.index("skip")
LINKS = ((0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 1), (0, 0, 1, 2), (0, 0, 1, 3),
         (0, 1, 1, 1), (0, 1, 1, 2), (0, 1, 2, 2), (0, 1, 2, 3))  # fmt: skip
EXAMPLE = "0,1,2,1:gcn,gin,fc,cheb"
KEYS_FILE = Path(__file__).with_name("graph_keys.npy")
_LINK_INDEX: dict[tuple[int, ...], int] = {link: i for i, link in enumerate(LINKS)}
# Link patterns outside LINKS that are the same DAG as one in it: (pattern, op order).
_RELINK: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {
    (0, 0, 0, 2): ((0, 0, 0, 1), (1, 0, 2, 3)), (0, 0, 0, 3): ((0, 0, 0, 1), (2, 0, 1, 3)),
    (0, 0, 1, 0): ((0, 0, 0, 1), (0, 1, 3, 2)), (0, 0, 2, 0): ((0, 0, 0, 1), (1, 0, 3, 2)),
    (0, 0, 2, 1): ((0, 0, 1, 2), (1, 0, 2, 3)), (0, 0, 2, 2): ((0, 0, 1, 1), (1, 0, 2, 3)),
    (0, 0, 2, 3): ((0, 0, 1, 3), (1, 0, 2, 3)), (0, 1, 0, 0): ((0, 0, 0, 1), (0, 2, 3, 1)),
    (0, 1, 0, 1): ((0, 0, 1, 1), (0, 2, 1, 3)), (0, 1, 0, 2): ((0, 0, 1, 3), (0, 2, 1, 3)),
    (0, 1, 0, 3): ((0, 0, 1, 2), (0, 2, 1, 3)), (0, 1, 1, 0): ((0, 0, 1, 1), (0, 3, 1, 2)),
    (0, 1, 1, 3): ((0, 1, 1, 2), (0, 2, 1, 3)), (0, 1, 2, 0): ((0, 0, 1, 3), (0, 3, 1, 2)),
    (0, 1, 2, 1): ((0, 1, 1, 2), (0, 1, 3, 2)),
}  # fmt: skip
# Positions whose layers can be exchanged without changing the network, per link pattern.
_INTERCHANGEABLE: dict[tuple[int, ...], tuple[int, ...]] = {
    (0, 0, 0, 0): (0, 1, 2, 3), (0, 0, 0, 1): (1, 2), (0, 0, 1, 1): (2, 3),
    (0, 1, 1, 1): (1, 2, 3), (0, 1, 2, 2): (2, 3),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GraphArch:
    """One network: node i+1 reads node `link[i]` and applies layer `OPS[ops[i]]`."""

    link: tuple[int, ...]
    ops: tuple[int, ...]

    @property
    def key(self) -> int:
        """The benchmark's key (`Arch.hash_arch`): link pattern, then the 4 layers, in base 10."""
        key = _LINK_INDEX.get(self.link, 99)
        for op in self.ops:
            key = key * 10 + op
        return key

    def __str__(self) -> str:
        return ",".join(map(str, self.link)) + ":" + ",".join(OPS[o] for o in self.ops)

    def __repr__(self) -> str:
        return f"GraphArch('{self}')"


def _move_to_front(k: int, link: list[int], ops: list[int]) -> tuple[list[int], list[int]]:
    """Make node k+1 the first node; every reference is renumbered."""
    ops = [ops[k], *ops[:k], *ops[k + 1 :]]
    for i, father in enumerate(link):
        if father == k + 1:
            link[i] = link[k]
        if father <= k:
            link[i] = link[i] + 1
    return [0, *link[:k], *link[k + 1 :]], ops


def _only_skips_to_input(k: int, link: list[int], ops: list[int]) -> bool:
    while k > -1:
        if ops[k] != SKIP:
            return False
        k = link[k] - 1
    return True


def _move_skips(link: list[int], ops: list[int]) -> tuple[list[int], list[int]]:
    """Move each skip layer to the front unless it is one of several branches of a node."""
    for i in range(len(link)):
        if ops[i] != SKIP:
            continue
        son = brother = False
        for j, father in enumerate(link):
            if father == i + 1:
                son = True
            elif j != i and father == link[i]:
                brother = True
        if son or not brother or (_only_skips_to_input(i, link, ops) and not son):
            link, ops = _move_to_front(i, link, ops)
    if link == [0, 1, 2, 1]:
        link, ops = [0, 1, 1, 2], [ops[0], ops[1], ops[3], ops[2]]
    elif link == [0, 1, 1, 3]:
        link, ops = [0, 1, 1, 2], [ops[0], ops[2], ops[1], ops[3]]
    return link, ops


def _sort_interchangeable(link: tuple[int, ...], ops: list[int]) -> list[int]:
    positions = _INTERCHANGEABLE.get(link)
    if positions:
        for position, op in zip(positions, sorted(ops[p] for p in positions), strict=True):
            ops[position] = op
    elif link == (0, 0, 1, 2) and (ops[0] > ops[1] or (ops[0] == ops[1] and ops[2] > ops[3])):
        ops = [ops[1], ops[0], ops[3], ops[2]]
    return ops


def canonical_form(link: Sequence[int], ops: Sequence[int]) -> GraphArch:
    """The benchmark's representative of the network (its `valid_hash` spelling)."""
    link, ops = list(link), list(ops)
    if tuple(link) in _RELINK:
        link_to, order = _RELINK[tuple(link)]
        link, ops = list(link_to), [ops[i] for i in order]
    link, ops = _move_skips(link, ops)
    return GraphArch(tuple(link), tuple(_sort_interchangeable(tuple(link), ops)))


@cache
def representatives(ops: tuple[str, ...] = OPS) -> tuple[GraphArch, ...]:
    """Every tabulated network whose layers are among `ops`, in key order."""
    allowed = [OPS.index(o) for o in ops]
    found = []
    for choice in itertools.product(allowed, repeat=4):
        if all(o == SKIP for o in choice):
            continue
        for link in LINKS:
            arch = GraphArch(link, choice)
            moved = _move_skips(list(link), list(choice))
            if tuple(moved[0]) == link and _sort_interchangeable(link, moved[1]) == list(choice):
                found.append(arch)
    return tuple(sorted(found, key=lambda a: a.key))


def decode(key: int) -> GraphArch:
    """The network with benchmark key `key`."""
    digits = [(key // 10**p) % 10 for p in (3, 2, 1, 0)]
    return GraphArch(LINKS[key // 10**4], tuple(digits))


@cache
def _shipped_keys() -> np.ndarray:
    try:
        return np.load(KEYS_FILE, allow_pickle=False).astype(np.int64)
    except (OSError, ValueError) as err:
        raise InvalidArchitecture(f"cannot read the NAS-Bench-Graph key file {KEYS_FILE}: {err}") from err


class GraphSpace(EnumerableSpace[GraphArch]):
    """The tabulated NAS-Bench-Graph networks (with layers among `ops`); moves stay among them.

    The keys ship as `graph_keys.npy` (written by scripts/convert_graph.py; a test checks
    them against `representatives`), so opening the space costs milliseconds.
    """

    def __init__(self, ops: Sequence[str] = OPS) -> None:
        unknown = [o for o in ops if o not in OPS]
        if unknown:
            raise InvalidArchitecture(f"unknown GNN layer {unknown[0]!r}; allowed: {', '.join(OPS)}")
        self.name = "graph"
        self.ops = tuple(o for o in OPS if o in ops)
        keys = _shipped_keys()
        allowed = np.zeros(10, dtype=bool)
        allowed[[OPS.index(o) for o in self.ops]] = True
        digits = (keys[:, None] // 10 ** np.arange(3, -1, -1)) % 10
        self.keys = keys[allowed[digits].all(axis=1)]
        self.size = len(self.keys)
        self.encoding_size = len(LINKS) + 4 * len(OPS)
        self._position = {k: i for i, k in enumerate(self.keys.tolist())}
        self._op_index = {name: OPS.index(name) for name in self.ops}

    def sample(self, rng: np.random.Generator) -> GraphArch:
        """Uniform over the tabulated networks."""
        return decode(int(self.keys[int(rng.integers(self.size))]))

    def mutate(self, arch: GraphArch, rng: np.random.Generator) -> GraphArch:
        """A uniformly chosen neighbour (a random network if it has none)."""
        options = self.neighbors(arch)
        return options[int(rng.integers(len(options)))] if options else self.sample(rng)

    def neighbors(self, arch: GraphArch) -> list[GraphArch]:
        """Networks one layer or one link pattern away, in canonical form, restricted to the table."""
        arch = self.validate(arch)
        found: dict[GraphArch, None] = {}
        allowed = [OPS.index(o) for o in self.ops]
        for i in range(4):
            for op in allowed:
                if op != arch.ops[i]:
                    found[canonical_form(arch.link, (*arch.ops[:i], op, *arch.ops[i + 1 :]))] = None
        for link in LINKS:
            if link != arch.link:
                found[canonical_form(link, arch.ops)] = None
        found.pop(arch, None)
        return [n for n in found if n.key in self._position]

    def encode_many(self, archs: Iterable[object]) -> np.ndarray:
        """One-hot link pattern (9) and one-hot layer per node (4 x 9)."""
        rows = [self.validate(a) for a in archs]
        out = np.zeros((len(rows), self.encoding_size))
        for r, arch in enumerate(rows):
            out[r, LINKS.index(arch.link)] = 1.0
            for i, op in enumerate(arch.ops):
                out[r, len(LINKS) + i * len(OPS) + op] = 1.0
        return out

    def decisions(self) -> list[int]:
        """The link pattern, then each node's layer (among this space's layers)."""
        return [len(LINKS)] + [len(self.ops)] * 4

    def from_decisions(self, choices: Sequence[int]) -> GraphArch:
        """The canonical network of these choices; all-skip networks do not exist (InvalidArchitecture)."""
        if (
            len(choices) != 5
            or not 0 <= choices[0] < len(LINKS)
            or not all(0 <= c < len(self.ops) for c in choices[1:])
        ):
            raise InvalidArchitecture(
                f"expected a link pattern 0..8 and 4 layers 0..{len(self.ops) - 1}, got {choices}"
            )
        ops = [OPS.index(self.ops[int(c)]) for c in choices[1:]]
        if ops.count(SKIP) == 4:
            raise InvalidArchitecture("a network of only skip layers is not in NAS-Bench-Graph")
        return self.validate(canonical_form(LINKS[int(choices[0])], ops))

    def to_decisions(self, arch: GraphArch) -> list[int]:
        arch = self.validate(arch)
        return [LINKS.index(arch.link)] + [self.ops.index(OPS[o]) for o in arch.ops]

    def canonical(self, arch: GraphArch) -> int:
        """The benchmark's key: equal exactly for the same network."""
        return self.validate(arch).key

    def to_str(self, arch: GraphArch) -> str:
        return str(self.validate(arch))

    def from_str(self, text: str) -> GraphArch:
        """'0,1,2,1:gcn,gin,fc,cheb' (any equivalent spelling) -> the tabulated representative."""
        return self.remembered(text, self._parse)  # parsing canonicalizes: remember what users typed

    def _parse(self, text: str) -> GraphArch:
        left, sep, right = text.partition(":") if isinstance(text, str) else ("", "", "")
        links, names = left.strip().split(","), right.strip().split(",")
        if not sep or len(links) != 4 or len(names) != 4:
            raise InvalidArchitecture(f"expected a NAS-Bench-Graph string like {EXAMPLE!r}, got {text!r}")
        try:
            link = [int(x) for x in links]
            ops = [self._op_index[n.strip()] for n in names]
        except ValueError:
            raise InvalidArchitecture(f"expected 4 integer links before ':' (like {EXAMPLE!r}), got {left!r}") from None
        except KeyError as err:
            raise InvalidArchitecture(f"unknown GNN layer {err.args[0]!r}; allowed: {', '.join(self.ops)}") from None
        if not (link[0] == 0 and 0 <= link[1] <= 1 and 0 <= link[2] <= 2 and 0 <= link[3] <= 3):
            raise InvalidArchitecture(
                f"expected links where node i reads a node 0..i-1, like {EXAMPLE!r}, got {left!r}"
            )
        if ops.count(SKIP) == 4:
            raise InvalidArchitecture("a network of only skip layers is not in NAS-Bench-Graph")
        return self.validate(canonical_form(link, ops))

    def validate(self, arch: object) -> GraphArch:
        if type(arch) is GraphArch:
            if arch.link not in LINKS or arch.key not in self._position:
                raise InvalidArchitecture(
                    f"{arch} is not a tabulated NAS-Bench-Graph network with layers "
                    f"{', '.join(self.ops)}; parse its string to get the representative"
                )
            return arch
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(f"expected a NAS-Bench-Graph architecture or a string like {EXAMPLE!r}, got {arch!r}")

    def index(self, arch: GraphArch) -> int:
        return self._position[self.validate(arch).key]

    def arch(self, index: int) -> GraphArch:
        return decode(int(self.keys[self.check_index(index)]))
