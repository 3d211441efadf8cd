"""External results as results folders: the schema, re-scoring from the table, optuna and syne-tune, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from nasbench.adapters.config_space import to_architecture
from nasbench.adapters.external import ExternalResultsError, from_frame, from_optuna, from_syne_tune
from nasbench.adapters.optuna import optuna_objective
from nasbench.cli.main import main
from nasbench.errors import InvalidArchitecture, UnknownName
from nasbench.registry import opened
from nasbench.results import ResultsFolder
from nasbench.runner.compare import compare
from nasbench.runner.simulation import COLUMNS, Scorer
from tests.adapters.test_syne_tune import run_asha

optuna.logging.set_verbosity(optuna.logging.WARNING)
NB201 = ("nb201", "cifar10-valid")


def _archs(n: int, seed: int = 0) -> list[str]:
    bench = opened(*NB201)
    rng = np.random.default_rng(seed)
    return [bench.space.to_str(bench.space.sample(rng)) for _ in range(n)]


def _tpe(trials: int, seed: int) -> optuna.Study:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(optuna_objective(opened(*NB201), fidelity=200, seed=np.random.default_rng(seed)), n_trials=trials)
    return study


def test_a_users_frame_becomes_the_simulators_columns(tmp_path: Path) -> None:
    archs = _archs(12)
    frame = pd.DataFrame({"strategy": "mine", "run": [0] * 6 + [1] * 6, "eval": list(range(6)) * 2, "arch": archs})
    folder = from_frame(frame.iloc[::-1], *NB201, out=tmp_path / "mine")  # rows in any order: sorted by eval
    rows = ResultsFolder(folder).load()
    assert list(rows.columns[-len(COLUMNS) :]) == list(COLUMNS) and len(rows) == 12
    bench = opened(*NB201)
    table = bench.query_many(archs, 200, metrics=["valid_acc", "train_seconds"])
    assert rows["arch"].tolist() == archs and rows["observed"].tolist() == table["valid_acc"].tolist()
    first = rows[rows["run"] == 0]
    assert np.allclose(first["end"], np.cumsum(table["train_seconds"].to_numpy()[:6]))  # one worker, table costs
    settings = json.loads((folder / "comparison.json").read_text())
    assert settings["budget"] == "6evals" and "re-scored from the table" in settings["scoring"]


def test_scores_come_from_the_table_not_from_the_frame(tmp_path: Path) -> None:
    archs = _archs(5, seed=1)
    claimed = [50.0, 99.9, 60.0, 70.0, 80.0]  # the method says the second one reached 99.9
    frame = pd.DataFrame({"strategy": "liar", "run": 0, "arch": archs, "observed": claimed, "query_seed": 0})
    rows = ResultsFolder(from_frame(frame, *NB201, out=tmp_path / "x")).load()
    assert rows["incumbent"].tolist()[1:] == [archs[1]] * 4  # its claim picks its incumbent, as an observation does
    bench = opened(*NB201)
    expected = Scorer(bench).held_out(bench.space.from_str(archs[1]), {0})
    assert rows["incumbent_score"].iloc[-1] == expected[0] != 99.9
    assert rows["incumbent_held_out"].iloc[-1]  # scored on the seeds it did not observe


@pytest.mark.slow
def test_an_optuna_study_is_reported_beside_a_builtin_comparison(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    compare(out=str(mine), bench="nb201", dataset="cifar10-valid", strategies=("rs",), runs=2, budget="20evals")
    for run in range(2):
        from_optuna(_tpe(20, run), *NB201, out=tmp_path / "optuna-tpe", strategy="optuna-tpe", run=run)
    rows = ResultsFolder(tmp_path / "optuna-tpe").load()
    assert rows["incumbent_held_out"].all()  # each trial saw one seed: scored on the others
    assert main(["report", str(mine), str(tmp_path / "optuna-tpe"), "--out", str(tmp_path / "report")]) == 0
    index = (tmp_path / "report" / "index.md").read_text()
    assert "| Random search |" in index and "| optuna-tpe |" in index  # in the final table, side by side
    assert "converted by nasbench.adapters.from_optuna" in index


@pytest.mark.slow
def test_syne_tune_results_convert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = run_asha(tmp_path / "st", monkeypatch, hours=2)
    folder = from_syne_tune(results, "nb101", "cifar10", out=tmp_path / "asha", strategy="asha")
    rows = ResultsFolder(folder).load()
    assert len(rows) == len(results) and set(rows["fidelity"]) <= {4, 12, 36, 108}
    assert (np.diff(rows["end"].to_numpy()) >= 0).all() and (rows["cost"] >= 0).all()
    assert rows["incumbent_score"].notna().iloc[-1]


NB201_STRING = "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"
BAD_FRAMES = [
    ({"strategy": ["a"], "arch": ["x"]}, ExternalResultsError, "expected columns strategy, run and"),
    ({"strategy": ["a"], "run": [0]}, ExternalResultsError, "expected a column 'arch' .* columns 1<-0, 2<-0"),
    ({"strategy": ["a"], "run": [0], "arch": [NB201_STRING]}, InvalidArchitecture, "results row 0: unknown operation"),
    ({"strategy": ["a b"], "run": [0], "arch": ["x"]}, ExternalResultsError, "expected strategy names"),
    ({"strategy": ["a"], "run": [0.5], "arch": ["x"]}, ExternalResultsError, "non-negative integers"),
]


@pytest.mark.parametrize(("frame", "error", "message"), BAD_FRAMES)
def test_bad_frames_are_refused_and_nothing_is_written(
    tmp_path: Path, frame: dict[str, list[object]], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        from_frame(pd.DataFrame(frame), *NB201, out=tmp_path / "out")
    assert "\n" not in str(caught.value) and not (tmp_path / "out").exists()


def test_a_bad_fidelity_or_source_is_named(tmp_path: Path) -> None:
    frame = pd.DataFrame({"strategy": "a", "run": 0, "arch": _archs(2), "fidelity": [12, 13]})
    with pytest.raises(UnknownName, match="fidelity 13 not in nb201/cifar10-valid; available: 12, 200"):
        from_frame(frame, *NB201, out=tmp_path / "out")
    with pytest.raises(ExternalResultsError, match="expected an optuna Study or its trials_dataframe"):
        from_optuna(frame, *NB201, out=tmp_path / "out")
    with pytest.raises(ExternalResultsError, match="expected syne-tune results with columns trial_id, st_tuner_time"):
        from_syne_tune(frame, *NB201, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_csv_of_hyperparameters_with_times_and_a_budget(tmp_path: Path) -> None:
    from nasbench.adapters.config_space import configspace

    bench = opened("fcnet", "protein_structure")
    configs = [dict(c) for c in configspace(bench, seed=5).sample_configuration(8)]
    frame = pd.DataFrame(configs).assign(strategy="smac", run=0, end=[100.0 * (k + 1) for k in range(8)])
    frame.to_csv(tmp_path / "smac.csv", index=False)  # values come back from text: numbers and names
    csv = pd.read_csv(tmp_path / "smac.csv")
    folder = from_frame(csv, "fcnet", "protein_structure", out=tmp_path / "r", budget="550s")
    rows = ResultsFolder(folder).load()
    assert rows["end"].tolist() == [100.0, 200.0, 300.0, 400.0, 500.0]  # past the budget: left out
    assert rows["arch"].tolist() == [bench.space.to_str(to_architecture(bench, c)) for c in configs[:5]]
    assert json.loads((folder / "comparison.json").read_text())["budget"] == "550s"
    best = rows["observed"].cummin().tolist()  # a loss: the incumbent is the lowest so far
    assert rows["incumbent_observed"].tolist() == best
