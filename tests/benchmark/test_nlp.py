"""NAS-Bench-NLP: the cell space, values equal to the raw logs, and failed runs observed as failures."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Hashable
from typing import ClassVar

import numpy as np
import pytest

import nasbench
from nasbench import strategies
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.spaces.nlp import CELLS_FILE, NLPSpace, canonical_recipe
from nasbench.strategies.base import Strategy
from scripts import convert_nlp
from tests.conftest import raw_folder

SPACE = NLPSpace()
BENCH = nasbench.load("nlp")


@pytest.fixture(scope="module")
def raw_logs():
    folder = raw_folder("nas_bench_nlp")
    with zipfile.ZipFile(folder / convert_nlp.RAW_FILE) as archive:
        return [json.loads(archive.read(name)) for name in sorted(archive.namelist())]


def test_every_logged_value_is_in_the_table(raw_logs) -> None:
    runs_per_cell: dict[str, int] = {}
    assert len(raw_logs) == 345
    for log in raw_logs:
        recipe = canonical_recipe(log["recepie"])
        seed = runs_per_cell.get(recipe, 0)
        runs_per_cell[recipe] = seed + 1
        row = SPACE.index(recipe)
        valid = BENCH.table.metrics["valid_loss"]
        for epoch, value in enumerate(log["val_losses"]):
            if np.isnan(value):
                assert valid.status[row, seed, epoch] == 2  # failed
                break
            assert valid.values[row, seed, epoch] == value
            assert BENCH.table.metrics["test_loss"].values[row, seed, epoch] == log["test_losses"][epoch]
        seconds = BENCH.table.metrics["train_seconds"].values[row, seed, : len(log["wall_times"])]
        assert np.allclose(seconds, np.cumsum(log["wall_times"]))
    assert len(runs_per_cell) == SPACE.size == 291


def test_failed_runs_are_kept_and_marked(raw_logs) -> None:
    failed = [log for log in raw_logs if log["status"] != "OK"]
    assert len(failed) == 4
    for log in failed:
        row = SPACE.index(canonical_recipe(log["recepie"]))
        statuses = BENCH.table.metrics["valid_loss"].status[row, :, -1]
        assert 2 in statuses.tolist()


def test_optimum_equals_the_logs(raw_logs) -> None:
    finals: dict[str, list[float]] = {}
    for log in raw_logs:
        if log["status"] == "OK":
            finals.setdefault(canonical_recipe(log["recepie"]), []).append(log["val_losses"][-1])
    best = min(np.mean(v) for v in finals.values())
    assert BENCH.query_many(np.arange(SPACE.size))["valid_loss"].min() == pytest.approx(best, rel=1e-12)


def test_converter_is_deterministic_and_current(tmp_path) -> None:
    raw = raw_folder("nas_bench_nlp")
    convert_nlp.convert(raw, tmp_path / "nlp.h5", tmp_path / "cells.json")
    assert sha256_file(tmp_path / "nlp.h5") == sha256_file(data_dir() / "nlp.h5")
    assert sha256_file(tmp_path / "cells.json") == sha256_file(CELLS_FILE)


class PickFailed(Strategy):
    """Always proposes the cell whose only run diverged at the first epoch."""

    name = "pick-failed"
    paper = "none: a test double"
    seen: ClassVar[list[dict[str, float]]] = []

    def ask(self) -> tuple[Hashable, int | None]:
        statuses = BENCH.status(np.arange(SPACE.size), "valid_loss", fidelity=1)
        return SPACE.arch(statuses.index("failed")), 1

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.seen.append(record)


def test_a_failed_run_is_observed_as_a_failure(monkeypatch) -> None:
    monkeypatch.setitem(strategies.STRATEGIES, "pick-failed", PickFailed)
    PickFailed.seen = []
    spec = RunSpec(bench_name="nlp", dataset="wikitext-2", strategy="pick-failed", run=0, budget=Budget.parse("3evals"))
    frame = simulate(spec, BENCH)
    assert len(frame) == 3 and frame["observed"].isna().all()
    assert all(np.isnan(r["valid_loss"]) for r in PickFailed.seen)
    assert (frame["cost"] > 0).all()
