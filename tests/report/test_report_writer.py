"""`nasbench report` on a small real comparison: files, numbers, caveats and bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from matplotlib import image

from nasbench.errors import NasbenchError
from nasbench.report.writer import write_report
from nasbench.results import ResultsFolder
from nasbench.runner.compare import compare


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("comparison")
    compare("nb201", "cifar10-valid", ["rs", "re", "ls"], 6, "40evals", str(out), quiet=True)
    return out


@pytest.fixture(scope="module")
def report(results, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report([results], out)
    return out


def test_every_figure_in_three_formats(report) -> None:
    for name in ("anytime_time", "anytime_evals", "regret_time", "ranks_time", "critical_difference"):
        for extension in ("png", "svg", "pdf"):
            assert (report / f"{name}.{extension}").stat().st_size > 5_000
        height, width, _ = image.imread(report / f"{name}.png").shape
        assert 400 < width < 1600 and 200 < height < 1200


def test_final_table_numbers_equal_an_independent_computation(results, report) -> None:
    frame = pd.concat(pd.read_parquet(p) for p in sorted((results / "runs").glob("*/*.parquet")))
    last = frame[frame["eval"] == 39].groupby("strategy")["incumbent_score"]
    table = pd.read_csv(report / "final.csv")
    final = table[table["checkpoint"] == "final"].set_index("strategy")
    for strategy, values in last:
        assert final.loc[strategy, "mean"] == pytest.approx(values.mean())
        assert final.loc[strategy, "std"] == pytest.approx(values.std(ddof=1))
        assert final.loc[strategy, "n"] == 6
    assert set(table["checkpoint"]) == {"20evals", "final"}
    best = final["mean"].idxmax()
    label = {"rs": "Random search", "re": "Reg. evolution", "ls": "Local search"}[best]
    row = next(line for line in (report / "final.md").read_text().splitlines() if line.startswith(f"| {label} |"))
    assert row.endswith(
        f"| **{final.loc[best, 'mean']:.2f}** ± {final.loc[best, 'std']:.2f} ({final.loc[best, 'sem']:.2f}) |"
    )


def test_index_ties_it_together(results, report) -> None:
    index = (report / "index.md").read_text()
    assert "nasbench compare --bench nb201 --dataset cifar10-valid" in index and str(results) in index
    assert "![anytime time](anytime_time.png)" in index and "[LaTeX](final.tex)" in index
    assert ResultsFolder(results).read_settings()["data_sha256"] in index
    assert "Friedman" in index and (report / "tests.csv").exists()
    cost = (report / "cost.md").read_text()
    assert cost.count("| cifar10-valid |") == 3


def test_report_is_reproducible(results, report, tmp_path) -> None:
    write_report([results], tmp_path)
    for name in ("final.md", "final.tex", "final.csv", "cost.csv", "index.md", "anytime_time.svg", "ranks_time.pdf"):
        if name == "index.md":
            continue  # it names the output folder
        assert (tmp_path / name).read_bytes() == (report / name).read_bytes(), name


def test_single_strategy_single_run_still_plots(tmp_path, caplog) -> None:
    compare("nb201", "cifar100", ["re"], 1, "20evals", str(tmp_path / "one"), quiet=True)
    write_report([tmp_path / "one"], tmp_path / "report")
    assert (tmp_path / "report" / "anytime_time.png").exists()
    assert not (tmp_path / "report" / "critical_difference.png").exists()
    index = (tmp_path / "report" / "index.md").read_text()
    assert "only one strategy" in index and "a single run per strategy" in index
    assert "only one strategy" in caplog.text


def test_several_comparisons_at_once(results, tmp_path) -> None:
    compare("nb201", "cifar100", ["rs", "re"], 3, "20evals", str(tmp_path / "c100"), quiet=True)
    write_report([results, tmp_path / "c100"], tmp_path / "report")
    svg = (tmp_path / "report" / "anytime_time.svg").read_text()
    assert "cifar10-valid" in svg and "cifar100" in svg


def test_bad_inputs(results, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NasbenchError, match="is empty"):
        write_report([tmp_path / "empty"], tmp_path / "r")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "data.csv").write_text("a,b\n")
    with pytest.raises(NasbenchError, match="not a nasbench results folder"):
        write_report([tmp_path / "foreign"], tmp_path / "r")
    with pytest.raises(NasbenchError, match="both hold"):
        write_report([results, results], tmp_path / "r")
    old = tmp_path / "old"
    shutil.copytree(results, old)
    path = next((old / "runs").glob("*/*.parquet"))
    pq.write_table(pa.Table.from_pandas(pd.read_parquet(path).drop(columns="incumbent_score")), path)
    with pytest.raises(NasbenchError, match="incompatible version .*incumbent_score"):
        write_report([old], tmp_path / "r")
    assert not (tmp_path / "r").exists()


def nasbench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nasbench.cli", *args], capture_output=True, text=True, timeout=300, env={**os.environ}
    )


def test_cli_report_and_compare_report(results, tmp_path) -> None:
    done = nasbench("report", str(results), "--out", str(tmp_path / "r"), "--stat", "mean")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "index.md").exists() and "report in" in done.stdout
    both = nasbench(
        "compare",
        "--bench",
        "nb201",
        "--strategies",
        "rs",
        "--runs",
        "1",
        "--budget",
        "10evals",
        "--out",
        str(tmp_path / "c"),
        "--quiet",
        "--report",
    )
    assert both.returncode == 0, both.stderr
    assert (tmp_path / "c" / "report" / "index.md").exists()
    assert "note: only one strategy" in both.stderr and "Traceback" not in both.stderr
    bad = nasbench("report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x"))
    assert (
        bad.returncode == 2
        and bad.stderr.strip() == f"nasbench: error: results folder {tmp_path / 'nowhere'} not found"
    )


def test_cli_unwritable_output_is_one_line(results, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = nasbench("report", str(results), "--out", str(blocker / "report"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert done.stderr.startswith("nasbench: error: ")
