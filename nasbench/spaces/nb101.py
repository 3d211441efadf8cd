"""The NAS-Bench-101 cell space (Ying et al., "NAS-Bench-101: Towards Reproducible Neural
Architecture Search", ICML 2019).

Owns the cell type, validity and pruning, the graph hash and the encodings. A cell is a
DAG of at most 7 vertices and 9 edges given by an upper-triangular adjacency matrix;
the first vertex is the input, the last the output, the others one of three operations.
As in NAS-Bench-101, vertices not on a path from input to output are pruned away and a
cell whose input does not reach its output is invalid. Two cells are the same network
exactly when their hashes are equal: the hash is NAS-Bench-101's iterated MD5 over
(out-degree, in-degree, label) of each vertex and its neighbours' hashes.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import SearchSpace

INPUT, OUTPUT = "input", "output"
OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
MAX_VERTICES, MAX_EDGES = 7, 9
EXAMPLE = "0110,0001,0001,0000:input,conv3x3-bn-relu,maxpool3x3,output"
SUBSET_FILE = Path(__file__).with_name("nb101_subset.tsv")  # cell string, TAB, hash
NEAREST = 8
NETWORKS = 423_624  # distinct cells up to isomorphism (Ying et al., ICML 2019, section 2.2)
_UPPER = [(i, j) for i in range(MAX_VERTICES) for j in range(i + 1, MAX_VERTICES)]
_PATHS = [p for n in range(MAX_VERTICES - 1) for p in itertools.product(range(len(OPS)), repeat=n)]
_PATH_INDEX = {p: i for i, p in enumerate(_PATHS)}


@dataclass(frozen=True, slots=True)
class NB101Arch:
    """A pruned, valid cell: its adjacency rows (as bit tuples) and its vertex labels."""

    matrix: tuple[tuple[int, ...], ...]
    ops: tuple[str, ...]

    def __str__(self) -> str:
        return ",".join("".join(map(str, row)) for row in self.matrix) + ":" + ",".join(self.ops)

    def __repr__(self) -> str:
        return f"NB101Arch('{self}')"


def _prune(matrix: np.ndarray, ops: list[str]) -> tuple[np.ndarray, list[str]] | None:
    """Drop vertices off every input-to-output path; None if the output is unreachable."""
    n = len(ops)
    reach_from_input, reach_to_output = {0}, {n - 1}
    for j in range(1, n):
        if any(matrix[i, j] and i in reach_from_input for i in range(j)):
            reach_from_input.add(j)
    for i in range(n - 2, -1, -1):
        if any(matrix[i, j] and j in reach_to_output for j in range(i + 1, n)):
            reach_to_output.add(i)
    keep = sorted(reach_from_input & reach_to_output)
    if n - 1 not in reach_from_input:
        return None
    return matrix[np.ix_(keep, keep)], [ops[k] for k in keep]


def spec_hash(matrix: np.ndarray, labels: Sequence[int]) -> str:
    """NAS-Bench-101's graph hash of an adjacency matrix and integer vertex labels."""
    n = len(labels)
    in_degree, out_degree = matrix.sum(axis=0).tolist(), matrix.sum(axis=1).tolist()
    hashes = [_md5(str((out_degree[v], in_degree[v], labels[v]))) for v in range(n)]
    for _ in range(n):
        hashes = [
            _md5(
                "".join(sorted(hashes[w] for w in range(n) if matrix[w, v]))
                + "|"
                + "".join(sorted(hashes[w] for w in range(n) if matrix[v, w]))
                + "|"
                + hashes[v]
            )
            for v in range(n)
        ]
    return _md5(str(sorted(hashes)))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _shipped_cell(text: str) -> NB101Arch:
    """A cell of the shipped subset file, already pruned and checked by its converter (and tests)."""
    rows, ops = text.split(":")
    return NB101Arch(tuple(tuple(map(int, row)) for row in rows.split(",")), tuple(ops.split(",")))


