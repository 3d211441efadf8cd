"""`nasbench validate`: a surrogate fitted on a tiny built table, checked against real training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.cli import main  # noqa: E402
from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.build import BuildSpec, build_table, select_archs  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.live.validate import Pair, choose, summarise, validate  # noqa: E402
from nasbench.registry import load  # noqa: E402
from nasbench.surrogate.model import fit_surrogate, load_surrogate  # noqa: E402


@pytest.fixture(scope="module")
def surrogate_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    spec = BuildSpec("nb201", "digits", get_protocol(None, "digits", 1), (0, 1), {"channels": 4, "cells": 1})
    build_table(spec, select_archs("nb201", "random:12"), folder / "tiny.h5", quiet=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NASBENCH_DATA", str(folder))
        surrogate = fit_surrogate(load("tiny", "digits"), ensemble=2)
    return surrogate.save(folder / "tiny-surrogate.json")


def test_choose_takes_unseen_classes_the_predicted_best_first(surrogate_file: Path) -> None:
    surrogate = load_surrogate(surrogate_file)
    chosen = choose(surrogate, 6, 3, np.random.default_rng(0))
    archs = [a for a, _ in chosen]
    assert [g for _, g in chosen] == ["top"] * 3 + ["range"] * 6
    assert len(set(archs)) == 9 and not surrogate.trained_on(archs).any()
    space = surrogate.space
    assert len({space.canonical(space.parse(a)) for a in archs}) == 9
    predicted = surrogate.predict(archs)[surrogate.meta["observe"]]
    assert predicted[:3].min() >= predicted[3:].max() - 1e-9
    assert predicted[3:].max() - predicted[3:].min() > 0  # spread over the range
    assert chosen == choose(surrogate, 6, 3, np.random.default_rng(0))


def test_summary_statistics() -> None:
    exact = [Pair(f"a{i}", "range", float(i), 1.0, float(i), [float(i)]) for i in range(5)]
    summary = summarise(exact, seeds=1)
    assert summary["kendall_tau"] == pytest.approx(1.0) and summary["mae"] == 0 and summary["coverage_1sd"] == 1
    shifted = [Pair(p.arch, "top", p.predicted, 1.0, p.measured + 1.5, [p.measured + 1.5]) for p in exact]
    summary = summarise(shifted, seeds=1)
    assert summary["mae"] == pytest.approx(1.5) and summary["bias"] == pytest.approx(-1.5)
    assert (summary["coverage_1sd"], summary["coverage_2sd"]) == (0.0, 1.0)
    assert summary["top_measured_best"] == pytest.approx(5.5)


@pytest.mark.slow
def test_validate_trains_and_writes_the_report(
    surrogate_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NASBENCH_DATA", str(surrogate_file.parent))
    out = tmp_path / "check"
    text = validate(surrogate_file, sample=4, top=2, device="cpu", out=out, quiet=True)
    assert "Kendall tau" in text
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "scatter.png", "validation.json"]
    document = json.loads((out / "validation.json").read_text())
    assert document["summary"]["n"] == 6 and -1 <= document["summary"]["kendall_tau"] <= 1
    measured = [p["measured"] for p in document["pairs"]]
    assert all(0 <= m <= 100 for m in measured) and len(set(measured)) > 1  # real, different trainings
    assert "| Kendall tau" in (out / "report.md").read_text()
    assert (out / "scatter.png").read_bytes()[:4] == b"\x89PNG"


def test_validate_refuses_bad_input(surrogate_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASBENCH_DATA", str(surrogate_file.parent))
    with pytest.raises(NasbenchError, match="--sample >= 2"):
        validate(surrogate_file, sample=1)
    with pytest.raises(NasbenchError, match="--jobs >= 1, got 2, 10, 1, 0"):
        validate(surrogate_file, sample=2, jobs=0)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr("nasbench.live.validate._measure", lambda *a: pytest.fail("trained before making --out"))
    with pytest.raises(OSError):  # the CLI prints it on one line
        validate(surrogate_file, sample=2, top=0, device="cpu", out=blocker / "report")
    assert main(["validate", str(tmp_path / "absent.json")]) == 2
    monkeypatch.setenv("NASBENCH_DATA", str(tmp_path))  # the table it was fitted on is gone
    assert main(["validate", str(surrogate_file), "--device", "cpu"]) == 2
