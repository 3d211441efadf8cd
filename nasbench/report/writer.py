"""`nasbench report`: results folders in, a folder of figures, tables and an index.md out.

Owns assembling a report: loading and checking the comparisons, choosing what can be
shown (no band for one run, no ranks for one strategy), and writing every file
atomically. It never reruns a search.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.report.cost import cost_markdown, cost_table
from nasbench.report.final import final_table, final_values, to_latex, to_markdown
from nasbench.report.fronts import (
    beyond_note,
    front_name,
    front_plot,
    multi_objective_rows,
    reference_note,
    regret_plot,
)
from nasbench.report.fronts import settings as front_settings
from nasbench.report.optimum import optima
from nasbench.report.plots import anytime_plot, cd_diagram, rank_plot
from nasbench.report.ranks import rank_test
from nasbench.report.style import LABELS, ordered, styled
from nasbench.results import ResultsFolder

log = logging.getLogger(__name__)
NEEDED = frozenset(
    {"benchmark", "dataset", "strategy", "run", "eval", "end", "cost", "incumbent_score", "score_metric"}
)
FORMATS = ("png", "svg", "pdf")
_METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def load_results(folders: Sequence[str | os.PathLike[str]]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Every run of every folder, checked for compatibility; and each folder's settings."""
    if not folders:
        raise NasbenchError("expected at least one results folder")
    frames, settings = [], []
    owner: dict[tuple[str, str], str | os.PathLike[str]] = {}
    problems: dict[str, tuple[str | os.PathLike[str], str]] = {}  # per dataset: first folder, its problem
    for folder in folders:
        results = ResultsFolder(folder)
        setting, frame = results.read_settings(), results.load(NEEDED)
        for key in frame[["dataset", "strategy"]].drop_duplicates().itertuples(index=False):
            if key in owner:
                raise NasbenchError(f"{owner[key]} and {folder} both hold {key[1]} on {key[0]}; report them separately")
            owner[key] = folder
        problem = _problem_text(setting)
        first, before = problems.setdefault(setting["dataset"], (folder, problem))
        if before != problem:  # regret against two different fronts or optima is not comparable
            raise NasbenchError(
                f"{first} and {folder} solve different problems on {setting['dataset']} ({before} there, {problem} "
                "here); report them separately"
            )
        frames.append(frame)
        settings.append({**setting, "folder": str(folder)})
    return pd.concat(frames, ignore_index=True), settings


def _problem_text(setting: dict[str, Any]) -> str:
    objectives = setting.get("objectives") or "the observed metric"
    constraints = setting.get("constraints")
    return objectives + (f" subject to {constraints}" if constraints else "")


def caveats(frame: pd.DataFrame) -> list[str]:
    """What the report cannot show for these results, in words."""
    notes = []
    if frame["strategy"].nunique() < 2:
        notes.append("only one strategy: no ranks and no critical-difference diagram")
    if frame.groupby(["dataset", "strategy"])["run"].nunique().min() < 2:
        notes.append("a single run per strategy: no confidence bands, no ranks")
    return notes


@styled
def _save(fig: Figure, out: Path, name: str) -> list[str]:
    names = []
    for extension in FORMATS:
        with atomic_path(out / f"{name}.{extension}") as tmp:
            fig.savefig(tmp, format=extension, dpi=200, metadata=_METADATA[extension])
        names.append(f"{name}.{extension}")
    plt.close(fig)
    return names


def _write(out: Path, name: str, text: str) -> None:
    with atomic_path(out / name) as tmp:
        tmp.write_text(text)


def _checkpoints(settings: list[dict[str, Any]]) -> tuple[str, ...]:
    budgets = {s["budget"] for s in settings}
    if len(budgets) != 1:
        return ("final",)
    budget = budgets.pop()
    unit = "evals" if budget.endswith("evals") else "s"
    amount = float(budget.removesuffix(unit))
    return (f"{amount / 2:g}{unit}", "final")


