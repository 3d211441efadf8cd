"""BOHB: Hyperband whose new configurations come from a tree-Parzen density model.

Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
Scale", ICML 2018, as in hpbandster's `config_generators/bohb.py` with its defaults: eta 3,
top 15% of the results at a fidelity are "good" and the next 85% "bad" (disjoint), each at
least d + 1 points (d decisions); a model exists at a fidelity once both sets hold more
than d points (NAS-Bench-201: from 14 results), and proposals use the model of the
highest fidelity that has one (lower fidelities stop recording once it exists); a failed
run counts as a loss of +inf (so it is bad); 64 samples per proposal, a third of the
configurations random. Both densities are statsmodels' `KDEMultivariate` with
Aitchison-Aitken kernels (each KDE's level count is the number of distinct values in its
own data), normal-reference bandwidths 1.06 std n^(-1/(4+d)) clipped below at
min_bandwidth (no upper clip). A sample starts from a random good point; each
categorical decision keeps its value with probability 1 - max(bw, min_bandwidth), else
takes a uniform value; the bandwidth factor (3) widens continuous decisions only, which
no space here has. The pick minimizes max(1e-32, g(x)) / max(l(x), 1e-32), first minimum
in draw order, or the first sample whose ratio is not finite while l(x) is. Bracket sizes
are hpbandster's: n0 = floor(S / (s + 1)) eta^s.

Options (not the reference): `kde="bounded"` caps bandwidths at 1 and uses every choice
as a level (lambda <= (c-1)/c); `bandwidth_factor_on_categorical=True` widens the
categorical bandwidths by the factor too; `bracket_sizes="hyperband"` uses Li et al.'s
ceil((s_max+1)/(s+1) eta^s).

Declared differences from the reference: ties in the loss keep arrival order (hpbandster's
argsort is not stable); a sample outside the space (InvalidArchitecture) passes to the
next best; every decision is categorical (hpbandster encodes ordinal ones as integers,
i.e. continuous); NAS-Bench-201's published BOHB (AutoDL) uses min_bandwidth 0.3 and
num_samples 4 and trains every budget for 200 epochs (D-X-Y/AutoDL-Projects bb2f405
scripts-search/algos/BOHB.sh and exps/algos/BOHB.py).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np

from nasbench.errors import InvalidArchitecture
from nasbench.strategies.base import BOOL, POSITIVE, PROBABILITY, Range, choice, positive_int
from nasbench.strategies.brackets import ETA, BracketStrategy

FLOOR = 1e-32  # hpbandster's floor on both densities


class BOHB(BracketStrategy):
    """Hyperband + kernel density model on the space's decisions (`space.decisions()`)."""

    name = "bohb"
    paper = "Falkner, Klein & Hutter, ICML 2018"
    defaults: ClassVar[dict[str, Any]] = {
        "eta": 3,
        "top_n_percent": 15,
        "num_samples": 64,
        "random_fraction": 1 / 3,
        "bandwidth_factor": 3,
        "min_bandwidth": 1e-3,
        "min_points_in_model": None,
        "kde": "statsmodels",
        "bandwidth_factor_on_categorical": False,
        "bracket_sizes": "hpbandster",
    }
    ranges: ClassVar[dict[str, Range]] = {
        "eta": ETA,
        "top_n_percent": Range(low=1, high=99, integer=True),
        "num_samples": positive_int(1),
        "random_fraction": PROBABILITY,
        "bandwidth_factor": POSITIVE,
        "min_bandwidth": POSITIVE,
        "min_points_in_model": positive_int(1, optional=True),
        "kde": choice("statsmodels", "bounded"),
        "bandwidth_factor_on_categorical": BOOL,
        "bracket_sizes": choice("hpbandster", "hyperband"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes = np.array(self.space.decisions())
        d = len(self.sizes)
        self.minimum = max(self.hp["min_points_in_model"] or d + 1, d + 1)  # hpbandster resets smaller values
        self.data: dict[int, list[tuple[list[int], float]]] = {}
        self.modelled: set[int] = set()

    def observe(self, arch: Hashable, fidelity: int, utility: float) -> None:
        if max(self.modelled, default=-math.inf) > fidelity:
            return  # hpbandster: a model at a higher fidelity exists, so this result is not recorded
        loss_ok = math.isfinite(utility)
        self.data.setdefault(fidelity, []).append((self.space.to_decisions(arch), utility if loss_ok else -math.inf))
        if self.split(fidelity) is not None:
            self.modelled.add(fidelity)

    def split(self, fidelity: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The good and bad points at `fidelity` (disjoint), or None while either holds d points or fewer."""
        points = self.data.get(fidelity, [])
        order = sorted(range(len(points)), key=lambda i: -points[i][1])  # by loss, ties in arrival order
        n, d = len(points), len(self.sizes)
        n_good = max(self.minimum, self.hp["top_n_percent"] * n // 100)
        n_bad = max(self.minimum, (100 - self.hp["top_n_percent"]) * n // 100)
        good = [points[i][0] for i in order[:n_good]]
        bad = [points[i][0] for i in order[n_good : n_good + n_bad]]
        if len(good) <= d or len(bad) <= d:
            return None
        return np.array(good), np.array(bad)

    def sample(self, fidelity: int) -> Hashable:
        if not self.modelled or self.rng.random() < self.hp["random_fraction"]:
            return self.space.sample(self.rng)
        sets = self.split(max(self.modelled))
        assert sets is not None
        for choices in self._ranked_samples(*sets):
            try:
                return self.space.from_decisions(choices.tolist())
            except InvalidArchitecture:
                continue  # a combination outside the space: take the next best sample
        return self.space.sample(self.rng)

    def bandwidths(self, data: np.ndarray) -> np.ndarray:
        """statsmodels' normal-reference rule, clipped below at min_bandwidth (and at 1 for kde='bounded')."""
        n, d = data.shape
        rule = 1.06 * data.std(axis=0) * n ** (-1.0 / (4 + d))
        upper = 1.0 if self.hp["kde"] == "bounded" else None
        return np.clip(rule, self.hp["min_bandwidth"], upper)

    def density(self, data: np.ndarray, bandwidths: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Aitchison-Aitken product-kernel density of each row of x under `data` (statsmodels semantics)."""
        if self.hp["kde"] == "bounded":
            levels = self.sizes
            lam = np.minimum(bandwidths, (levels - 1) / levels)
            spread = lam / np.maximum(levels - 1, 1)
        else:
            levels = np.array([len(np.unique(column)) for column in data.T])
            lam = bandwidths
            with np.errstate(divide="ignore", invalid="ignore"):
                spread = lam / (levels - 1)  # one level: a mismatch has density inf, as in statsmodels
        same = x[:, None, :] == data[None, :, :]
        kernel = np.where(same, 1.0 - lam, spread)
        with np.errstate(invalid="ignore", over="ignore"):
            return np.prod(kernel, axis=2).mean(axis=1)

    def _ranked_samples(self, good: np.ndarray, bad: np.ndarray) -> np.ndarray:
        """`num_samples` draws around good points, in hpbandster's order of preference."""
        bw_good, bw_bad = self.bandwidths(good), self.bandwidths(bad)
        count, d = self.hp["num_samples"], len(self.sizes)
        centers = good[self.rng.integers(len(good), size=count)]
        width = np.maximum(bw_good, self.hp["min_bandwidth"])
        if self.hp["bandwidth_factor_on_categorical"]:
            width = np.clip(width * self.hp["bandwidth_factor"], 0.0, 1.0)
        keep = self.rng.random((count, d)) < 1.0 - width
        others = self.rng.integers(0, self.sizes, size=(count, d))
        samples = np.where(keep, centers, others)
        return samples[self.preference(self.density(good, bw_good, samples), self.density(bad, bw_bad, samples))]

    @staticmethod
    def preference(l: np.ndarray, g: np.ndarray) -> np.ndarray:  # noqa: E741 (the paper's names)
        """Sample indices, hpbandster's pick first: minimize max(1e-32, g) / max(l, 1e-32) with Python's max.

        A sample whose ratio is not finite while l is finite is taken at once (its loop breaks);
        samples with a non-finite ratio are never picked otherwise.
        """
        top = np.where(l < FLOOR, FLOOR, l)  # max(l, 1e-32) keeps NaN, as Python's max does
        bottom = np.where(g > FLOOR, g, FLOOR)  # max(1e-32, g) drops NaN
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = bottom / top
        finite = np.isfinite(ratio)
        breaks = np.flatnonzero(~finite & np.isfinite(l))
        stop = int(breaks[0]) if len(breaks) else len(ratio)
        ranked = [i for i in np.argsort(ratio[:stop], kind="stable").tolist() if finite[i]]
        return np.array(([stop] if len(breaks) else []) + ranked, dtype=np.int64)
