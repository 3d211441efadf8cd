"""Fit the shipped surrogates (data/surrogates/*.json) with their fidelity cards (*.md beside them).

Runs `nasbench surrogate fit` for each shipped (benchmark, dataset): NAS-Bench-201 cifar10-valid,
the NAS-Bench-101 subset (a surrogate of the whole space), the live-built NAS-Bench-201 digits table
(`nasbench validate` checks it against new training runs), and Accel-NASBench with every device's
throughput and latency, each with the 100-run strategy-ranking check.

Usage: python scripts/fit_surrogates.py [--ranking-runs N] [--only NAME]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nasbench.cli import main as nasbench
from nasbench.fidelity.markdown import card_markdown
from nasbench.surrogate.model import load_surrogate

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {
    "nb201-cifar10-valid": ["nb201", "--dataset", "cifar10-valid"],
    "nb101-cifar10": ["nb101", "--dataset", "cifar10", "--extra-metrics", "params"],
    "nb201-digits": ["nb201-digits", "--dataset", "digits", "--extra-metrics", "test_acc"],
    "accel-imagenet": [
        "accel",
        "--dataset",
        "imagenet",
        "--extra-metrics",
        "val_top5,params,macs,throughput:a100,throughput:3090,throughput:tpuv2,throughput:tpuv3,"
        "throughput:zcu102,throughput:vck190,latency:zcu102,latency:vck190",
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ranking-runs", type=int, default=100)
    parser.add_argument("--only", choices=sorted(SHIPPED), help="fit only this one")
    args = parser.parse_args(argv)
    for name, arguments in SHIPPED.items():
        if args.only and name != args.only:
            continue
        out = ROOT / "data" / "surrogates" / f"{name}.json"
        status = nasbench(
            ["surrogate", "fit", *arguments, "--out", str(out), "--force", "--ranking-runs", str(args.ranking_runs)]
        )
        if status:
            return status
        out.with_suffix(".md").write_text(card_markdown(load_surrogate(out).meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
