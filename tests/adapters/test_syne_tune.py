"""The syne-tune Blackbox: syne-tune's own ASHA runs on it in the simulator backend."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nasbench.adapters.config_space import INDEX, to_architecture
from nasbench.adapters.objective import fidelity_name
from nasbench.adapters.syne_tune import objectives_of, syne_tune_blackbox
from nasbench.registry import opened


def run_asha(folder: Path, monkeypatch: pytest.MonkeyPatch, hours: float = 6) -> pd.DataFrame:
    """ASHA (Li et al. 2018) on the NB101 subset for `hours` of simulated time, 4 workers; its results frame."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback
    from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend
    from syne_tune.experiments import load_experiment
    from syne_tune.optimizer.baselines import ASHA

    monkeypatch.setenv("SYNETUNE_FOLDER", str(folder))
    blackbox = syne_tune_blackbox(opened("nb101", "cifar10"))
    scheduler = ASHA(
        blackbox.configuration_space,
        metric="valid_acc",
        do_minimize=False,
        time_attr="epochs",
        max_t=108,
        grace_period=4,
        reduction_factor=3,
        random_seed=0,
    )
    tuner = Tuner(
        trial_backend=UserBlackboxBackend(blackbox=blackbox, elapsed_time_attr="train_seconds"),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=hours * 3600),
        n_workers=4,
        sleep_time=0,
        callbacks=[SimulatorCallback()],
        results_update_interval=1e9,
        print_update_interval=1e9,
        save_tuner=False,
    )
    tuner.run()
    return load_experiment(tuner.name).results.reset_index(drop=True)


def test_the_blackbox_describes_the_table() -> None:
    bench = opened("nb101", "cifar10")
    blackbox = syne_tune_blackbox(bench)
    assert list(blackbox.configuration_space) == [INDEX]
    assert blackbox.fidelity_values.tolist() == [4, 12, 36, 108] and blackbox.fidelity_name() == "epochs"
    assert blackbox.objectives_names == objectives_of(bench) == ["valid_acc", "train_seconds", "params"]
    curve = blackbox.objective_function({INDEX: 5})
    assert curve.shape == (4, 3)
    arch = to_architecture(bench, {INDEX: 5})
    assert curve[:, 0].tolist() == [bench.query(arch, f)["valid_acc"] for f in (4, 12, 36, 108)]
    at_36 = bench.query(arch, 36, metrics=blackbox.objectives_names)
    assert blackbox.objective_function({INDEX: 5}, fidelity=36) == at_36


def test_nb201_has_its_edges_and_seeds() -> None:
    bench = opened("nb201", "cifar10-valid")
    blackbox = syne_tune_blackbox(bench)
    assert list(blackbox.configuration_space) == ["1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"]
    assert blackbox.num_seeds == 3 and fidelity_name(bench) == "epochs"
    config = {name: "nor_conv_3x3" for name in blackbox.configuration_space}
    seeded = blackbox.objective_function(config, fidelity=200, seed=2)
    assert seeded["valid_acc"] == bench.query(to_architecture(bench, config), 200, 2)["valid_acc"]


@pytest.mark.slow
def test_asha_runs_in_the_simulator_on_table_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = run_asha(tmp_path, monkeypatch)
    bench = opened("nb101", "cifar10")
    assert len(results) > 100 and results["trial_id"].nunique() > 50
    assert set(results["epochs"]) == {4, 12, 36, 108}  # ASHA promoted some trials through every rung
    archs = [to_architecture(bench, {INDEX: int(i)}) for i in results[f"config_{INDEX}"]]
    for fidelity, rows in results.groupby("epochs"):
        expected = bench.query_many([archs[i] for i in rows.index], int(fidelity), metrics=["valid_acc"])
        assert np.array_equal(rows["valid_acc"].to_numpy(), expected["valid_acc"].to_numpy())
    assert results["st_tuner_time"].max() <= 6 * 3600 + results["train_seconds"].max()


def test_a_missing_syne_tune_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from nasbench.adapters._extras import MissingExtra

    monkeypatch.setitem(sys.modules, "syne_tune.blackbox_repository.blackbox", None)
    with pytest.raises(MissingExtra, match=r"pip install 'nasbench\[syne-tune\]'"):
        syne_tune_blackbox(opened("nb201", "cifar10-valid"))
