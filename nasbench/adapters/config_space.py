"""ConfigSpace export of every benchmark's search space, and the config <-> architecture converter.

Owns the mapping between a configuration (a ConfigSpace `Configuration` or a plain dict)
and an architecture of a benchmark's space. It never queries a benchmark and never
pickles a space: the `ConfigurationSpace` is built at run time from the space itself.

Two encodings, chosen from the space:

- one hyperparameter per decision, where every combination is an architecture the
  benchmark answers: NAS-Bench-201's six edges named `1<-0`, `2<-0`, `2<-1`, `3<-0`,
  `3<-1`, `3<-2` with the operation names as choices (the names HPOBench and NASLib use;
  Dong & Yang, ICLR 2020), NAS-Bench-Macro's and FCNet's decisions by name (ordinal where
  the values are ordered: FCNet's batch size, units, dropout and learning rate; Klein &
  Hutter 2019), Accel-NASBench's on its surrogate, NAS-Bench-Graph's link pattern `links`
  and layers `layer_1`..`layer_4` with a forbidden clause for the network of only skips
  (Qin et al., NeurIPS 2022), which the benchmark does not hold;
- one integer hyperparameter `arch_index` over the architectures the benchmark answers,
  where decisions would mostly name architectures it cannot answer: a partial table
  (the NAS-Bench-101 subset, Accel-NASBench's trained networks, NAS-Bench-NLP's cells, a
  `build-table` of part of a space) and NAS-Bench-101's surrogate (most of its 2**21 * 3**5
  decision vectors are no valid cell: its candidates are indexed instead). The index is
  the table's row order (the surrogate's candidate order); it is a label, not a distance.

Sampling either space therefore never yields an architecture the benchmark cannot answer.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nasbench.adapters._extras import require
from nasbench.errors import InvalidArchitecture
from nasbench.spaces.accel import AccelSpace
from nasbench.spaces.base import EnumerableSpace
from nasbench.spaces.graph import LINKS, GraphSpace
from nasbench.spaces.nb201 import NB201Space
from nasbench.spaces.nb201_cell import EDGES, OPS
from nasbench.spaces.product import ProductSpace

if TYPE_CHECKING:
    from nasbench.benchmark.base import Benchmark

INDEX = "arch_index"
EDGE_NAMES = tuple(f"{j}<-{i}" for i, j in EDGES)  # ('1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2')
GRAPH_LINKS, GRAPH_LAYERS = "links", tuple(f"layer_{k}" for k in range(1, 5))
CACHE = 1 << 17  # configurations remembered per benchmark: a repeated one skips decoding


class InvalidConfiguration(InvalidArchitecture):
    """A configuration with an unknown, missing or out-of-range hyperparameter."""


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: its name, its values in order, and whether that order means something."""

    name: str
    values: tuple[Any, ...]
    ordinal: bool = False


class Encoding:
    """How the configurations of one benchmark map to its architectures, and back."""

    def __init__(
        self,
        where: str,
        space: Any,
        hyperparameters: Sequence[Hyperparameter],
        at: Callable[[int], Any] | None = None,
        forbidden: Sequence[tuple[tuple[str, Any], ...]] = (),
    ) -> None:
        self.where, self.space = where, space
        self.hyperparameters = tuple(hyperparameters)
        self.names = tuple(h.name for h in self.hyperparameters)
        self.at = at  # index-valued: the architecture at an index; None: one hyperparameter per decision
        self.forbidden = tuple(forbidden)  # each: (name, value) pairs that may not all hold at once
        self._lookup = [{**_positions(map(str, h.values)), **_positions(h.values)} for h in hyperparameters]
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._index_of: dict[Any, int] | None = None
        self.convert = self._converter()  # `to_arch` itself, as a closure (the hot path calls it directly)

    @property
    def indexed(self) -> bool:
        """Whether the space is one integer over the answerable architectures."""
        return self.at is not None

    def to_arch(self, config: Mapping[str, Any]) -> Any:
        """The architecture of `config`; `InvalidConfiguration` names the first thing wrong."""
        return self.convert(config)

    def _converter(self) -> Callable[[Mapping[str, Any]], Any]:
        """`to_arch` as a closure: the objective's hot path, so it reads no attribute per call."""
        getter, size, cache, remember = operator.itemgetter(*self.names), len(self.names), self._cache, self._cache.get

        def to_arch(config: Mapping[str, Any]) -> Any:
            try:
                key = getter(config) if size > 1 else (getter(config),)
            except (KeyError, TypeError, AttributeError):
                raise self._key_error(config) from None
            if len(config) != size:
                raise self._key_error(config)
            try:
                arch = remember(key)
            except TypeError:  # an unhashable value: no choice is a list or a dict
                arch = None
            if arch is None:
                arch = self._decode(key)
                if len(cache) < CACHE:
                    cache[key] = arch
            return arch

        return to_arch

    def _key_error(self, config: object) -> InvalidConfiguration:
        if not isinstance(config, Mapping):
            return InvalidConfiguration(
                f"expected a configuration (a dict or a ConfigSpace Configuration), got {type(config).__name__}"
            )
        unknown = sorted(set(map(str, config)) - set(self.names))
        if unknown:
            return InvalidConfiguration(
                f"unknown hyperparameter {unknown[0]!r} for {self.where}; expected: {', '.join(self.names)}"
            )
        missing = [n for n in self.names if n not in config]
        return InvalidConfiguration(
            f"missing hyperparameter {missing[0]!r} for {self.where}; expected: {', '.join(self.names)}"
        )

    def _decode(self, key: tuple[Any, ...]) -> Any:
        if self.at is not None:
            return self.at(_index(key[0], self.hyperparameters[0].values[-1] + 1, self.where))
        choices = []
        for hp, lookup, value in zip(self.hyperparameters, self._lookup, key, strict=True):
            found = lookup.get(value) if _hashable(value) else None
            if found is None:
                raise InvalidConfiguration(
                    f"expected {hp.name} of {self.where} in {', '.join(map(str, hp.values))}, got {value!r}"
                )
            choices.append(found)
        return self.space.from_decisions(choices)

    def to_config(self, arch: Any) -> dict[str, Any]:
        """The configuration of an architecture the benchmark answers (its standard string, or the object)."""
        arch = self.space.validate(arch)
        if self.at is None:
            decisions = self.space.to_decisions(arch)
            return {h.name: h.values[c] for h, c in zip(self.hyperparameters, decisions, strict=True)}
        if self._index_of is None:
            self._index_of = {self.at(i): i for i in range(len(self.hyperparameters[0].values))}
        if arch not in self._index_of:
            raise InvalidArchitecture(f"{self.space.to_str(arch)} is not among the architectures {self.where} indexes")
        return {INDEX: self._index_of[arch]}


