"""Convert the NAS-Bench-101 subset (../shared/raw/nb101_subset/data-1k.json) into data/nb101.h5.

Reads 1,000 cells with their graphs (GitHub tiga1231/nasbench-vis, from NAS-Bench-101, Ying et
al., ICML 2019): validation accuracy after the 4, 12, 36 and 108-epoch schedules, training time
(of the 108-epoch schedule) and parameters. Cells are padded to 7 vertices in the raw file
(label -3 after the output); the padding is dropped and every cell's NAS-Bench-101 hash is
checked against the published `key`. One value per cell and budget (no seeds). Also writes
nasbench/spaces/nb101_subset.tsv. Deterministic output.

Usage: python scripts/convert_nb101.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from nasbench.files import atomic_path
from nasbench.spaces.nb101 import OPS, SUBSET_FILE, NB101Space
from nasbench.tables.format import ESTIMATED, MEASURED, Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
RAW_FILE = "data-1k.json"
FIDELITIES = [4, 12, 36, 108]
LABELS = {-1: "input", -2: "output", 0: OPS[0], 1: OPS[1], 2: OPS[2]}
PADDING = -3


def cells(raw: Path) -> tuple[dict, list]:
    """The raw columns and each row's cell, its hash checked against the published key."""
    data = json.loads((raw / RAW_FILE).read_text())
    space = NB101Space()
    result = []
    for matrix, ops, key in zip(data["adjacency"], data["operations"], data["key"], strict=True):
        keep = [i for i, op in enumerate(ops) if op != PADDING]
        cell = space.from_spec(np.array(matrix, dtype=np.int64)[np.ix_(keep, keep)], [LABELS[ops[i]] for i in keep])
        if space.hash(cell) != key:
            raise SystemExit(f"the NAS-Bench-101 hash of row {len(result)} does not reproduce its key {key}")
        result.append(cell)
    return data, result


def convert(raw: Path, out: Path, subset_out: Path = SUBSET_FILE) -> None:
    """Read the raw JSON under `raw` and write the table and the subset's cell list."""
    data, archs = cells(raw)
    with atomic_path(subset_out) as tmp:
        space = NB101Space()
        tmp.write_text("".join(f"{a}\t{space.hash(a)}\n" for a in archs))
    n = len(archs)
    accuracy = np.column_stack(
        [np.asarray(data[f"{e}_final_validation_accuracy"], dtype=np.float64) for e in FIDELITIES]
    )
    full = np.asarray(data["final_training_time"], dtype=np.float64)
    seconds = np.column_stack([full * e / FIDELITIES[-1] for e in FIDELITIES])
    seconds_status = np.full(seconds.shape, ESTIMATED, dtype=np.uint8)
    seconds_status[:, -1] = MEASURED
    metrics = [
        Metric(
            "valid_acc",
            "fraction",
            "maximize",
            "validation accuracy after the schedule of that many epochs",
            ("arch", "fidelity"),
            accuracy,
        ),
        Metric(
            "train_seconds",
            "s",
            "minimize",
            "training time; measured for 108 epochs, the shorter schedules estimated as epochs / 108 of it",
            ("arch", "fidelity"),
            seconds,
            seconds_status,
            kind="cost",
        ),
        Metric(
            "params",
            "count",
            "minimize",
            "trainable parameters",
            ("arch",),
            np.asarray(data["trainable_parameters"], dtype=np.float64),
            kind="cost",
        ),
    ]
    dataset = Dataset(
        "cifar10",
        FIDELITIES,
        [],
        observe="valid_acc",
        score="valid_acc",
        cost="train_seconds",
        metrics=metrics,
        meta_extra={"space_options": {"tabulated": True}},
        notes="A 1,000-cell subset with one value per cell and budget; no test accuracy.",
    )
    meta = {
        "benchmark": "nb101",
        "space": "nb101",
        "title": "NAS-Bench-101 (1,000-cell subset)",
        "size": n,
        "reference": "Ying et al., NAS-Bench-101: Towards Reproducible Neural Architecture Search, ICML 2019",
        "fidelity_unit": "epochs",
        "row_order": "listed",
        "license": "Apache-2.0 (NAS-Bench-101 data)",
        "provenance": [
            {
                "name": "NAS-Bench-101 subset",
                "source": "GitHub tiga1231/nasbench-vis",
                "version": "680e8b32",
                "license": "ISC (repository); NAS-Bench-101 data Apache-2.0",
                "files": hashes(raw.parent, [raw / RAW_FILE]),
            }
        ],
        "converter": "scripts/convert_nb101.py",
        "converter_version": CONVERTER_VERSION,
    }
    write_table(out, meta, [str(a) for a in archs], [dataset], checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "nb101_subset", ROOT / "data" / "nb101.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
