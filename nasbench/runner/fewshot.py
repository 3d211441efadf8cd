"""Few-shot latency on an unseen device, meta-learned on the other devices (HELP's task, leave-one-device-out).

Lee, Lee & Hwang, "HELP: Hardware-Adaptive Efficient Latency Prediction for NAS via
Meta-Learning", NeurIPS 2021: predict the latency of every NAS-Bench-201 cell on a new device
from k measured cells. What is implemented here is not HELP's MAML-trained GCN with a
hardware embedding; it keeps HELP's key idea, that a device is described by its latencies on a
few reference cells relative to the devices already seen:

- "transfer": ridge regression of the target device's log-latency on the other devices'
  standardized log-latencies (all 15,625 cells known there: meta-training data), fitted on the
  k measured cells; the ridge penalty by exact leave-one-out error over a fixed grid;
- "k-only": the same ridge on the cell's one-hot encoding (30 dims), fitted on the k cells
  alone: what one can do without other devices;
- "help-maml" (with `maml=True`): HELP's published recipe in the form of `help_maml`: an MLP on
  the cell and a hardware embedding (the device's latencies on the k cells), meta-trained over
  the other devices with first-order MAML and adapted on the k cells.

Scored over all cells: Spearman's rho against the measured latency, and the precision of the
predicted fastest 1 % (the share of them among the truly fastest 1 %). Each (device, k) is
repeated over `draws` random choices of the k cells, each on its own stream (root seed, device,
k, draw). Reads the table's latency columns only; trains nothing on the target beyond the k cells.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from nasbench.errors import NasbenchError, UnknownName
from nasbench.registry import opened

PREFIX = "latency:"
PENALTIES = np.logspace(-3, 3, 13)
TOP_SHARE = 0.01
METHODS = ("transfer", "k-only")


@dataclass(frozen=True)
class Devices:
    """Latencies of every cell (rows: the space's order) on every device (columns)."""

    names: tuple[str, ...]
    latency: np.ndarray
    encoding: np.ndarray


def devices_of(bench: str, metric: str = "latency") -> Devices:
    """The `metric:<device>` columns of `bench`'s table, every cell, with the cells' encodings."""
    table = opened(bench)
    names = tuple(m.removeprefix(f"{metric}:") for m in table.info.metrics if m.startswith(f"{metric}:"))
    if len(names) < 2:
        raise NasbenchError(f"expected per-device {metric}:<device> metrics in {bench}, got {len(names)}")
    rows = np.arange(table.info.size)
    columns = [f"{metric}:{d}" for d in names]
    frame = table.query_many(rows, metrics=columns)[columns]  # not the `arch` column
    archs = [table.space.arch(int(i)) for i in rows] if hasattr(table.space, "arch") else None
    if archs is None:
        raise NasbenchError(f"expected an enumerable space for few-shot {metric}, got {table.info.space}")
    return Devices(names, frame.to_numpy(float), table.space.encode_many(archs))


def check(devices: Devices, chosen: Sequence[str], shots: Sequence[int]) -> tuple[str, ...]:
    """The target devices (ALL: every one); shots between 2 and the number of cells."""
    names = devices.names if list(chosen) == ["ALL"] else tuple(chosen)
    for name in names:
        if name not in devices.names:
            raise UnknownName(f"unknown device {name!r}; available: {', '.join(devices.names)}")
    check_shots(len(devices.latency), shots)
    return names


def check_shots(size: int, shots: Sequence[int]) -> None:
    """Each k between 2 and the space's `size` cells (checked before the latencies are read)."""
    for k in shots:
        if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= size:
            raise NasbenchError(f"expected --shots between 2 and the space's {size:,} cells, got {k!r}")


def few_shot(
    devices: Devices, targets: Sequence[str], shots: Sequence[int], draws: int, root_seed: int = 0, maml: bool = False
) -> pd.DataFrame:
    """One row per (device, k, draw, method): Spearman's rho and top-1 % precision over all cells."""
    logged = np.log(devices.latency)
    rows = []
    for target in targets:
        t = devices.names.index(target)
        sources = np.delete(logged, t, axis=1)
        features = (sources - sources.mean(axis=0)) / sources.std(axis=0)
        for k in shots:
            for draw in range(draws):
                stream = np.random.SeedSequence(root_seed, spawn_key=(zlib.crc32(target.encode()), k, draw))
                cells = np.random.default_rng(stream).choice(len(logged), size=k, replace=False)
                for method, x in (("transfer", features), ("k-only", devices.encoding)):
                    predicted = ridge_predict(x[cells], logged[cells, t], x)
                    rows.append((target, k, draw, method, *scores(predicted, logged[:, t])))
                if maml:
                    from nasbench.runner.help_maml import help_predict

                    rng = np.random.default_rng(stream.spawn(1)[0])  # its own stream: the ridges' draws unchanged
                    predicted = help_predict(np.delete(logged, t, axis=1), logged[:, t], devices.encoding, cells, rng)
                    rows.append((target, k, draw, "help-maml", *scores(predicted, logged[:, t])))
    return pd.DataFrame(rows, columns=["device", "shots", "draw", "method", "spearman", "precision"])


def ridge_predict(x: np.ndarray, y: np.ndarray, everywhere: np.ndarray) -> np.ndarray:
    """Ridge regression (intercept unpenalized) fitted on (x, y), its penalty by exact leave-one-out error."""
    center_x, center_y = x.mean(axis=0), y.mean()
    xc, yc = x - center_x, y - center_y
    best, best_error = PENALTIES[0], np.inf
    for penalty in PENALTIES:
        hat = xc @ np.linalg.solve(xc.T @ xc + penalty * np.eye(x.shape[1]), xc.T)
        hat += 1.0 / len(y)  # the intercept's share of the hat matrix
        residual = (y - (hat @ yc + center_y)) / np.clip(1.0 - np.diag(hat), 1e-9, None)
        error = float(np.mean(residual**2))
        if error < best_error - 1e-12:
            best, best_error = penalty, error
    weights = np.linalg.solve(xc.T @ xc + best * np.eye(x.shape[1]), xc.T @ yc)
    return (everywhere - center_x) @ weights + center_y


def scores(predicted: np.ndarray, measured: np.ndarray) -> tuple[float, float]:
    """Spearman's rho, and the share of the predicted fastest 1 % among the truly fastest 1 %."""
    rho = float(spearmanr(predicted, measured).statistic) if np.ptp(predicted) > 0 else 0.0
    count = max(1, round(TOP_SHARE * len(measured)))
    fastest = set(np.argsort(measured, kind="stable")[:count].tolist())
    guessed = np.argsort(predicted, kind="stable")[:count].tolist()
    return rho, len(fastest.intersection(guessed)) / count


def summary_markdown(results: pd.DataFrame) -> str:
    """Mean Spearman rho and top-1 % precision per (k, method), over devices and draws; then per device."""
    overall = results.groupby(["shots", "method"], sort=True)[["spearman", "precision"]].mean().unstack("method")
    methods = [m for m in (*METHODS, "help-maml") if m in set(results["method"])]
    lines = [
        f"Leave-one-device-out over {results['device'].nunique()} devices, {results['draw'].nunique()} draws of "
        "the k cells each; mean over devices and draws.",
        "",
        "| k | " + " | ".join([f"rho {m}" for m in methods] + [f"top-1% precision {m}" for m in methods]) + " |",
        "|---|" + "---|" * (2 * len(methods)),
    ]
    for k, row in overall.iterrows():
        values = [row[("spearman", m)] for m in methods] + [row[("precision", m)] for m in methods]
        lines.append(f"| {k} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    per = results.groupby(["device", "shots", "method"], sort=True)["spearman"].mean().unstack(["shots", "method"])
    lines += ["", "Spearman rho per device (mean over draws):", ""]
    lines.append("| device | " + " | ".join(f"k={k} {m}" for k, m in per.columns) + " |")
    lines.append("|---|" + "---|" * len(per.columns))
    for device, row in per.iterrows():
        lines.append(f"| {device} | " + " | ".join(f"{v:.3f}" for v in row.to_numpy()) + " |")
    return "\n".join(lines) + "\n"
