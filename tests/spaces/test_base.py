"""The space contract's shared moves: uniform crossover on decisions, and its error for other spaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

import nasbench
from nasbench.errors import NasbenchError
from nasbench.spaces.base import NoCrossover, SearchSpace


def test_uniform_crossover_takes_each_decision_from_a_parent(c10) -> None:
    space, rng = c10.space, np.random.default_rng(0)
    a, b = space.from_decisions([0, 1, 2, 3, 4, 0]), space.from_decisions([4, 3, 0, 1, 2, 4])
    children = [space.crossover(a, b, rng) for _ in range(200)]
    for child in children:
        assert all(
            c in (x, y)
            for c, x, y in zip(space.to_decisions(child), [0, 1, 2, 3, 4, 0], [4, 3, 0, 1, 2, 4], strict=False)
        )
    from_a = np.mean(
        [[c == x for c, x in zip(space.to_decisions(ch), [0, 1, 2, 3, 4, 0], strict=False)] for ch in children], axis=0
    )
    assert ((from_a > 0.35) & (from_a < 0.65)).all()  # each decision about half the time from each parent
    assert space.crossover(a, a, rng) == a


@pytest.mark.parametrize(("bench", "dataset"), [("macro", None), ("fcnet", None), ("graph", "cora"), ("nlp", None)])
def test_every_shipped_space_of_decisions_recombines(bench: str, dataset: str | None) -> None:
    table = nasbench.load(bench, dataset=dataset)
    rng = np.random.default_rng(1)
    for _ in range(20):
        a, b = table.space.sample(rng), table.space.sample(rng)
        child = table.space.crossover(a, b, rng)
        table.query(child)  # a child the table holds


class Opaque(SearchSpace[int]):
    """A space with no decisions: crossover is undefined there."""

    name = "opaque"
    encoding_size = 1

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(10))

    def mutate(self, arch: int, rng: np.random.Generator) -> int:
        return (arch + 1) % 10

    def neighbors(self, arch: int) -> list[int]:
        return [(arch + 1) % 10]

    def encode_many(self, archs: Sequence[int]) -> np.ndarray:
        return np.array(archs, dtype=float)[:, None]

    def canonical(self, arch: int) -> int:
        return arch

    def to_str(self, arch: int) -> str:
        return str(arch)

    def from_str(self, text: str) -> int:
        return int(text)


def test_a_space_without_decisions_says_it_has_no_crossover() -> None:
    with pytest.raises(NoCrossover, match="expected a space of categorical decisions for crossover, got the opaque"):
        Opaque().crossover(1, 2, np.random.default_rng(0))
    assert issubclass(NoCrossover, NasbenchError)
