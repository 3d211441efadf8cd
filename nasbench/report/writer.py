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
from nasbench.report.analysis import MEANINGFUL_TASKS, Analysis, across_tasks, analyses, within_tasks
from nasbench.report.command import command_of
from nasbench.report.cost import cost_markdown, cost_table
from nasbench.report.counts import count_notes, empty_runs, run_counts
from nasbench.report.final import final_table, to_latex, to_markdown
from nasbench.report.fronts import (
    beyond_note,
    front_name,
    front_plot,
    multi_objective_rows,
    reference_note,
    regret_plot,
)
from nasbench.report.fronts import settings as front_settings
from nasbench.report.meta import transfer_section
from nasbench.report.optimum import optima
from nasbench.report.plots import anytime_plot, cd_diagram, rank_plot
from nasbench.report.ranks import METHODS, PairTests, RankTest
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
        settings.append({**setting, "folder": str(folder), "empty_runs": empty_runs(folder, frame)})
    return pd.concat(frames, ignore_index=True), settings


def _problem_text(setting: dict[str, Any]) -> str:
    objectives = setting.get("objectives") or "the observed metric"
    constraints = setting.get("constraints")
    return objectives + (f" subject to {constraints}" if constraints else "")


def caveats(frame: pd.DataFrame) -> list[str]:
    """What the report cannot show for these results, in words."""
    notes = []
    if frame["strategy"].nunique() < 2:
        notes.append("only one strategy: no ranks, no tests and no critical-difference diagram")
    runs = run_counts(frame)
    if runs.max() == 1:
        notes.append("a single run per strategy: no confidence bands, no tests")
    elif runs.min() == 1:
        single = ", ".join(f"{LABELS.get(s, s)} on {d}" for (d, s), n in runs.items() if n == 1)
        notes.append(f"a single run of {single}: no band and no test for it")
    if frame["strategy"].nunique() >= 2 and len(tasks_of(frame)) < 2:
        notes.append(
            "a single task (benchmark x dataset): no critical-difference diagram, which ranks strategies across "
            "tasks (Demsar 2006); within the task, strategies with 2 or more runs are compared by Mann-Whitney U tests"
        )
    elif frame["strategy"].nunique() >= 2 and len(tasks_of(frame)) < MEANINGFUL_TASKS:
        notes.append(
            f"only {len(tasks_of(frame))} tasks: a critical-difference diagram across fewer than {MEANINGFUL_TASKS} "
            "tasks is not meaningful (Demsar 2006), so none is drawn; within each task, strategies with 2 or more "
            "runs are compared by Mann-Whitney U tests"
        )
    return notes


