"""What each strategy does, checked on its own state."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy
from nasbench.strategies.bohb import BOHB
from nasbench.strategies.brackets import Bracket, hyperband_schedule


def make(c10, name: str, **hp):
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), **hp)


def test_hyperband_schedule_matches_the_paper() -> None:
    # Li et al., JMLR 2018, Table 1 (R = 81, eta = 3): configurations per rung of each bracket.
    schedule = hyperband_schedule((1, 3, 9, 27, 81), 3)
    assert [[n for _, n in bracket] for bracket in schedule] == [
        [81, 27, 9, 3, 1],
        [34, 11, 3, 1],
        [15, 5, 1],
        [8, 2],
        [5],
    ]
    assert [bracket[0][0] for bracket in schedule] == [1, 3, 9, 27, 81]
    assert hyperband_schedule((12, 200), 3) == [[(12, 3), (200, 1)], [(200, 2)]]


def test_bracket_promotes_the_best_third() -> None:
    bracket = Bracket([(1, 9), (3, 3), (9, 1)])
    names = iter(range(100))
    jobs = [bracket.next_job(lambda: next(names)) for _ in range(9)]
    assert [f for _, f in jobs] == [1] * 9 and bracket.next_job(lambda: -1) is None
    for arch, _ in jobs:
        bracket.told(arch, float(arch))
    promoted = [bracket.next_job(lambda: -1) for _ in range(3)]
    assert promoted == [(8, 3), (7, 3), (6, 3)]
    for arch, _ in promoted:
        bracket.told(arch, -float(arch))
    assert bracket.next_job(lambda: -1) == (6, 9)
    bracket.told(6, 0.0)
    assert bracket.finished


def test_regularized_evolution_ages_and_mutates(c10) -> None:
    re = make(c10, "re", population_size=5, sample_size=2)
    for step in range(20):
        arch, _ = re.ask()
        if step >= 5:
            parents = {member for member, *_ in re.population}
            assert any(arch in c10.space.neighbors(p) for p in parents)
        re.tell(arch, None, {"valid_acc": float(step)})
    assert len(re.population) == 5
    assert [u for _, u, _ in re.population] == [15.0, 16.0, 17.0, 18.0, 19.0]


def test_reinforce_learns_the_rewarded_choices(c10) -> None:
    agent = make(c10, "reinforce", learning_rate=0.1)
    target = c10.space.arch(0)
    before = agent._probabilities()[np.arange(6), list(target.ops)].copy()
    for _ in range(200):
        arch, _ = agent.ask()
        agent.tell(arch, None, {"valid_acc": 10.0 * sum(a == b for a, b in zip(arch.ops, target.ops, strict=True))})
    after = agent._probabilities()[np.arange(6), list(target.ops)]
    assert np.all(after > before) and np.all(after > 0.5)


def test_local_search_climbs_the_best_initial_neighborhood(c10) -> None:
    ls = make(c10, "ls", initial_samples=4)
    scores = {}
    for _ in range(4):
        arch, _ = ls.ask()
        scores[arch] = c10.query(arch)["valid_acc"]
        ls.tell(arch, None, {"valid_acc": scores[arch]})
    best = max(scores, key=scores.get)
    neighbors = set(c10.space.neighbors(best)) - set(scores)
    proposals = {ls.ask()[0] for _ in range(len(neighbors))}
    assert proposals == neighbors


def test_local_search_restarts_at_a_local_optimum(c10) -> None:
    ls = make(c10, "ls", initial_samples=1)
    start, _ = ls.ask()
    ls.tell(start, None, {"valid_acc": 100.0})  # nothing can beat it
    for _ in range(24):
        arch, _ = ls.ask()
        ls.tell(arch, None, {"valid_acc": 0.0})
    assert ls.center is None and ls.sampling  # a new random batch (of initial_samples = 1 here)
    restart, _ = ls.ask()
    assert restart in ls.batch and restart != start


def test_bohb_density_ratio_prefers_the_good_region(c10) -> None:
    bohb = make(c10, "bohb")
    assert isinstance(bohb, BOHB)
    good = np.zeros((8, 6), dtype=int)
    bad = np.full((30, 6), 4)
    sample = bohb._ranked_samples(good, bad)[0]
    assert (sample == 0).sum() >= 4


def test_bananas_and_gp_bo_never_repeat_an_evaluated_architecture(c10) -> None:
    for name in ("bananas", "gp-bo"):
        strategy = make(c10, name, initial_samples=5)
        seen = []
        for _ in range(15):
            arch, _ = strategy.ask()
            if len(seen) >= 5:
                assert arch not in seen
            seen.append(arch)
            strategy.tell(arch, None, c10.query(arch, metrics=["valid_acc"]))
