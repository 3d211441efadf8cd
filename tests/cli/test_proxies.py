"""`nasbench proxies`: one-line refusals, a build, a killed build; `compare` with the zero-cost estimator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nasbench.cli.main import main
from nasbench.tables.format import read_table


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--space", "nb201", "--proxies", "synflow,magic"], "expected proxies among"),
        (["--space", "nb101"], "expected a space with a model builder"),
        (["--space", "nb201", "--resolution", "2"], "expected a resolution of at least 4"),
        (["--space", "nb201", "--batch", "cifar"], "expected --batch among"),
        (["--space", "nb201", "--batch-size", "1"], "expected a batch of at least 2"),
        (["--space", "nb201", "--jobs", "0"], "expected --jobs >= 1"),
        (["--space", "nb201", "--limit", "0"], "expected --limit >= 1"),
        (["--space", "nb201", "--batch", "cifar10"], "expected --data-dir"),
        (["--space", "nb201", "--batch", "cifar100", "--data-dir", "/nonexistent"], "expected cifar100 in the"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "p.h5"
    assert main(["proxies", *argv, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_command_builds_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.h5"
    argv = ["proxies", "--space", "macro", "--proxies", "params,flops,zen", "--batch", "gaussian"]
    assert main([*argv, "--batch-size", "2", "--resolution", "4", "--limit", "2", "--out", str(out), "--quiet"]) == 0
    assert "2/6561 cells" in capsys.readouterr().out


@pytest.mark.slow
def test_a_killed_build_writes_what_it_has_and_says_how_to_resume(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "p.h5"
    argv = ["proxies", "--space", "nb201", "--channels", "2", "--cells", "1", "--proxies", "params,synflow"]
    argv += ["--batch", "gaussian", "--batch-size", "2", "--resolution", "4", "--out", str(out), "--write-every", "0"]
    code = "import sys; from nasbench.cli.main import main; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", code, *argv, "--quiet"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not out.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "rerun the same command to resume" in err
    cells = len(read_table(out, "gaussian").archs())
    assert 0 < cells < 15625


def test_compare_runs_the_zero_cost_strategies_from_the_command_line(
    data_with_proxies: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nasbench.cli.main import main

    argv = [
        "compare",
        "--bench",
        "nb201",
        "--estimator",
        "zero-cost:synflow",
        "--strategies",
        "re,re-zc",
        "--runs",
        "1",
    ]
    assert main([*argv, "--budget", "10evals", "--out", str(tmp_path / "a"), "--quiet"]) == 2
    assert "expected a time budget" in capsys.readouterr().err
    assert main([*argv, "--budget", "20000s", "--set", "re-zc.warmup=10", "--out", str(tmp_path / "b"), "--quiet"]) == 0
    runs = pd.concat(pd.read_parquet(p) for p in sorted((tmp_path / "b").rglob("*.parquet")))
    assert (runs["fidelity"] == 0).sum() == 10 and (runs["fidelity"] == 200).any()
