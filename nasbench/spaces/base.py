"""The search-space contract that every strategy, table and model builder relies on.

Owns the abstract interface only. A space knows its architectures (a hashable,
immutable value type), how to sample, mutate, enumerate neighbours, encode and
canonicalize them, and how to read and write their standard string. A space
never reads a table or a benchmark: it is pure structure.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np

from nasbench.errors import InvalidArchitecture, NasbenchError

A = TypeVar("A", bound=Hashable)
PARSE_CACHE = 1 << 16


class NoCrossover(NasbenchError):
    """A strategy asked for crossover in a space that has no decisions to recombine."""


class SearchSpace(ABC, Generic[A]):
    """A set of architectures and the moves a search strategy may make in it.

    Invalid input raises `InvalidArchitecture` (a `ValueError`) naming what was
    wrong and what is allowed.
    """

    name: str
    encoding_size: int

    def __repr__(self) -> str:
        size = getattr(self, "size", None)
        what = f"{size:,} architectures" if isinstance(size, int) else "size not enumerated"
        if getattr(self, "tabulated", False):
            what += " (tabulated mode)"
        return f"<{type(self).__name__} {self.name}: {what}, encoding of {self.encoding_size}>"

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> A:
        """Draw one architecture uniformly at random."""

    @abstractmethod
    def mutate(self, arch: A, rng: np.random.Generator) -> A:
        """Return a random architecture one elementary change away from `arch`."""

    @abstractmethod
    def neighbors(self, arch: A) -> list[A]:
        """Every architecture one elementary change away, in a fixed order."""

    @abstractmethod
    def encode_many(self, archs: Sequence[A]) -> np.ndarray:
        """Encode many architectures as a float array of shape (n, encoding_size)."""

    def encode(self, arch: A) -> np.ndarray:
        """Encode one architecture as a float vector of length `encoding_size`."""
        return self.encode_many([arch])[0]

    def features_many(self, archs: Sequence[A]) -> np.ndarray:
        """What a surrogate model learns from: the encoding, plus cheap derived features where a space has them."""
        return self.encode_many(archs)

    @abstractmethod
    def canonical(self, arch: A) -> Hashable:
        """A key shared by exactly the architectures of one isomorphism class."""

    @abstractmethod
    def to_str(self, arch: A) -> str:
        """The architecture's standard string."""

    @abstractmethod
    def from_str(self, text: str) -> A:
        """Parse a standard string; raise `InvalidArchitecture` if malformed."""

    def decisions(self) -> list[int]:
        """The number of choices of each independent decision that builds an architecture.

        Spaces whose architectures are a fixed list of categorical choices implement
        this with `from_decisions`/`to_decisions`; policy-based strategies (REINFORCE,
        BOHB's density model) use it.
        """
        raise NotImplementedError(f"the {self.name} space is not a fixed list of categorical decisions")

    def from_decisions(self, choices: Sequence[int]) -> A:
        """The architecture made by one choice per decision.

        Raises `InvalidArchitecture` for a combination outside the space (samplers redraw).
        """
        raise NotImplementedError(f"the {self.name} space is not a fixed list of categorical decisions")

    def to_decisions(self, arch: A) -> list[int]:
        """The choice of each decision that makes `arch`."""
        raise NotImplementedError(f"the {self.name} space is not a fixed list of categorical decisions")

    def crossover(self, a: A, b: A, rng: np.random.Generator, tries: int = 10) -> A:
        """A child taking each decision from `a` or `b` with equal probability (uniform crossover).

        Defined for spaces of categorical decisions; a combination outside the space is
        redrawn up to `tries` times, then the child is `a`. Other spaces raise `NoCrossover`.
        """
        try:
            first, second = self.to_decisions(a), self.to_decisions(b)
        except NotImplementedError:
            raise NoCrossover(
                f"expected a space of categorical decisions for crossover, got the {self.name} space"
            ) from None
        for _ in range(tries):
            pick = rng.random(len(first)) < 0.5
            try:
                return self.from_decisions([x if p else y for x, y, p in zip(first, second, pick, strict=True)])
            except InvalidArchitecture:
                continue
        return a

    def remembered(self, text: object, parse: Callable[[str], A]) -> A:
        """`parse(text)`, once per string: a bounded memory of the strings this space has read."""
        if not isinstance(text, str):
            return parse(text)  # type: ignore[arg-type]  # parse names the wrong type
        cache: dict[str, A] = self.__dict__.setdefault("_parse_cache", {})
        found = cache.get(text)
        if found is None:
            found = parse(text)
            if len(cache) < PARSE_CACHE:
                cache[text] = found
        return found

    def parse(self, text: str) -> A:
        """Read an architecture typed by a user: its standard string."""
        return self.from_str(text.strip())

    def validate(self, arch: object) -> A:
        """Return `arch` as an architecture of this space: parse strings, check objects."""
        if isinstance(arch, str):
            return self.from_str(arch)
        raise InvalidArchitecture(f"expected a {self.name} architecture or its string, got {type(arch).__name__}")


class EnumerableSpace(SearchSpace[A]):
    """A space small enough to number: every architecture has an index in [0, size)."""

    size: int

    @abstractmethod
    def index(self, arch: A) -> int:
        """The architecture's index in the space's official order."""

    @abstractmethod
    def arch(self, index: int) -> A:
        """The architecture at `index`; raise `InvalidArchitecture` if out of range."""

    def parse(self, text: str) -> A:
        """Read an architecture typed by a user: its standard string or its index."""
        text = text.strip()
        if text.isdigit():
            return self.arch(int(text))
        return self.from_str(text)

    def all(self) -> Iterable[A]:
        """Every architecture, in index order."""
        return (self.arch(i) for i in range(self.size))

    def check_index(self, index: object) -> int:
        """Return `index` as an int in range, or raise `InvalidArchitecture`."""
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise InvalidArchitecture(f"expected an integer index, got {type(index).__name__}")
        if not 0 <= index < self.size:
            raise InvalidArchitecture(f"expected an index in 0..{self.size - 1} for {self.name}, got {index}")
        return int(index)
