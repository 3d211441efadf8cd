"""GPU check of the live-training path: one prepared run, within the 440 s device_check.sh allows it.

Trains a handful of NAS-Bench-201 networks (C=16, N=5, as published) with the `nb201-12`
protocol (SGD/Nesterov, batch 256, cosine) on random CIFAR-shaped data (no dataset can be
fetched on the device machine), with mixed precision on and off, and reports images/s and
seconds per epoch per architecture (the second epoch: the first pays for kernel selection).
Then it checks that the network trained on the CPU and on the device has the parameter count of
the published NAS-Bench-201 table, and that both reach similar losses on digits. Writes the
figures as JSON (--out) and prints a Markdown table for BENCHMARKS.md.

Usage: python scripts/device_check.py [--device cuda] [--quick] [--out device_check.json]
`--device cpu --quick` runs the same code on the CPU in well under a minute (for the tests).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.live._torch import resolve_device
from nasbench.live.data import ImageData, load_digits
from nasbench.live.train import PROTOCOLS, train
from nasbench.registry import load

ARCHS = (  # from no operation at all to all 3x3 convolutions: the cheap and the expensive end
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|",
    "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|",
    "|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|",
)


def random_cifar(n_train: int, n_valid: int, generator: torch.Generator) -> ImageData:
    """CIFAR-shaped random images (3x32x32, 10 classes), with CIFAR's augmentation switched on."""
    make = lambda n: (  # noqa: E731
        torch.randn(n, 3, 32, 32, generator=generator),
        torch.randint(0, 10, (n,), generator=generator),
    )
    return ImageData("random-cifar", 10, make(n_train), make(n_valid), make(n_valid), True, f"{n_train}/{n_valid}")


def throughput(
    device: torch.device, archs: tuple[str, ...], n_train: int, amp_modes: tuple[bool, ...]
) -> list[dict[str, Any]]:
    """Seconds per epoch and images/s of each architecture (epoch 2 of 2), AMP on and off."""
    data = random_cifar(n_train, 1024, torch.Generator().manual_seed(0))
    protocol = replace(PROTOCOLS["nb201-12"], epochs=2)
    rows = []
    for arch in archs:
        for amp in amp_modes:
            result = train("nb201", arch, data, protocol, seed=0, device=device, amp=amp)
            seconds = result.curves["epoch_seconds"][-1]
            rows.append(
                {
                    "arch": arch,
                    "amp": amp,
                    "epoch_seconds": seconds,
                    "images_per_s": n_train / seconds,
                    "params_M": result.params / 1e6,
                    "train_loss": result.curves["train_loss"][-1],
                }
            )
            print(
                f"  {'AMP ' if amp else 'FP32'} {seconds:7.2f} s/epoch {n_train / seconds:9.0f} img/s  {arch}",
                flush=True,
            )
    return rows


def cpu_agreement(device: torch.device, epochs: int) -> dict[str, Any]:
    """The same run on the CPU and on `device` (full precision): the published parameter count, similar losses."""
    digits = load_digits()
    arch = ARCHS[1]
    protocol = replace(PROTOCOLS["digits-12"], epochs=epochs)
    cpu, other = (
        train("nb201", arch, digits, protocol, seed=0, device=where, amp=False, channels_last=False)
        for where in (torch.device("cpu"), device)
    )
    published = load("nb201", dataset="cifar10-valid").query(arch, metrics=["params"])["params"]  # millions, 10 classes
    losses = zip(cpu.curves["valid_loss"], other.curves["valid_loss"], strict=True)
    return {
        "arch": arch,
        "epochs": epochs,
        "params_equal": cpu.params == other.params and abs(cpu.params / 1e6 - published) < 1e-6,
        "cpu_valid_loss": cpu.curves["valid_loss"],
        "device_valid_loss": other.curves["valid_loss"],
        "max_abs_loss_difference": max(abs(a - b) for a, b in losses),
        "cpu_valid_acc": cpu.final()["valid_acc"],
        "device_valid_acc": other.final()["valid_acc"],
    }


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Device: {report['device_name']} (torch {report['torch']}, CUDA {report['cuda']}); "
        f"nb201-12 protocol, batch 256, {report['n_train']} random CIFAR-shaped images per epoch.",
        "",
        "| architecture | precision | s/epoch | images/s | params (M) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in report["throughput"]:
        precision = "AMP (fp16)" if row["amp"] else "fp32"
        lines.append(
            f"| `{row['arch']}` | {precision} | {row['epoch_seconds']:.2f} | {row['images_per_s']:.0f} | "
            f"{row['params_M']:.4f} |"
        )
    check = report["cpu_agreement"]
    lines += [
        "",
        f"CPU vs {report['device']}: parameters as published: {check['params_equal']}; largest validation-loss "
        f"difference over {check['epochs']} epochs on digits: {check['max_abs_loss_difference']:.4f} "
        f"(valid acc {check['cpu_valid_acc']:.2f} % vs {check['device_valid_acc']:.2f} %).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:N, cpu or auto")
    parser.add_argument("--quick", action="store_true", help="2 cheap networks, 64 images, fp32: a code check")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    try:
        device = resolve_device(args.device)
    except NasbenchError as err:
        print(f"device_check: error: {err}", file=sys.stderr)
        return 2
    on_cuda = device.type == "cuda"
    n_train = 64 if args.quick else 25_000  # NAS-Bench-201's cifar10-valid training split has 25,000 images
    archs = ARCHS[-2:] if args.quick else ARCHS  # quick: the two cheapest
    amp_modes = (True, False) if on_cuda and not args.quick else (False,)
    name = torch.cuda.get_device_name(device) if on_cuda else platform.processor() or platform.machine()
    print(f"device_check on {name}: {len(archs)} architectures x {len(amp_modes)} precision(s)", flush=True)
    start = time.perf_counter()
    report = {
        "device": device.type,
        "device_name": name,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "n_train": n_train,
        "threads": torch.get_num_threads(),
        "throughput": throughput(device, archs, n_train, amp_modes),
        "cpu_agreement": cpu_agreement(device, 1 if args.quick else 3),
    }
    report["wall_seconds"] = time.perf_counter() - start
    if args.out:
        with atomic_path(Path(args.out)) as tmp:
            tmp.write_text(json.dumps(report, indent=2))
    print(_markdown(report))
    print(f"done in {report['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
