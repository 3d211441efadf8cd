"""The proxy card: rank agreement by hand, the combinations, and a card of a real (small) proxy table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nasbench.cli.main import main
from nasbench.proxies.build import ProxySpec, build_proxy_table
from nasbench.proxies.card import mean_rank, rank_agreement, xgboost_heldout
from nasbench.proxies.inputs import BatchSpec


def test_rank_agreement_by_hand() -> None:
    accuracy = np.arange(20.0)
    same, reversed_ = rank_agreement(accuracy**3, accuracy), rank_agreement(-accuracy, accuracy)
    assert (same.rho, same.tau, same.rho_top, same.cells) == pytest.approx((1.0, 1.0, 1.0, 20))
    assert (reversed_.rho, reversed_.tau) == pytest.approx((-1.0, -1.0))
    # a failed (NaN) score ranks last: here on the worst cell, so the order stays perfect
    assert rank_agreement(np.r_[np.nan, accuracy[1:]], accuracy).rho == pytest.approx(1.0)


def test_mean_rank_is_a_borda_count() -> None:
    votes = mean_rank([np.array([3.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), np.array([np.nan, 2.0, 1.0])])
    assert votes.tolist() == pytest.approx([(3 + 1 + 1) / 3, (1 + 3 + 3) / 3, (2 + 2 + 2) / 3])


def test_xgboost_is_scored_on_the_held_out_half_and_repeats() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(60, 3))
    accuracy = features[:, 0] * 2 + rng.normal(scale=0.1, size=60)
    first, second = xgboost_heldout(features, accuracy, 0), xgboost_heldout(features, accuracy, 0)
    assert first == second and first.cells == 30 and first.rho > 0.8
    features[:, 0] = np.exp(features[:, 0] * 300)  # synflow's range: far beyond float32, which XGBoost uses
    assert xgboost_heldout(features, accuracy, 0) == first


@pytest.mark.slow
def test_a_card_of_a_small_proxy_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = ProxySpec(
        "nb201", ("synflow", "snip", "params"), BatchSpec("gaussian", 4, 4), 0, {"channels": 2, "cells": 1}
    )
    table = tmp_path / "nb201-proxies.h5"
    build_proxy_table(spec, table, limit=24, quiet=True)
    out = tmp_path / "card.md"
    assert main(["proxies-card", str(table), "--bench", "nb201", "--out", str(out)]) == 0
    text = out.read_text()
    for dataset in ("cifar10-valid", "cifar100", "imagenet16-120"):
        assert f"### nb201 / {dataset}" in text
    assert "24 of 15625 cells" in text and "| synflow |" in text and "| 0.737 |" in text and "| vote |" in text
    capsys.readouterr()
    assert main(["proxies-card", str(table), "--bench", "macro", "--out", str(tmp_path / "m.md")]) == 2
    assert "expected a benchmark of the proxy table's space nb201" in capsys.readouterr().err
    assert main(["proxies-card", str(table), str(table), "--bench", "nb201", "--out", str(tmp_path / "m.md")]) == 2
    assert "expected one --bench per table (2)" in capsys.readouterr().err
    assert not (tmp_path / "m.md").exists()
