"""The report of a search, from a hand-made history and hand-made cached runs (nothing trains): the text,
the top designs in order (with the spread over folds under cross-validation), the figure, atomic files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from nasbench.live.benchmark import LiveBenchmark  # noqa: E402
from nasbench.live.crossval import CrossValidated  # noqa: E402
from nasbench.live.search_report import top_designs, write_report  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.live.userdata import check_arrays, image_data  # noqa: E402

DATA = check_arrays(np.arange(40.0).reshape(20, 2), np.repeat([0, 1], 10), "toy")
SCORES = {"0000": 0.5, "1100": 0.875, "5511": 0.75, "2200": 0.625, "3300": 0.25, "4400": 0.375, "0100": 0.125}


def bench(shift: float = 0.0) -> LiveBenchmark:
    rows = np.arange(20)
    data = image_data(DATA, rows[:10], rows[10:], rows[10:], "toy")
    live = LiveBenchmark("mlp", data, get_protocol(None, "digits", 2), (0,), None, model_options={"features": 2})
    for arch, score in SCORES.items():
        run = {"valid_acc": [0.0, score + shift], "train_acc": [0.5, 0.5], "valid_loss": [1.0, 1.0]}
        run |= {"train_loss": [1.0, 1.0], "train_seconds": [1.0, 2.0], "test_acc": [0.5], "test_loss": [1.0]}
        live.runs[arch] = {0: run}
        live.counts_of(arch)
    live.runs["0001"] = {0: {k: v[:1] for k, v in live.runs["0000"][0].items() if k not in ("test_acc", "test_loss")}}
    return live


HISTORY = pd.DataFrame(
    {"end": [2.0, 4.0, 6.0], "observed": [0.5, 0.875, 0.75], "incumbent_observed": [0.5, 0.875, 0.875]}
)
RECORD = {
    "data": "toy.npz",
    "settings": {"strategy": "re", "budget": "3evals"},
    "evaluations": 3,
    "search_seconds": 6.2,
    "space": "mlp",
    "protocol": {"name": "search-2", "epochs": 2},
    "rows": {"search": 16, "test": 4},
    "split": "12/4/4 stratified (train/validation/validation) of the search rows; test held out",
    "best_architecture": "1100",
    "metric": "accuracy",
    "test_score": 0.8,
}


def test_the_top_designs_are_the_best_five_at_full_fidelity() -> None:
    top = top_designs(bench())
    assert top["architecture"].tolist() == ["1100", "5511", "2200", "0000", "4400"]  # "0001": one epoch only
    assert top["valid_acc"].tolist() == [0.875, 0.75, 0.625, 0.5, 0.375]
    assert list(top.columns) == ["architecture", "valid_acc", "params", "train_seconds"]


def test_with_cross_validation_the_top_designs_carry_the_spread_over_folds() -> None:
    top = top_designs(CrossValidated([bench(0.0), bench(0.125)]), k=2)
    assert top["architecture"].tolist() == ["1100", "5511"]
    assert top["valid_acc"].tolist() == [0.9375, 0.8125] and top["valid_acc_std"].tolist() == [0.0625, 0.0625]
    assert top["train_seconds"].tolist() == [4.0, 4.0]  # the folds' summed cost


def test_the_report_states_the_mode_the_winner_and_the_top_table(tmp_path: Path) -> None:
    path = write_report(tmp_path, bench(), HISTORY, RECORD)
    assert path == tmp_path / "report.md"
    text = path.read_text().splitlines()
    assert text[0] == "# nasbench search on toy.npz"
    assert text[2].startswith("- mode: real time (cost: measured wall seconds on this machine); strategy re")
    assert "budget 3evals, 3 evaluations in 6 s" in text[2]
    assert "best architecture: `1100`" in text and "test accuracy: **0.8000**" in "\n".join(text)
    table = text[text.index("## Top 5 designs (validation, full fidelity)") + 2 :]
    assert table[0] == "| architecture | valid_acc | params | train_seconds |"
    assert table[2].startswith("| `1100` | 0.875 | ") and len([r for r in table if r.startswith("| `")]) == 5
    assert (tmp_path / "anytime.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anytime.png", "report.md"]  # no temporary file left
