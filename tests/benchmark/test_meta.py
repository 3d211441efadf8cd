"""MetaInfo and SourceTask: the source tasks' arrays only, checked at construction; best-first order."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nasbench.benchmark.meta import SETTINGS, MetaInfo, SourceTask
from nasbench.errors import NasbenchError


def test_meta_info_refuses_the_target_among_its_sources() -> None:
    task = SourceTask("cora", ("a",), np.array([1.0]))
    with pytest.raises(NasbenchError, match="expected source tasks other than the target, got 'cora'"):
        MetaInfo(setting="tables", target="cora", space="graph", sources=(task,))
    with pytest.raises(NasbenchError, match="expected meta data one of history, tables, got 'all'"):
        MetaInfo(setting="all", target="pubmed", space="graph", sources=(task,))


def test_meta_info_refuses_no_sources() -> None:
    with pytest.raises(NasbenchError, match="expected at least one source task, got none"):
        MetaInfo(setting="history", target="cora", space="graph", sources=())


def test_a_source_task_needs_one_utility_per_architecture_and_is_read_only() -> None:
    with pytest.raises(NasbenchError, match="expected one utility per architecture, got 1 for 2"):
        SourceTask("cs", ("a", "b"), np.array([1.0]))
    task = SourceTask("cs", ("a", "b"), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="read-only"):
        task.utilities[0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.dataset = "cora"  # type: ignore[misc]


def test_meta_info_holds_only_names_and_the_sources_arrays() -> None:
    meta = MetaInfo(
        setting="history", target="cora", space="graph",
        sources=(SourceTask("cs", ("a", "b"), np.array([1.0, 2.0])), SourceTask("pubmed", ("c",), np.array([0.5]))),
    )  # fmt: skip
    assert SETTINGS == ("history", "tables") and meta.datasets == ("cs", "pubmed")
    assert [f.name for f in dataclasses.fields(MetaInfo)] == ["setting", "target", "space", "sources"]
    assert [f.name for f in dataclasses.fields(SourceTask)] == ["dataset", "archs", "utilities"]
    assert all(isinstance(getattr(meta, f), str) for f in ("setting", "target", "space"))
    for task in meta.sources:
        assert all(isinstance(a, str) for a in task.archs) and isinstance(task.utilities, np.ndarray)


def test_top_puts_failed_runs_out_and_keeps_ties_in_listed_order() -> None:
    task = SourceTask("cs", ("a", "b", "c", "d", "e"), np.array([1.0, np.nan, 3.0, 1.0, -np.inf]))
    assert task.top(3) == ["c", "a", "d"]
    assert task.top(10) == ["c", "a", "d"]  # a failed (non-finite) run is never among the best


def test_best_first_is_round_robin_over_sources_and_distinct() -> None:
    meta = MetaInfo(
        setting="tables", target="cora", space="graph",
        sources=(
            SourceTask("cs", ("a", "b", "c"), np.array([3.0, 2.0, 1.0])),
            SourceTask("pubmed", ("b", "x", "a"), np.array([9.0, 8.0, 7.0])),
            SourceTask("photo", ("y",), np.array([1.0])),
        ),
    )  # fmt: skip
    # rank 0: a, b, y; rank 1: b (seen), x; rank 2: c, a (seen)
    assert meta.best_first(3) == ["a", "b", "y", "x", "c"]
    assert meta.best_first(1) == ["a", "b", "y"]
