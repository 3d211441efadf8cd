"""Search on a new device under the few-shot predicted latency: only k cells of the device's truth are used."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from nasbench.runner.fewshot import devices_of
from nasbench.runner.hwsearch import Task, hardware_markdown, hardware_search, predicted_latency, search


@pytest.fixture(scope="module")
def devices():
    return devices_of("nb201")


def test_the_prediction_reads_the_target_at_its_k_cells_only(devices) -> None:
    t = devices.names.index("pixel3")
    seed = np.random.SeedSequence(7)
    predicted = predicted_latency(devices, "pixel3", 10, seed)
    truth = devices.latency[:, t]
    measured = np.flatnonzero(predicted == truth)
    assert len(measured) >= 10 and spearmanr(predicted, truth).statistic > 0.8
    scrambled = devices.latency.copy()
    others = np.setdiff1d(np.arange(len(truth)), measured)
    scrambled[others, t] = np.random.default_rng(0).permutation(truth[others])  # the truth elsewhere: noise
    again = predicted_latency(dataclasses.replace(devices, latency=scrambled), "pixel3", 10, seed)
    np.testing.assert_allclose(again, predicted, rtol=1e-9)  # equal but for summation order (memory layout)


def test_the_predicted_arm_searches_on_the_prediction_alone(devices) -> None:
    t = devices.names.index("pixel3")
    truth = devices.latency[:, t]
    accuracy = np.random.default_rng(1).random(len(truth)) * 100
    predicted = predicted_latency(devices, "pixel3", 10, np.random.SeedSequence(3))
    task = Task("pixel3", accuracy, truth, predicted, float(np.quantile(truth, 0.25)))
    first = search(task, "predicted", "re", 60, np.random.default_rng(5))
    other_truth = dataclasses.replace(task, true=np.random.default_rng(2).permutation(truth))
    again = search(other_truth, "predicted", "re", 60, np.random.default_rng(5))
    assert first[0] == again[0]  # the same incumbent: the true latencies never steered the search
    honest = search(task, "true", "re", 60, np.random.default_rng(5))
    assert honest[1] and honest[2] >= 0  # under the true constraint the incumbent is feasible
    perfect = dataclasses.replace(task, predicted=truth)
    assert search(perfect, "predicted", "re", 60, np.random.default_rng(5)) == honest


def test_hardware_search_rows_and_table(devices) -> None:
    found = hardware_search(devices, ["pixel3", "1080ti_1"], 10, 0.25, "re", 2, 30)
    assert len(found) == 8 and set(found["arm"]) == {"predicted", "true"}
    assert found[found["arm"] == "true"]["feasible"].all()
    text = hardware_markdown(found, 10, 0.25, "re", 30)
    assert "| true latency | 100.0% |" in text and "| pixel3 |" in text


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--shots", "5,10", "--search", "re", "--budget", "20evals"], "expected one --shots value with --search"),
        (["--search", "sgd", "--budget", "20evals"], "unknown strategy 'sgd'"),
        (["--search", "hyperband", "--budget", "20evals"], "strategy without source tasks for --search, got hyperband"),
        (["--search", "re-zc", "--budget", "20evals"], "got re-zc (multi-fidelity)"),
        (["--search", "rgpe", "--budget", "20evals"], "got rgpe (transfer)"),
        (["--search", "nsga2", "--budget", "20evals"], "got nsga2 (multi-objective)"),
        (["--search", "re", "--budget", "2h"], "expected --budget like 100evals with --search, got '2h'"),
        (["--search", "re", "--budget", "9evals", "--bound-quantile", "1.5"], "expected --bound-quantile between"),
    ],
)
def test_bad_search_settings_fail_in_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    from nasbench.cli.main import main

    out = tmp_path / "x"
    assert main(["meta", "--bench", "nb201", "--metric", "latency", *flags, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nasbench: error: ") and err.count("\n") == 1 and message in err
    assert not out.exists()


def test_a_minimised_metric_keeps_the_lowest_value_and_its_regret_is_non_negative(devices) -> None:
    truth = devices.latency[:, devices.names.index("pixel3")]
    accuracy = np.random.default_rng(1).random(len(truth)) * 100
    bound = float(np.quantile(truth, 0.25))
    up = Task("pixel3", accuracy, truth, truth, bound)
    down = Task("pixel3", 100 - accuracy, truth, truth, bound, maximize=False)
    assert down.optimum() == pytest.approx(100 - up.optimum())
    best, feasible, regret = search(up, "true", "rs", 40, np.random.default_rng(5))  # random search: same cells
    low, low_feasible, low_regret = search(down, "true", "rs", 40, np.random.default_rng(5))
    assert feasible and low_feasible and regret > 0
    assert low == pytest.approx(100 - best) and low_regret == pytest.approx(regret)
