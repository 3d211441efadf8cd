"""Checking a surrogate against real training: the engine of `nasbench validate`.

Owns choosing architectures the surrogate never saw (one per isomorphism class, spread across
the predicted range, plus the predicted top K), training them with the protocol of the table the
surrogate was fitted on, and the comparison: Kendall's tau, Spearman's rho, mean absolute
error, and how often the measured value falls inside the predicted seed noise. It writes a
Markdown report, a scatter plot and the raw pairs as JSON (each file atomically). It never
refits the surrogate and never writes the table.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats
from tqdm import tqdm

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.live._torch import resolve_device
from nasbench.live.build import FINAL, BuildSpec, classes, run_one, run_tasks, spec_of_table
from nasbench.registry import table_path
from nasbench.spaces import EnumerableSpace
from nasbench.surrogate.model import Surrogate, load_surrogate

log = logging.getLogger(__name__)


@dataclass
class Pair:
    """One trained architecture: why it was chosen, what was predicted and what was measured."""

    arch: str
    group: str  # "range" or "top"
    predicted: float
    noise_std: float
    measured: float
    runs: list[float]


def choose(surrogate: Surrogate, sample: int, top: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """(architecture, group): `top` best predicted unseen classes, then `sample` spread over the predicted range.

    The range is cut into `sample` bins of equal count (by predicted value); one class is drawn
    from each, so the check covers poor and good architectures alike.
    """
    space = surrogate.space
    if not isinstance(space, EnumerableSpace):
        raise NasbenchError(f"expected a surrogate of an enumerable space, got one of {space.name!r}")
    firsts = [space.arch(group[0]) for group in classes(space.name)]
    unseen = [a for a, seen in zip(firsts, surrogate.trained_on(firsts), strict=True) if not seen]
    if len(unseen) < sample + top:
        raise NasbenchError(f"expected at least {sample + top} classes the surrogate never saw, got {len(unseen)}")
    observe = surrogate.meta["observe"]
    predicted = surrogate.predict(unseen)[observe]
    order = np.argsort(predicted, kind="stable")
    if surrogate.meta["metrics"][observe]["direction"] == "maximize":
        order = order[::-1]
    best, rest = order[:top], order[top:]  # both sorted by prediction, best first
    picks = [int(b[rng.integers(len(b))]) for b in np.array_split(rest, sample) if len(b)]
    chosen = [(space.to_str(unseen[i]), "top") for i in best]
    return chosen + [(space.to_str(unseen[i]), "range") for i in picks]


def _measure(
    spec: BuildSpec, archs: list[str], seeds: int, device: str, jobs: int, data_dir: str | None, quiet: bool
) -> dict[str, dict[int, dict[str, list[float]]]]:
    """arch -> the run records of seeds 0..seeds-1 (CPU runs in `jobs` processes, else one by one)."""
    tasks = [(spec, arch, s, s, data_dir) for arch in archs for s in range(seeds)]
    runs: dict[str, dict[int, Any]] = {arch: {} for arch in archs}
    with tqdm(total=len(tasks), disable=quiet, unit="run", desc="validate") as bar:
        if device == "cpu":
            for arch, position, record in run_tasks(tasks, jobs):
                runs[arch][position] = record
                bar.update()
        else:
            for _, arch, position, seed, _ in tasks:
                runs[arch][position] = run_one(spec, arch, seed, data_dir, device)
                bar.update()
    return runs


def summarise(pairs: list[Pair], seeds: int) -> dict[str, Any]:
    """Rank agreement, error and noise coverage of measured against predicted values."""
    measured = np.array([p.measured for p in pairs])
    predicted = np.array([p.predicted for p in pairs])
    noise = np.array([p.noise_std for p in pairs]) / np.sqrt(seeds)  # the noise of a mean over `seeds` runs
    error = np.abs(measured - predicted)
    tau = stats.kendalltau(predicted, measured)
    rho = stats.spearmanr(predicted, measured)
    top = [p.measured for p in pairs if p.group == "top"]
    covered = {k: float(np.mean(error <= k * noise)) if noise.any() else None for k in (1, 2)}
    return {
        "n": len(pairs),
        "kendall_tau": float(tau.statistic),
        "kendall_p": float(tau.pvalue),
        "spearman_rho": float(rho.statistic),
        "mae": float(error.mean()),
        "bias": float((predicted - measured).mean()),
        "coverage_1sd": covered[1],
        "coverage_2sd": covered[2],
        "top_measured_mean": float(np.mean(top)) if top else None,
        "top_measured_best": float(np.max(top)) if top else None,
    }


def _scatter(pairs: list[Pair], summary: dict[str, Any], metric: str, seeds: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=120)
    for group, colour in (("range", "tab:blue"), ("top", "tab:red")):
        chosen = [p for p in pairs if p.group == group]
        x = [p.predicted for p in chosen]
        ax.errorbar(
            x,
            [p.measured for p in chosen],
            xerr=[2 * p.noise_std / np.sqrt(seeds) for p in chosen],  # the noise of a mean, as in the coverage
            fmt="o",
            ms=4,
            color=colour,
            elinewidth=0.6,
            label=f"{group} ({len(chosen)})",
        )
    values = [v for p in pairs for v in (p.predicted, p.measured)]
    low, high = min(values), max(values)
    ax.plot([low, high], [low, high], color="grey", lw=0.8, ls="--")
    ax.set_xlabel(f"predicted {metric} (bars: 2 x predicted noise of a {seeds}-seed mean)")
    ax.set_ylabel(f"measured {metric}")
    ax.set_title(f"Kendall tau {summary['kendall_tau']:.3f}, MAE {summary['mae']:.2f}")
    ax.legend(loc="lower right")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)


def _markdown(meta: dict[str, Any], spec: BuildSpec, summary: dict[str, Any], pairs: list[Pair], seeds: int) -> str:
    metric, fidelity = meta["observe"], meta["fidelity"]
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    lines = [
        f"# Surrogate check: {meta['benchmark']} / {meta['dataset']}",
        "",
        f"Trained {summary['n']} architectures the surrogate never saw (one per isomorphism class): "
        f"{sum(p.group == 'top' for p in pairs)} of its predicted best and "
        f"{sum(p.group == 'range' for p in pairs)} spread over its predicted range; protocol "
        f"`{spec.protocol.name}`, {seeds} seed(s) each; compared on `{metric}` at {fidelity} "
        f"{meta.get('fidelity_unit', '')}.",
        "",
        "| statistic | value |",
        "| --- | --- |",
        f"| Kendall tau (p) | {summary['kendall_tau']:.3f} ({summary['kendall_p']:.2g}) |",
        f"| Spearman rho | {summary['spearman_rho']:.3f} |",
        f"| mean absolute error | {summary['mae']:.3f} |",
        f"| bias (predicted - measured) | {summary['bias']:+.3f} |",
        f"| inside 1 x predicted noise (nominal 68 %) | {fmt(summary['coverage_1sd'])} |",
        f"| inside 2 x predicted noise (nominal 95 %) | {fmt(summary['coverage_2sd'])} |",
        f"| measured, predicted top: mean / best | {fmt(summary['top_measured_mean'])} / "
        f"{fmt(summary['top_measured_best'])} |",
        "",
        "The predicted noise is the surrogate's seed-to-seed deviation (divided by the square root of the "
        "number of seeds); coverage below nominal means the surrogate's own error exceeds the seed noise.",
        "",
        "![measured against predicted](scatter.png)",
        "",
        "| group | architecture | predicted | noise | measured |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in pairs:  # a '|' inside a table cell must be escaped, even in code
        arch = p.arch.replace("|", "\\|")
        lines.append(f"| {p.group} | `{arch}` | {p.predicted:.2f} | {p.noise_std:.2f} | {p.measured:.2f} |")
    return "\n".join(lines) + "\n"


def _value(record: dict[str, list[float]], metric: str, fidelity: int) -> float:
    if metric in FINAL:
        return record[metric][-1]
    if metric not in record:
        raise NasbenchError(f"expected an observed metric the trainer records ({', '.join(record)}), got {metric!r}")
    return record[metric][fidelity - 1]


def _pairs(
    surrogate: Surrogate, chosen: list[tuple[str, str]], runs: dict[str, dict[int, Any]], seeds: int
) -> list[Pair]:
    """Measured (mean over seeds) against predicted, with the predicted seed noise, per architecture."""
    observe, fidelity = surrogate.meta["observe"], int(surrogate.meta["fidelity"])
    archs = [a for a, _ in chosen]
    predicted = surrogate.predict(archs)[observe]
    noise = surrogate.noise_std(archs).get(observe, np.zeros(len(archs)))
    pairs = []
    for i, (arch, group) in enumerate(chosen):
        values = [_value(runs[arch][s], observe, fidelity) for s in range(seeds)]
        pairs.append(Pair(arch, group, float(predicted[i]), float(noise[i]), float(np.mean(values)), values))
    return pairs


def validate(
    surrogate_path: str | Path,
    sample: int = 32,
    top: int = 10,
    seeds: int = 1,
    seed: int = 0,
    device: str = "auto",
    jobs: int = 1,
    data_dir: str | None = None,
    out: str | Path | None = None,
    quiet: bool = False,
) -> str:
    """Train unseen architectures, compare with the surrogate, write the report; return a summary line."""
    if sample < 2 or top < 0 or seeds < 1 or jobs < 1:
        raise NasbenchError(
            f"expected --sample >= 2, --top >= 0, --seeds >= 1, --jobs >= 1, got {sample}, {top}, {seeds}, {jobs}"
        )
    surrogate = load_surrogate(surrogate_path)
    meta = surrogate.meta
    spec = spec_of_table(table_path(meta["benchmark"]))
    target = resolve_device(device).type
    chosen = choose(surrogate, sample, top, np.random.default_rng(seed))
    folder = Path(out) if out else Path(f"validation-{Path(surrogate_path).stem}")
    folder.mkdir(parents=True, exist_ok=True)  # before training: a folder that cannot be made costs nothing
    archs = [a for a, _ in chosen]
    runs = _measure(spec, archs, seeds, target, jobs, data_dir, quiet)
    pairs = _pairs(surrogate, chosen, runs, seeds)
    summary = summarise(pairs, seeds)
    _scatter(pairs, summary, meta["observe"], seeds, folder / "scatter.png")
    with atomic_path(folder / "report.md") as tmp:
        tmp.write_text(_markdown(meta, spec, summary, pairs, seeds))
    document = {
        "surrogate": str(surrogate_path),
        "device": target,
        "summary": summary,
        "pairs": [p.__dict__ for p in pairs],
    }
    with atomic_path(folder / "validation.json") as tmp:
        tmp.write_text(json.dumps(document, indent=2))
    return (
        f"report in {folder}: Kendall tau {summary['kendall_tau']:.3f}, MAE {summary['mae']:.3f} on {len(pairs)} "
        f"unseen architectures ({target})"
    )
