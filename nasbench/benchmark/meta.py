"""What a meta-learning strategy may know about other tasks: `MetaInfo`, the source tasks' data only.

Owns the value object a transfer strategy is handed besides the target's public
`BenchmarkInfo`: for each source task (another dataset over the same search space), its
architectures (standard strings) and what a search observed there, as utilities (larger is
better). Two settings, two claims: "history" holds the observations of an earlier search on
each source (learning from past searches), "tables" the source's whole table (learning from
full tables). It holds arrays of source tasks only: no benchmark, no table, no file, and never
the target's data (the runner builds it, `nasbench.runner.meta`, and refuses a source equal to
the target). It draws nothing and knows no strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nasbench.errors import NasbenchError

SETTINGS = ("history", "tables")


@dataclass(frozen=True)
class SourceTask:
    """One source task: architectures (standard strings) and their observed utilities (larger is better)."""

    dataset: str
    archs: tuple[str, ...]
    utilities: np.ndarray

    def __post_init__(self) -> None:
        if len(self.archs) != len(self.utilities):
            raise NasbenchError(
                f"expected one utility per architecture, got {len(self.utilities)} for {len(self.archs)}"
            )
        self.utilities.setflags(write=False)

    def top(self, count: int) -> list[str]:
        """The `count` best architectures (failed runs last; ties: first listed first)."""
        values = np.where(np.isfinite(self.utilities), self.utilities, -np.inf)
        order = np.argsort(-values, kind="stable")[:count]
        return [self.archs[int(i)] for i in order if np.isfinite(values[int(i)])]


@dataclass(frozen=True)
class MetaInfo:
    """The source tasks of a meta-comparison (never the target's data), under one setting."""

    setting: str
    target: str  # the target's name only, so a strategy can say what it transfers to
    space: str
    sources: tuple[SourceTask, ...]

    def __post_init__(self) -> None:
        if self.setting not in SETTINGS:
            raise NasbenchError(f"expected meta data one of {', '.join(SETTINGS)}, got {self.setting!r}")
        if not self.sources:
            raise NasbenchError("expected at least one source task, got none")
        if self.target in self.datasets:
            raise NasbenchError(f"expected source tasks other than the target, got {self.target!r}")

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(s.dataset for s in self.sources)

    def best_first(self, per_source: int) -> list[str]:
        """The sources' best architectures, round robin (each source's best, then each one's second...), distinct."""
        tops = [s.top(per_source) for s in self.sources]
        merged: dict[str, None] = {}
        for rank in range(per_source):
            for found in tops:
                if rank < len(found):
                    merged.setdefault(found[rank], None)
        return list(merged)
