"""BANANAS (White, Neiswanger & Savani, AAAI 2021): naszilla's defaults, no repeated evaluation."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy
from nasbench.strategies.bananas import Bananas


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def test_bananas_defaults_are_naszillas() -> None:
    # naszilla/naszilla 7e65491: params.py meta_neuralnet_params('standard') (10 x 20, mae, 150 epochs, batch 32,
    # lr 0.01, 5 members) and nas_algorithms.py `bananas` (k 10, its, 1 arch to mutate).
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
