"""The sum of training losses (Ru et al., NeurIPS 2021): by hand, and its ranking on the real curves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import spearmanr

import nasbench
from nasbench.strategies._training_speed import sotl


def test_the_sum_by_hand_with_every_epoch_or_checkpoints() -> None:
    assert sotl([1, 2, 3, 4], [4.0, 3.0, 2.5, 2.0]) == pytest.approx(11.5)  # TSE
    assert sotl([1, 2, 3, 4], [4.0, 3.0, 2.5, 2.0], last=2) == pytest.approx(4.5)  # TSE-E, E = 2
    assert sotl([1, 2, 3, 4], [4.0, 3.0, 2.5, 2.0], last=1) == pytest.approx(2.0)
    # Checkpoints 2 and 5: epoch 1 held at epoch 2's loss, 3 and 4 interpolated: 6 + 6 + 5 + 4 + 3.
    assert sotl([2, 5], [6.0, 3.0]) == pytest.approx(24.0)
    assert sotl([2, 5], [6.0, 3.0], last=9) == pytest.approx(24.0)  # E beyond T: every epoch
    assert math.isnan(sotl([1, 2], [3.0, float("nan")]))


def test_the_last_epochs_loss_ranks_the_nlp_cells_as_ru_et_al_find() -> None:
    bench = nasbench.load("nlp", "wikitext-2")
    losses, final = bench.table.metrics["train_loss"].mean, bench.table.metrics["test_loss"].mean
    final = final[:, -1] if final.ndim > 1 else final
    ok = np.isfinite(losses).all(axis=1) & np.isfinite(final)
    epochs = list(bench.info.fidelities)[:12]
    tse = np.array([sotl(epochs, row[:12]) for row in losses[ok]])
    tse_e1 = np.array([sotl(epochs, row[:12], last=1) for row in losses[ok]])
    rho, rho_e1 = spearmanr(tse, final[ok])[0], spearmanr(tse_e1, final[ok])[0]
    assert rho_e1 > 0.9 and rho_e1 > rho  # 0.945 vs 0.915 after 12 of 50 epochs: E = 1 best, as in the paper