def _positions(values: Iterable[Any]) -> dict[Any, int]:
    return {v: i for i, v in enumerate(values)}


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _index(value: object, size: int, where: str) -> int:
    """`value` as an index in [0, size) (integral floats accepted: some samplers return them)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or not 0 <= value < size:
        raise InvalidConfiguration(f"expected {INDEX} of {where} an integer in 0..{size - 1}, got {value!r}")
    return int(value)


_ENCODINGS: weakref.WeakKeyDictionary[Any, Encoding] = weakref.WeakKeyDictionary()


def encoding(bench: Benchmark) -> Encoding:
    """The encoding of `bench`'s space (built once per benchmark object)."""
    found = _ENCODINGS.get(bench)
    if found is None:
        found = _ENCODINGS[bench] = _build(bench)
    return found


def _build(bench: Benchmark) -> Encoding:
    space, info = bench.space, bench.info
    where = f"{info.name}/{info.dataset}"
    if type(space) is NB201Space:
        return Encoding(where, space, [Hyperparameter(name, OPS) for name in EDGE_NAMES])
    if type(space) is GraphSpace:
        links = Hyperparameter(GRAPH_LINKS, tuple(",".join(map(str, link)) for link in LINKS))
        layers = [Hyperparameter(name, space.ops) for name in GRAPH_LAYERS]
        forbidden = [tuple((name, "skip") for name in GRAPH_LAYERS)] if "skip" in space.ops else []
        return Encoding(where, space, [links, *layers], forbidden=forbidden)
    if type(space) is ProductSpace or (type(space) is AccelSpace and space.trained is None):
        return Encoding(where, space, [Hyperparameter(c.name, c.values, c.ordinal) for c in space.choices])
    at, size = _listed(bench)
    return Encoding(where, space, [Hyperparameter(INDEX, tuple(range(size)), ordinal=True)], at=at)


def _listed(bench: Benchmark) -> tuple[Callable[[int], Any], int]:
    """The answerable architectures by index: a whole enumerable space, a table's rows, or the candidates."""
    from nasbench.benchmark.table import TableBenchmark

    space = bench.space
    if isinstance(bench, TableBenchmark):
        if isinstance(space, EnumerableSpace) and bench.table.meta.get("row_order") == "space-index":
            return space.arch, space.size
        archs = [space.from_str(text) for text in bench.table.archs()]
    else:
        select = bench.candidates().select
        archs = [space.arch(int(i)) for i in select] if isinstance(select, np.ndarray) else list(select)  # type: ignore[attr-defined]
    return archs.__getitem__, len(archs)


def configspace(bench: Benchmark, seed: int | None = None) -> Any:
    """`bench`'s search space as a `ConfigSpace.ConfigurationSpace` (see the module docstring)."""
    cs = require("ConfigSpace", "configspace")
    found = encoding(bench)
    space = cs.ConfigurationSpace(name=found.where, seed=seed, meta={"benchmark": found.where})
    if found.indexed:
        hp = found.hyperparameters[0]
        space.add(cs.UniformIntegerHyperparameter(INDEX, 0, len(hp.values) - 1))
        return space
    made = {
        h.name: (cs.OrdinalHyperparameter if h.ordinal else cs.CategoricalHyperparameter)(h.name, list(h.values))
        for h in found.hyperparameters
    }
    space.add(list(made.values()))
    for clause in found.forbidden:
        space.add(cs.ForbiddenAndConjunction(*(cs.ForbiddenEqualsClause(made[n], v) for n, v in clause)))
    return space


def to_architecture(bench: Benchmark, config: Mapping[str, Any]) -> Any:
    """The architecture of `config` (a ConfigSpace Configuration or a plain dict) in `bench`'s space."""
    return encoding(bench).to_arch(config)


def to_config(bench: Benchmark, arch: Any) -> dict[str, Any]:
    """The configuration (plain dict) of `arch` in `bench`'s exported space."""
    return encoding(bench).to_config(arch)
