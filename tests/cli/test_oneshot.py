"""`nasbench oneshot`: a tiny search end to end in the results layout, and one-line refusals."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nasbench.cli.main import main
from nasbench.oneshot.run import COLUMNS
from nasbench.results import ResultsFolder
from nasbench.runner.simulation import COLUMNS as RUNNER_COLUMNS

TINY = ["--channels", "2", "--cells", "1"]


@pytest.mark.slow
def test_a_search_writes_results_and_prints_its_ground_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs"
    argv = ["oneshot", "--method", "darts", "--epochs", "1", "--seed", "0", "--out", str(out), "--rank", "5", "--json"]
    assert main([*argv, *TINY]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ground_truth"]["status"] in ("ok", "not in the table")
    assert summary["ranking"][0]["n"] == 5 and sum(summary["op_histogram"].values()) == 6
    frame = ResultsFolder(out).load()
    assert list(frame.columns[-len(COLUMNS) :]) == list(RUNNER_COLUMNS)
    assert frame["incumbent"].iloc[-1] == summary["arch"] and frame["estimator"].iloc[0] == "oneshot"
    assert (out / "oneshot" / "darts-0000.json").is_file()
    assert main([*argv, *TINY]) == 2  # the same run again: refused, not overwritten
    assert "without darts seed 0" in capsys.readouterr().err
    _summary_table(tmp_path, summary)


def _summary_table(tmp_path: Path, summary: dict[str, object]) -> None:
    """scripts/oneshot_digits.py turns the printed summaries into the results table."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        import oneshot_digits
    finally:
        sys.path.pop(0)
    (tmp_path / "s.json").write_text(json.dumps(summary))
    assert oneshot_digits.main([str(tmp_path / "s.json"), "--out", str(tmp_path / "t.md"), "--note", "# t"]) == 0
    text = (tmp_path / "t.md").read_text()
    assert "| darts | 1 |" in text and str(summary["arch"]).replace("|", "\\|") in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--method", "bogus"], "expected a one-shot method among rsps, spos, enas, darts, gdas, got 'bogus'"),
        (["--method", "darts", "--space", "nb101"], "expected a space with a supernet (nb201, macro), got 'nb101'"),
        (["--method", "darts", "--epochs", "0"], "expected --epochs >= 1, got 0"),
        (["--method", "darts", "--select-num", "5"], "expected options of darts, got --select-num"),
        (["--method", "rsps", "--dataset", "mnist"], "expected a dataset among digits, cifar10, cifar100, got 'mnist'"),
        (["--space", "macro", "--method", "rsps", "--rank", "20"], "expected --rank 0 for macro on digits"),
        (["--space", "macro", "--method", "rsps", "--cells", "1"], "expected no --cells for macro (its network"),
        (["--space", "macro", "--method", "darts", "--exclude-none"], "expected exclude_none only on a space with"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "never"
    tiny = [] if "macro" in extra else TINY
    assert main(["oneshot", "--out", str(out), *tiny, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_without_torch_oneshot_says_how_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from nasbench.cli import main\n"
        "assert main(['oneshot', '--method', 'darts', '--out', 'never']) == 2\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert 'pip install -e ".[live]"' in done.stderr


@pytest.mark.parametrize(
    ("strategies", "extra", "message"),
    [
        ("darts,rsps", [], "expected at least one black-box strategy beside the one-shot methods darts,rsps"),
        ("spos,rs", ["--budget", "60s"], r"expected an evaluations budget \(e.g. '10evals'\) for spos"),
        ("darts,rs", ["--set", "darts.cells=3"], "expected darts.cells equal to the comparison's --cells 1, got 3"),
        ("darts,rs", ["--set", "darts.bogus=1"], "expected options of darts, got 'bogus'"),
    ],
)
def test_compare_live_refuses_bad_one_shot_settings_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], strategies: str, extra: list[str], message: str
) -> None:
    out = tmp_path / "cmp"
    argv = ["compare", "--estimator", "live", "--bench", "nb201", "--strategies", strategies, "--runs", "1"]
    argv += ["--budget", "2evals", "--epochs", "1", *TINY, "--out", str(out), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.search(message, err) and not out.exists()


@pytest.mark.slow
def test_a_macro_search_is_judged_on_the_cifar10_table_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nasbench.oneshot.ranking import GroundTruth, space_table
    from nasbench.spaces import get_space

    table, _ = space_table("macro", "digits")
    if table is None:
        pytest.skip("data/macro.h5 is absent")
    out = tmp_path / "runs"
    argv = ["oneshot", "--space", "macro", "--method", "gdas", "--epochs", "1", "--out", str(out)]
    assert main([*argv, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    arch = get_space("macro").from_str(summary["arch"])
    truth = summary["ground_truth"]
    assert summary["space"] == "macro" and truth == {**GroundTruth(table).lookup(arch), "note": truth["note"]}
    assert truth["status"] == "ok" and 1 <= truth["rank"] <= 6561 and "cifar10 table" in truth["note"]
    assert list(summary["op_histogram"]) == ["identity", "mbconv_k3_e3", "mbconv_k5_e6"]
    assert sum(summary["op_histogram"].values()) == 8 and len(summary["op_weights"]) == 8
    frame = ResultsFolder(out).load()
    assert frame["benchmark"].iloc[0] == "macro" and frame["incumbent_score"].iloc[-1] == truth["score"]
    comparison = json.loads((out / "comparison.json").read_text())
    assert "search data was digits" in comparison["scoring"]
    assert summary["settings"]["channels"] is None and summary["settings"]["cells"] is None  # a fixed network
    assert (comparison["strategies"]["gdas"]["channels"], comparison["strategies"]["gdas"]["cells"]) == (None, None)
    from nasbench.cli.oneshot import _text

    text = _text(summary)
    assert f"note: {truth['note']}" in text and f"rank {truth['rank']} of the table's 6561 networks" in text
