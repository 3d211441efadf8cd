"""`nasbench.live.search`'s plan: every check before anything is written or trained (one-line errors), the
planned benchmark, splits and comparison; the printed summary. The full search is tested in tests/cli/test_search.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError, UnknownName  # noqa: E402
from nasbench.live.benchmark import LiveBenchmark  # noqa: E402
from nasbench.live.crossval import CrossValidated  # noqa: E402
from nasbench.live.search import SearchOutcome, SearchSettings, plan  # noqa: E402
from nasbench.live.userdata import check_arrays  # noqa: E402

TABLE = check_arrays(np.random.default_rng(0).normal(size=(60, 3)), np.repeat([0, 1], 30), "toy")
IMAGES = check_arrays(np.zeros((20, 4, 4), dtype=np.uint8), np.repeat([0, 1], 10), "pics")


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_a_plan_splits_the_rows_and_builds_the_benchmark_and_comparison(tmp_path: Path) -> None:
    checked = plan(SearchSettings(data="toy", budget="3evals", epochs=2), tmp_path / "out", TABLE)
    assert isinstance(checked.bench, LiveBenchmark) and checked.bench.space_name == "mlp"  # tabular: the mlp space
    assert checked.options == {"features": 3} and checked.protocol.epochs == 2 and not checked.protocol.recalibrate_bn
    assert (len(checked.rest), len(checked.test)) == (48, 12) and set(checked.rest).isdisjoint(checked.test)
    assert checked.bench.cache == tmp_path / "out" / "cache.h5"
    assert checked.bench.data.split == "36/12/12 stratified"  # validation also fills the "test" slot
    comparison = checked.comparison
    assert (comparison.bench, comparison.dataset, comparison.strategies) == ("mlp", "toy-holdout", ("re",))
    assert (comparison.estimator, comparison.runs, str(comparison.budget)) == ("live", 1, "3evals")
    assert not (tmp_path / "out").exists()  # a plan writes nothing


def test_a_cross_validated_plan_has_one_cached_benchmark_per_fold(tmp_path: Path) -> None:
    checked = plan(SearchSettings(data="toy", budget="2evals", cv=3, epochs=1), tmp_path, TABLE)
    assert isinstance(checked.bench, CrossValidated) and len(checked.bench.folds) == 3
    assert [f.cache.name for f in checked.bench.folds] == ["cache-fold1.h5", "cache-fold2.h5", "cache-fold3.h5"]
    assert [f.data.name for f in checked.bench.folds] == ["toy-fold1of3", "toy-fold2of3", "toy-fold3of3"]
    assert checked.comparison.dataset == "toy-cv3"
    assert plan(SearchSettings(data="pics", budget="1evals"), tmp_path, IMAGES).bench.space_name == "nb201"


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        (
            SearchSettings(data="toy", metric="f1"),
            UnknownName,
            "expected --metric among accuracy, balanced_accuracy, log_loss, mse, mae, got 'f1'",
        ),
        (SearchSettings(data="toy", metric="mse"), NasbenchError, "expected regression data for --metric mse"),
        (SearchSettings(data="toy", cv=1), NasbenchError, "expected --cv K with K >= 2 folds, got 1"),
        (SearchSettings(data="toy", cv=True), NasbenchError, "expected --cv K with K >= 2 folds, got True"),
        (SearchSettings(data="toy", strategy="nope"), UnknownName, "nope"),
        (SearchSettings(data="toy", budget="soon"), NasbenchError, "soon"),
        (SearchSettings(data="toy", space="nb201"), UnknownName, "expected --space among mlp for tabular data"),
        (SearchSettings(data="toy", cv=40), NasbenchError, "expected at least 40 examples of every class for --cv 40"),
        (
            SearchSettings(data="toy", budget="0.000001s"),
            NasbenchError,
            "expected a budget that affords one evaluation",
        ),
    ],
)
def test_bad_settings_are_refused_in_one_line_before_anything_is_written(
    tmp_path: Path, settings: SearchSettings, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as raised:
        plan(settings, tmp_path / "out", TABLE)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "out").exists()


def test_an_image_space_is_refused_for_tabular_data_and_the_reverse(tmp_path: Path) -> None:
    with pytest.raises(UnknownName, match="expected --space among nb201, macro for image data, got 'mlp'"):
        plan(SearchSettings(data="pics", space="mlp"), tmp_path, IMAGES)


def test_the_summary_names_the_winner_the_score_and_the_outputs(tmp_path: Path) -> None:
    outcome = SearchOutcome(tmp_path, "0011", "accuracy", 0.93456, 7, 12.4)
    lines = outcome.summary().splitlines()
    assert lines[0] == "best architecture: 0011"
    assert lines[1].startswith("test accuracy: 0.9346 (retrained on train + validation")
    assert lines[2] == f"7 evaluations in 12 s; outputs in {tmp_path}"
