"""`nasbench report` on a small real comparison: files, numbers, caveats and bad input."""

from __future__ import annotations

import json
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
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["rs", "re", "ls"],
        runs=6,
        budget="40evals",
        out=str(out),
        quiet=True,
    )
    return out


@pytest.fixture(scope="module")
def report(results, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report([results], out)
    return out


def test_every_figure_in_three_formats(report) -> None:
    for name in ("anytime_time", "anytime_evals", "regret_time", "ranks_time"):
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
        f"| **{final.loc[best, 'mean']:.2f}** ± {final.loc[best, 'std']:.2f} ({final.loc[best, 'sem']:.2f}), n=6 |"
    )


def test_index_ties_it_together(results, report) -> None:
    index = (report / "index.md").read_text()
    assert "nasbench compare --bench nb201 --dataset cifar10-valid" in index and str(results) in index
    assert "![anytime time](anytime_time.png)" in index and "[LaTeX](final.tex)" in index
    assert ResultsFolder(results).read_settings()["data_sha256"] in index
    assert "Mann-Whitney U" in index and (report / "tests.csv").exists()
    assert "- nb201/cifar10-valid (n: Random search 6, Reg. evolution 6, Local search 6): " in index
    assert "Friedman" not in index  # ranks over runs are not a Friedman analysis: one task has no CD diagram
    assert "a single task (benchmark x dataset): no critical-difference diagram" in index
    assert not (report / "critical_difference.png").exists()
    cost = (report / "cost.md").read_text()
    assert cost.count("| cifar10-valid |") == 3 and "| cifar10-valid | Random search | 6 |" in cost


def test_report_is_reproducible(results, report, tmp_path) -> None:
    write_report([results], tmp_path)
    for name in ("final.md", "final.tex", "final.csv", "cost.csv", "index.md", "anytime_time.svg", "ranks_time.pdf"):
        if name == "index.md":
            continue  # it names the output folder
        assert (tmp_path / name).read_bytes() == (report / name).read_bytes(), name


def test_single_strategy_single_run_still_plots(tmp_path, caplog) -> None:
    compare(
        bench="nb201",
        dataset="cifar100",
        strategies=["re"],
        runs=1,
        budget="20evals",
        out=str(tmp_path / "one"),
        quiet=True,
    )
    write_report([tmp_path / "one"], tmp_path / "report")
    assert (tmp_path / "report" / "anytime_time.png").exists()
    assert not (tmp_path / "report" / "critical_difference.png").exists()
    index = (tmp_path / "report" / "index.md").read_text()
    assert "only one strategy" in index and "a single run per strategy" in index
    assert "only one strategy" in caplog.text


def test_several_comparisons_at_once(results, tmp_path) -> None:
    compare(
        bench="nb201",
        dataset="cifar100",
        strategies=["rs", "re"],
        runs=3,
        budget="20evals",
        out=str(tmp_path / "c100"),
        quiet=True,
    )
    write_report([results, tmp_path / "c100"], tmp_path / "report")
    svg = (tmp_path / "report" / "anytime_time.svg").read_text()
    assert "cifar10-valid" in svg and "cifar100" in svg
    assert "Random search (n=6/3)" in svg and "over 3 to 6 runs" in svg  # never "over 3 runs" when one has 6
    for name in ("critical_difference", "critical_difference_wilcoxon"):  # 2 tasks: too few for one (issue 20)
        assert not (tmp_path / "report" / f"{name}.png").exists()
    index = (tmp_path / "report" / "index.md").read_text()
    assert "only 2 tasks: a critical-difference diagram across fewer than 3 tasks is not meaningful" in index
    assert "Nemenyi critical difference" not in index and "Friedman" not in index
    assert "a single task" not in index and not (tmp_path / "report" / "cd_tests.csv").exists()


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


def _empty(path: Path) -> None:
    """Rewrite a run file as a run with no evaluation (its budget could not afford one)."""
    pq.write_table(pa.Table.from_pandas(pd.read_parquet(path).iloc[0:0], preserve_index=False), path)


def test_unequal_run_counts_are_shown_and_warned(results, tmp_path, caplog) -> None:
    folder = tmp_path / "pruned"
    shutil.copytree(results, folder)
    for run in (3, 4, 5):
        (folder / "runs" / "rs" / f"{run:04d}.parquet").unlink()
    _empty(folder / "runs" / "re" / "0005.parquet")
    write_report([folder], tmp_path / "report")
    index = (tmp_path / "report" / "index.md").read_text()
    assert f"1 run(s) with no evaluation, left out of every number: {folder / 'runs' / 're' / '0005.parquet'}" in index
    assert "Random search on cifar10-valid: 3 runs with evaluations, the settings ask for 6" in index
    assert "Reg. evolution on cifar10-valid: 5 runs with evaluations" in index and "run counts differ" in index
    assert "a single run" not in index
    assert "settings ask for 6" in caplog.text and "re/0005.parquet" in caplog.text
    final = (tmp_path / "report" / "final.md").read_text()
    assert ", n=3 |" in final.split("| Random search |")[1].splitlines()[0]
    assert ", n=5 |" in final.split("| Reg. evolution |")[1].splitlines()[0]
    assert "n=3" in (tmp_path / "report" / "final.tex").read_text()
    final_csv = pd.read_csv(tmp_path / "report" / "final.csv").query("checkpoint == 'final'").set_index("strategy")
    assert final_csv["n"].to_dict() == {"ls": 6, "re": 5, "rs": 3}
    assert "| cifar10-valid | Random search | 3 |" in (tmp_path / "report" / "cost.md").read_text()
    tests = pd.read_csv(tmp_path / "report" / "tests.csv").set_index(["strategy_a", "strategy_b"])
    assert tests.loc[("rs", "re"), ["n_a", "n_b"]].tolist() == [3, 5]
    svg = (tmp_path / "report" / "anytime_evals.svg").read_text()
    assert "Random search (n=3)" in svg and "Reg. evolution (n=5)" in svg and "over 3 to 6 runs" in svg
    done = nasbench("report", str(folder), "--out", str(tmp_path / "cli"))
    assert done.returncode == 0 and "nasbench: note: Random search on cifar10-valid: 3 runs" in done.stderr


