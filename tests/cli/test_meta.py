"""`nasbench meta`: bad input refused in one line, exit 2, nothing written, before any work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nasbench.cli.main import main


def test_cli_refuses_too_many_shots_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "help"
    args = ["meta", "--bench", "nb201", "--metric", "latency", "--shots", "20000", "--out", str(out)]
    result = subprocess.run([sys.executable, "-m", "nasbench.cli", *args], capture_output=True, text=True)
    assert result.returncode == 2 and not out.exists() and result.stderr.count("\n") == 1
    assert "expected --shots between 2 and the space's 15,625 cells, got 20000" in result.stderr


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--bench", "graph"], "expected --strategies and --budget for a leave-one-task-out comparison, got none"),
        (["--bench", "graph", "--strategies", "re"], "expected --strategies and --budget"),
        (["--bench", "nb201", "--strategies", "re,sgd", "--budget", "8evals"], "unknown strategy 'sgd'"),
        (
            ["--bench", "nb201", "--strategies", "re", "--budget", "8evals", "--jobs", "0"],
            "expected jobs of at least 1, got 0",
        ),
        (
            ["--bench", "nb201", "--strategies", "re", "--budget", "8evals", "--meta-data", "logs"],
            "expected --meta-data one of history, tables, got 'logs'",
        ),
        (
            ["--bench", "nb201", "--metric", "latency", "--shots", "5,x"],
            "expected --shots as whole numbers like 5,10,20, got '5,x'",
        ),
        (["--bench", "nb201", "--metric", "latency", "--draws", "0"], "expected --draws of at least 1, got 0"),
        (["--bench", "nb201", "--metric", "latency", "--devices", "tpu"], "unknown device 'tpu'; available: 1080ti_1"),
    ],
)
def test_meta_refuses_bad_input_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    out = tmp_path / "x"
    assert main(["meta", *flags, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nasbench: error: ") and err.count("\n") == 1 and message in err
    assert not out.exists()
