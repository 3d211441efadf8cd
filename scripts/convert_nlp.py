"""Convert NAS-Bench-NLP's WikiText-2 logs (../shared/raw/nas_bench_nlp) into data/nlp.h5.

Reads wikitext2_logs.zip (GitHub fmsnew/nas-bench-nlp-release @ a6d90a3b): one JSON log per
training run of a recurrent cell ("recepie") for 50 epochs: per-epoch train, validation and
test loss, wall time per epoch, parameters and a status. Runs of identical recipes are seeds
of one cell, in file-name order. A run whose loss became NaN ("loss is nan!") is kept: its
epochs up to the divergence are measured, the NaN epoch and every later one are *failed*,
and reaching them costs the time the run actually spent. Also writes
nasbench/spaces/nlp_cells.json. Deterministic output.

Usage: python scripts/convert_nlp.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np

from nasbench.files import atomic_path
from nasbench.spaces.nlp import CELLS_FILE, canonical_recipe
from nasbench.tables.format import ESTIMATED, FAILED, MEASURED, MISSING, Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
RAW_FILE = "wikitext2_logs.zip"
EPOCHS = 50
LOSSES = {"train_losses": "train_loss", "val_losses": "valid_loss", "test_losses": "test_loss"}


def read_runs(raw: Path) -> dict[str, list[dict]]:
    """Runs grouped by canonical recipe; cells ordered by their first recipe id."""
    with zipfile.ZipFile(raw / RAW_FILE) as archive:
        logs = [json.loads(archive.read(name)) for name in sorted(archive.namelist())]
    cells: dict[str, list[dict]] = {}
    for log in logs:
        cells.setdefault(canonical_recipe(log["recepie"]), []).append(log)
    return dict(sorted(cells.items(), key=lambda item: min(run["recepie_id"] for run in item[1])))


def _curves(cells: dict[str, list[dict]], seeds: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every per-epoch array (values, status) of shape (cells, seeds, epochs)."""
    shape = (len(cells), seeds, EPOCHS)
    out = {
        name: (np.full(shape, np.nan), np.full(shape, MISSING, dtype=np.uint8))
        for name in [*LOSSES.values(), "train_seconds"]
    }
    for row, runs in enumerate(cells.values()):
        for seed, run in enumerate(runs):
            losses = {metric: np.asarray(run[field], dtype=np.float64) for field, metric in LOSSES.items()}
            diverged = np.isnan(losses["valid_loss"])
            ok = int(np.argmax(diverged)) if diverged.any() else len(diverged)  # epochs before any NaN
            for metric, curve in losses.items():
                out[metric][0][row, seed, :ok] = curve[:ok]
                out[metric][1][row, seed, :ok] = MEASURED
                out[metric][1][row, seed, ok:] = FAILED if run["status"] != "OK" else MISSING
            times = np.cumsum(np.asarray(run["wall_times"], dtype=np.float64))
            values, status = out["train_seconds"]
            values[row, seed, : len(times)] = times[:EPOCHS]
            status[row, seed, : len(times)] = MEASURED
            if run["status"] != "OK":  # reaching a later epoch costs what the run spent before it diverged
                values[row, seed, len(times) :] = times[-1]
                status[row, seed, len(times) :] = ESTIMATED
    return out


def convert(raw: Path, out: Path, cells_out: Path = CELLS_FILE) -> None:
    """Read the raw logs under `raw` and write the table and the cell list."""
    cells = read_runs(raw)
    seeds = max(len(runs) for runs in cells.values())
    with atomic_path(cells_out) as tmp:
        tmp.write_text(json.dumps(list(cells), indent=0) + "\n")
    curves = _curves(cells, seeds)
    descriptions = {
        "train_loss": "training loss (cross-entropy, nats)",
        "valid_loss": "validation loss (nats)",
        "test_loss": "test loss (nats)",
        "train_seconds": "wall time of training up to the epoch",
    }
    metrics = [
        Metric(
            name,
            "s" if name == "train_seconds" else "nats",
            "minimize",
            descriptions[name],
            ("arch", "seed", "fidelity"),
            values,
            status,
            kind="cost" if name == "train_seconds" else "performance",
        )
        for name, (values, status) in curves.items()
    ]
    params = np.full((len(cells), seeds), np.nan)
    for row, runs in enumerate(cells.values()):
        params[row, : len(runs)] = [run["num_params"] for run in runs]
    metrics.append(Metric("params", "count", "minimize", "parameters", ("arch", "seed"), params, kind="cost"))
    dataset = Dataset(
        "wikitext-2",
        list(range(1, EPOCHS + 1)),
        list(range(seeds)),
        observe="valid_loss",
        score="test_loss",
        cost="train_seconds",
        metrics=metrics,
        notes="Runs of identical recipes are seeds. Diverged runs are kept: later epochs are failed.",
    )
    meta = {
        "benchmark": "nlp",
        "space": "nlp",
        "title": "NAS-Bench-NLP (WikiText-2 logs)",
        "size": len(cells),
        "reference": "Klyuchnikov et al., NAS-Bench-NLP, IEEE Access 2022, arXiv:2006.07116",
        "fidelity_unit": "epochs",
        "row_order": "space-index",
        "license": "Apache-2.0",
        "provenance": [
            {
                "name": "NAS-Bench-NLP training logs (WikiText-2)",
                "source": "GitHub fmsnew/nas-bench-nlp-release",
                "version": "a6d90a3b",
                "license": "Apache-2.0",
                "files": hashes(raw.parent, [raw / RAW_FILE]),
            }
        ],
        "converter": "scripts/convert_nlp.py",
        "converter_version": CONVERTER_VERSION,
    }
    write_table(out, meta, list(cells), [dataset], checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "nas_bench_nlp", ROOT / "data" / "nlp.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
