"""Convert NAS-Bench-Macro (../shared/raw/nas_bench_macro) into data/macro.h5.

Reads nas-bench-macro_cifar10.json (Su et al., CVPR 2021: 6,561 networks, CIFAR-10 test
accuracy of 3 independent trainings, parameters, FLOPs). The release gives no training
time and no validation accuracy: a search observes the test accuracy (as the benchmark's
own paper does) and every evaluation costs one unit, so budgets are counted in
evaluations. Deterministic output.

Usage: python scripts/convert_macro.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from nasbench.spaces.macro import macro_space
from nasbench.tables.format import Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
RAW_FILE = "nas-bench-macro_cifar10.json"


def convert(raw: Path, out: Path) -> None:
    """Read the raw JSON under `raw` and write the table."""
    records = json.loads((raw / RAW_FILE).read_text())
    space = macro_space()
    keys = [str(space.arch(i)) for i in range(space.size)]
    if sorted(records) != sorted(keys):
        raise SystemExit(f"{RAW_FILE} does not hold exactly the {space.size} keys of the space")
    accuracy = np.array([records[k]["test_acc"] for k in keys], dtype=np.float64)[:, :, None]
    metrics = [
        Metric(
            "test_acc",
            "%",
            "maximize",
            "CIFAR-10 test accuracy, 3 independent trainings",
            ("arch", "seed", "fidelity"),
            accuracy,
        ),
        Metric(
            "evaluations",
            "eval",
            "minimize",
            "simulated cost: the release has no training time, so each evaluation costs 1",
            ("arch", "fidelity"),
            np.ones((space.size, 1)),
            kind="cost",
        ),
        Metric(
            "params",
            "count",
            "minimize",
            "parameters",
            ("arch",),
            np.array([records[k]["params"] for k in keys], dtype=np.float64),
            kind="cost",
        ),
        Metric(
            "flops",
            "FLOPs",
            "minimize",
            "floating-point operations of one forward pass",
            ("arch",),
            np.array([records[k]["flops"] for k in keys], dtype=np.float64),
            kind="cost",
        ),
    ]
    dataset = Dataset(
        "cifar10",
        [1],
        [0, 1, 2],
        observe="test_acc",
        score="test_acc",
        cost="evaluations",
        metrics=metrics,
        notes="Only test accuracy is published: it is both observed and scored. Budgets are "
        "in evaluations (each costs 1).",
    )
    root = raw.parent
    meta = {
        "benchmark": "macro",
        "space": "macro",
        "title": "NAS-Bench-Macro",
        "size": space.size,
        "reference": "Su et al., Prioritized Architecture Sampling with Monte-Carlo Tree Search, CVPR 2021",
        "fidelity_unit": "full schedule",
        "row_order": "space-index",
        "license": "Apache-2.0",
        "provenance": [
            {
                "name": "NAS-Bench-Macro",
                "source": "GitHub xiusu/NAS-Bench-Macro",
                "version": "61a2bfc2",
                "license": "Apache-2.0",
                "files": hashes(root, [raw / RAW_FILE]),
            }
        ],
        "converter": "scripts/convert_macro.py",
        "converter_version": CONVERTER_VERSION,
    }
    write_table(out, meta, keys, [dataset], checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "nas_bench_macro", ROOT / "data" / "macro.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
