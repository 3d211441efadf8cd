"""The optuna adapter, run by optuna's own samplers: every trial's value is the table's."""

from __future__ import annotations

import sys

import numpy as np
import optuna
import pytest

from nasbench.adapters.config_space import INDEX, configspace
from nasbench.adapters.optuna import optuna_distributions, optuna_objective
from nasbench.registry import opened

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _table_values(trials: list[optuna.trial.FrozenTrial], metric: str) -> np.ndarray:
    bench = opened("nb201", "cifar10-valid")
    return bench.query_many([t.user_attrs["arch"] for t in trials], 200, metrics=[metric])[metric].to_numpy()


def test_tpe_on_nb201_scores_every_trial_from_the_table() -> None:
    bench = opened("nb201", "cifar10-valid")
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(optuna_objective(bench, fidelity=200), n_trials=100)
    trials = study.trials
    assert len(trials) == 100 and all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert [t.value for t in trials] == (100 - _table_values(trials, "valid_acc")).tolist()
    costs = _table_values(trials, "train_seconds").tolist()
    assert [t.user_attrs["cost"] for t in trials] == costs
    assert len({t.user_attrs["arch"] for t in trials}) > 50  # TPE explores: not one architecture over and over


def test_nsga2_multi_objective_on_nb201() -> None:
    bench = opened("nb201", "cifar10-valid")
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.NSGAIISampler(seed=0))
    study.optimize(optuna_objective(bench, fidelity=200, metrics=["valid_acc", "latency"]), n_trials=100)
    trials = study.trials
    assert len(trials) == 100
    assert [t.values[0] for t in trials] == (100 - _table_values(trials, "valid_acc")).tolist()
    assert [t.values[1] for t in trials] == _table_values(trials, "latency").tolist()
    assert 1 <= len(study.best_trials) < 100


def test_distributions_match_the_exported_space() -> None:
    fcnet = optuna_distributions(opened("fcnet", "protein_structure"))
    assert list(fcnet) == list(configspace(opened("fcnet", "protein_structure")))
    assert fcnet["batch_size"].choices == (8, 16, 32, 64)
    nb101 = optuna_distributions(opened("nb101", "cifar10"))
    assert (nb101[INDEX].low, nb101[INDEX].high) == (0, 999)


@pytest.mark.parametrize(("name", "dataset"), [("nb101", "cifar10"), ("fcnet", "protein_structure")])
def test_a_study_runs_on_other_spaces(name: str, dataset: str) -> None:
    bench = opened(name, dataset)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(optuna_objective(bench), n_trials=20)
    observe = bench.info.observe
    values = bench.query_many([t.user_attrs["arch"] for t in study.trials], metrics=[observe])[observe]
    expected = 1 - values if name == "nb101" else values  # a fraction's error; a loss as it is
    assert [t.value for t in study.trials] == expected.tolist()


def test_a_missing_optuna_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from nasbench.adapters._extras import MissingExtra

    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(MissingExtra, match=r"pip install 'nasbench\[optuna\]'"):
        optuna_objective(opened("nb201", "cifar10-valid"))


def test_a_generator_draws_one_table_seed_per_trial() -> None:
    bench = opened("nb201", "cifar10-valid")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=2))
    study.optimize(optuna_objective(bench, seed=np.random.default_rng(0)), n_trials=30)
    seeds = [t.user_attrs["query_seed"] for t in study.trials]
    assert set(seeds) == {0, 1, 2}
    for trial in study.trials:
        value = bench.query(trial.user_attrs["arch"], 200, trial.user_attrs["query_seed"])["valid_acc"]
        assert trial.value == 100 - value
