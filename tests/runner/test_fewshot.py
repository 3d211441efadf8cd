"""Few-shot latency on an unseen device: the ridge fits, the scores, and the leave-one-device-out study."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import NasbenchError, UnknownName
from nasbench.runner.fewshot import check, devices_of, few_shot, ridge_predict, scores


@pytest.fixture(scope="module")
def devices():
    return devices_of("nb201")


def test_ridge_recovers_a_linear_relation_and_scores_are_exact() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 3))
    y = x @ np.array([2.0, -1.0, 0.5]) + 3.0
    np.testing.assert_allclose(ridge_predict(x[:20], y[:20], x), y, atol=0.05)
    measured = np.arange(200.0)
    assert scores(measured, measured) == (1.0, 1.0)
    rho, precision = scores(-measured, measured)
    assert rho == -1.0 and precision == 0.0


def test_the_table_holds_27_devices_of_every_cell(devices) -> None:
    assert len(devices.names) == 27 and devices.latency.shape == (15625, 27)
    assert np.isfinite(devices.latency).all() and (devices.latency > 0).all()


def test_other_devices_predict_a_new_one_better_than_its_k_cells_alone(devices) -> None:
    results = few_shot(devices, ["pixel3", "titan_rtx_32"], [10], draws=2)
    means = results.groupby("method")["spearman"].mean()
    assert means["transfer"] > 0.85 and means["transfer"] > means["k-only"] + 0.2
    again = few_shot(devices, ["pixel3", "titan_rtx_32"], [10], draws=2)
    assert results.equals(again)  # each draw on its own stream


def test_bad_devices_and_shots_are_refused(devices) -> None:
    with pytest.raises(UnknownName, match="unknown device 'tpu'; available: 1080ti_1"):
        check(devices, ["tpu"], [5])
    with pytest.raises(NasbenchError, match="expected --shots between 2 and the space's 15,625 cells, got 20000"):
        check(devices, ["ALL"], [5, 20000])
    assert check(devices, ["ALL"], [5]) == devices.names