def write_report(folders: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], stat: str = "median") -> Path:
    """Write figures (PNG, SVG, PDF), tables (Markdown, LaTeX, CSV) and index.md; return index.md's path."""
    frame, settings = load_results(folders)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    best = optima(frame)
    maximize = all(m for _, m in best.values())
    notes = caveats(frame)
    figures = {
        "anytime_time": anytime_plot(frame, "time", "score", stat),
        "anytime_evals": anytime_plot(frame, "evals", "score", stat),
        "regret_time": anytime_plot(frame, "time", "regret", stat, optimum=best),
    }
    blocks = final_values(frame).pivot_table(index=["dataset", "run"], columns="strategy", values="value")
    test = rank_test(blocks, ordered(frame["strategy"].unique()), maximize)
    if not notes:
        figures["ranks_time"] = rank_plot(frame, "time", maximize)
        figures["critical_difference"] = cd_diagram(test)
    files = {name: _save(fig, out, name) for name, fig in figures.items()}
    extra = _multi_objective(frame, out, stat, _checkpoints(settings), files)
    table = final_table(frame, _checkpoints(settings))
    _write(out, "final.md", to_markdown(table, maximize))
    _write(out, "final.tex", to_latex(table, maximize))
    _write(out, "final.csv", table.to_csv(index=False))
    overhead = {(s["dataset"], name): s["overhead_seconds"] for s in settings for name in s["strategies"]}
    costs = cost_table(frame, overhead)
    _write(out, "cost.md", cost_markdown(costs))
    _write(out, "cost.csv", costs.to_csv(index=False))
    if test.pairs:
        _write(out, "tests.csv", test.table().to_csv(index=False))
    index = _index(frame, settings, files, table, costs, test, notes, best, maximize)
    _write(out, "index.md", index + "".join(f"\n{line}" for line in extra))
    for note in notes:
        log.warning(note)
    return out / "index.md"


def _multi_objective(
    frame: pd.DataFrame, out: Path, stat: str, checkpoints: tuple[str, ...], files: dict[str, list[str]]
) -> list[str]:
    """Pareto-front and hypervolume figures and the hypervolume-regret table; the index's section on them."""
    rows = multi_objective_rows(frame)
    if rows.empty:
        return []
    fronts = front_settings(rows)
    figures = {
        "pareto_fronts": front_plot(rows, fronts),
        "hv_regret_evals": regret_plot(rows, "evals", stat),
        "hv_regret_time": regret_plot(rows, "time", stat),
        "true_front_found": regret_plot(rows, "evals", stat, "attainment", front_name(fronts)),
    }
    files.update({name: _save(fig, out, name) for name, fig in figures.items()})
    table = final_table(rows, checkpoints, "hv_regret")
    _write(out, "final_hv_regret.md", to_markdown(table, maximize=False, digits=4))
    _write(out, "final_hv_regret.tex", to_latex(table, maximize=False, digits=4))
    _write(out, "final_hv_regret.csv", table.to_csv(index=False))
    beyond = beyond_note(fronts)
    lines = [
        "## Multi-objective: hypervolume regret",
        "",
        "The anytime, rank and final-performance sections above follow the observed metric alone (the incumbent "
        "is the best feasible observation); this section and the front figures measure the fronts.",
        "",
        "Hypervolume of the attained front subtracted from the front's, both with every objective scaled to [0, 1] "
        "between its best and worst value over the architectures the front is computed from (full fidelity, seed "
        "mean); mean ± std (standard error), lowest in bold. Also as [LaTeX](final_hv_regret.tex) and "
        "[CSV](final_hv_regret.csv).",
        "",
        *reference_note(fronts),
        "",
        to_markdown(table, maximize=False, digits=4),
        *(["", *beyond] if beyond else []),
    ]
    if "epsilon" in rows.columns and rows["epsilon"].notna().any():  # results older than the indicator lack it
        epsilon = final_table(rows, checkpoints, "epsilon")
        _write(out, "final_epsilon.md", to_markdown(epsilon, maximize=False, digits=4))
        _write(out, "final_epsilon.tex", to_latex(epsilon, maximize=False, digits=4))
        _write(out, "final_epsilon.csv", epsilon.to_csv(index=False))
        lines += [
            "",
            "## Multi-objective: additive epsilon indicator",
            "",
            "The least amount, in the same scaled units, by which the attained front must improve in every objective "
            f"at once to weakly dominate the whole {front_name(fronts)} (Zitzler et al., IEEE TEC 2003): 0.02 means "
            "every front network has a found one within 2 % of each objective's range; 0 when the whole front is "
            "found. Mean ± std (standard error), lowest in bold. Also as [LaTeX](final_epsilon.tex) and "
            "[CSV](final_epsilon.csv).",
            "",
            to_markdown(epsilon, maximize=False, digits=4),
        ]
    return lines