def tasks_of(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The (benchmark, dataset) tasks of a results frame."""
    return sorted(set(zip(frame["benchmark"], frame["dataset"], strict=True)))


@styled
def _save(fig: Figure, out: Path, name: str) -> list[str]:
    names = []
    fig.set_dpi(200)
    fig.draw_without_rendering()  # lays the figure out once; its tight box then holds the legend's full width
    box = fig.get_tightbbox().padded(0.03)
    fig.set_layout_engine("none")  # the same layout in every format
    for extension in FORMATS:
        with atomic_path(out / f"{name}.{extension}") as tmp:
            fig.savefig(tmp, format=extension, dpi=200, metadata=_METADATA[extension], bbox_inches=box)
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
    per_dataset = {dataset: maximize for dataset, (_, maximize) in best.items()}
    maximize = per_dataset  # each final-table column bolds its best in its own metric's direction
    notes = count_notes(frame, settings) + caveats(frame)
    scoring = scoring_rule(settings, frame)
    figures = {
        "anytime_time": anytime_plot(frame, "time", "score", stat, optimum=best, scoring=scoring),
        "anytime_evals": anytime_plot(frame, "evals", "score", stat, optimum=best, scoring=scoring),
        "regret_time": anytime_plot(frame, "time", "regret", stat, optimum=best, scoring=scoring),
    }
    statistics = [
        line for analysis in analyses(frame, per_dataset) for line in _statistics(analysis, out, stat, figures, scoring)
    ]
    files = {name: _save(fig, out, name) for name, fig in figures.items()}
    checkpoints = _checkpoints(settings)
    extra = _multi_objective(frame, out, stat, checkpoints, files)
    table = with_transfer(frame, final_table(frame, checkpoints))
    _tables(out, "final", table, maximize)
    overhead = {(s["dataset"], name): s["overhead_seconds"] for s in settings for name in s["strategies"]}
    costs = cost_table(frame, overhead)
    _write(out, "cost.md", cost_markdown(costs))
    _write(out, "cost.csv", costs.to_csv(index=False))
    sections = [
        _header(notes),
        _settings_section(settings, best),
        _figures_section(files),
        _final_section(table, maximize, scoring),
        statistics,
        _constraints_section(frame, settings),
        _cost_section(costs),
        transfer_section(frame, settings, per_dataset, out),
    ]
    _write(
        out, "index.md", "\n".join(line for section in sections for line in section) + "".join(f"\n{x}" for x in extra)
    )
    for note in notes:
        log.warning(note)
    return out / "index.md"


UNRECORDED = "{metric} of the incumbent as the runner recorded it (these results predate a recorded scoring rule)"


def scoring_rule(settings: list[dict[str, Any]], frame: pd.DataFrame) -> str:
    """The one-line scoring rule the comparisons state, or what older results say for themselves."""
    metric = "/".join(sorted(frame["score_metric"].unique()))
    rules = sorted({s.get("scoring") or UNRECORDED.format(metric=metric) for s in settings})
    return rules[0] if len(rules) == 1 else "per comparison, see index.md"


def with_transfer(frame: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The final table plus, for each `transfer_<dataset>` column, the incumbent's score there ('d -> other')."""
    parts = [table]
    for column in sorted(c for c in frame.columns if c.startswith("transfer_")):
        rows = frame[frame[column].notna()]
        if rows.empty:
            continue
        part = final_table(rows, ("final",), column)
        part["dataset"] = part["dataset"] + " -> " + column.removeprefix("transfer_")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _statistics(
    analysis: Analysis, out: Path, stat: str, figures: dict[str, Figure], scoring: str | None = None
) -> list[str]:
    """Expected-rank figure, unpaired tests within tasks and rank tests across tasks; their index lines."""
    if len(analysis.strategies) < 2:
        return []
    suffix = analysis.suffix
    scoring = scoring if analysis.y == "incumbent_score" else None  # hypervolume regret has its own section
    figures[f"ranks{suffix}_time"] = rank_plot(analysis.rows, "time", analysis.maximize, analysis.y, scoring)
    lines = []
    within = [test for test in within_tasks(analysis) if test.pairs]
    if within:
        _write(out, f"tests{suffix}.csv", pd.concat([t.table() for t in within]).to_csv(index=False))
        lines += _within_section(analysis, within)
    for method in METHODS:
        test = across_tasks(analysis, stat, method)
        if test is None:
            continue
        name = f"critical_difference{suffix}" + ("" if method == "nemenyi" else "_wilcoxon")
        figures[name] = cd_diagram(test, f"{stat} {analysis.what}", scoring)
        if method == "wilcoxon":
            _write(out, f"cd_tests{suffix}.csv", test.table().to_csv(index=False))
        lines += _across_section(analysis, test, name, stat)
    return lines


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
    _tables(out, "final_hv_regret", table, maximize=False, digits=4)
    beyond = beyond_note(fronts)
    lines = [
        "## Multi-objective: hypervolume regret",
        "",
        "The anytime and final-performance sections above follow the observed metric alone (the incumbent is the "
        "best feasible observation); the ranks and tests of multi-objective runs, this section and the front "
        "figures measure the fronts (hypervolume regret).",
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
    return lines + _epsilon_section(rows, out, checkpoints, front_name(fronts))


def _tables(out: Path, stem: str, table: pd.DataFrame, maximize: bool | dict[str, bool], digits: int = 2) -> None:
    """A final table as Markdown, LaTeX and CSV."""
    _write(out, f"{stem}.md", to_markdown(table, maximize, digits))
    _write(out, f"{stem}.tex", to_latex(table, maximize, digits))
    _write(out, f"{stem}.csv", table.to_csv(index=False))


def _epsilon_section(rows: pd.DataFrame, out: Path, checkpoints: tuple[str, ...], front: str) -> list[str]:
    """The additive epsilon indicator's table and section (results older than the indicator lack it)."""
    if "epsilon" not in rows.columns or not rows["epsilon"].notna().any():
        return []
    epsilon = final_table(rows, checkpoints, "epsilon")
    _tables(out, "final_epsilon", epsilon, maximize=False, digits=4)
    return [
        "",
        "## Multi-objective: additive epsilon indicator",
        "",
        "The least amount, in the same scaled units, by which the attained front must improve in every objective "
        f"at once to weakly dominate the whole {front} (Zitzler et al., IEEE TEC 2003): 0.02 means "
        "every front network has a found one within 2 % of each objective's range; 0 when the whole front is "
        "found. Mean ± std (standard error), lowest in bold. Also as [LaTeX](final_epsilon.tex) and "
        "[CSV](final_epsilon.csv).",
        "",
        to_markdown(epsilon, maximize=False, digits=4),
    ]


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


def _header(notes: list[str]) -> list[str]:
    return ["# Comparison report", "", *(f"> Note: {note}." for note in notes), *([""] if notes else [])]


def _settings_section(settings: list[dict[str, Any]], best: dict[str, tuple[float, bool]]) -> list[str]:
    """Per comparison: the command that reproduces it, its data and its scoring rule; the regret references."""
    lines = ["## Settings", ""]
    for setting in settings:
        scoring = setting.get("scoring") or "not recorded (these results predate a recorded scoring rule)"
        origin = ["```", command_of(setting), "```"]
        if setting.get("source"):  # converted by nasbench.adapters.external: no command reproduces it
            origin = [f"- {', '.join(setting['strategies'])} in `{setting['folder']}`: {setting['source']}"]
        lines += [
            *origin,
            "",
            f"- data: `{setting['benchmark']}` {setting.get('estimator', 'table')} SHA-256 `{setting['data_sha256']}`; "
            f"nasbench {setting['code_version']}",
            f"- scoring: {scoring}",
            f"- mode: {setting.get('mode', 'simulated')}" + (" (cost: measured seconds)" if "mode" in setting else ""),
            "",
        ]
    constrained = {s["dataset"]: s["constraints"] for s in settings if s.get("constraints")}
    optimum = ", ".join(
        f"{d} {v:.2f}" + (f" (best meeting {constrained[d]})" if d in constrained else "")
        for d, (v, _) in sorted(best.items())
    )
    return [*lines, f"- optimum of the scored metric in the table (regret reference): {optimum}", ""]


def _figures_section(files: dict[str, list[str]]) -> list[str]:
    lines = ["## Figures", ""]
    for name, names in files.items():
        title = name.replace("_", " ")
        formats = ", ".join(f"[{n.rsplit('.', 1)[1].upper()}]({n})" for n in names[1:])
        lines += [f"### {title}", "", f"![{title}]({names[0]})", "", f"Also as {formats}.", ""]
    return lines


def _final_section(table: pd.DataFrame, maximize: bool | dict[str, bool], scoring: str) -> list[str]:
    transfer = (
        " Columns 'A -> B' score the incumbent of a search on A on dataset B."
        if " -> " in "".join(table["dataset"])
        else ""
    )
    return [
        "## Final performance",
        "",
        f"Incumbent's scored metric, mean ± std (standard error) and n, the number of runs; best mean per column in "
        f"bold.{transfer} Scoring: {scoring}. Also as [LaTeX](final.tex) and [CSV](final.csv).",
        "",
        to_markdown(table, maximize),
    ]


def _within_section(analysis: Analysis, tests: list[PairTests]) -> list[str]:
    """Per task: the pairs whose runs differ (Mann-Whitney U, Holm), with each strategy's n."""
    suffix = analysis.suffix
    lines = [
        f"## Tests within each task: {analysis.what}",
        "",
        "Runs of different strategies are independent draws, so pairs are compared unpaired: two-sided "
        f"Mann-Whitney U tests, Holm-corrected per task, alpha = 0.05 ([tests{suffix}.csv](tests{suffix}.csv)).",
        "",
    ]
    for test in tests:
        differ = [f"{LABELS.get(a, a)} vs {LABELS.get(b, b)} (p = {q:.3g})" for a, b, _, q in test.pairs if q < 0.05]
        counts = ", ".join(f"{LABELS.get(s, s)} {n}" for s, n in test.counts.items())
        found = "; ".join(differ) if differ else "none"
        lines.append(f"- {test.task} (n: {counts}): {len(differ)} of {len(test.pairs)} pairs differ: {found}")
    return [*lines, ""]


def _across_section(analysis: Analysis, test: RankTest, name: str, stat: str) -> list[str]:
    """Average ranks across tasks, Friedman, and the post-hoc rule behind one critical-difference diagram."""
    ranks = ", ".join(
        f"{LABELS.get(s, s)} {test.average_ranks[s]:.2f}"
        for s in sorted(test.strategies, key=lambda s: test.average_ranks[s])
    )
    friedman = (
        "" if test.friedman_p is None else f"Friedman χ² = {test.friedman_statistic:.2f}, p = {test.friedman_p:.3g}. "
    )
    if test.method == "nemenyi":
        rule = f"Nemenyi critical difference {test.critical_difference:.3f} (Demšar 2006)"
    else:
        rule = f"Wilcoxon signed-rank tests over tasks with Holm's correction ([cd_tests{analysis.suffix}.csv]"
        rule += f"(cd_tests{analysis.suffix}.csv))"
    missing = [LABELS.get(s, s) for s in analysis.strategies if s not in test.strategies]
    left_out = f" Left out (not run on every task): {', '.join(missing)}." if missing else ""
    text = (
        f"Strategies ranked per task (benchmark x dataset) by their {stat} {analysis.what}, over {test.blocks} "
        f"tasks. Average ranks: {ranks}. {friedman}Bars join the pairs not significantly different at alpha = "
        f"{test.alpha} by the {rule}{_friedman_first(test)}{left_out}"
    )
    return [f"## Ranks across tasks: {analysis.what} ({name.replace('_', ' ')})", "", text, ""]


def _friedman_first(test: RankTest) -> str:
    """Whether the post-hoc test applies (Friedman rejects first), and whether it could find anything."""
    text = "."
    if test.friedman_p is not None:
        rejects = test.friedman_p < test.alpha
        text = ", as Friedman rejects." if rejects else "; Friedman does not reject, so no pair is called different."
    if test.method == "wilcoxon" and test.blocks < 6:
        text += f" With {test.blocks} tasks no two-sided Wilcoxon test can reach p < 0.05 (6 or more are needed)."
    return text


def _constraints_section(frame: pd.DataFrame, settings: list[dict[str, Any]]) -> list[str]:
    constrained = {s["dataset"] for s in settings if s.get("constraints")}
    if not constrained:
        return []
    return ["## Constraints", "", feasible_markdown(frame[frame["dataset"].isin(constrained)]), ""]


def _cost_section(costs: pd.DataFrame) -> list[str]:
    return [
        "## Cost",
        "",
        "Means per run over n runs. Optimizer time is what the runner charged by its declared model.",
        "",
        cost_markdown(costs),
    ]