def test_single_run_note_only_when_true(results, tmp_path) -> None:
    folder = tmp_path / "one-rs"
    shutil.copytree(results, folder)
    for run in range(1, 6):
        (folder / "runs" / "rs" / f"{run:04d}.parquet").unlink()
    write_report([folder], tmp_path / "report")
    index = (tmp_path / "report" / "index.md").read_text()
    assert "a single run of Random search on cifar10-valid: no band and no test for it" in index
    assert "a single run per strategy" not in index


def test_reproduce_command_reproduces_byte_for_byte(tmp_path) -> None:
    original = tmp_path / "it's a folder"
    compare(
        bench="nb201",
        dataset="cifar10-valid",
        strategies=["rs", "ls"],
        runs=2,
        budget="15evals",
        out=str(original),
        quiet=True,
        hyperparameters={"ls": {"first_improvement": True}},
        overhead_seconds=0.1,
    )
    write_report([original], tmp_path / "report")
    index = (tmp_path / "report" / "index.md").read_text()
    command = index.split("```\n")[1]
    assert "--set ls.first_improvement=true" in command and "'--out' " not in command
    assert "--overhead-seconds 0.1" in command and f"--out '{tmp_path}/it'\"'\"'s a folder'" in command
    moved = tmp_path / "original"
    original.rename(moved)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", command.rstrip() + " --quiet"], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(moved / "runs") for p in (moved / "runs").glob("*/*.parquet"))
    assert len(files) == 4
    for name in files:
        assert (original / "runs" / name).read_bytes() == (moved / "runs" / name).read_bytes(), name
    assert (original / "comparison.json").read_bytes() == (moved / "comparison.json").read_bytes()


def test_the_scoring_rule_is_stated(results, tmp_path) -> None:
    older = tmp_path / "older"  # a folder from before the rule was recorded
    shutil.copytree(results, older)
    recorded = json.loads((older / "comparison.json").read_text())
    (older / "comparison.json").write_text(json.dumps({k: v for k, v in recorded.items() if k != "scoring"}))
    write_report([older], tmp_path / "old")
    assert (
        "- scoring: not recorded (these results predate a recorded scoring rule)"
        in (tmp_path / "old" / "index.md").read_text()
    )
    assert (
        "scored: valid_acc of the incumbent as the runner recorded it"
        in (tmp_path / "old" / "anytime_time.svg").read_text()
    )
    folder = tmp_path / "scored"
    shutil.copytree(results, folder)
    settings = json.loads((folder / "comparison.json").read_text())
    rule = "valid_acc at 200 epochs, mean over seeds the search did not observe"
    (folder / "comparison.json").write_text(json.dumps({**settings, "scoring": rule}))
    write_report([folder], tmp_path / "new")
    index = (tmp_path / "new" / "index.md").read_text()
    assert f"- scoring: {rule}" in index and f"Scoring: {rule}." in index
    for name in ("anytime_time", "anytime_evals", "regret_time", "ranks_time"):
        assert f"scored: {rule}" in (tmp_path / "new" / f"{name}.svg").read_text()


def test_transfer_scores_are_extra_columns(results, tmp_path) -> None:
    folder = tmp_path / "transfer"
    shutil.copytree(results, folder)
    expected = []
    for path in sorted((folder / "runs").glob("*/*.parquet")):
        frame = pd.read_parquet(path)
        frame["transfer_cifar100"] = frame["incumbent_score"] - 20.0 - frame["run"]
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        expected.append((frame["strategy"].iloc[0], frame["transfer_cifar100"].iloc[-1]))
    write_report([folder], tmp_path / "report")
    table = pd.read_csv(tmp_path / "report" / "final.csv")
    moved = table[table["dataset"] == "cifar10-valid -> cifar100"].set_index("strategy")
    for strategy, values in pd.DataFrame(expected, columns=["s", "v"]).groupby("s")["v"]:
        assert moved.loc[strategy, "mean"] == pytest.approx(values.mean()) and moved.loc[strategy, "n"] == 6
    assert "| cifar10-valid -> cifar100 |" in (tmp_path / "report" / "final.md").read_text().replace(" (final)", "")


def test_report_functions_are_short() -> None:
    """One short function per index section (the old `_index` was 79 lines with 9 parameters)."""
    import ast

    import nasbench.report

    for path in sorted(Path(nasbench.report.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno < 45, f"{path.name}:{node.name}"
                assert len(node.args.args) + len(node.args.kwonlyargs) <= 6, f"{path.name}:{node.name}"
