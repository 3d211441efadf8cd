"""Spaces that are a fixed list of choices: each architecture picks one value per decision.

Owns the generic value type and moves for such spaces (NAS-Bench-Macro's layers,
FCNet's architecture and hyperparameters). The standard string is one digit per
decision, the index of its value, as the published benchmarks key their results; the
index in the space is that string read as a mixed-radix number (first decision most
significant), so rows follow the published key order. No two architectures are
assumed equivalent. Ordinal decisions (sizes, rates) move one step at a time and are
encoded by position; categorical ones move to any other value and are one-hot encoded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import EnumerableSpace


@dataclass(frozen=True)
class Choice:
    """One decision: its name, its values in order, and whether that order means something."""

    name: str
    values: tuple[object, ...]
    ordinal: bool = False


@dataclass(frozen=True, slots=True)
class ProductArch:
    """One architecture of a product space: the value index of each decision."""

    space: str
    choices: tuple[int, ...]

    def __str__(self) -> str:
        return "".join(map(str, self.choices))

    def __repr__(self) -> str:
        return f"ProductArch({self.space!r}, '{self}')"


class ProductSpace(EnumerableSpace[ProductArch]):
    """The Cartesian product of `choices`, enumerable in key order."""

    def __init__(self, name: str, choices: Sequence[Choice], description: str) -> None:
        if any(len(c.values) > 10 for c in choices):
            raise ValueError("a product space keys each decision by one digit: at most 10 values")
        self.name = name
        self.choices = tuple(choices)
        self.description = description
        self.sizes = np.array([len(c.values) for c in choices])
        self.size = int(np.prod(self.sizes))
        self.encoding_size = int(sum(1 if c.ordinal else len(c.values) for c in choices))
        self._weights = np.array([math.prod(self.sizes[i + 1 :].tolist()) for i in range(len(choices))])
        self._weight_list = self._weights.tolist()

    def _make(self, choices: Iterable[int]) -> ProductArch:
        return ProductArch(self.name, tuple(int(c) for c in choices))

    def sample(self, rng: np.random.Generator) -> ProductArch:
        """Each decision's value drawn uniformly and independently."""
        return self._make(rng.integers(0, self.sizes))

    def mutate(self, arch: ProductArch, rng: np.random.Generator) -> ProductArch:
        """One uniformly chosen neighbour (see `neighbors`)."""
        options = self.neighbors(arch)
        return options[int(rng.integers(len(options)))]

    def neighbors(self, arch: ProductArch) -> list[ProductArch]:
        """Change one decision: an ordinal one by one step, a categorical one to any other value."""
        arch = self.validate(arch)
        result = []
        for i, (choice, current) in enumerate(zip(self.choices, arch.choices, strict=True)):
            targets = [current - 1, current + 1] if choice.ordinal else range(len(choice.values))
            for value in targets:
                if value != current and 0 <= value < len(choice.values):
                    result.append(self._make((*arch.choices[:i], value, *arch.choices[i + 1 :])))
        return result

    def encode_many(self, archs: Iterable[object]) -> np.ndarray:
        """Ordinal decisions as position in [0, 1], categorical ones one-hot."""
        matrix = np.array([self.validate(a).choices for a in archs], dtype=np.int64).reshape(-1, len(self.choices))
        columns = []
        for i, choice in enumerate(self.choices):
            if choice.ordinal:
                columns.append((matrix[:, i] / max(len(choice.values) - 1, 1))[:, None])
            else:
                columns.append(np.eye(len(choice.values))[matrix[:, i]])
        return np.hstack(columns) if columns else np.empty((len(matrix), 0))

    def canonical(self, arch: ProductArch) -> tuple[int, ...]:
        """Every architecture is its own class: none are assumed equivalent."""
        return self.validate(arch).choices

    def to_str(self, arch: ProductArch) -> str:
        return str(self.validate(arch))

    def from_str(self, text: str) -> ProductArch:
        return self.remembered(text, self._parse)

    def _parse(self, text: str) -> ProductArch:
        text = text.strip() if isinstance(text, str) else text
        if not isinstance(text, str) or len(text) != len(self.choices) or not text.isdigit():
            raise InvalidArchitecture(
                f"expected {len(self.choices)} digits for {self.name} ({self.description}), got {text!r}"
            )
        return self.from_decisions([int(d) for d in text])

    def parse(self, text: str) -> ProductArch:
        """A key of exactly one digit per decision, else an index (the space has fewer digits of index)."""
        text = text.strip()
        if text.isdigit() and len(text) != len(self.choices):
            if int(text) >= self.size:  # most likely a key with a digit too few or too many
                raise InvalidArchitecture(
                    f"expected {len(self.choices)} digits (one per decision) or an index in 0..{self.size - 1} "
                    f"for {self.name}, got {text!r}"
                )
            return self.arch(int(text))
        return self.from_str(text)

    def describe(self, arch: ProductArch) -> dict[str, object]:
        """Each decision's name and value."""
        arch = self.validate(arch)
        return {c.name: c.values[v] for c, v in zip(self.choices, arch.choices, strict=True)}

    def decisions(self) -> list[int]:
        return self.sizes.tolist()

    def from_decisions(self, choices: Sequence[int]) -> ProductArch:
        if len(choices) != len(self.choices):
            raise InvalidArchitecture(f"expected {len(self.choices)} choices for {self.name}, got {len(choices)}")
        for choice, value in zip(self.choices, choices, strict=True):
            if not 0 <= value < len(choice.values):
                raise InvalidArchitecture(
                    f"{choice.name} of {self.name} takes 0..{len(choice.values) - 1} "
                    f"({', '.join(map(str, choice.values))}), got {value}"
                )
        return self._make(choices)

    def to_decisions(self, arch: ProductArch) -> list[int]:
        return list(self.validate(arch).choices)

    def validate(self, arch: object) -> ProductArch:
        if type(arch) is ProductArch and arch.space == self.name:
            return arch
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(
            f"expected a {self.name} architecture or its {len(self.choices)}-digit string, got {arch!r}"
        )

    def index(self, arch: ProductArch) -> int:
        return sum(c * w for c, w in zip(self.validate(arch).choices, self._weight_list, strict=True))

    def indices(self, archs: Iterable[object]) -> np.ndarray:
        """Indices of many architectures, vectorized."""
        matrix = np.array([self.validate(a).choices for a in archs], dtype=np.int64).reshape(-1, len(self.choices))
        return matrix @ self._weights

    def arch(self, index: int) -> ProductArch:
        index = self.check_index(index)
        return self._make((index // self._weights) % self.sizes)