def feasible_markdown(frame: pd.DataFrame) -> str:
    """Share of each strategy's evaluations that met the constraints, per dataset (constrained runs only)."""
    feasible = frame.assign(feasible=frame["feasible"].astype(float))
    share = feasible.groupby(["dataset", "strategy"])["feasible"].mean().unstack("dataset")
    lines = ["| strategy | " + " | ".join(share.columns) + " |", "| --- |" + " --- |" * len(share.columns)]
    for strategy in ordered(share.index):
        cells = ["-" if pd.isna(v) else f"{v:.0%}" for v in share.loc[strategy]]
        lines.append(f"| {LABELS.get(strategy, strategy)} | " + " | ".join(cells) + " |")
    intro = "Share of evaluations that met the constraints (infeasible ones are recorded, never dropped):"
    return intro + "\n\n" + "\n".join(lines)


def command_of(setting: dict[str, Any]) -> str:
    """The `nasbench compare` command that reproduces a comparison's settings."""
    parts = [
        f"nasbench compare --bench {setting['benchmark']} --dataset {setting['dataset']}",
        f"--strategies {','.join(setting['strategies'])} --runs {setting['runs']} --budget {setting['budget']}",
        f"--workers {setting['workers']} --seed {setting['root_seed']}",
    ]
    if setting.get("estimator", "table") != "table":
        parts.append(f"--estimator {setting['estimator']}")
    if setting.get("fidelity") is not None:
        parts.append(f"--fidelity {setting['fidelity']}")
    if setting.get("objectives"):
        parts.append(f"--objectives {setting['objectives']}")
    parts += [f"--constraint '{c}'" for c in setting.get("constraints", "").split(";") if c]
    if setting.get("overhead_seconds"):
        parts.append(f"--overhead-seconds {setting['overhead_seconds']:g}")
    parts += [f"--set {name}.{key}={value}" for name, hp in setting["strategies"].items() for key, value in hp.items()]
    parts.append(f"--out {setting['folder']}")
    return " \\\n    ".join(parts)


def _index(
    frame: pd.DataFrame,
    settings: list[dict[str, Any]],
    files: dict[str, list[str]],
    table: pd.DataFrame,
    costs: pd.DataFrame,
    test: Any,
    notes: list[str],
    best: dict[str, tuple[float, bool]],
    maximize: bool,
) -> str:
    lines = ["# Comparison report", ""]
    lines += [f"> Note: {note}." for note in notes] + ([""] if notes else [])
    lines += ["## Settings", ""]
    for setting in settings:
        lines += [
            "```",
            command_of(setting),
            "```",
            "",
            f"- data: `{setting['benchmark']}` {setting.get('estimator', 'table')} SHA-256 `{setting['data_sha256']}`; "
            f"nasbench {setting['code_version']}",
            "",
        ]
    constrained = {s["dataset"]: s["constraints"] for s in settings if s.get("constraints")}
    lines += [
        "- optimum of the scored metric in the table (regret reference): "
        + ", ".join(
            f"{d} {v:.2f}" + (f" (best meeting {constrained[d]})" if d in constrained else "")
            for d, (v, _) in sorted(best.items())
        ),
        "",
    ]
    lines += ["## Figures", ""]
    for name, names in files.items():
        title = name.replace("_", " ")
        lines += [
            f"### {title}",
            "",
            f"![{title}]({names[0]})",
            "",
            "Also as " + ", ".join(f"[{n.rsplit('.', 1)[1].upper()}]({n})" for n in names[1:]) + ".",
            "",
        ]
    lines += [
        "## Final performance",
        "",
        "Incumbent's scored metric, mean ± std (standard error); best mean per column in bold. "
        "Also as [LaTeX](final.tex) and [CSV](final.csv).",
        "",
        to_markdown(table, maximize),
    ]
    if test.pairs:
        friedman = (
            ""
            if test.friedman_p is None
            else (f"Friedman χ² = {test.friedman_statistic:.2f}, p = {test.friedman_p:.3g} over {test.blocks} blocks. ")
        )
        ranks = ", ".join(
            f"{LABELS.get(s, s)} {test.average_ranks[s]:.2f}"
            for s in sorted(test.strategies, key=lambda s: test.average_ranks[s])
        )
        lines += [
            "## Ranks at the final budget",
            "",
            f"{friedman}Average ranks: {ranks}. "
            "Pairwise Wilcoxon signed-rank tests with Holm correction: [tests.csv](tests.csv).",
            "",
        ]
    if constrained:
        lines += ["## Constraints", "", feasible_markdown(frame[frame["dataset"].isin(constrained)]), ""]
    lines += [
        "## Cost",
        "",
        "Means per run. Optimizer time is what the runner charged by its declared model.",
        "",
        cost_markdown(costs),
    ]
    return "\n".join(lines)
