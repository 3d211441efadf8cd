"""`nasbench.live.tasks`: each task's metric names and directions, balanced accuracy equal to scikit-learn's,
regression metrics in the target's units from a real training run, and `Rescaled`."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.metrics import balanced_accuracy_score, mean_absolute_error, mean_squared_error  # noqa: E402

from nasbench.errors import UnknownName  # noqa: E402
from nasbench.live.tasks import (  # noqa: E402
    BALANCED,
    CLASSIFICATION,
    REGRESSION,
    Rescaled,
    balanced_accuracy,
    correct_per_class,
    get_task,
    metric_specs,
)
from nasbench.live.train import Protocol, train  # noqa: E402
from nasbench.live.userdata import check_arrays, image_data  # noqa: E402


def test_every_recorded_metric_has_a_unit_and_a_direction() -> None:
    for task in (CLASSIFICATION, BALANCED, REGRESSION):
        specs = metric_specs(task, recalibrated=False)
        assert set(specs) == {*task.curves, *task.final} and task.score in specs and task.observe in specs
    assert metric_specs(BALANCED, False)["valid_bacc"][1] == "maximize"
    assert {specs[1] for specs in metric_specs(REGRESSION, False).values()} == {"minimize"}
    with pytest.raises(UnknownName, match="expected a task among classification, classification-balanced"):
        get_task("ranking")


def test_balanced_accuracy_is_scikit_learns_with_a_class_absent_from_the_truth() -> None:
    rng = np.random.default_rng(0)
    y = rng.choice([0, 1, 3], size=50, p=[0.7, 0.2, 0.1])  # class 2 never occurs; predictions may name it
    logits = torch.from_numpy(rng.normal(size=(50, 4)))
    examples, correct = correct_per_class(logits, torch.from_numpy(y), 4)
    expected = 100 * balanced_accuracy_score(y, logits.argmax(1).numpy())
    assert balanced_accuracy(examples, correct) == pytest.approx(expected, abs=1e-12)


def test_a_regression_run_records_mse_and_mae_in_the_targets_units() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    data = check_arrays(x, 1000.0 + 100.0 * x[:, 0], "lin", task="regression")
    rows = np.arange(80)
    split = image_data(data, rows[:60], rows[60:], rows[60:], "lin")
    assert split.task == "regression" and split.num_classes == 1 and split.target_std == pytest.approx(100, rel=0.2)
    protocol = Protocol("tiny", 8, 16, lr=0.05)
    result = train("mlp", "1111", split, protocol, 0, features=3)
    truth = data.y[60:]
    assert result.curves["valid_loss"][-1] < min(result.curves["valid_loss"][0], 0.2 * truth.var())  # it learns
    assert result.test["test_loss"] == pytest.approx(result.curves["valid_loss"][-1], rel=1e-5)
    assert result.test["test_loss"] < mean_squared_error(truth, np.full(20, truth.mean()))
    assert result.test["test_mae"] < mean_absolute_error(truth, np.full(20, truth.mean()))
    assert result.test["test_mae"] ** 2 <= result.test["test_loss"] + 1e-6  # MAE^2 <= MSE, same units


def test_rescaled_maps_the_standardised_output_back() -> None:
    network = torch.nn.Linear(2, 1)
    with torch.no_grad():
        network.weight.copy_(torch.tensor([[1.0, 0.0]]))
        network.bias.zero_()
        out = Rescaled(network, 10.0, 2.0)(torch.tensor([[1.0, 5.0], [-1.0, 0.0]]))
    assert out.tolist() == [12.0, 8.0]
