"""A space restricted to the architectures a table holds: search on a partial table stays in it.

Owns the restriction only; everything else (strings, encodings, classes) is the inner
space's. Sampling is uniform over the listed architectures; `neighbors` are the inner
space's neighbours that are listed, else the 8 nearest listed ones by encoding; any
other architecture is refused by name. Used for tables that list part of an enumerable
space (e.g. a `nasbench build-table` of some NAS-Bench-201 classes) and by Accel-NASBench's
`tabulated` mode; NAS-Bench-101's own mode also maps other spellings of a listed cell to it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import SearchSpace

NEAREST = 8


class TabulatedSpace(SearchSpace[Any]):
    """`inner` restricted to `archs` (standard strings)."""

    def __init__(self, inner: SearchSpace[Any], archs: Sequence[str]) -> None:
        self.inner = inner
        self.name = inner.name
        self.encoding_size = inner.encoding_size
        self.listed = tuple(inner.from_str(a) for a in archs)
        self._position = {a: i for i, a in enumerate(self.listed)}
        self._encoded = inner.encode_many(self.listed)
        self._neighbor_cache: dict[Any, list[Any]] = {}

    def __getattr__(self, name: str) -> Any:  # describe, index, ...: the inner space's
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"<TabulatedSpace {self.name}: the {len(self.listed):,} architectures a table holds of {self.inner!r}>"

    def __contains__(self, arch: object) -> bool:
        """Whether `arch` (an architecture of the inner space) is listed."""
        return arch in self._position

    def validate(self, arch: object) -> Any:
        arch = self.inner.validate(arch)
        if arch not in self._position:
            raise InvalidArchitecture(
                f"{self.inner.to_str(arch)} is a valid {self.name} architecture, but not among the "
                f"{len(self.listed)} this table holds"
            )
        return arch

    def sample(self, rng: np.random.Generator) -> Any:
        return self.listed[int(rng.integers(len(self.listed)))]

    def neighbors(self, arch: Any) -> list[Any]:
        arch = self.validate(arch)
        if arch not in self._neighbor_cache:  # a table's rows: each one's neighbours are worth remembering
            found = [a for a in self.inner.neighbors(arch) if a in self._position]
            self._neighbor_cache[arch] = found or self._nearest(arch)
        return self._neighbor_cache[arch]

    def _nearest(self, arch: Any) -> list[Any]:
        here = self._position[arch]
        distance = np.abs(self._encoded - self._encoded[here]).sum(axis=1)
        distance[here] = np.inf
        return [self.listed[int(i)] for i in np.argsort(distance, kind="stable")[:NEAREST]]

    def mutate(self, arch: Any, rng: np.random.Generator) -> Any:
        options = self.neighbors(arch)
        return options[int(rng.integers(len(options)))]

    def encode_many(self, archs: Sequence[Any]) -> np.ndarray:
        return self.inner.encode_many([self.validate(a) for a in archs])

    def features_many(self, archs: Sequence[Any]) -> np.ndarray:
        return self.inner.features_many([self.validate(a) for a in archs])

    def canonical(self, arch: Any) -> Hashable:
        return self.inner.canonical(arch)

    def to_str(self, arch: Any) -> str:
        return self.inner.to_str(arch)

    def from_str(self, text: str) -> Any:
        return self.validate(self.inner.from_str(text))

    def parse(self, text: str) -> Any:
        return self.validate(self.inner.parse(text))

    def decisions(self) -> list[int]:
        return self.inner.decisions()

    def from_decisions(self, choices: Sequence[int]) -> Any:
        """The architecture of these choices; an error for one the table does not hold (samplers redraw)."""
        return self.validate(self.inner.from_decisions(choices))

    def to_decisions(self, arch: Any) -> list[int]:
        return self.inner.to_decisions(arch)
