"""`nasbench surrogate fit/card`, and `query`/`compare --estimator surrogate`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nasbench import load as load_benchmark
from nasbench.cli import main
from nasbench.cli.surrogate import _progress
from tests.cli.test_main import EXAMPLE, nasbench


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("surrogate") / "nb201.json"
    result = nasbench("surrogate", "fit", "nb201", "--dataset", "cifar10-valid", "--no-card", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Fidelity card: nb201 / cifar10-valid" in result.stdout and "--no-card" in result.stdout
    return str(out)


def test_card_as_markdown_and_json(fitted) -> None:
    text = nasbench("surrogate", "card", fitted)
    assert text.returncode == 0 and "predicts: valid_acc, train_seconds at 200 epochs" in text.stdout
    meta = json.loads(nasbench("surrogate", "card", fitted, "--json").stdout)
    assert meta["benchmark"] == "nb201" and meta["fidelity"] == 200 and "training_classes" not in meta


def test_nothing_is_overwritten_without_force(fitted, tmp_path) -> None:
    before = Path(fitted).read_bytes()
    result = nasbench("surrogate", "fit", "nb201", "--out", fitted, "--no-card")
    assert result.returncode == 2 and "exists; pass --force" in result.stderr
    assert Path(fitted).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "top1"], "unknown metric 'top1'"),
        (["--fidelity", "50"], "fidelity 50 not in nb201/cifar10-valid"),
        (["--dataset", "mnist"], "mnist"),
        (["--ranking-runs", "-1"], "--ranking-runs of at least 0"),
    ],
)
def test_fit_errors_are_one_line(tmp_path, args: list[str], message: str) -> None:
    out = tmp_path / "s.json"
    result = nasbench("surrogate", "fit", "nb201", "--out", str(out), "--no-card", *args)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_truncated_file_is_one_line(fitted, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(Path(fitted).read_bytes()[:1000])
    result = nasbench("surrogate", "card", str(broken))
    assert result.returncode == 2 and "not a nasbench surrogate" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_query_with_the_shipped_surrogate() -> None:
    result = nasbench("query", "nb201", EXAMPLE, "--dataset", "cifar10-valid", "--estimator", "surrogate", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert 85 < record["metrics"]["valid_acc"] < 95 and record["fidelity"] == 200
    accel = nasbench("query", "accel", "2111" * 7, "--estimator", "surrogate", "--metric", "throughput:a100")
    assert accel.returncode == 0, accel.stderr
    assert "throughput:a100" in accel.stdout
    bad = nasbench("query", "nb201", "|conv~0|", "--estimator", "surrogate")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_compare_on_a_surrogate(tmp_path) -> None:
    out = tmp_path / "results"
    args = ["compare", "--bench", "nb101", "--estimator", "surrogate", "--strategies", "rs,re", "--runs", "2"]
    result = nasbench(*args, "--budget", "15evals", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    settings = json.loads((out / "comparison.json").read_text())
    assert settings["estimator"] == "surrogate"
    frame = pd.read_parquet(out / "runs" / "re" / "0001.parquet")
    assert len(frame) == 15 and (frame["estimator"] == "surrogate").all()
    table = nasbench(*args, "--budget", "15evals", "--out", str(out), "--quiet").returncode
    assert table == 0  # resuming the same comparison
    other = nasbench("compare", "--bench", "nb101", "--strategies", "rs", "--runs", "2", "--budget", "15evals",
                     "--out", str(out), "--quiet")  # fmt: skip
    assert other.returncode == 2 and "estimator is 'surrogate' there, 'table' now" in other.stderr


@pytest.mark.parametrize("name", ["nb201-cifar10-valid", "nb101-cifar10", "accel-imagenet", "nb201-digits"])
def test_the_shipped_cards_are_what_card_prints(name: str) -> None:
    shipped = Path(__file__).resolve().parents[2] / "data" / "surrogates" / name
    result = nasbench("surrogate", "card", str(shipped.with_suffix(".json")))
    assert result.returncode == 0, result.stderr
    assert result.stdout == shipped.with_suffix(".md").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"meta": [1]}', "not a nasbench surrogate"), ('{"meta": {"format": "x"}}', "format 1"), (None, "cannot read")],
)
def test_damaged_files_are_one_line(tmp_path, content: str | None, message: str) -> None:
    path = tmp_path / "broken.json"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    result = nasbench("surrogate", "card", str(path))
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_surrogate_of_another_benchmark_is_one_line(tmp_path) -> None:
    (tmp_path / "surrogates").mkdir()
    shipped = Path(__file__).resolve().parents[2] / "data" / "surrogates" / "accel-imagenet.json"
    (tmp_path / "surrogates" / "nb201-cifar10-valid.json").write_bytes(shipped.read_bytes())
    env = {"NASBENCH_DATA": str(tmp_path)}
    result = nasbench("query", "nb201", EXAMPLE, "--dataset", "cifar10-valid", "--estimator", "surrogate", env=env)
    assert result.returncode == 2 and "a surrogate of accel/imagenet, not of nb201/cifar10-valid" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_surrogate_fit_shows_progress_and_where_the_file_went(tmp_path, capsys) -> None:
    out = tmp_path / "digits.json"
    assert main(["surrogate", "fit", "nb201-digits", "--no-card", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.rstrip().endswith(f"surrogate written to {out}")
    lines = printed.err.splitlines()
    rows = load_benchmark("nb201-digits").table.n_archs
    assert f"fitting a surrogate of nb201-digits/digits (valid_acc at 12 epochs) on {rows:,} architectures" in lines[0]
    assert lines[-1].endswith("done") and json.loads(out.read_text())
    _progress(quiet=True)("not shown")
    assert capsys.readouterr().err == ""
