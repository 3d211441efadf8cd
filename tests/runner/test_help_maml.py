"""HELP-style meta-learned latency predictor: reads the target only at its k cells; beats the k cells alone."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.runner.fewshot import devices_of, ridge_predict, scores
from nasbench.runner.help_maml import _zscored, help_predict

EPISODES = 150  # the default's 2,000 cost ~6 CPU-s; a short meta-training already transfers


@pytest.fixture(scope="module")
def logged():
    devices = devices_of("nb201")
    return devices, np.log(devices.latency)


def test_z_scores_are_relative_to_the_reference() -> None:
    reference = np.array([[1.0, 3.0]])
    np.testing.assert_allclose(_zscored(np.array([[2.0, 5.0]]), reference), [[0.0, 3.0]])  # mean 2, spread 1


def test_meta_learning_over_devices_beats_the_k_cells_alone_and_never_reads_the_rest(logged) -> None:
    devices, values = logged
    t = devices.names.index("pixel3")
    sources, target = np.delete(values, t, axis=1), values[:, t]
    cells = np.random.default_rng(0).choice(len(values), 10, replace=False)
    predicted = help_predict(sources, target, devices.encoding, cells, np.random.default_rng(1), EPISODES)
    alone = ridge_predict(devices.encoding[cells], target[cells], devices.encoding)
    rho, _ = scores(predicted, target)
    assert rho > scores(alone, target)[0] + 0.2 and rho > 0.8
    hidden = target.copy()
    hidden[np.setdiff1d(np.arange(len(target)), cells)] = np.nan  # the target everywhere but its k cells: unknown
    again = help_predict(sources, hidden, devices.encoding, cells, np.random.default_rng(1), EPISODES)
    np.testing.assert_array_equal(again, predicted)
