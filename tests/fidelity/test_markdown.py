"""The fidelity card as Markdown: the shipped cards regenerate from their metadata, and each section's format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasbench.fidelity.markdown import card_markdown

SURROGATES = Path(__file__).resolve().parents[2] / "data" / "surrogates"


def meta(**card) -> dict:
    return {
        "benchmark": "toy",
        "dataset": "d",
        "metrics": ["acc", "secs"],
        "fidelity": 12,
        "fidelity_unit": "epochs",
        "observe": "acc",
        "ensemble": 3,
        "feature_count": 7,
        "features": "encoding",
        "hyperparameters": {"n_estimators": 5},
        "training_archs": 40,
        "training_classes": [1, 2, 3],
        "training_data_sha256": "0123456789abcdef" + "f" * 48,
        "noise": {},
        "versions": {"nasbench": "0.1.0"},
        "card": card,
    }


@pytest.mark.parametrize("path", sorted(SURROGATES.glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_card_is_its_metadata_rendered(path: Path) -> None:
    assert card_markdown(json.loads(path.read_text())["meta"]) == path.with_suffix(".md").read_text()


def test_a_card_without_evaluations_says_so() -> None:
    assert card_markdown(meta()).splitlines() == [
        "# Fidelity card: toy / d surrogate",
        "",
        "- predicts: acc, secs at 12 epochs; observed metric `acc`",
        "- model: 3 XGBoost regressors for `acc`, one per other metric; 7 features (encoding)",
        "- hyperparameters: n_estimators=5",
        "- trained on 40 architectures (3 isomorphism classes); table SHA-256 `0123456789abcdef…`",
        "- seed noise: none (no per-seed values in the table)",
        "- versions: nasbench 0.1.0",
        "",
        "No held-out evaluation stored (fitted with --no-card).",
        "",
        "Strategy ranking: not run (--ranking-runs 0).",
    ]


def test_measures_are_rounded_and_missing_ones_are_n_a() -> None:
    card = {
        "split": {"test_archs": 10, "train_archs": 30, "by": "isomorphism class", "seed": 0},
        "surrogate": {"r2": 0.91234, "kendall_tau": 0.5, "mae": 1.0},
        "baselines": {},
        "learning_curve": [{"train_archs": 15, "kendall_tau": 0.25}],
        "noise_ceiling": {
            "archs": 10,
            "kendall_tau": 0.8,
            "surrogate_vs_one_seed": 0.6,
            "seed_vs_mean_of_other_seeds": None,
        },
    }
    lines = card_markdown(meta(**card)).splitlines()
    assert "| **surrogate** | 0.912 | 0.500 | n/a | n/a | n/a | n/a | 1.000 |" in lines
    assert "Learning curve (Kendall τ on the same test classes): 15 archs: 0.250" in lines
    assert "| surrogate | 0.600 | 0.500 (all seeds) |" in lines
    assert "| a training seed of the table | 0.800 (another seed) | n/a (the other seeds) |" in lines


def test_ranking_scored_on_the_table_names_both_searches() -> None:
    row = {"strategy": "rs", "table_mean": 90.0, "table_se": 0.1, "surrogate_mean": 89.5, "surrogate_se": None}
    ranking = {
        "runs": 2,
        "budget": "20evals",
        "seed": 0,
        "table_score": "test_acc",
        "surrogate_score": "test_acc",
        "strategies": [{**row, "difference": -0.5}],
        "kendall_tau": None,
        "table_order": ["rs"],
        "surrogate_order": ["rs"],
        "same_order": True,
        "scored_on": "table",
        "surrogate_fit": "30 training archs",
    }
    text = card_markdown(meta(ranking=ranking))
    assert "| strategy | search on the table (test_acc) | search on the surrogate (test_acc) | difference |" in text
    assert "| rs | 90.0000 ± 0.1000 | 89.5000 ± n/a | -0.5000 |" in text
    assert "Rank agreement: Kendall τ n/a; order on the table rs, on the surrogate rs (identical)." in text
    assert text.endswith("the surrogate that searched was fitted on 30 training archs.\n")
