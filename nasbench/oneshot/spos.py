"""SPOS, single path one-shot NAS with uniform sampling (Guo, Zhang, Mu, Heng, Liu, Wei & Sun,
ECCV 2020, arXiv:1904.00420; reference megvii-model/SinglePathOneShot `search.py`).

Owns the method: the supernet trains one uniformly drawn path per step (shared weights as
NAS-Bench-201's RSPS/SETN configuration: the paper's ImageNet schedule does not carry over); then,
once trained, an evolutionary search over inherited-weight validation accuracy: a random population
of 50; for `iterations` (20) rounds, the top 10 so far breed 25 mutants (each decision redrawn with
probability 0.1) and 25 crossovers (each decision from either of two parents), topped up with random
architectures to 50 (decisions are the layout's: NAS-Bench-201's 6 edges; NAS-Bench-Macro's 8
layers, Su et al. 2021, a chain like the paper's own ImageNet space); every new architecture is
scored once (batch-norm statistics re-estimated on the training images where they are tracked, as
the reference recalibrates them); the best seen wins. Draws come
from the method's generator. It never reads a table.
"""

from __future__ import annotations

from typing import Any

import torch

from nasbench.errors import NasbenchError
from nasbench.oneshot.search import Arch, OneShotMethod, path_accuracy, uniform_arch

EVOLUTION = {"population": 50, "select_num": 10, "mutation_num": 25, "crossover_num": 25, "iterations": 20}
TRIES = 10  # the reference draws up to 10x the wanted number of children before giving up


class SPOS(OneShotMethod):
    """Uniform single-path supernet training, then evolution on inherited-weight accuracy."""

    name = "spos"
    extra_options = tuple(EVOLUTION)  # taken from **kwargs

    def __init__(self, *args: Any, m_prob: float = 0.1, **kwargs: Any) -> None:
        evolution = {k: kwargs.pop(k, v) for k, v in EVOLUTION.items()}
        for key, value in evolution.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise NasbenchError(f"expected {key} >= 1, got {value!r}")
        if not 0.0 <= m_prob <= 1.0:
            raise NasbenchError(f"expected m_prob in [0, 1], got {m_prob!r}")
        super().__init__(*args, **kwargs)
        self.evolution, self.m_prob = evolution, m_prob
        self.scores: dict[Arch, float] = {}

    def hyperparameters(self) -> dict[str, Any]:
        return {**self.evolution, "m_prob": self.m_prob}

    def derive_now(self, epoch: int) -> bool:
        return False  # the evolution is the method's second phase: it runs once, after training

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        return self.uniform_epoch()

    def _score(self, arch: Arch) -> float:
        if arch not in self.scores:
            self.scores[arch] = path_accuracy(self.supernet, arch, self.data.valid, self.data.train[0])
        return self.scores[arch]

    def _rank_key(self, arch: Arch) -> tuple[float, tuple[int, ...]]:
        """Best score first; ties by the choices (NAS-Bench-201: its base-5 code's order)."""
        return -self._score(arch), self.layout.to_choices(arch)

    def _pick(self, items: list[Arch]) -> Arch:
        return items[int(torch.randint(0, len(items), (1,), generator=self.generator))]

    def _mutant(self, parents: list[Arch]) -> Arch:
        choices = list(self.layout.to_choices(self._pick(parents)))
        for e in range(self.layout.num_decisions):
            if float(torch.rand(1, generator=self.generator)) < self.m_prob:
                choices[e] = int(torch.randint(0, self.layout.num_options, (1,), generator=self.generator))
        return self.layout.from_choices(choices)

    def _crossover(self, parents: list[Arch]) -> Arch:
        a, b = (self.layout.to_choices(self._pick(parents)) for _ in range(2))
        picks = torch.randint(0, 2, (self.layout.num_decisions,), generator=self.generator).tolist()
        return self.layout.from_choices([a[e] if p == 0 else b[e] for e, p in enumerate(picks)])

    def _children(self, make: Any, parents: list[Arch], wanted: int, seen: set[Arch]) -> list[Arch]:
        children: list[Arch] = []
        for _ in range(wanted * TRIES):
            if len(children) == wanted:
                break
            child = make(parents)
            if child not in seen:
                seen.add(child)
                children.append(child)
        return children

    def derive(self, final: bool) -> Arch:
        ev, self.scores = self.evolution, {}
        seen: set[Arch] = set()
        population = self._children(lambda _: uniform_arch(self.generator, self.layout), [], ev["population"], seen)
        top: list[Arch] = []
        for _ in range(ev["iterations"]):
            top = sorted({*top, *population}, key=self._rank_key)[: ev["select_num"]]
            mutants = self._children(self._mutant, top, ev["mutation_num"], seen)
            crossed = self._children(self._crossover, top, ev["crossover_num"], seen)
            population = mutants + crossed
            fill = ev["population"] - len(population)
            population += self._children(lambda _: uniform_arch(self.generator, self.layout), [], fill, seen)
        top = sorted({*top, *population}, key=self._rank_key)
        return top[0]
