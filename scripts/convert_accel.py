"""Convert Accel-NASBench (../shared/raw/accel_nasbench/anb_dataset_jsons.tar.gz) into data/accel.h5.

Reads the 5,138 JSON results of GitHub afzalxo/Accel-NASBench (Ahmad et al., 2024): each network's
block configuration, ImageNet top-1/top-5 after the proxy training schedule, training time, MACs,
parameters, and throughput/latency on six accelerators. 13 networks were trained twice: their two
results become seeds 0 and 1 (the order of the result files); every other network has seed 0 only.
Rows follow first appearance in result-file order. Also writes nasbench/spaces/accel_archs.txt
(the trained networks, which the table's `tabulated` space searches among). Deterministic output.

Usage: python scripts/convert_accel.py [--raw DIR] [--out FILE]
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from nasbench.files import atomic_path
from nasbench.spaces.accel import ARCHS_FILE, AccelSpace
from nasbench.tables.format import Dataset, Metric, write_table
from nasbench.tables.raw import RAW_ROOT, hashes, run_converter

CONVERTER_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
RAW_FILE = "anb_dataset_jsons.tar.gz"
SEEDS = [0, 1]
THROUGHPUT = ("a100", "3090", "tpuv2", "tpuv3", "zcu102", "vck190")
LATENCY = ("zcu102", "vck190")


def results(raw: Path) -> list[dict[str, Any]]:
    """Every result JSON in the tar, in result-number order."""
    found = []
    with tarfile.open(raw / RAW_FILE) as tar:
        for member in tar.getmembers():
            match = re.search(r"result_(\d+)\.json$", member.name)
            if match and member.isfile():
                handle = tar.extractfile(member)
                assert handle is not None
                found.append((int(match.group(1)), json.loads(handle.read())))
    return [r for _, r in sorted(found, key=lambda item: item[0])]


def arch_string(space: AccelSpace, config: dict[str, Any]) -> str:
    """The 28-digit string of a raw block configuration."""
    return "".join(str(choice.values.index(config[choice.name])) for choice in space.choices)


def grid(rows: dict[str, int], records: list[tuple[str, dict[str, Any]]], pick: Any) -> np.ndarray:
    """A (arch, seed, 1) array of `pick(record)`; NaN where not run or not measured."""
    values = np.full((len(rows), len(SEEDS), 1), np.nan)
    filled = np.zeros(len(rows), dtype=np.int64)
    for text, record in records:
        row = rows[text]
        value = pick(record)
        values[row, filled[row], 0] = np.nan if value is None else float(value)
        filled[row] += 1
    return values


def _metric(name: str, unit: str, direction: str, description: str, values: np.ndarray, kind: str) -> Metric:
    return Metric(name, unit, direction, description, ("arch", "seed", "fidelity"), values, kind=kind)


def metrics(rows: dict[str, int], records: list[tuple[str, dict[str, Any]]]) -> list[Metric]:
    """Every published quantity as a metric over (arch, seed, fidelity)."""
    found = [
        _metric("val_top1", "%", "maximize", "ImageNet top-1 accuracy after the proxy schedule",
                grid(rows, records, lambda r: r["metrics"]["val_top1"]), "performance"),
        _metric("val_top5", "%", "maximize", "ImageNet top-5 accuracy after the proxy schedule",
                grid(rows, records, lambda r: r["metrics"]["val_top5"]), "performance"),
        _metric("train_seconds", "s", "minimize", "training time of the proxy schedule",
                grid(rows, records, lambda r: r["metrics"]["train_time"]), "cost"),
        _metric("params", "M", "minimize", "parameters (millions)",
                grid(rows, records, lambda r: r["model_info"]["params"]), "cost"),
        _metric("macs", "M", "minimize", "multiply-accumulates per image (millions)",
                grid(rows, records, lambda r: r["model_info"]["macs"]), "cost"),
    ]  # fmt: skip
    for device in THROUGHPUT:
        pick = lambda r, d=device: r["platform_perf"][f"throughput_{d}"]["throughput_mean"]  # noqa: E731
        found.append(_metric(f"throughput:{device}", "img/s", "maximize", f"inference throughput on {device}",
                             grid(rows, records, pick), "hardware"))  # fmt: skip
    for device in LATENCY:
        pick = lambda r, d=device: r["platform_perf"][f"latency_{d}"]["latency_mean"]  # noqa: E731
        found.append(_metric(f"latency:{device}", "ms", "minimize", f"inference latency on {device}",
                             grid(rows, records, pick), "hardware"))  # fmt: skip
    return found


def convert(raw: Path, out: Path, archs_out: Path = ARCHS_FILE) -> None:
    """Read the raw tar under `raw` and write the table and the trained networks' list."""
    space = AccelSpace()
    records = [(arch_string(space, r["architecture"]), r) for r in results(raw)]
    rows: dict[str, int] = {}
    for text, _ in records:
        rows.setdefault(text, len(rows))
    with atomic_path(archs_out) as tmp:
        tmp.write_text("".join(f"{text}\n" for text in rows))
    found = metrics(rows, records)
    twice = int((~np.isnan(found[0].values[:, 1, 0])).sum())
    dataset = Dataset(
        "imagenet",
        [1],
        SEEDS,
        observe="val_top1",
        score="val_top1",
        cost="train_seconds",
        metrics=found,
        meta_extra={"space_options": {"tabulated": True}},
        notes=f"Fidelity 1 = Accel-NASBench's proxy training schedule (the only one). {twice} networks were "
        f"trained twice (seeds 0, 1); {len(rows)} distinct networks from {len(records)} results. Missing throughput "
        "values are missing in the source.",
    )
    meta = {
        "benchmark": "accel",
        "space": "accel",
        "title": "Accel-NASBench (ImageNet proxy training, MnasNet-style block space)",
        "size": len(rows),
        "reference": "Ahmad et al., Accel-NASBench: Sustainable Benchmarking for Accelerator-Aware NAS, 2024",
        "fidelity_unit": "schedule",
        "row_order": "listed",
        "license": "Apache-2.0",
        "provenance": [
            {
                "name": "Accel-NASBench dataset",
                "source": "GitHub afzalxo/Accel-NASBench, anb_dataset/anb_dataset_jsons.tar.gz",
                "version": "42603572",
                "license": "Apache-2.0",
                "files": hashes(raw.parent, [raw / RAW_FILE]),
            }
        ],
        "converter": "scripts/convert_accel.py",
        "converter_version": CONVERTER_VERSION,
    }
    write_table(out, meta, list(rows), [dataset], checksums=False)  # bytes pinned by data/SHA256SUMS


def main(argv: list[str] | None = None) -> int:
    return run_converter(argv, __doc__ or "", RAW_ROOT / "accel_nasbench", ROOT / "data" / "accel.h5", convert)


if __name__ == "__main__":
    sys.exit(main())
