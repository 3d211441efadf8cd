"""What a live training run measures, per task: classification (as the shipped tables), classification with
balanced accuracy (user data), or regression.

Owns the metric names a run records and a cache table stores, their units, directions and meaning,
the metrics themselves on tensors (accuracy, balanced accuracy, MSE, MAE) and `Rescaled`, the wrapper
that turns a regression network's standardised output back into the target's units. It trains nothing.

- classification: `valid_acc`, `valid_loss` (cross-entropy, the log-loss in nats), `train_acc`,
  `train_loss`, `train_seconds`; `test_acc`, `test_loss` (exactly the metrics of the shipped tables).
- classification-balanced: the same plus `valid_bacc` and `test_bacc`, balanced accuracy as
  scikit-learn's `balanced_accuracy_score` (the mean recall over the classes present; Brodersen et al.,
  The balanced accuracy and its posterior distribution, ICPR 2010), in %.
- regression: the network has one output trained with the mean squared error on targets standardised
  by the training split; `*_loss` is the MSE and `*_mae` the mean absolute error, both in the target's
  own units (squared for the MSE).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from nasbench.errors import UnknownName


@dataclass(frozen=True)
class Task:
    """The metrics a run of one task records: per epoch (`curves`) and after the last epoch (`final`)."""

    name: str
    curves: tuple[str, ...]
    final: tuple[str, ...]
    score: str  # what a table of this task is scored on
    observe: str  # what a search observes by default

    @property
    def regression(self) -> bool:
        return self.name == "regression"

    @property
    def balanced(self) -> bool:
        return "valid_bacc" in self.curves


CLASSIFICATION = Task(
    "classification",
    ("valid_acc", "valid_loss", "train_acc", "train_loss", "train_seconds"),
    ("test_acc", "test_loss"),
    "test_acc",
    "valid_acc",
)
BALANCED = Task(
    "classification-balanced", (*CLASSIFICATION.curves, "valid_bacc"), (*CLASSIFICATION.final, "test_bacc"),
    "test_acc", "valid_acc",
)  # fmt: skip
REGRESSION = Task(
    "regression",
    ("valid_loss", "valid_mae", "train_loss", "train_mae", "train_seconds"),
    ("test_loss", "test_mae"),
    "test_loss",
    "valid_loss",
)
TASKS = {task.name: task for task in (CLASSIFICATION, BALANCED, REGRESSION)}


def get_task(name: str) -> Task:
    """The task called `name`; an error lists the known ones."""
    if name not in TASKS:
        raise UnknownName(f"expected a task among {', '.join(TASKS)}, got {name!r}")
    return TASKS[name]


def metric_specs(task: Task, recalibrated: bool) -> dict[str, tuple[str, str, str, str]]:
    """name -> (unit, direction, kind, description) of every metric a run of `task` records."""
    bn = ", batch norm re-estimated on the training set" if recalibrated else ""
    seconds = ("s", "minimize", "cost", "training wall time up to each epoch (build machine, 1 thread)")
    if task.regression:
        return {
            "valid_loss": ("units^2", "minimize", "performance", f"validation mean squared error after each epoch{bn}"),
            "valid_mae": ("units", "minimize", "performance", f"validation mean absolute error after each epoch{bn}"),
            "train_loss": ("units^2", "minimize", "performance", "training MSE over each epoch's mini-batches"),
            "train_mae": ("units", "minimize", "performance", "training MAE over each epoch's mini-batches"),
            "train_seconds": seconds,
            "test_loss": ("units^2", "minimize", "performance", f"test mean squared error after the last epoch{bn}"),
            "test_mae": ("units", "minimize", "performance", f"test mean absolute error after the last epoch{bn}"),
        }
    specs = {
        "valid_acc": ("%", "maximize", "performance", f"validation accuracy after each epoch{bn}"),
        "valid_loss": ("nats", "minimize", "performance", f"validation cross-entropy after each epoch{bn}"),
        "train_acc": ("%", "maximize", "performance", "training accuracy over each epoch's mini-batches"),
        "train_loss": ("nats", "minimize", "performance", "training cross-entropy over each epoch's mini-batches"),
        "train_seconds": seconds,
        "test_acc": ("%", "maximize", "performance", f"test accuracy after the last epoch{bn}"),
        "test_loss": ("nats", "minimize", "performance", f"test cross-entropy after the last epoch{bn}"),
    }
    if task.balanced:
        text = "balanced accuracy (mean recall over the classes present)"
        specs["valid_bacc"] = ("%", "maximize", "performance", f"validation {text} after each epoch{bn}")
        specs["test_bacc"] = ("%", "maximize", "performance", f"test {text} after the last epoch{bn}")
    return specs


def correct_per_class(logits: torch.Tensor, y: torch.Tensor, classes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(examples, correct predictions) per class: the sums balanced accuracy is made of."""
    hits = logits.argmax(1) == y
    return torch.bincount(y, minlength=classes), torch.bincount(y[hits], minlength=classes)


def balanced_accuracy(examples: torch.Tensor, correct: torch.Tensor) -> float:
    """Mean recall in % over the classes with examples (scikit-learn's `balanced_accuracy_score`)."""
    present = examples > 0
    return 100.0 * float((correct[present].double() / examples[present].double()).mean())


class Rescaled(nn.Module):
    """A regression network whose standardised output is mapped back to the target's units: (N,) values."""

    def __init__(self, network: nn.Module, mean: float, std: float) -> None:
        super().__init__()
        self.network, self.mean, self.std = network, float(mean), float(std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x).squeeze(1) * self.std + self.mean
