"""The fidelity card as Markdown: what `nasbench surrogate card` prints and data/surrogates/*.md hold.

Owns formatting only; every number comes from the card stored in the surrogate's metadata.
"""

from __future__ import annotations

from typing import Any

MEASURES = (
    ("r2", "R²"),
    ("kendall_tau", "Kendall τ"),
    ("sparse_kendall_tau", "sparse τ"),
    ("spearman", "Spearman"),
    ("precision_top1", "top-1% prec."),
    ("precision_top5", "top-5% prec."),
    ("mae", "MAE"),
)


def _number(value: Any, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _measures_table(rows: dict[str, dict[str, float]]) -> list[str]:
    lines = ["| model | " + " | ".join(label for _, label in MEASURES) + " |", "|---" * (len(MEASURES) + 1) + "|"]
    for name, measures in rows.items():
        lines.append(f"| {name} | " + " | ".join(_number(measures.get(key)) for key, _ in MEASURES) + " |")
    return lines


def _header(meta: dict[str, Any]) -> list[str]:
    noise = ", ".join(
        f"{m}: {n['kind']} ({n['archs_with_seeds']} archs with 2+ seeds)" for m, n in meta["noise"].items()
    )
    return [
        f"# Fidelity card: {meta['benchmark']} / {meta['dataset']} surrogate",
        "",
        f"- predicts: {', '.join(meta['metrics'])} at {meta['fidelity']} {meta['fidelity_unit']}; "
        f"observed metric `{meta['observe']}`",
        f"- model: {meta['ensemble']} XGBoost regressors for `{meta['observe']}`, one per other metric; "
        f"{meta['feature_count']} features ({meta['features']})",
        f"- hyperparameters: {', '.join(f'{k}={v}' for k, v in meta['hyperparameters'].items())}",
        f"- trained on {meta['training_archs']} architectures ({len(meta['training_classes'])} isomorphism classes); "
        f"table SHA-256 `{meta['training_data_sha256'][:16]}…`",
        f"- seed noise: {noise or 'none (no per-seed values in the table)'}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}",
    ]


def _noise_ceiling(ceiling: dict[str, Any], surrogate_vs_mean: float) -> list[str]:
    """The surrogate beside the table's own seeds, like for like: against one seed, and against a seed mean."""
    if "surrogate_vs_one_seed" not in ceiling:  # a card made before the like-for-like figures
        return [
            f"Noise ceiling: Kendall τ between two training seeds of the table, {ceiling['archs']} test archs: "
            f"{ceiling['kendall_tau']:.3f}"
        ]
    return [
        f"Noise ceiling, Kendall τ on the {ceiling['archs']} test archs, like for like:",
        "",
        "| predictor | vs one training seed | vs a seed mean |",
        "|---|---|---|",
        f"| surrogate | {_number(ceiling['surrogate_vs_one_seed'])} | {_number(surrogate_vs_mean)} (all seeds) |",
        f"| a training seed of the table | {_number(ceiling['kendall_tau'])} (another seed) | "
        f"{_number(ceiling['seed_vs_mean_of_other_seeds'])} (the other seeds) |",
        "",
        "A surrogate at the noise ceiling matches the seed's row in each column.",
        "",
    ]


def _held_out(card: dict[str, Any]) -> list[str]:
    split = card["split"]
    lines = [
        "",
        f"## Held-out architectures ({split['test_archs']} test / {split['train_archs']} training, split by "
        f"{split['by']}, seed {split['seed']})",
        "",
        *_measures_table({"**surrogate**": card["surrogate"], **card["baselines"]}),
        "",
        "Learning curve (Kendall τ on the same test classes): "
        + ", ".join(f"{p['train_archs']} archs: {p['kendall_tau']:.3f}" for p in card["learning_curve"]),
    ]
    others = card.get("other_metrics") or {}
    if others:
        lines += ["", "Other predicted metrics, same split:", "", *_measures_table(others)]
        lines.append("")
    ceiling = card.get("noise_ceiling")
    if ceiling and ceiling["kendall_tau"] is not None:
        lines += _noise_ceiling(ceiling, card["surrogate"]["kendall_tau"])
    calibration = card.get("calibration")
    if calibration:
        lines.append(
            f"Calibration: the predicted 50% / 90% intervals (seed noise + ensemble spread) hold "
            f"{calibration['coverage_50']:.1%} / {calibration['coverage_90']:.1%} of the table's per-seed values; "
            f"the seed noise alone, around each architecture's table mean, holds "
            f"{calibration['seed_noise_coverage_50']:.1%} / {calibration['seed_noise_coverage_90']:.1%}; "
            f"mean predicted seed std {_number(calibration['mean_predicted_seed_std'])} vs the table's "
            f"{_number(calibration['mean_table_seed_std'])}"
        )
    return lines


def _ranking(ranking: dict[str, Any]) -> list[str]:
    on_table = ranking.get("scored_on") == "table"  # older cards scored surrogate runs on the surrogate
    table_column, surrogate_column = ("table", "surrogate")
    if on_table:
        table_column, surrogate_column = "search on the table", "search on the surrogate"
    lines = [
        "",
        f"## Strategy ranking ({ranking['runs']} runs each, budget {ranking['budget']}, root seed {ranking['seed']})",
        "",
        f"| strategy | {table_column} ({ranking['table_score']}) | {surrogate_column} ({ranking['surrogate_score']}) "
        "| difference |",
        "|---|---|---|---|",
    ]
    for row in ranking["strategies"]:
        lines.append(
            f"| {row['strategy']} | {row['table_mean']:.4f} ± {_number(row['table_se'], 4)} | "
            f"{row['surrogate_mean']:.4f} ± {_number(row['surrogate_se'], 4)} | {row['difference']:+.4f} |"
        )
    lines += [
        "",
        f"Rank agreement: Kendall τ {_number(ranking['kendall_tau'])}; order on the table "
        f"{' > '.join(ranking['table_order'])}, on the surrogate {' > '.join(ranking['surrogate_order'])} "
        f"({'identical' if ranking['same_order'] else 'different'}). Means ± standard error.",
    ]
    if on_table:
        lines.append(
            "Both columns score each run's final incumbent on the table; the surrogate that searched was fitted "
            f"on {ranking['surrogate_fit']}."
        )
    return lines


def card_markdown(meta: dict[str, Any]) -> str:
    """The whole card of a surrogate's metadata as Markdown."""
    card = meta.get("card") or {}
    lines = _header(meta)
    lines += _held_out(card) if "surrogate" in card else ["", "No held-out evaluation stored (fitted with --no-card)."]
    lines += _ranking(card["ranking"]) if card.get("ranking") else ["", "Strategy ranking: not run (--ranking-runs 0)."]
    return "\n".join(lines) + "\n"
