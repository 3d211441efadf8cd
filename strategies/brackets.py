"""Successive-halving brackets over a benchmark's fidelities, shared by SH, Hyperband and BOHB.

Owns the bracket bookkeeping: which configurations run at which rung, and promotion of
the best 1/eta to the next rung once a rung has finished (Jamieson & Talwalkar,
AISTATS 2016; Li et al., JMLR 2018). A strategy built on it only supplies how new
configurations are sampled. With parallel workers a bracket that is waiting for its
rung to finish lets the strategy open the next bracket, so workers never idle (as
BOHB's parallel scheme does).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from nasbench.strategies.base import Range, Strategy

ETA = Range(low=1, low_open=True)  # eta must exceed 1, or the rungs never shrink


def rung_fidelities(fidelities: tuple[int, ...], eta: float) -> tuple[int, ...]:
    """The rungs: the full fidelity, then repeatedly the largest one at most 1/eta of the last."""
    rungs = [max(fidelities)]
    while True:
        lower = [f for f in fidelities if f <= rungs[-1] / eta]
        if not lower:
            return tuple(reversed(rungs))
        rungs.append(max(lower))


def hyperband_schedule(
    fidelities: tuple[int, ...], eta: float, sizes: str = "hyperband"
) -> list[list[tuple[int, int]]]:
    """Hyperband's brackets, most aggressive first: each a list of (fidelity, configurations).

    Rungs are spaced by eta over the benchmark's fidelities (all of them for NAS-Bench-201's
    12 and 200 epochs; 1, 5, 16, 50 of NAS-Bench-NLP's 50 epochs). `sizes="hyperband"`:
    n = ceil((s_max+1)/(s+1) eta^s) (Li et al.); `"hpbandster"`: n = floor((s_max+1)/(s+1)) eta^s.
    """
    fidelities = rung_fidelities(fidelities, eta)
    s_max = len(fidelities) - 1
    brackets = []
    for s in range(s_max, -1, -1):
        hpbandster = (s_max + 1) // (s + 1) * eta**s
        n = hpbandster if sizes == "hpbandster" else math.ceil((s_max + 1) / (s + 1) * eta**s)
        brackets.append([(fidelities[s_max - s + i], max(1, int(n * eta**-i))) for i in range(s + 1)])
    return brackets


class Bracket:
    """One successive-halving bracket: rungs of (fidelity, number of configurations)."""

    def __init__(self, rungs: list[tuple[int, int]]) -> None:
        self.rungs = rungs
        self.level = 0
        self.started = 0
        self.promotions: list[Hashable] = []
        self.results: list[tuple[Hashable, float]] = []

    def next_job(self, sample: Callable[[], Hashable]) -> tuple[Hashable, int] | None:
        """A configuration to run now, or None while this bracket waits on its rung."""
        fidelity, count = self.rungs[self.level]
        if self.level == 0 and self.started < count:
            self.started += 1
            return sample(), fidelity
        if self.promotions:
            return self.promotions.pop(0), fidelity
        return None

    def told(self, arch: Hashable, utility: float) -> None:
        """Record a result of the current rung; promote when the rung is complete."""
        self.results.append((arch, utility))
        if len(self.results) < self.rungs[self.level][1] or self.finished:
            return
        if self.level + 1 < len(self.rungs):
            keep = self.rungs[self.level + 1][1]
            ranked = sorted(self.results, key=lambda item: -item[1])
            self.promotions = [arch for arch, _ in ranked[:keep]]
            self.results = []
        self.level += 1

    @property
    def finished(self) -> bool:
        return self.level >= len(self.rungs)


class BracketStrategy(Strategy):
    """Runs brackets from `schedule()` in order, cycling; subclasses define `sample`."""

    multi_fidelity = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.active: list[Bracket] = []
        self.opened = 0
        self.owners: dict[tuple[Hashable, int], deque[Bracket]] = {}

    def schedule(self) -> list[list[tuple[int, int]]]:
        """The brackets to cycle through."""
        return hyperband_schedule(self.info.fidelities, self.hp["eta"], self.hp.get("bracket_sizes", "hyperband"))

    def sample(self, fidelity: int) -> Hashable:
        """A new configuration for a bracket's first rung at `fidelity`."""
        return self.space.sample(self.rng)

    def ask(self) -> tuple[Hashable, int | None]:
        for bracket in self.active:
            job = bracket.next_job(partial(self.sample, bracket.rungs[0][0]))
            if job is not None:
                return self._own(job, bracket)
        schedule = self.schedule()
        bracket = Bracket(schedule[self.opened % len(schedule)])
        self.opened += 1
        self.active.append(bracket)
        job = bracket.next_job(partial(self.sample, bracket.rungs[0][0]))
        assert job is not None
        return self._own(job, bracket)

    def _own(self, job: tuple[Hashable, int], bracket: Bracket) -> tuple[Hashable, int]:
        self.owners.setdefault(job, deque()).append(bracket)
        return job

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        assert fidelity is not None
        utility = self.utility(record)
        self.observe(arch, fidelity, utility)
        bracket = self.owners[(arch, fidelity)].popleft()
        bracket.told(arch, utility)
        if bracket.finished:
            self.active.remove(bracket)

    def observe(self, arch: Hashable, fidelity: int, utility: float) -> None:
        """A hook for model-based subclasses (BOHB): every result, as it arrives."""
        return None
