"""BANANAS-transfer: BANANAS whose predictor ensemble learns from the source tasks and the target at once.

BANANAS (White, Neiswanger & Savani, AAAI 2021; `bananas`, its non-transfer twin) with one
change, the training set of its MLP ensemble: the target's observations plus rows of every
source task of the `MetaInfo`, each row's input the architecture's encoding followed by a
one-hot *task indicator* (one column for the target, one per source). This is the multi-task
neural regressor with task features of Perrone, Jenatton, Seeger & Archambeau, "Scalable
Hyperparameter Transfer Learning", NeurIPS 2018 (a network shared by all tasks, the task
entering as an input: here as an indicator added to the first layer, Swersky, Snoek & Adams,
"Multi-Task Bayesian Optimization", NeurIPS 2013, being the GP form of the same idea). The
named design choice is *task indicator, no down-weighting*: the network learns how far the
target departs from the sources from the target's own rows, and every row weighs the same.
Candidates are scored with the target's indicator set. Every task's utilities are
standardized within the task (z-scores; tasks differ in scale, e.g. accuracy on different
datasets), and the target's predictions are mapped back to its own scale.

Source rows (`source_points` in all, split evenly over the sources): under "history" a
source search's observations (its first rows if more), under "tables" architectures at evenly
spaced quality ranks of the source's table, as `rgpe` picks them. The same rows enter every
fit, so the cost of one fit grows with `source_points` + target observations: at 150
observations and the default 200 source rows about 2.3x `bananas`'s fit.

Declared differences from `bananas`: the task indicator and source rows above; z-scored
targets per task (`bananas` trains on the gap to the best observation: no common scale across
tasks); 2 random initial architectures (`bananas` draws 10: the source rows stand in for an
initial design, and z-scores need 2 target observations). Everything else (ensemble, Thompson
sampling over mutations of the best, batches of 10) is `bananas`'s. Under constraints, the
margin ensemble is `bananas`'s (target rows only: the sources hold no constraint metrics).

It sees only the `MetaInfo` (source tasks' arrays), never a benchmark or a table.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.benchmark.meta import MetaInfo, SourceTask
from nasbench.strategies._mlp import Ensemble
from nasbench.strategies.bananas import ADAM_BETAS, Bananas
from nasbench.strategies.base import Range, positive_int
from nasbench.strategies.transfer import parsed


class BananasTransfer(Bananas):
    """BANANAS with a multi-task predictor: source rows and target rows, a one-hot task indicator as input."""

    name = "bananas-transfer"
    paper = "White et al., AAAI 2021 (BANANAS); Perrone et al., NeurIPS 2018 (task features in a shared network)"
    meta_learning = True
    twin = "bananas"  # the same search without transfer
    defaults: ClassVar[dict[str, Any]] = {**Bananas.defaults, "initial_samples": 2, "source_points": 200}
    ranges: ClassVar[dict[str, Range]] = {**Bananas.ranges, "initial_samples": positive_int(2),
                                          "source_points": positive_int(0)}  # fmt: skip

    def __init__(self, *args: Any, meta: MetaInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        self._source: tuple[np.ndarray, np.ndarray] | None = None

    def source_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(encodings with task columns, z-scored utilities) of the source rows; empty without a MetaInfo."""
        if self._source is None:
            tasks = self.meta.sources if self.meta is not None else ()
            setting = self.meta.setting if self.meta is not None else ""
            per_source = self.hp["source_points"] // max(1, len(tasks))
            xs, ys = [self._with_task(np.zeros((0, self._width())), 0)], [np.zeros(0)]
            for column, task in enumerate(tasks, start=1):
                archs, values = _rows(self.space, task, setting, per_source)
                if len(archs) >= 2:
                    xs.append(self._with_task(self._encode(archs), column))
                    ys.append(_zscores(values))
            self._source = np.concatenate(xs), np.concatenate(ys)
        return self._source

    def _predict(self, observed: dict[Hashable, Any], pool: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        values = next(iter(observed.values()))
        if isinstance(values, list):  # constraint margins: `bananas`'s own predictor on the target's rows
            return super()._predict(observed, pool)
        archs = list(observed)
        y = np.array([observed[a] for a in archs], dtype=np.float64)
        center, scale = y.mean(), (y.std() if y.std() > 0 else 1.0)
        source_x, source_y = self.source_rows()
        x = np.concatenate([self._with_task(self._encode(archs), 0), source_x])
        targets = np.concatenate([(y - center) / scale, source_y])[:, None]
        model = Ensemble(self.hp["ensemble_size"], x.shape[1], self.hp["hidden_layers"], self.hp["width"], 1, self.rng)
        model.fit(x, targets, self.hp["epochs"], self.hp["predictor_batch"], self.hp["learning_rate"], ADAM_BETAS,
                  self.hp["loss"])  # fmt: skip
        stacked = model.predict(self._with_task(self._encode(pool), 0))[:, :, 0] * scale + center
        return stacked.mean(axis=0), stacked.std(axis=0)

    def _width(self) -> int:
        return int(self._encode([self.space.sample(np.random.default_rng(0))]).shape[1])

    def _with_task(self, x: np.ndarray, column: int) -> np.ndarray:
        """`x` followed by the one-hot task indicator (column 0: the target; 1..: the sources in order)."""
        tasks = len(self.meta.sources) if self.meta is not None else 0
        indicator = np.zeros((len(x), tasks + 1))
        indicator[:, column] = 1.0
        return np.concatenate([x, indicator], axis=1)


def _rows(space: Any, task: SourceTask, setting: str, points: int) -> tuple[list[Hashable], np.ndarray]:
    """A source's rows in the target's space: its history's first `points`, or `points` at evenly spaced ranks."""
    finite = np.flatnonzero(np.isfinite(task.utilities))
    if setting == "tables" and len(finite) > points:
        order = finite[np.argsort(-task.utilities[finite], kind="stable")]
        finite = order[np.unique(np.linspace(0, len(order) - 1, points).round().astype(int))]
    archs, values = [], []
    for i in finite[:points]:
        found = parsed(space, [task.archs[int(i)]])
        if found:
            archs.append(found[0])
            values.append(float(task.utilities[int(i)]))
    return archs, np.array(values)


def _zscores(values: np.ndarray) -> np.ndarray:
    scale = values.std()
    return (values - values.mean()) / (scale if scale > 0 else 1.0)
