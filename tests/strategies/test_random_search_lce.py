"""rs-lce: the pow3 extrapolation on real curves, and early stopping through the runner."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nasbench
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies._power_law import extrapolate
from nasbench.strategies.brackets import rung_fidelities


def test_extrapolation_beats_the_last_checkpoint_on_the_digits_curves() -> None:
    bench = nasbench.load("nb201-digits")
    ladder = rung_fidelities(bench.info.fidelities, 2.0)
    table = bench.table.metrics["valid_acc"].mean[:, [bench.info.fidelities.index(f) for f in ladder]]
    table = table[np.isfinite(table).all(axis=1)]
    predicted = np.array([extrapolate(ladder[:-1], row[:-1], ladder[-1]) for row in table])
    assert np.mean(np.abs(predicted - table[:, -1])) < np.mean(np.abs(table[:, -2] - table[:, -1]))


def _run(seed: int = 0, workers: int = 1) -> pd.DataFrame:
    spec = RunSpec(
        bench_name="nlp", dataset="wikitext-2", strategy="rs-lce", run=0, budget=Budget.parse("40000s"),
        root_seed=seed, workers=workers,
    )  # fmt: skip
    return simulate(spec, nasbench.load("nlp", "wikitext-2"))


def test_rs_lce_climbs_the_ladder_and_stops_losers() -> None:
    frame = _run()
    ladder = rung_fidelities(nasbench.load("nlp", "wikitext-2").info.fidelities, 2.0)
    assert set(frame["fidelity"]) <= set(ladder)
    reached = frame.groupby("arch")["fidelity"].max()
    assert (reached == ladder[-1]).any() and (reached[reached >= ladder[2]] < ladder[-1]).any()  # some stopped
    pd.testing.assert_frame_equal(frame, _run())
    assert frame["arch"].tolist() != _run(seed=1)["arch"].tolist()
    assert _run(workers=4)["worker"].nunique() == 4


def test_rs_lce_sotl_observes_the_training_loss_and_stops_slow_trainers() -> None:
    from nasbench.strategies import get_strategy

    bench = nasbench.load("nlp", "wikitext-2")
    spec = RunSpec(
        bench_name="nlp", dataset="wikitext-2", strategy="rs-lce", run=0, budget=Budget.parse("300000s"),
        root_seed=0, hyperparameters='{"estimator": "sotl"}',
    )  # fmt: skip
    frame = simulate(spec, bench)
    reached = frame.groupby("arch")["fidelity"].max()
    assert (reached == 50).any() and (reached == 1).sum() > len(reached) / 2  # most stop at the first checkpoint
    pd.testing.assert_frame_equal(frame, simulate(spec, bench))
    assert frame["arch"].tolist() != _run()["arch"].tolist()  # not the pow3 rule
    agent = get_strategy("rs-lce")(bench.space, bench.info, np.random.default_rng(0), estimator="sotl")
    assert agent.also_observes == ("train_loss",)
    arch, fidelity = agent.ask()
    agent.tell(arch, fidelity, {"valid_loss": 6.0, "train_loss": 6.5})
    assert agent.training_speed(arch, 1) == 6.5 and agent.ready == [(arch, 3)]  # no incumbent yet: on


def test_rs_lce_sotl_is_refused_on_a_table_without_training_losses() -> None:
    from nasbench.errors import NasbenchError
    from nasbench.runner.simulation import also_observed
    from nasbench.strategies import get_strategy

    nb101 = nasbench.load("nb101", "cifar10")
    with pytest.raises(NasbenchError, match=r"expected a benchmark with training losses \(train_loss\).*got nb101"):
        get_strategy("rs-lce")(nb101.space, nb101.info, np.random.default_rng(0), estimator="sotl")
    nb201 = nasbench.load("nb201")
    with pytest.raises(NasbenchError, match=r"nb201/cifar10-valid \(metrics: valid_acc, .* and \d+ more\)$"):
        get_strategy("rs-lce")(nb201.space, nb201.info, np.random.default_rng(0), estimator="sotl")
    nlp = nasbench.load("nlp", "wikitext-2").info
    assert also_observed(("train_loss",), nlp) == ("train_loss",)
    with pytest.raises(NasbenchError, match="expected a metric a search may observe on nlp.*got 'test_loss'"):
        also_observed(("test_loss",), nlp)  # the scored metric stays held out


def test_no_test_split_metric_may_be_observed_beside_the_scored_one() -> None:
    from nasbench.errors import NasbenchError
    from nasbench.runner.simulation import also_observed

    digits = nasbench.load("nb201-digits").info  # scored on test_acc; test_loss is the same test split
    assert also_observed(("train_loss", "valid_loss"), digits) == ("train_loss", "valid_loss")
    for name in ("test_loss", "test_acc"):
        with pytest.raises(NasbenchError, match=f"may observe on nb201-digits.*got '{name}'"):
            also_observed((name,), digits)


def test_rs_lce_says_when_the_ladder_is_too_short_to_extrapolate(caplog) -> None:
    from nasbench.runner.compare import resolve
    from nasbench.runner.settings import Comparison

    def notes(bench: str) -> list[str]:
        caplog.clear()
        resolve(Comparison(bench=bench, strategies=("rs-lce",), budget=Budget.parse("20000s")))
        return [r.getMessage() for r in caplog.records if r.name == "nasbench"]

    with caplog.at_level("WARNING", logger="nasbench"):
        (note,) = notes("nb201")  # 12 and 200 epochs
        assert note.startswith("rs-lce: nb201/cifar10-valid has 2 checkpoints (12, 200)") and "random search" in note
        assert notes("nb201-digits") == []  # 1, 2, 4, 8, 12: pow3 has its curves
