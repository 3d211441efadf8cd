"""BOHB (Falkner, Klein & Hutter, ICML 2018) against hpbandster: good/bad sets, KDEs, model, preference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nasbench.strategies import get_strategy
from nasbench.strategies.bohb import BOHB


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def feed(bohb: BOHB, bench, values: list[float], fidelity: int = 200) -> list:
    archs = [bench.space.arch(37 * i + 5) for i in range(len(values))]
    for arch, value in zip(archs, values, strict=True):
        bohb.observe(arch, fidelity, value)
    return archs


def test_bohb_good_and_bad_sets_are_disjoint_and_sized_as_hpbandster(c10) -> None:
    bohb = make(c10, "bohb")
    feed(bohb, c10, [float(i) for i in range(13)])
    assert bohb.split(200) is None and not bohb.modelled  # 13 results: bad would hold 6 = d
    bohb = make(c10, "bohb")
    feed(bohb, c10, [float(i) for i in range(14)])
    good, bad = bohb.split(200)
    assert len(good) == 7 and len(bad) == 7
    for n, sizes in ((20, (7, 13)), (54, (8, 45))):
        bohb = make(c10, "bohb")
        archs = feed(bohb, c10, [float(i) for i in range(n)])
        good, bad = bohb.split(200)
        assert (len(good), len(bad)) == sizes
        codes = [c10.space.to_decisions(a) for a in archs]
        assert [list(g) for g in good] == codes[::-1][: sizes[0]]  # the best first
        assert not {tuple(g) for g in good} & {tuple(b) for b in bad}


def test_bohb_keeps_failed_runs_as_bad(c10) -> None:
    bohb = make(c10, "bohb")
    archs = feed(bohb, c10, [float(i) for i in range(13)] + [-math.inf])
    _, bad = bohb.split(200)
    assert list(bad[-1]) == c10.space.to_decisions(archs[-1])


def test_bohb_stops_recording_below_a_modelled_fidelity(c10) -> None:
    bohb = make(c10, "bohb")
    feed(bohb, c10, [float(i) for i in range(14)], fidelity=200)
    feed(bohb, c10, [1.0, 2.0], fidelity=12)
    assert 12 not in bohb.data


def test_bohb_bandwidth_factor_does_not_widen_categorical_decisions(c10) -> None:
    bohb = make(c10, "bohb", random_fraction=0.0, min_bandwidth=0.2)
    good = np.array([[0, 1, 2, 3, 4, 0]] * 7 + [[1, 1, 2, 3, 4, 0]])
    bad = np.array([[i % 5, (i + 1) % 5, (i + 2) % 5, (i + 3) % 5, i % 5, (i * 3) % 5] for i in range(20)])
    samples = np.concatenate([bohb._ranked_samples(good, bad) for _ in range(300)])
    kept = (samples[:, 1:] == good[0, 1:]).mean()
    # bandwidth 0.2 (column std 0 -> min_bandwidth): keep w.p. 0.8, else uniform of 5 (may equal): 0.84
    assert kept == pytest.approx(0.84, abs=0.03)


def test_bohb_preference_follows_hpbandsters_loop() -> None:
    good = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    bad = np.array([1.0, 1.0, 1.0, 0.5, 1.0])
    assert BOHB.preference(good, bad).tolist()[0] == 4  # the smallest g/l
    # sample 2 has ratio inf while l is finite: hpbandster takes it at once
    assert BOHB.preference(np.array([1.0, 0.0, 1.0, np.inf]), np.array([1.0, 1.0, np.inf, 1.0])).tolist()[0] == 2
    assert BOHB.preference(np.array([np.nan, 1.0]), np.array([1.0, 2.0])).tolist() == [1]


def test_bohb_kde_is_statsmodels_aitchison_aitken(c10) -> None:
    sm = pytest.importorskip("statsmodels.nonparametric.kernel_density", reason="statsmodels not installed")
    rng = np.random.default_rng(3)
    bohb = make(c10, "bohb")
    data = rng.integers(0, 5, size=(9, 6))
    data[:, 0] = 2  # one level only: a mismatch has infinite kernel value
    x = rng.integers(0, 5, size=(40, 6))
    x[::2, 0] = 2
    bw = bohb.bandwidths(data)
    kde = sm.KDEMultivariate(data=data.astype(float), var_type="u" * 6, bw="normal_reference")
    assert np.allclose(np.clip(kde.bw, 1e-3, None), bw)
    kde.bw = np.clip(kde.bw, 1e-3, None)  # as hpbandster does after fitting
    with np.errstate(all="ignore"):
        theirs = np.array([kde.pdf(row.astype(float)) for row in x])
    ours = bohb.density(data, bw, x)
    assert np.allclose(ours, theirs, equal_nan=True)


def _rows(data: np.ndarray) -> np.ndarray:
    return data[np.lexsort(data.T[::-1])]


class _Job:
    """The fields of an hpbandster job that its config generator reads."""

    def __init__(self, config: dict[str, str], loss: float | None, budget: float) -> None:
        self.kwargs = {"config": config, "budget": budget}
        self.result = None if loss is None else {"loss": loss}
        self.exception, self.timestamps, self.id = None, {}, (0, 0, 0)


def test_bohb_model_equals_hpbandsters_on_the_same_results(c10) -> None:
    """Differential: hpbandster's own config generator, fed the same results (optional extra `reference`)."""
    cs_module = pytest.importorskip("ConfigSpace", reason="install the 'reference' extra (hpbandster) to compare")
    hpb = pytest.importorskip(
        "hpbandster.optimizers.config_generators.bohb", reason="install the 'reference' extra (hpbandster) to compare"
    )
    space = cs_module.ConfigurationSpace()
    for edge in range(6):
        space.add(cs_module.CategoricalHyperparameter(f"e{edge}", [str(op) for op in range(5)]))
    theirs = hpb.BOHB(space, top_n_percent=15, num_samples=64, random_fraction=1 / 3, min_bandwidth=1e-3)
    ours = make(c10, "bohb")
    rng = np.random.default_rng(1)
    for step in range(60):
        ops = rng.integers(0, 5, size=6)
        budget = 12 if step % 3 else 200
        loss = None if step % 17 == 5 else float(rng.random())  # None: a crashed run
        theirs.new_result(_Job({f"e{e}": str(ops[e]) for e in range(6)}, loss, float(budget)))
        ours.observe(c10.space.from_decisions(ops.tolist()), budget, -math.inf if loss is None else -loss)
        assert set(ours.modelled) == {int(b) for b in theirs.kde_models}
        for budget_key, kdes in theirs.kde_models.items():
            good, bad = ours.split(int(budget_key))
            assert np.array_equal(good, kdes["good"].data)
            # crashed runs tie at +inf, and hpbandster's argsort is not stable: compare the bad rows as a set
            assert np.array_equal(_rows(bad), _rows(kdes["bad"].data))
            assert np.allclose(ours.bandwidths(good), kdes["good"].bw)
            assert np.allclose(ours.bandwidths(bad), kdes["bad"].bw)
    x = rng.integers(0, 5, size=(50, 6))
    good, bad = ours.split(max(ours.modelled))
    for data, kde in ((good, theirs.kde_models[200.0]["good"]), (bad, theirs.kde_models[200.0]["bad"])):
        with np.errstate(all="ignore"):
            expected = np.array([kde.pdf(row.astype(float)) for row in x])
        assert np.allclose(ours.density(data, ours.bandwidths(data), x), expected, equal_nan=True)


def test_bohb_density_ratio_prefers_the_good_region(c10) -> None:
    bohb = make(c10, "bohb")
    assert isinstance(bohb, BOHB)
    good = np.zeros((8, 6), dtype=int)
    bad = np.full((30, 6), 4)
    sample = bohb._ranked_samples(good, bad)[0]
    assert (sample == 0).sum() >= 4
