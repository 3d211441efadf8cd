"""The real-time runner mode: live evaluations on the host's clock, the results schema, resume from the
cache, worker processes, and `nasbench compare --estimator live`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.cli.main import main  # noqa: E402
from nasbench.live.benchmark import LiveBenchmark  # noqa: E402
from nasbench.live.data import load_digits  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.results import ResultsFolder  # noqa: E402
from nasbench.runner.realtime import run_realtime  # noqa: E402
from nasbench.runner.simulation import COLUMNS, Budget, RunSpec  # noqa: E402

TINY = {"channels": 2, "cells": 1}


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _bench(digits, cache: Path) -> LiveBenchmark:
    return LiveBenchmark("nb201", digits, get_protocol(None, "digits", 1), (0,), cache, model_options=TINY)


def _spec(budget: str, workers: int = 1) -> RunSpec:
    return RunSpec(
        bench_name="live", dataset="digits", strategy="re", run=0, budget=Budget.parse(budget), workers=workers
    )


def test_a_real_time_run_records_measured_costs_and_resumes_from_the_cache(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    bench = _bench(digits, cache)
    frame = run_realtime(_spec("4evals"), bench)
    assert len(frame) == 4 and set(COLUMNS) <= set(frame.columns) and (frame["mode"] == "real-time").all()
    assert len(bench.trained) == len(set(frame["arch"]))  # each new architecture trained once
    assert (frame["cost"] > 0).all() and (frame["end"] >= frame["start"]).all()
    assert frame["end"].is_monotonic_increasing
    assert frame["incumbent_score"].notna().all()  # full fidelity: the test metric is in the cache
    again = _bench(digits, cache)
    replay = run_realtime(_spec("4evals"), again)
    assert again.trained == []  # every answer from the cache: same proposals, nothing retrained
    assert list(replay["arch"]) == list(frame["arch"]) and list(replay["observed"]) == list(frame["observed"])


def test_a_time_budget_stops_the_search(digits, tmp_path: Path) -> None:
    frame = run_realtime(_spec("3s"), _bench(digits, tmp_path / "c.h5"))
    assert (frame["end"] <= 3.0).all()


@pytest.mark.slow
def test_workers_are_processes_and_the_cache_is_written_here(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    bench = _bench(digits, cache)
    frame = run_realtime(_spec("4evals", workers=2), bench)
    assert len(frame) == 4 and bench.trained == []  # trained in the workers...
    assert len(_bench(digits, cache).runs) == len(set(frame["arch"]))  # ...and kept in this process's cache


def test_compare_with_the_live_estimator_writes_a_results_folder(tmp_path: Path, capsys) -> None:
    out = tmp_path / "results"
    argv = ["compare", "--estimator", "live", "--bench", "nb201", "--dataset", "digits", "--strategies", "rs"]
    argv += ["--runs", "1", "--budget", "2evals", "--epochs", "1", "--channels", "2", "--cells", "1"]
    assert main([*argv, "--out", str(out), "--quiet"]) == 0
    settings = ResultsFolder(out).read_settings()
    assert settings["mode"] == "real-time" and settings["estimator"] == "live"
    assert len(ResultsFolder(out).load(frozenset({"arch"}))) == 2 and (out / "cache.h5").exists()
    assert json.loads((out / "comparison.json").read_text())["benchmark"] == str(out / "cache.h5")
    assert main([*argv, "--out", str(out), "--quiet", "--report"]) == 0  # resumed, then a report as for a table
    printed = capsys.readouterr().out
    assert "1/1 runs already done" in printed and f"report in {out / 'report'}" in printed
    assert (out / "report" / "index.md").exists()


def test_a_resumed_run_is_charged_what_the_original_spent(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    first = run_realtime(_spec("5evals"), _bench(digits, cache))
    again = _bench(digits, cache)
    replay = run_realtime(_spec("5evals"), again)
    assert again.trained == [] and list(replay["arch"]) == list(first["arch"])
    np.testing.assert_allclose(replay["cost"], first["cost"], rtol=1e-5)  # float32 in the cache table
    # the clock differs only by the original's one-time start-up before its first proposal (~0.1 s) and each
    # run's own few ms per evaluation
    np.testing.assert_allclose(replay["end"], first["end"], atol=0.25)
    budget = f"{float(first['end'].iloc[2]) + 0.01:.3f}s"  # three evaluations' worth
    timed = run_realtime(_spec(budget), _bench(digits, cache))
    assert len(timed) == 3  # a resumed run under a time budget fits what the original fitted, no more


def test_the_pareto_rows_are_the_non_dominated_feasible_evaluations_at_full_fidelity() -> None:
    import pandas as pd

    from nasbench.problem.objectives import Objective, Problem
    from nasbench.runner.realtime import pareto_rows

    problem = Problem((Objective("valid_acc", True), Objective("latency", False)))
    history = pd.DataFrame(
        {
            "arch": ["a", "b", "c", "d", "e", "a"],
            "fidelity": [12, 12, 12, 12, 6, 12],
            "feasible": [True, True, True, False, True, True],
            "objective_0": [90.0, 80.0, 85.0, 99.0, 99.0, 90.0],  # d infeasible, e at a lower fidelity
            "objective_1": [5.0, 1.0, 6.0, 0.1, 0.1, 5.0],  # c: less accurate and slower than a
        }
    )
    assert sorted(pareto_rows(history, problem)["arch"]) == ["a", "b"]  # a once, though evaluated twice


def test_a_cached_answer_costs_what_lies_beyond_the_fidelity_reached_and_a_repeat_costs_it_all(tmp_path) -> None:
    from nasbench.runner.realtime import RealTimeRun
    from tests.live.test_cache import RUNS, bench

    live = bench(tmp_path / "cache.h5")  # mlp runs by hand: training seconds 1.5 per epoch
    live.runs = {a: dict(s) for a, s in RUNS.items()}
    spec = RunSpec(bench_name="live", dataset="toy", strategy="rs", run=0, budget=Budget.parse("2evals"))
    run = RealTimeRun(spec, live)
    assert run._replayed("5500", 1, 0) == 1.5 and run._replayed("5500", 2, 0) == 1.5  # continued: one more epoch
    assert run._replayed("5500", 2, 0) == 3.0  # reached before: its whole training again, as in a simulation
    assert run._replayed("0011", 3, 0) == 4.5


def test_an_unmeetable_cost_bound_is_refused_before_anything_trains(tmp_path: Path, capsys) -> None:
    out = tmp_path / "results"
    argv = ["compare", "--estimator", "live", "--bench", "nb201", "--dataset", "digits", "--strategies", "rs"]
    argv += ["--runs", "1", "--budget", "2evals", "--epochs", "1", "--channels", "2", "--cells", "1"]
    assert main([*argv, "--out", str(out), "--quiet", "--constraint", "params<=0.0001"]) != 0
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "got 'params<=0.0001': no architecture of nb201 does (the least params is" in error
    assert not out.exists()


def test_training_continued_from_another_runs_checkpoint_is_charged_the_epochs_this_run_never_paid(
    digits, tmp_path: Path
) -> None:
    from nasbench.runner.realtime import RealTimeRun

    live = LiveBenchmark("nb201", digits, get_protocol(None, "digits", 2), (0,), tmp_path / "c.h5", model_options=TINY)
    arch = live.space.sample(np.random.default_rng(0))
    live.query(arch, 1, 0)  # an earlier run trained it one epoch of two: its checkpoint stays in the cache
    spec = RunSpec(bench_name="live", dataset="digits", strategy="rs", run=1, budget=Budget.parse("1evals"))
    run = RealTimeRun(spec, live)
    run.strategy.ask = lambda: (arch, 2)  # type: ignore[method-assign]  # this run asks it at two epochs
    frame = run.run()
    assert live.trained == [(live.space.to_str(arch), 0, 1), (live.space.to_str(arch), 0, 2)]  # epoch 2 continued
    # the first epoch's recorded seconds plus the second's wall seconds: what training it from scratch cost
    assert frame["cost"].iloc[0] == pytest.approx(live.recorded_seconds(arch, 0, 0, 2), rel=1e-5)
    assert frame["cost"].iloc[0] > live.recorded_seconds(arch, 0, 1, 2)


@pytest.mark.slow
def test_a_cached_answer_delays_only_the_worker_it_answers(digits, tmp_path: Path) -> None:
    from nasbench.runner.realtime import RealTimeRun

    live = _bench(digits, tmp_path / "c.h5")
    rng = np.random.default_rng(0)
    trained, *cached = (live.space.sample(rng) for _ in range(4))
    texts = [live.space.to_str(a) for a in (trained, *cached)]
    assert len(set(texts)) == 4
    for arch, charged in zip(cached, (0.5, 0.25, 1000.0), strict=True):  # earlier runs, one on a slow machine
        (order,) = live.missing(arch, 1, 0)
        live.add_run(order, live.train(order), charged=charged)
    spec = RunSpec(bench_name="live", dataset="digits", strategy="rs", run=0, budget=Budget.parse("4evals"), workers=2)
    run = RealTimeRun(spec, live)
    asks = iter([(a, None) for a in (trained, *cached)])  # worker 0 trains while worker 1 answers from the cache
    run.strategy.ask = lambda: next(asks)  # type: ignore[method-assign]
    frame = run.run().set_index("arch")
    new, first, second, slow = (frame.loc[t] for t in texts)
    assert (slow["worker"], slow["cost"]) == (1, pytest.approx(1000.0)) and slow["end"] == slow["start"] + slow["cost"]
    # the training on worker 0 is charged its own seconds only (a shared clock charged it the 1,000.75 s too)
    assert new["worker"] == 0 and new["cost"] < 100.0 and new["end"] < 100.0
    assert live.recorded_seconds(trained, 0, 0, 1) == pytest.approx(new["cost"], rel=1e-5)  # and so is the cache
    # told in the order they end, as in a simulation; an answer that waited for worker 0's clock to pass its end
    # lets its worker go on from that end, not from when it was told
    assert frame["end"].is_monotonic_increasing
    assert second["start"] == pytest.approx(first["end"], abs=0.1)
    assert slow["start"] == pytest.approx(second["end"], abs=0.1)


@pytest.mark.slow
def test_a_resumed_run_with_several_workers_replays_the_original_clock(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    spec = RunSpec(bench_name="live", dataset="digits", strategy="rs", run=0, budget=Budget.parse("6evals"), workers=2)
    first = run_realtime(spec, _bench(digits, cache))
    again = _bench(digits, cache)
    replay = run_realtime(spec, again)
    assert again.trained == [] and sorted(replay["arch"]) == sorted(first["arch"])
    assert first["end"].is_monotonic_increasing and replay["end"].is_monotonic_increasing
    first, replay = first.set_index("arch").sort_index(), replay.set_index("arch").sort_index()
    np.testing.assert_allclose(replay["cost"], first["cost"], rtol=1e-5)  # each its own seconds, float32 cached
    # the two workers' answers overlap in time as their trainings did (a shared clock ran them end to end)
    np.testing.assert_allclose(replay["end"], first["end"], atol=0.25)


@pytest.mark.slow
def test_a_cached_answer_past_the_time_budget_stops_only_its_worker(digits, tmp_path: Path) -> None:
    from nasbench.runner.realtime import RealTimeRun

    live = _bench(digits, tmp_path / "c.h5")
    rng = np.random.default_rng(1)
    trained, cached = live.space.sample(rng), live.space.sample(rng)
    (order,) = live.missing(cached, 1, 0)
    live.add_run(order, live.train(order), charged=1000.0)
    spec = RunSpec(bench_name="live", dataset="digits", strategy="rs", run=0, budget=Budget.parse("5s"), workers=2)
    run = RealTimeRun(spec, live)
    asks, propose = iter([(trained, None), (cached, None)]), run.strategy.ask
    run.strategy.ask = lambda: next(asks, None) or propose()  # type: ignore[method-assign]
    frame = run.run()
    # worker 1's answer ends past the budget (not recorded) and it stops; worker 0 trains on until the budget
    # (a shared clock ended the whole run there: nothing recorded)
    assert live.space.to_str(cached) not in set(frame["arch"]) and set(frame["worker"]) == {0}
    assert frame["arch"].iloc[0] == live.space.to_str(trained) and (frame["end"] <= 5.0).all()