@cache
def _subset() -> tuple[str, ...]:
    try:
        return tuple(line for line in SUBSET_FILE.read_text().splitlines() if line)
    except OSError as err:
        raise InvalidArchitecture(f"cannot read the NAS-Bench-101 subset file {SUBSET_FILE}: {err}") from err


class NB101Space(SearchSpace[NB101Arch]):
    """Every valid NAS-Bench-101 cell (423,624 distinct networks), or only the shipped subset's.

    With `tabulated=True` (how the subset table opens it) sampling and moves stay among the
    1,000 tabulated cells: `neighbors` are the tabulated single-edit neighbours, else the
    8 nearest tabulated cells by encoding; any other cell is refused by name.
    """

    name = "nb101"
    encoding_size = len(_UPPER) + (MAX_VERTICES - 2) * len(OPS)

    def __init__(self, tabulated: bool = False) -> None:
        self.tabulated = tabulated
        self._cells: tuple[NB101Arch, ...] = ()
        self._hashes: dict[str, int] = {}
        self._index: dict[NB101Arch, int] = {}
        self._neighbor_cache: dict[NB101Arch, list[NB101Arch]] = {}
        if tabulated:
            lines = [line.split("\t") for line in _subset()]
            self._cells = tuple(_shipped_cell(text) for text, _ in lines)
            self._hashes = {key: i for i, (_, key) in enumerate(lines)}
            self._index = {cell: i for i, cell in enumerate(self._cells)}
            self._features = self.encode_many(self._cells)

    @property
    def size(self) -> int:
        """The number of distinct networks: the whole space's, or the tabulated cells'."""
        return len(self._cells) if self.tabulated else NETWORKS

    def from_spec(self, matrix: Sequence[Sequence[float]] | np.ndarray, ops: Sequence[str]) -> NB101Arch:
        """A cell from an adjacency matrix and labels (including 'input' and 'output'), pruned and checked."""
        array = np.asarray(matrix)
        ops = list(ops)
        if array.ndim != 2 or array.shape != (len(ops), len(ops)) or not 2 <= len(ops) <= MAX_VERTICES:
            raise InvalidArchitecture(
                f"expected a square adjacency matrix of 2..{MAX_VERTICES} vertices matching {len(ops)} ops, "
                f"got shape {array.shape}"
            )
        if not np.isin(array, (0, 1)).all() or np.tril(array).any():
            raise InvalidArchitecture("expected a strictly upper-triangular 0/1 adjacency matrix (a DAG)")
        if ops[0] != INPUT or ops[-1] != OUTPUT or any(op not in OPS for op in ops[1:-1]):
            raise InvalidArchitecture(f"expected ops 'input', then any of {', '.join(OPS)}, then 'output'; got {ops}")
        pruned = _prune(array.astype(np.int64), ops)
        if pruned is None:
            raise InvalidArchitecture("invalid cell: the input does not reach the output")
        small, kept = pruned
        if small.sum() > MAX_EDGES:
            raise InvalidArchitecture(f"invalid cell: {int(small.sum())} edges after pruning, at most {MAX_EDGES}")
        return NB101Arch(tuple(tuple(int(x) for x in row) for row in small), tuple(kept))

    def hash(self, arch: NB101Arch) -> str:
        """NAS-Bench-101's hex hash of the cell (its `module_hash`)."""
        if type(arch) is not NB101Arch:
            arch = self._parse(arch) if isinstance(arch, str) else self.validate(arch)
        labels = [-1] + [OPS.index(op) for op in arch.ops[1:-1]] + [-2]
        return spec_hash(np.array(arch.matrix), labels)

    def sample(self, rng: np.random.Generator) -> NB101Arch:
        """NAS-Bench-101's random cell: each upper-triangular edge with p = 1/2, each op uniform; redraw if invalid.

        A tabulated space draws uniformly among its cells.
        """
        if self.tabulated:
            return self._cells[int(rng.integers(len(self._cells)))]
        while True:
            try:
                return self.from_decisions(
                    [*rng.integers(0, 2, size=len(_UPPER)).tolist(), *rng.integers(0, 3, size=5).tolist()]
                )
            except InvalidArchitecture:
                continue

    def neighbors(self, arch: NB101Arch) -> list[NB101Arch]:
        """Every valid cell one op change or one edge flip away, other networks only (by hash), in a fixed order."""
        arch = self.validate(arch)
        if arch in self._neighbor_cache:
            return self._neighbor_cache[arch]
        seen, found = {self.hash(arch)}, []
        for candidate, labels in self._edits(arch):
            try:
                cell = self.from_spec(candidate, labels)
            except InvalidArchitecture:
                continue
            key = self.hash(cell)
            if key not in seen and (not self.tabulated or key in self._hashes):
                seen.add(key)
                found.append(self._cells[self._hashes[key]] if self.tabulated else cell)
        if self.tabulated and not found:
            found = self._nearest(arch)
        if self.tabulated:  # 1,000 cells: each one's neighbours are worth remembering
            self._neighbor_cache[arch] = found
        return found

    def _edits(self, arch: NB101Arch) -> list[tuple[np.ndarray, list[str]]]:
        """Every single op change and edge flip of the cell, valid or not, in a fixed order."""
        matrix, ops = np.array(arch.matrix), list(arch.ops)
        edits = [(matrix, [*ops[:v], op, *ops[v + 1 :]]) for v in range(1, len(ops) - 1) for op in OPS
                 if op != ops[v]]  # fmt: skip
        for i, j in itertools.combinations(range(len(ops)), 2):
            flipped = matrix.copy()
            flipped[i, j] = 1 - flipped[i, j]
            edits.append((flipped, ops))
        return edits

    def _nearest(self, arch: NB101Arch) -> list[NB101Arch]:
        here = self._index[arch]
        distance = np.abs(self._features - self._features[here]).sum(axis=1)
        distance[here] = np.inf
        return [self._cells[int(i)] for i in np.argsort(distance, kind="stable")[:NEAREST]]

    def mutate(self, arch: NB101Arch, rng: np.random.Generator) -> NB101Arch:
        """A uniformly chosen neighbour (tabulated); in the whole space, the first valid edit in a random order
        that changes the network: one or two cells built instead of all ~40 (neighbours cost milliseconds)."""
        if self.tabulated:
            options = self.neighbors(arch)
            return options[int(rng.integers(len(options)))] if options else self.sample(rng)
        arch = self.validate(arch)
        edits, here = self._edits(arch), self.hash(arch)
        for k in rng.permutation(len(edits)).tolist():
            try:
                cell = self.from_spec(*edits[k])
            except InvalidArchitecture:
                continue
            if self.hash(cell) != here:
                return cell
        return self.sample(rng)

    def _padded(self, arch: NB101Arch) -> tuple[np.ndarray, list[str]]:
        """The cell on 7 vertices: unused vertices inserted before the output, unconnected."""
        n = len(arch.ops)
        matrix = np.zeros((MAX_VERTICES, MAX_VERTICES), dtype=np.int64)
        order = [*range(n - 1), MAX_VERTICES - 1]
        small = np.array(arch.matrix)
        for a, i in enumerate(order):
            for b, j in enumerate(order):
                matrix[i, j] = small[a, b]
        ops = [*arch.ops[:-1], *[OPS[0]] * (MAX_VERTICES - n), OUTPUT]
        return matrix, ops

    def encode_many(self, archs: Iterable[object]) -> np.ndarray:
        """Adjacency + ops: the 21 upper edges of the padded cell, then one-hot ops of its 5 inner vertices."""
        rows = []
        for arch in archs:
            cell = self.validate(arch)
            matrix, ops = self._padded(cell)
            inner = np.zeros((MAX_VERTICES - 2, len(OPS)))
            for v in range(1, len(cell.ops) - 1):
                inner[v - 1, OPS.index(ops[v])] = 1.0
            rows.append(np.concatenate([[matrix[i, j] for i, j in _UPPER], inner.ravel()]))
        return np.array(rows, dtype=np.float64).reshape(-1, self.encoding_size)

    def features_many(self, archs: Iterable[object]) -> np.ndarray:
        """Adjacency + ops, the path encoding, and counts of vertices, edges and each operation."""
        cells = [self.validate(a) for a in archs]
        counts = np.array(
            [[len(c.ops), int(np.sum(c.matrix))] + [c.ops.count(op) for op in OPS] for c in cells], dtype=np.float64
        ).reshape(-1, 2 + len(OPS))
        paths = np.array([self.path_encoding(c) for c in cells]).reshape(-1, len(_PATHS))
        return np.hstack([self.encode_many(cells), paths, counts])

    def path_encoding(self, arch: NB101Arch) -> np.ndarray:
        """Which of the 364 possible input-to-output op sequences the cell contains (White et al., AAAI 2021)."""
        arch = self.validate(arch)
        matrix, n = np.array(arch.matrix), len(arch.ops)
        out = np.zeros(len(_PATHS))
        paths: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
        paths[0] = [()]
        for j in range(1, n):
            for i in range(j):
                if matrix[i, j]:
                    step = () if j == n - 1 else (OPS.index(arch.ops[j]),)
                    paths[j] += [p + step for p in paths[i]]
        for path in paths[n - 1]:
            out[_PATH_INDEX[path]] = 1.0
        return out

    def canonical(self, arch: NB101Arch) -> str:
        return self.hash(arch)

    def to_str(self, arch: NB101Arch) -> str:
        return str(self.validate(arch))

    def from_str(self, text: str) -> NB101Arch:
        """'0110,0001,0001,0000:input,conv3x3-bn-relu,maxpool3x3,output': matrix rows, then labels."""
        return self.remembered(text, lambda t: self._check_tabulated(self._parse(t)))  # pruning costs tens of µs

    def _check_tabulated(self, arch: NB101Arch) -> NB101Arch:
        """In a tabulated space: the tabulated spelling of the same network, or an error."""
        if not self.tabulated or arch in self._index:
            return arch
        position = self._hashes.get(self.hash(arch))
        if position is None:
            raise InvalidArchitecture(
                f"a valid NAS-Bench-101 cell, but not among the {len(self._cells)} tabulated ones: "
                "only those can be queried from the subset table"
            )
        return self._cells[position]

    def _parse(self, text: str) -> NB101Arch:
        left, sep, right = text.strip().partition(":") if isinstance(text, str) else ("", "", "")
        rows, ops = left.split(","), right.split(",")
        if not sep or any(len(r) != len(rows) or set(r) - {"0", "1"} for r in rows):
            raise InvalidArchitecture(f"expected a NAS-Bench-101 string like {EXAMPLE!r}, got {text!r}")
        return self.from_spec([[int(c) for c in r] for r in rows], ops)

    def validate(self, arch: object) -> NB101Arch:
        if type(arch) is NB101Arch:
            return self._check_tabulated(arch) if self.tabulated else arch
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(f"expected a NAS-Bench-101 cell or a string like {EXAMPLE!r}, got {arch!r}")

    def decisions(self) -> list[int]:
        """The 21 possible edges of a 7-vertex cell (absent/present), then the 5 inner ops."""
        return [2] * len(_UPPER) + [len(OPS)] * (MAX_VERTICES - 2)

    def from_decisions(self, choices: Sequence[int]) -> NB101Arch:
        if len(choices) != len(_UPPER) + MAX_VERTICES - 2:
            raise InvalidArchitecture(f"expected {len(_UPPER) + MAX_VERTICES - 2} choices, got {len(choices)}")
        matrix = np.zeros((MAX_VERTICES, MAX_VERTICES), dtype=np.int64)
        for (i, j), bit in zip(_UPPER, choices, strict=False):
            matrix[i, j] = int(bit)
        ops = [INPUT, *(OPS[int(c)] for c in choices[len(_UPPER) :]), OUTPUT]
        return self._check_tabulated(self.from_spec(matrix, ops))

    def to_decisions(self, arch: NB101Arch) -> list[int]:
        matrix, ops = self._padded(self.validate(arch))
        return [int(matrix[i, j]) for i, j in _UPPER] + [OPS.index(op) for op in ops[1:-1]]
