"""The true Pareto front of NAS-Bench-201 from the whole table, its scale, and a run's front tracker."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.problem.front import FrontTracker, InfeasibleProblem, check_feasible, compute_true_front, table_values
from nasbench.problem.objectives import parse_problem
from nasbench.problem.pareto import hypervolume


def brute_front_rows(accuracy: np.ndarray, latency: np.ndarray) -> set[int]:
    """Rows no other row beats: accuracy at least as high and latency at most as high, one strictly."""
    keep = set()
    for start in range(0, len(accuracy), 1000):
        a, lat = accuracy[start : start + 1000, None], latency[start : start + 1000, None]
        no_worse = (accuracy[None, :] >= a) & (latency[None, :] <= lat)
        better = (accuracy[None, :] > a) | (latency[None, :] < lat)
        keep |= {start + i for i in np.flatnonzero(~(no_worse & better).any(axis=1))}
    return keep


def test_true_fronts_of_validation_accuracy_against_every_latency(c10) -> None:
    devices = ["latency"] + [m for m, info in c10.info.metrics.items() if info.kind == "hardware"]
    assert len(devices) == 28
    accuracy = table_values(c10, ["valid_acc"])[:, 0]
    for device in devices:
        front = compute_true_front(c10, parse_problem(f"valid_acc,{device}", None, c10.info))
        latency = table_values(c10, [device])[:, 0]
        assert set(front.rows.tolist()) == brute_front_rows(accuracy, latency), device
        assert accuracy.argmax() in set(front.rows.tolist()) or (accuracy == accuracy.max()).sum() > 1


def test_scale_puts_the_table_in_the_unit_box_and_the_nadir_at_the_reference(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    front = compute_true_front(c10, problem)
    values = table_values(c10, ["valid_acc", "latency:pixel3"])
    scaled = front.scale(values)
    assert scaled.min(axis=0) == pytest.approx([0, 0]) and scaled.max(axis=0) == pytest.approx([1, 1])
    assert front.low[0] == pytest.approx(-values[:, 0].max()) and front.high[1] == pytest.approx(values[:, 1].max())
    assert front.hypervolume == pytest.approx(hypervolume(scaled, [1, 1]))
    assert 0.5 < front.hypervolume < 1


def test_constraints_restrict_the_front_and_an_impossible_one_is_refused(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", ["latency:raspi4<=10"], c10.info)
    raspi = table_values(c10, ["latency:raspi4"])[:, 0]
    assert check_feasible(c10, problem) == int((raspi <= 10).sum()) > 0
    front = compute_true_front(c10, problem)
    assert (raspi[front.rows] <= 10).all()
    assert front.hypervolume < compute_true_front(c10, parse_problem("valid_acc,pixel3", None, c10.info)).hypervolume
    impossible = parse_problem(None, ["latency:raspi4<=0.001"], c10.info)
    with pytest.raises(InfeasibleProblem, match=r"no architecture of nb201/cifar10-valid satisfies them \(latency"):
        check_feasible(c10, impossible)
    apart = parse_problem(None, ["pixel3<=5", "pixel3>=30"], c10.info)
    with pytest.raises(InfeasibleProblem, match=r"\(latency:pixel3 spans [0-9.e-]+ to [0-9.]+\)$"):
        check_feasible(c10, apart)  # each metric's range once


def test_three_objectives(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3,params", None, c10.info)
    front = compute_true_front(c10, problem)
    values = front.scale(table_values(c10, problem.metrics))
    # every row off the front is dominated by a front row
    sample = np.random.default_rng(0).choice(len(values), 300, replace=False)
    for row in sample:
        if row in set(front.rows.tolist()):
            continue
        p = values[row]
        assert ((front.points <= p).all(axis=1) & (front.points < p).any(axis=1)).any()


def test_tracker_reaches_zero_regret_and_full_attainment_with_the_whole_front(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    truth = compute_true_front(c10, problem)
    values = table_values(c10, problem.metrics)
    tracker = FrontTracker(truth)
    assert tracker.volume == 0 and tracker.regret == pytest.approx(truth.hypervolume)
    tracker.add(values[0])
    tracker.add(values[0])  # a repeat changes nothing
    first = tracker.volume
    assert 0 <= first <= truth.hypervolume
    for row in truth.rows[::-1]:
        tracker.add(values[row])
    assert tracker.regret == pytest.approx(0.0, abs=1e-12) and tracker.attainment == 1.0
    assert tracker.volume >= first
    assert tracker.epsilon == 0.0


def test_tracker_epsilon_is_the_shortfall_from_the_front_in_scaled_units(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    truth = compute_true_front(c10, problem)
    tracker = FrontTracker(truth)
    # nothing found yet: the reference point (1, 1) alone, as hypervolume counts it
    assert tracker.epsilon == pytest.approx((1 - truth.points).max(axis=1).max()) == 1.0  # the best of each is 0
    history = [tracker.epsilon]
    for values in truth.values[1::2]:  # every other front network
        tracker.add(values)
        history.append(tracker.epsilon)
    assert history == sorted(history, reverse=True) and 0 < history[-1] < history[0]
    found = [np.ones(2), *truth.points[1::2]]
    gaps = [min(max(a - p) for a in found) for p in truth.points]  # Zitzler's definition, point by point
    assert tracker.epsilon == pytest.approx(max(gaps))


def test_one_objective_has_no_front(c10) -> None:
    from nasbench.errors import NasbenchError

    with pytest.raises(NasbenchError, match="expected two or three objectives"):
        compute_true_front(c10, parse_problem(None, ["params<=1"], c10.info))
