"""scripts/reproduce_nb201.py: the paper's protocol (search cifar10-valid, transfer to all three) by default."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from nasbench.results import ResultsFolder

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "reproduce_nb201.py"


def test_the_paper_protocol_and_the_labelled_per_dataset_table(tmp_path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("reproduce_nb201", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--runs", "2", "--jobs", "1", "--quiet", "--out", str(tmp_path / "nb201")]) == 0
    text = (tmp_path / "nb201.md").read_text()
    assert "## The paper's protocol" in text and "## Not the paper's protocol" in text and "(se " in text
    settings = ResultsFolder(tmp_path / "nb201" / "protocol").read_settings()
    assert settings["dataset"] == "cifar10-valid" and settings["pin_fidelity"] and settings["fidelity"] == 12
    assert settings["transfer_to"] == ["cifar100", "imagenet16-120"]
    frame = ResultsFolder(tmp_path / "nb201" / "protocol").load()
    assert set(frame["fidelity"]) == {12}  # BOHB too: every rung answered at 12 epochs, as the authors' worker
    final = frame.groupby(["strategy", "run"]).tail(1)
    rows = [line for line in text.splitlines() if line.startswith("| REA |")]
    mean = final[final["strategy"] == "re"]["transfer_imagenet16-120"].mean()
    assert f"{mean:.2f} ±" in rows[0].split("|")[4]
