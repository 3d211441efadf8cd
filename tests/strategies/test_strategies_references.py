"""Each strategy against its reference implementation: one test per deviation removed.

References: hpbandster (BOHB), NAS-Bench-201's R_EA.py and reinforce.py, the local-search
paper code (White et al., UAI 2021), naszilla (BANANAS) and Knowles 2006 (ParEGO).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from nasbench.strategies import get_strategy
from nasbench.strategies._mlp import Ensemble
from nasbench.strategies.bananas import Bananas
from nasbench.strategies.bohb import BOHB
from nasbench.strategies.brackets import hyperband_schedule
from nasbench.strategies.candidates import mutation_pool
from nasbench.strategies.mutations import node_then_edge, per_edge
from nasbench.strategies.parego import simplex_lattice


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


# Regularized evolution -----------------------------------------------------------------------


def test_re_tournament_draws_with_replacement(c10) -> None:
    # P(the best of 10 wins a tournament of 3) = 1 - 0.9^3 = 0.271 with replacement, 0.3 without.
    re = make(c10, "re")
    for step in range(10):
        re.tell(c10.space.arch(step), None, {"valid_acc": float(step)})
    best = c10.space.arch(9)
    wins = sum(re.select_parent() == best for _ in range(20000)) / 20000
    assert abs(wins - 0.271) < 0.012
    re_old = make(c10, "re", tournament_replacement=False)
    re_old.population = re.population
    assert abs(sum(re_old.select_parent() == best for _ in range(20000)) / 20000 - 0.3) < 0.012


def test_re_mutation_on_nb201_picks_a_node_then_an_incoming_edge(c10) -> None:
    rng = np.random.default_rng(0)
    parent = c10.space.arch(1234)
    counts = Counter()
    for _ in range(36000):
        child = node_then_edge(c10.space, parent, rng)
        changed = [i for i, (a, b) in enumerate(zip(parent.ops, child.ops, strict=True)) if a != b]
        assert len(changed) == 1
        counts[changed[0]] += 1
    expected = [1 / 3, 1 / 6, 1 / 6, 1 / 9, 1 / 9, 1 / 9]  # R_EA.py: uniform node, then uniform incoming edge
    assert np.allclose([counts[e] / 36000 for e in range(6)], expected, atol=0.01)


# REINFORCE ----------------------------------------------------------------------------------


def test_reinforce_baseline_is_the_bias_corrected_moving_average(c10) -> None:
    agent = make(c10, "reinforce")
    agent.tell(c10.space.arch(0), None, {"valid_acc": 90.0})
    assert agent.baseline == pytest.approx(90.0)
    agent.tell(c10.space.arch(1), None, {"valid_acc": 80.0})
    assert agent.baseline == pytest.approx((0.09 * 90 + 0.1 * 80) / 0.19)  # 84.7368, uncorrected EMA: 89.0
    old = make(c10, "reinforce", baseline="ema")
    old.tell(c10.space.arch(0), None, {"valid_acc": 90.0})
    old.tell(c10.space.arch(1), None, {"valid_acc": 80.0})
    assert old.baseline == pytest.approx(89.0)


def test_reinforce_logits_start_at_small_seeded_noise(c10) -> None:
    agent, again = make(c10, "reinforce"), make(c10, "reinforce")
    assert np.array_equal(agent.logits, again.logits)
    assert 0 < np.abs(agent.logits).max() < 1e-2 and 5e-4 < agent.logits.std() < 2e-3  # 1e-3 N(0, 1)
    assert not make(c10, "reinforce", init_scale=0.0).logits.any()


# Local search -------------------------------------------------------------------------------


def test_local_search_restarts_from_the_best_of_ten_new_random_architectures(c10) -> None:
    ls = make(c10, "ls")
    initial = [ls.ask()[0] for _ in range(10)]
    for i, arch in enumerate(initial):
        ls.tell(arch, None, {"valid_acc": 100.0 if i == 3 else float(i)})
    centre = initial[3]
    for _ in range(24):  # every neighbour is worse: a local optimum
        arch, _ = ls.ask()
        assert arch in c10.space.neighbors(centre)
        ls.tell(arch, None, {"valid_acc": 0.0})
    restart = [ls.ask()[0] for _ in range(10)]
    assert len(set(restart)) == 10 and not set(restart) & {centre, *initial, *c10.space.neighbors(centre)}
    for i, arch in enumerate(restart):
        ls.tell(arch, None, {"valid_acc": 50.0 if i == 6 else 1.0})  # the batch's best, not the global best
    arch, _ = ls.ask()
    assert arch in c10.space.neighbors(restart[6])


def test_local_search_initial_samples_are_distinct(c10) -> None:
    for seed in range(20):
        ls = make(c10, "ls", seed=seed, initial_samples=200)
        assert len({ls.ask()[0] for _ in range(200)}) == 200


# BANANAS -------------------------------------------------------------------------------------


def test_bananas_defaults_are_naszillas() -> None:
    hp = Bananas.defaults
    assert (hp["hidden_layers"], hp["width"], hp["epochs"], hp["predictor_batch"], hp["loss"]) == (
        10,
        20,
        150,
        32,
        "mae",
    )
    assert (hp["ensemble_size"], hp["learning_rate"], hp["candidates"], hp["parents"], hp["parent_patience"]) == (
        5,
        0.01,
        100,
        1,
        5,
    )
    assert (hp["acquisition"], hp["ucb_beta"], hp["standardize_targets"], hp["encoding"]) == ("its", 0.5, False, "path")


def test_bananas_mutation_changes_each_edge_with_probability_a_quarter(c10) -> None:
    rng = np.random.default_rng(0)
    parent = c10.space.arch(777)
    children = [per_edge(c10.space, parent, rng) for _ in range(20000)]
    changes = [sum(a != b for a, b in zip(parent.ops, child.ops, strict=True)) for child in children]
    counts = np.bincount(changes, minlength=7) / 20000
    binomial = [math.comb(6, k) * 0.25**k * 0.75 ** (6 - k) for k in range(7)]
    assert np.allclose(counts, binomial, atol=0.01)


def test_bananas_candidates_are_mutations_of_the_best_first() -> None:
    # naszilla's get_candidates: 100 attempts per parent, best parent first, the next only while < 100.
    rng = np.random.default_rng(0)
    parents = ["best", "second", "third", "fourth", "fifth"]
    pool = mutation_pool(parents, 1, 100, lambda p: (p, int(rng.integers(70))), exclude=[("best", 0)])
    used = [p for p, _ in pool]
    assert used == sorted(used, key=parents.index) and set(used) == {"best", "second"}
    assert 100 <= len(pool) <= 140 and ("best", 0) not in pool  # the size is only checked between parents
    assert used.count("best") > 50


def test_bananas_pool_on_nb201_holds_only_new_children(c10) -> None:
    bananas = make(c10, "bananas")
    ranked = [c10.space.arch(i) for i in (10, 500, 9000, 12000, 15000)]
    pool = mutation_pool(ranked, 1, 100, bananas._mutate, exclude=ranked)
    assert len(pool) >= 100 and not set(pool) & set(ranked)
    assert all(min(sum(a != b for a, b in zip(p.ops, c.ops, strict=True)) for p in ranked) >= 1 for c in pool)


def test_mlp_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(0)
    model = Ensemble(2, 4, 2, 5, 1, rng)
    x, y = rng.normal(size=(2, 7, 4)), rng.normal(size=(2, 7, 1))
    grads = [np.zeros_like(w) for w in [*model.weights, *model.biases]]
    model._gradients(x, y, "mse", grads)
    flat_grad = np.concatenate([g.ravel() for g in grads])

    def loss() -> float:
        return float(((model._forward(x)[-1] - y) ** 2).mean(axis=(1, 2)).sum())

    for i in rng.choice(model.flat.size, 30, replace=False):
        old = model.flat[i]
        model.flat[i] = old + 1e-6
        up = loss()
        model.flat[i] = old - 1e-6
        down = loss()
        model.flat[i] = old
        assert (up - down) / 2e-6 == pytest.approx(flat_grad[i], rel=1e-4, abs=1e-7)


def test_mlp_with_mae_learns_the_table(c10) -> None:
    rng = np.random.default_rng(0)
    archs = list(dict.fromkeys(c10.space.sample(rng) for _ in range(400)))[:300]
    x, y = c10.space.encode_many(archs), c10.query_many(archs)["valid_acc"].to_numpy()
    model = Ensemble(5, x.shape[1], 10, 20, 1, rng)
    model.fit(x[:200], 100 - y[:200, None], 150, 32, 0.01, (0.9, 0.99), "mae")  # naszilla's target: 100 - acc
    prediction = 100 - model.predict(x[200:]).mean(axis=0)[:, 0]
    assert np.median(np.abs(prediction - y[200:])) < np.median(np.abs(y[200:] - np.median(y[:200])))
    assert np.corrcoef(prediction, y[200:])[0, 1] > 0.5


# ParEGO --------------------------------------------------------------------------------------


def test_simplex_lattice_sizes_are_knowles() -> None:
    for k, s, size in ((2, 10, 11), (3, 4, 15), (4, 3, 20)):
        lattice = simplex_lattice(k, s)
        assert len(lattice) == size == math.comb(s + k - 1, k - 1)
        assert np.allclose(lattice.sum(axis=1), 1) and np.allclose(lattice * s, np.round(lattice * s))
        assert len({tuple(row) for row in lattice}) == size


def test_parego_draws_a_lattice_weight_for_every_evaluation(c10) -> None:
    from nasbench.problem.objectives import parse_problem

    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    parego = get_strategy("parego")(
        c10.space, c10.info, np.random.default_rng(0), problem=problem, epochs=5, hidden_layers=1
    )
    lattice = {tuple(row) for row in simplex_lattice(2, 10)}
    weights = []
    for step in range(30):
        arch, _ = parego.ask()
        if step >= 10:
            weights.append(tuple(parego.weights))
        parego.tell(arch, None, c10.query(arch, metrics=["valid_acc", "latency:pixel3"]))
    assert set(weights) <= lattice
    assert len(set(weights)) >= 6  # one draw per evaluation: 20 draws from 11 vectors


# BOHB ----------------------------------------------------------------------------------------


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


def test_bracket_sizes_are_hpbandsters() -> None:
    schedule = hyperband_schedule((1, 3, 9, 27, 81), 3, "hpbandster")
    assert [[n for _, n in bracket] for bracket in schedule] == [
        [81, 27, 9, 3, 1],
        [27, 9, 3, 1],
        [9, 3, 1],
        [6, 2],
        [5],
    ]
    assert hyperband_schedule((12, 200), 3, "hpbandster") == [[(12, 3), (200, 1)], [(200, 2)]]


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
