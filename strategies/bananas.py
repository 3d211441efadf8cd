"""BANANAS: Bayesian optimization with an ensemble of neural predictors.

White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural Architectures
for Neural Architecture Search", AAAI 2021, with the defaults of the authors' naszilla
code (nas_algorithms.py `bananas`, params.py): 10 distinct initial random architectures;
an ensemble of 5 MLPs (10 hidden ReLU layers of width 20, linear output, MAE loss, 150
epochs, batch 32, Adam lr 0.01 with betas 0.9/0.99, Glorot init, no early stopping, no
regularization, raw targets) in numpy (`_mlp.py`); candidates are mutations of the best
architecture (naszilla `get_candidates`: 100 mutation attempts per parent, parents taken
best first until at least 100 new candidates exist, at most 5 parents; on NAS-Bench-201
every edge changes with probability 1/4); independent Thompson sampling (or UCB, mean +
0.5 std); the top 10 candidates are evaluated per round.

Encoding (`encoding="path"`): the path encoding where the space has one (NAS-Bench-101,
truncated to its first 40 paths as naszilla's `trunc_path`), the space's one-hot
encoding elsewhere (NAS-Bench-201: the 30-dim edge one-hot).

Options (not the reference): `encoding="space"` always uses the space's encoding;
`mutation="single"` mutates with the space's `mutate` (one edge); `parents=10` takes more
parents at once; `standardize_targets=True` trains on standardized targets; `loss="mse"`.

Declared differences from the reference: naszilla encodes NAS-Bench-201 with a 30-dim
truncated path encoding (here the edge one-hot, the issue's rule); NAS-Bench-101 and the
other spaces mutate with the space's `mutate`; the model's target is the gap to the best
observation (naszilla: 100 - accuracy, which differs by a constant on accuracies and has
no analogue for other metrics).

Under constraints (constrained BO in the manner of Gardner et al., ICML 2014), a second
ensemble predicts each constrained metric's margin (how far inside its bound); a
candidate counts only if its sampled (or, for UCB, mean) margins are all non-negative,
feasible candidates rank by the acquisition and the rest after them by predicted
violation. Parents of the candidates are the best feasible architectures first.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.strategies._mlp import Ensemble
from nasbench.strategies.base import BOOL, POSITIVE, Range, Strategy, choice, positive_int
from nasbench.strategies.candidates import mutation_pool, top
from nasbench.strategies.mutations import per_edge

ADAM_BETAS = (0.9, 0.99)  # naszilla's Keras Adam
PATH_CUTOFF = 40  # naszilla's trunc_path for NAS-Bench-101: paths of up to 3 operations
INITIAL_TRIES = 5  # naszilla draws at most 5 * num_init random architectures to find distinct ones


class Bananas(Strategy):
    """Neural ensemble predictor + Thompson sampling, in batches of proposals."""

    name = "bananas"
    paper = "White, Neiswanger & Savani, AAAI 2021"
    defaults: ClassVar[dict[str, Any]] = {
        "initial_samples": 10,
        "ensemble_size": 5,
        "hidden_layers": 10,
        "width": 20,
        "epochs": 150,
        "learning_rate": 0.01,
        "predictor_batch": 32,
        "loss": "mae",
        "standardize_targets": False,
        "encoding": "path",
        "candidates": 100,
        "parents": 1,
        "parent_patience": 5,
        "mutation": "reference",
        "batch_size": 10,
        "acquisition": "its",
        "ucb_beta": 0.5,
    }
    ranges: ClassVar[dict[str, Range]] = {
        "initial_samples": positive_int(1),
        "ensemble_size": positive_int(1),
        "hidden_layers": positive_int(0),
        "width": positive_int(1),
        "epochs": positive_int(1),
        "learning_rate": POSITIVE,
        "predictor_batch": positive_int(1),
        "loss": choice("mae", "mse"),
        "standardize_targets": BOOL,
        "encoding": choice("path", "space"),
        "candidates": positive_int(1),
        "parents": positive_int(1),
        "parent_patience": positive_int(1),
        "mutation": choice("reference", "single"),
        "batch_size": positive_int(1),
        "acquisition": choice("its", "ucb"),
        "ucb_beta": Range(low=0),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observed: dict[Hashable, float] = {}
        self.margins: dict[Hashable, list[float]] = {}
        self.pending: list[Hashable] = []
        self.queue: list[Hashable] = []
        self.asked = 0
        self.initial_draws = 0

    def ask(self) -> tuple[Hashable, int | None]:
        self.asked += 1
        finite = {a: u for a, u in self.observed.items() if math.isfinite(u)}
        if self.asked <= self.hp["initial_samples"] or len(finite) < 2:
            arch = self._random()
        else:
            if not self.queue:
                self.queue = self._propose(finite)
            arch = self.queue.pop(0) if self.queue else self._random()
        self.pending.append(arch)
        return arch, None

    def _random(self) -> Hashable:
        """A random architecture, redrawn while already evaluated (at most 5 draws per initial sample)."""
        arch = self.space.sample(self.rng)
        budget = INITIAL_TRIES * self.hp["initial_samples"]
        while (arch in self.observed or arch in self.pending) and self.initial_draws < budget:
            self.initial_draws += 1
            arch = self.space.sample(self.rng)
        return arch

    def tell(self, arch: Hashable, fidelity: int | None, record: dict[str, float]) -> None:
        self.pending.remove(arch)
        self.observed[arch] = max(self.utility(record), self.observed.get(arch, -math.inf))
        if self.problem.constraints:
            self.margins[arch] = [c.margin(record[c.metric]) for c in self.problem.constraints]

    def _propose(self, observed: dict[Hashable, float]) -> list[Hashable]:
        return self._rank(self._candidates(observed), observed)

    def _candidates(self, observed: dict[Hashable, float]) -> list[Hashable]:
        """New mutations of the best architectures (naszilla's `get_candidates`), none evaluated or pending."""
        parents = top(self._parent_scores(observed), self.hp["parents"] * self.hp["parent_patience"])
        return mutation_pool(
            parents, self.hp["parents"], self.hp["candidates"], self._mutate, exclude=[*self.observed, *self.pending]
        )

    def _rank(self, pool: list[Hashable], observed: dict[Hashable, float]) -> list[Hashable]:
        """The `batch_size` candidates of `pool` the acquisition ranks first, by an ensemble fitted to `observed`."""
        if not pool:
            return []
        means, stds = self._predict(observed, pool)
        its = self.hp["acquisition"] == "its"
        scores = self.rng.normal(means, stds) if its else means + self.hp["ucb_beta"] * stds
        if self.problem.constraints:
            order = self._feasible_first(pool, scores, its)[: self.hp["batch_size"]]
        else:
            order = np.argsort(-scores, kind="stable")[: self.hp["batch_size"]]
        return [pool[int(i)] for i in order]

    def _mutate(self, arch: Hashable) -> Hashable:
        if self.hp["mutation"] == "reference":
            return per_edge(self.space, arch, self.rng)
        return self.space.mutate(arch, self.rng)

    def _parent_scores(self, observed: dict[Hashable, float]) -> dict[Hashable, float]:
        """Utilities for choosing parents: infeasible architectures after every feasible one."""
        if not self.problem.constraints:
            return observed
        return {a: u if min(self.margins[a]) >= 0 else -math.inf for a, u in observed.items()}

    def _feasible_first(self, pool: list[Hashable], scores: np.ndarray, its: bool) -> np.ndarray:
        """Candidate order: predicted feasible by acquisition, then the rest by predicted violation."""
        known = {a: m for a, m in self.margins.items() if all(math.isfinite(v) for v in m)}
        if len(known) < 2:
            return np.argsort(-scores, kind="stable")
        means, stds = self._predict(known, pool)
        margins = self.rng.normal(means, stds) if its else means
        margins = margins.reshape(len(pool), -1)
        feasible = (margins >= 0).all(axis=1)
        value = np.where(feasible, scores, np.minimum(margins, 0).sum(axis=1))
        return np.lexsort((-value, ~feasible))

    def _predict(self, observed: dict[Hashable, Any], pool: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        """Ensemble mean and std at `pool` of the observed values (one or several per architecture)."""
        archs = list(observed)
        x = self._encode(archs)
        y = np.array([observed[a] for a in archs], dtype=np.float64).reshape(len(archs), -1)
        # Targets as naszilla's (a loss near 0 for the best): the gap to the best observation.
        center, scale = y.max(axis=0), -np.ones(y.shape[1])
        if self.hp["standardize_targets"]:
            center, scale = y.mean(axis=0), np.where(y.std(axis=0) > 0, y.std(axis=0), 1.0)
        model = Ensemble(
            self.hp["ensemble_size"], x.shape[1], self.hp["hidden_layers"], self.hp["width"], y.shape[1], self.rng
        )
        model.fit(
            x,
            (y - center) / scale,
            self.hp["epochs"],
            self.hp["predictor_batch"],
            self.hp["learning_rate"],
            ADAM_BETAS,
            self.hp["loss"],
        )
        stacked = model.predict(self._encode(pool)) * scale + center  # (members, candidates, outputs)
        if stacked.shape[2] == 1:  # one target: plain vectors
            stacked = stacked[:, :, 0]
        return stacked.mean(axis=0), stacked.std(axis=0)

    def _encode(self, archs: list[Hashable]) -> np.ndarray:
        """The path encoding where the space has one (truncated as naszilla's), else the space's encoding."""
        path = getattr(self.space, "path_encoding", None)
        if self.hp["encoding"] == "path" and path is not None:
            return np.array([path(a)[:PATH_CUTOFF] for a in archs], dtype=np.float64).reshape(len(archs), -1)
        return self.space.encode_many(archs)
