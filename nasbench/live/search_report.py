"""The short Markdown report of one `nasbench search`: anytime curve over real time, top designs, test score.

Owns `OUT/report.md` and `OUT/anytime.png`, drawn from the search history and the cache only; it
never trains and never reruns a search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from nasbench.files import atomic_path
from nasbench.live.benchmark import LiveBenchmark
from nasbench.live.crossval import CrossValidated

TOP = 5


def _curve(out: Path, history: pd.DataFrame, observe: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.step(history["end"], history["incumbent_observed"], where="post", label="incumbent")
    ax.scatter(history["end"], history["observed"], s=6, alpha=0.4, label="evaluations")
    ax.set_xlabel("real time (s)")
    ax.set_ylabel(f"{observe} (validation)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_path(out / "anytime.png") as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)
    return "anytime.png"


def top_designs(bench: LiveBenchmark | CrossValidated, k: int = TOP) -> pd.DataFrame:
    """The `k` best architectures trained to full fidelity, by the observed metric (from the cache; with
    cross-validation, the mean over folds and its spread)."""
    rows = []
    observe = bench.info.observe
    columns = ["architecture", observe, *([f"{observe}_std"] if isinstance(bench, CrossValidated) else [])]
    for arch in bench.runs:
        record = bench.cached(arch, None, None, metrics=[observe, "params", "train_seconds"])
        if record is not None:
            rows.append({"architecture": arch, **record})
    frame = pd.DataFrame(rows, columns=[*columns, "params", "train_seconds"])
    ascending = not bench.info.metrics[bench.info.observe].maximize
    return frame.sort_values(bench.info.observe, ascending=ascending, kind="stable").head(k)


def _markdown(frame: pd.DataFrame) -> list[str]:
    """A Markdown table (numbers to 4 significant digits), without the optional `tabulate`."""
    escape = lambda v: f"`{v}`".replace("|", "\\|")  # noqa: E731  # NB201 strings are full of pipes
    cells = [[escape(v) if isinstance(v, str) else f"{v:.4g}" for v in row] for row in frame.itertuples(index=False)]
    return [
        "| " + " | ".join(frame.columns) + " |",
        "|" + "---|" * len(frame.columns),
        *("| " + " | ".join(row) + " |" for row in cells),
    ]


def write_report(
    out: Path, bench: LiveBenchmark | CrossValidated, history: pd.DataFrame, record: dict[str, Any]
) -> Path:
    """Write OUT/report.md (and its figure); return its path."""
    observe = bench.info.observe
    figure = _curve(out, history, observe)
    folds = "; mean and spread over folds" if isinstance(bench, CrossValidated) else ""
    top = top_designs(bench)
    lines = [
        f"# nasbench search on {record['data']}",
        "",
        f"- mode: real time (cost: measured wall seconds on this machine); strategy {record['settings']['strategy']}, "
        f"budget {record['settings']['budget']}, {record['evaluations']} evaluations in "
        f"{record['search_seconds']:.0f} s",
        f"- space {record['space']}; protocol {record['protocol']['name']} ({record['protocol']['epochs']} epochs)",
        f"- rows: {record['rows']['search']} searched on (split {record['split']}), {record['rows']['test']} test",
        "",
        "## Final",
        "",
        f"best architecture: `{record['best_architecture']}`",
        "",
        f"test {record['metric']}: **{record['test_score']:.4f}** (retrained on train + validation, scored once on "
        "the test split the search never saw)",
        "",
        "## Anytime curve",
        "",
        f"![incumbent over real time]({figure})",
        "",
        f"## Top {TOP} designs (validation, full fidelity{folds})",
        "",
        *(_markdown(top) if len(top) else ["(none trained to full fidelity)"]),
        "",
    ]
    path = out / "report.md"
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines))
    return path
