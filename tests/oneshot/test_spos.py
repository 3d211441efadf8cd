"""SPOS: the evolution climbs, runs once after training, and keeps the paper's settings."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.spos import EVOLUTION, SPOS  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch, NB201Space  # noqa: E402
from tests.oneshot.conftest import macro_search, tiny_settings  # noqa: E402


class _Scored(SPOS):
    """SPOS whose candidates score by a known function: how many edges hold a 3x3 convolution."""

    def _score(self, arch: NB201Arch) -> float:
        self.scores[arch] = float(sum(op == 3 for op in arch.ops))
        return self.scores[arch]


def test_spos_evolution_climbs_to_the_best_cell(tiny: ImageData) -> None:
    spos = _Scored(tiny, tiny_settings(1), 0)
    assert spos.derive(True) == NB201Arch((3,) * 6)
    assert len(spos.scores) <= 50 + 20 * 50  # each cell scored once


def test_spos_evolution_settings_are_the_papers(tiny: ImageData) -> None:
    """Guo et al. 2020 / megvii `search.py`: population 50, top 10, 25 mutants, 25 crossovers, 20 rounds, p 0.1
    (megvii-model/SinglePathOneShot src/Search/search.py argument defaults, commit 36eed6c)."""
    assert EVOLUTION == {"population": 50, "select_num": 10, "mutation_num": 25, "crossover_num": 25, "iterations": 20}
    assert SPOS(tiny, tiny_settings(1), 0).hyperparameters() == {**EVOLUTION, "m_prob": 0.1}
    spos = SPOS(tiny, tiny_settings(1), 0, population=8, iterations=2)
    assert spos.hyperparameters() == {**EVOLUTION, "population": 8, "iterations": 2, "m_prob": 0.1}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"population": 0}, "expected population >= 1, got 0"),
        ({"iterations": True}, "expected iterations >= 1, got True"),
        ({"m_prob": 1.5}, r"expected m_prob in \[0, 1\], got 1.5"),
    ],
)
def test_bad_evolution_settings_are_refused(tiny: ImageData, options: dict[str, Any], message: str) -> None:
    with pytest.raises(NasbenchError, match=message):
        SPOS(tiny, tiny_settings(1), 0, **options)


def test_spos_evolves_once_after_training(tiny: ImageData) -> None:
    spos = SPOS(tiny, tiny_settings(2), 0, iterations=1, population=3, mutation_num=1, crossover_num=1, select_num=2)
    result = spos.search()
    assert result.epochs[0].arch == ""  # no derivation mid-training
    assert result.epochs[1].arch == result.arch
    NB201Space().from_str(result.arch)
    best = max(spos.scores.values())
    assert spos.scores[NB201Space().from_str(result.arch)] == best  # the best scored cell wins


def test_mutation_and_crossover_keep_to_their_parents(tiny: ImageData) -> None:
    spos = SPOS(tiny, tiny_settings(1), 0, m_prob=0.0)
    a, b = NB201Arch((0, 1, 2, 3, 4, 0)), NB201Arch((4, 3, 2, 1, 0, 4))
    assert spos._mutant([a]) == a  # m_prob 0: nothing redrawn
    for _ in range(5):
        child = spos._crossover([a, b])
        assert all(op in (x, y) for op, x, y in zip(child.ops, a.ops, b.ops, strict=True))
    spos.m_prob = 1.0
    assert len({spos._mutant([a]) for _ in range(5)}) > 1  # every edge redrawn


def test_spos_searches_the_macro_space(tiny: ImageData, macro_truth: object) -> None:
    small = {"population": 4, "iterations": 2, "select_num": 2, "mutation_num": 2, "crossover_num": 2}
    search: Any = macro_search("spos", tiny, macro_truth, **small)
    assert search.scores and all(len(a.choices) == 8 for a in search.scores)
    parents = list(search.scores)[:2]
    assert len(search._mutant(parents).choices) == 8
    child = search._crossover(parents[:1])  # one parent: the crossover is that parent
    assert child == parents[0]
    search.m_prob = 1.0  # every layer redrawn: over a few mutants each of the 3 blocks appears
    seen = {c for _ in range(10) for c in search._mutant(parents).choices}
    assert seen == {0, 1, 2}
