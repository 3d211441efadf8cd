"""scripts/device_check.py: its CPU path runs end to end (the GPU run is made where a GPU is lent)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_device_check_runs_on_the_cpu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import device_check
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    out = tmp_path / "check.json"
    assert device_check.main(["--device", "cpu", "--quick", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert [row["amp"] for row in report["throughput"]] == [False, False]
    assert all(row["images_per_s"] > 0 and row["params_M"] > 0 for row in report["throughput"])
    assert report["cpu_agreement"]["params_equal"] is True
    assert report["cpu_agreement"]["max_abs_loss_difference"] == 0.0  # the CPU against itself: bit-identical
    assert "| architecture | precision | s/epoch |" in capsys.readouterr().out


def test_device_check_refuses_a_missing_gpu(capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import device_check
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert device_check.main(["--device", "cuda"]) == 2
    assert "expected a CUDA GPU" in capsys.readouterr().err


def test_the_device_check_script_parses_and_its_timeouts_total_at_most_12_minutes() -> None:
    import re
    import subprocess

    script = ROOT / "scripts" / "device_check.sh"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    text = script.read_text()
    timeouts = [int(t) for t in re.findall(r"timeout (\d+) ", text)]
    loops = text.count("for method in darts rsps")  # the one-shot command runs once per method
    assert len(timeouts) == 3 and loops == 1
    assert timeouts[0] + 2 * timeouts[1] + timeouts[2] <= 12 * 60
    assert "nasbench.cli search --data digits --space nb201 --strategy re" in text and "live-search.json" in text
