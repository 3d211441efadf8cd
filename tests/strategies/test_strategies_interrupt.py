"""Ctrl-C during a model fit stops `nasbench compare` like anywhere else (issue 16)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize("strategy", ["bananas", "parego"])
def test_sigint_during_a_model_fit_stops_compare_with_130(tmp_path, strategy: str) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nasbench.cli", "compare", "--bench", "nb201", "--strategies", strategy]
    command += ["--runs", "2", "--budget", "100evals", "--out", str(out), "--jobs", "1"]
    command += ["--set", f"{strategy}.epochs=5000"]  # one fit takes seconds: the signal lands inside it
    if strategy == "parego":
        command += ["--objectives", "valid_acc,latency:pixel3"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "comparison.json").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    time.sleep(2.0)  # 10 random evaluations take milliseconds; then the first fit runs
    assert process.poll() is None, "finished before the signal"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "finished runs are saved" in stderr and "Traceback" not in stderr
