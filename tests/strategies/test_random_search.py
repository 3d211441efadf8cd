"""Random search (Bergstra & Bengio, JMLR 2012): uniform, independent draws with replacement, nothing learned."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy


def test_proposals_are_the_spaces_own_draws_at_the_default_fidelity(c10) -> None:
    rs = get_strategy("rs")(c10.space, c10.info, np.random.default_rng(7))
    same_stream = np.random.default_rng(7)
    for step in range(50):
        arch, fidelity = rs.ask()
        assert fidelity is None and arch == c10.space.sample(same_stream)
        rs.tell(arch, None, {"valid_acc": float(step)})  # being told changes nothing


def test_draws_are_uniform_and_with_replacement(c10) -> None:
    rs = get_strategy("rs")(c10.space, c10.info, np.random.default_rng(0))
    archs = [rs.ask()[0] for _ in range(5000)]
    ops = np.array([arch.ops for arch in archs])
    assert np.allclose(np.bincount(ops.ravel(), minlength=5) / ops.size, 0.2, atol=0.01)  # 5 operations per edge
    # 5000 draws from 15,625 with replacement: N (1 - (1 - 1/N)^n) = 4,279 distinct expected (sd ~ 25)
    expected = 15625 * (1 - (1 - 1 / 15625) ** 5000)
    assert round(expected) == 4279 and abs(len(set(archs)) - expected) < 100
