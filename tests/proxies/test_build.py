"""The proxy table builder: resumable, deterministic, refuses other settings, loads like any table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nasbench
from nasbench.proxies.build import ProxyBuildError, ProxySpec, build_proxy_table, cell_order, score_cell
from nasbench.proxies.inputs import BatchSpec
from nasbench.tables.format import read_table

TINY = {"channels": 2, "cells": 1}
PROXIES = ("synflow", "naswot", "snip", "params")


def _spec(kind: str = "gaussian", proxies: tuple[str, ...] = PROXIES) -> ProxySpec:
    return ProxySpec("nb201", proxies, BatchSpec(kind, 4, 4), 0, dict(TINY))


def test_the_order_is_a_fixed_shuffle_of_every_row() -> None:
    order = cell_order(15625)
    assert sorted(order) == list(range(15625)) and order[:50] != list(range(50))
    assert cell_order(15625) == order


def test_a_cell_scores_the_same_every_time() -> None:
    spec = _spec("digits")
    first, second = score_cell(spec, 1234), score_cell(spec, 1234)
    assert first[1] == second[1]
    assert first[1]["params"] > 0 and np.isfinite(first[1]["synflow"])


@pytest.mark.slow
def test_an_interrupted_build_resumes_to_the_same_table(tmp_path: Path) -> None:
    spec = _spec()
    build_proxy_table(spec, tmp_path / "a.h5", limit=3, quiet=True)
    resumed = build_proxy_table(spec, tmp_path / "a.h5", limit=6, quiet=True)
    assert (resumed.scored_now, resumed.cells) == (3, 6)
    build_proxy_table(spec, tmp_path / "b.h5", limit=6, jobs=2, quiet=True)
    a, b = read_table(tmp_path / "a.h5", "gaussian"), read_table(tmp_path / "b.h5", "gaussian")
    assert a.archs() == b.archs() and len(a.archs()) == 6
    for name in PROXIES:
        assert np.array_equal(a.metrics[name].values, b.metrics[name].values)
        assert a.metrics[name].direction == "maximize"
    assert "gaussian: 4 x 3 x 4 x 4" in a.dataset["notes"] and a.meta["build"]["cells"] == 6


def test_a_table_of_other_settings_is_refused(tmp_path: Path) -> None:
    build_proxy_table(_spec(), tmp_path / "a.h5", limit=1, quiet=True)
    with pytest.raises(ProxyBuildError, match="other settings"):
        build_proxy_table(_spec("digits"), tmp_path / "a.h5", limit=1, quiet=True)


def test_the_table_loads_and_answers_queries(tmp_path: Path) -> None:
    out = tmp_path / "p.h5"
    build_proxy_table(_spec(), out, limit=4, quiet=True)
    bench = nasbench.load(str(out))
    arch = read_table(out, "gaussian").archs()[0]
    record = bench.query(arch)
    assert record["synflow"] > 0 and bench.info.metrics["synflow"].maximize
