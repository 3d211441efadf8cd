"""The NAS-Bench-NLP recurrent-cell space (Klyuchnikov et al., "NAS-Bench-NLP: Neural
Architecture Search Benchmark for Natural Language Processing", IEEE Access 2022), as far
as the shipped table holds it.

Owns the cell type, its standard string and the moves among tabulated cells. A cell
("recipe") is a graph of named nodes, each an operation on earlier nodes, the input `x`
and hidden states `h_prev_k`, ending in `h_new_0`. The full space is far larger than any
table of it: this space is the tabulated cells (shipped as `nlp_cells.json`, written by
scripts/convert_nlp.py), a recipe outside them is named as such, and `neighbors` are the
nearest tabulated cells by encoding (the space has no finite edit neighbourhood inside
the table). Identical recipes are one cell; no further isomorphism is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import EnumerableSpace

OPS = ("linear", "blend", "elementwise_prod", "elementwise_sum", "activation_tanh", "activation_sigm",
       "activation_leaky_relu")  # fmt: skip
CELLS_FILE = Path(__file__).with_name("nlp_cells.json")
NEIGHBORS = 8


@dataclass(frozen=True, slots=True)
class NLPArch:
    """One recurrent cell: its recipe as canonical JSON (sorted keys, no spaces)."""

    recipe: str

    def __str__(self) -> str:
        return self.recipe

    def __repr__(self) -> str:
        return f"NLPArch({len(json.loads(self.recipe))} nodes)"


def canonical_recipe(text: str) -> str:
    """Check a recipe and return its canonical JSON; raise InvalidArchitecture naming the problem."""
    try:
        recipe = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        recipe = None
    if not isinstance(recipe, dict) or "h_new_0" not in recipe:
        raise InvalidArchitecture(
            'expected a NAS-Bench-NLP recipe: a JSON object of nodes {"name": {"op": ..., "input": [...]}} '
            f"that defines h_new_0, got {str(text)[:60]!r}"
        )
    for name, node in recipe.items():
        if not isinstance(node, dict) or node.get("op") not in OPS or not isinstance(node.get("input"), list):
            raise InvalidArchitecture(f"node {name!r} needs an op among {', '.join(OPS)} and a list of inputs")
        for source in node["input"]:
            if source not in recipe and source != "x" and not str(source).startswith("h_prev_"):
                raise InvalidArchitecture(f"node {name!r} reads {source!r}, which is no node, x or h_prev_k")
    return json.dumps(recipe, sort_keys=True, separators=(",", ":"))


def features(recipe: str) -> list[float]:
    """Counts of each operation, nodes, edges and hidden states: the cell's encoding before scaling."""
    nodes = json.loads(recipe)
    counts = [sum(node["op"] == op for node in nodes.values()) for op in OPS]
    edges = sum(len(node["input"]) for node in nodes.values())
    hidden = len({s for node in nodes.values() for s in node["input"] if s.startswith("h_prev_")})
    return [*counts, len(nodes), edges, hidden]


@cache
def _shipped_cells() -> tuple[str, ...]:
    try:
        return tuple(json.loads(CELLS_FILE.read_text()))
    except (OSError, ValueError) as err:
        raise InvalidArchitecture(f"cannot read the NAS-Bench-NLP cell file {CELLS_FILE}: {err}") from err


class NLPSpace(EnumerableSpace[NLPArch]):
    """The tabulated NAS-Bench-NLP cells."""

    name = "nlp"

    def __init__(self) -> None:
        self.cells = _shipped_cells()
        self.size = len(self.cells)
        self._index = {recipe: i for i, recipe in enumerate(self.cells)}
        raw = np.array([features(c) for c in self.cells], dtype=np.float64)
        self._scale = np.maximum(raw.max(axis=0), 1.0)
        self._features = raw / self._scale
        self.encoding_size = raw.shape[1]

    def sample(self, rng: np.random.Generator) -> NLPArch:
        return NLPArch(self.cells[int(rng.integers(self.size))])

    def mutate(self, arch: NLPArch, rng: np.random.Generator) -> NLPArch:
        """One of its nearest tabulated cells, uniformly."""
        options = self.neighbors(arch)
        return options[int(rng.integers(len(options)))]

    def neighbors(self, arch: NLPArch) -> list[NLPArch]:
        """The 8 nearest other tabulated cells by encoding (ties: table order)."""
        here = self._features[self.index(arch)]
        distance = np.abs(self._features - here).sum(axis=1)
        distance[self.index(arch)] = np.inf
        order = np.argsort(distance, kind="stable")[:NEIGHBORS]
        return [NLPArch(self.cells[int(i)]) for i in order]

    def encode_many(self, archs: Iterable[object]) -> np.ndarray:
        """Operation counts, nodes, edges and hidden states, each scaled by its maximum over the table."""
        rows = [features(self.validate(a).recipe) for a in archs]
        return np.array(rows, dtype=np.float64).reshape(-1, self.encoding_size) / self._scale

    def canonical(self, arch: NLPArch) -> str:
        return self.validate(arch).recipe

    def to_str(self, arch: NLPArch) -> str:
        return self.validate(arch).recipe

    def from_str(self, text: str) -> NLPArch:
        if text in self._index:  # already canonical, as the table and this space write it
            return NLPArch(text)
        recipe = canonical_recipe(text)
        if recipe not in self._index:
            raise InvalidArchitecture(
                f"a valid recipe, but not among the {self.size} tabulated NAS-Bench-NLP cells; "
                "only tabulated cells can be queried"
            )
        return NLPArch(recipe)

    def validate(self, arch: object) -> NLPArch:
        if type(arch) is NLPArch and arch.recipe in self._index:
            return arch
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(f"expected a tabulated NAS-Bench-NLP cell or its recipe JSON, got {arch!r}")

    def decisions(self) -> list[int]:
        """One decision: which tabulated cell (the space has no finite product form)."""
        return [self.size]

    def from_decisions(self, choices: Sequence[int]) -> NLPArch:
        return self.arch(int(choices[0]))

    def to_decisions(self, arch: NLPArch) -> list[int]:
        return [self.index(arch)]

    def index(self, arch: NLPArch) -> int:
        return self._index[self.validate(arch).recipe]

    def arch(self, index: int) -> NLPArch:
        return NLPArch(self.cells[self.check_index(index)])
