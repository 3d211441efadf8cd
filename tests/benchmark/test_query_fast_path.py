"""`TableBenchmark.query`'s fast path gives the same records and the same errors as the full path."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import nasbench
from nasbench.benchmark import table
from nasbench.benchmark.table import RECORD_CACHE
from nasbench.errors import InvalidArchitecture, UnknownName


def _full_path(bench: nasbench.TableBenchmark, arch: object, fidelity: int | None) -> dict[str, float]:
    """The record through the general path: every default metric named explicitly."""
    f = bench.fidelity_index(fidelity)
    columns, n_default, _ = bench._matrix(f, None)
    return bench.query(arch, fidelity=fidelity, metrics=columns[:n_default])


@pytest.mark.parametrize(("name", "dataset"), [("nb201", "cifar10-valid"), ("nb101", "cifar10"), ("fcnet", None)])
def test_warm_queries_match_the_full_path_for_every_way_to_name_an_architecture(name: str, dataset: str | None) -> None:
    bench = nasbench.load(name, dataset=dataset)
    rng = np.random.default_rng(0)
    for fidelity in (None, bench.info.fidelities[0]):
        for _ in range(2):  # the first call fills the fast path, the second uses it
            for row in rng.integers(0, bench.info.size or 1000, size=5).tolist():
                arch = bench.space.parse(bench.table.archs()[row]) if not bench._enumerable else bench.space.arch(row)
                names = [arch, bench.space.to_str(arch)] + ([row, np.int64(row)] if bench._enumerable else [])
                expected = _full_path(bench, arch, fidelity)
                assert list(expected) == list(bench.query(arch, fidelity=fidelity))
                for way in names:
                    assert bench.query(way, fidelity=fidelity) == expected


def test_a_warm_fast_path_still_refuses_what_the_full_path_refuses() -> None:
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    bench.query(0)
    with pytest.raises(UnknownName, match="fidelity 7 not in nb201/cifar10-valid"):
        bench.query(0, fidelity=7)
    with pytest.raises(UnknownName, match="fidelity"):
        bench.query(0, fidelity=[200])  # type: ignore[arg-type]  # unhashable: no TypeError leaks out
    with pytest.raises(InvalidArchitecture):
        bench.query(15625)
    with pytest.raises(InvalidArchitecture):
        bench.query("|nor_conv_3x3~0|+|")
    with pytest.raises(InvalidArchitecture, match="got bool"):  # as row(): a bool is no index
        bench.query(True)
    bench._records.clear()
    with pytest.raises(InvalidArchitecture, match="got bool"):
        bench.query(True)


def test_a_kept_record_is_never_handed_out_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    first = bench.query(11)
    expected = dict(first)
    first.clear()  # the caller owns its record: changing it changes no later answer
    second = bench.query(11)
    assert second == expected
    second["valid_acc"] = -1.0
    assert bench.query(11) == expected
    monkeypatch.setattr(bench, "_n_records", RECORD_CACHE)  # full: built, not kept
    bench._records.clear()
    assert bench.query(12) == bench.query(12) == _full_path(bench, 12, None)
    assert bench._records[None][12] is None


@pytest.mark.parametrize(("name", "dataset"), [("nb201", "cifar10-valid"), ("nb101", "cifar10"), ("fcnet", None)])
def test_warm_named_metrics_match_the_general_path(name: str, dataset: str | None) -> None:
    bench = nasbench.load(name, dataset=dataset)
    rng = np.random.default_rng(1)
    metrics = [bench.info.observe, bench.info.cost]
    for fidelity in (None, bench.info.fidelities[0]):
        for seed in (None, *bench.info.seeds[:1]):
            for _ in range(2):  # the first call keeps the selection, the second reads it
                for row in rng.integers(0, bench.info.size or 1000, size=5).tolist():
                    text = bench.table.archs()[row]
                    arch = bench.space.arch(row) if bench._enumerable else bench.space.parse(text)
                    if seed is not None and seed not in bench.seeds_run(arch, fidelity):
                        continue
                    f, s = bench.fidelity_index(fidelity), bench.seed_index(seed)
                    columns, _, matrix = bench._matrix(f, s)
                    expected = {m: matrix[columns.index(m), bench.row(arch)].item() for m in metrics}
                    assert bench.query(arch, fidelity, seed, metrics=metrics) == expected
                    assert bench.query(bench.space.to_str(arch), fidelity, seed, metrics=tuple(metrics)) == expected


def test_a_warm_selection_still_refuses_a_seed_never_run() -> None:
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    full, partial = 0, 347  # at 200 epochs: seeds 0, 1, 2 run for row 0; only 0 and 1 for row 347
    assert bench.seeds_run(full) == (0, 1, 2) and bench.seeds_run(partial) == (0, 1)
    for _ in range(2):  # cold, then warm
        assert set(bench.query(full, seed=2, metrics=["valid_acc"])) == {"valid_acc"}
        with pytest.raises(UnknownName, match="has no seed 2 at fidelity 200; seeds run: 0, 1"):
            bench.query(partial, seed=2, metrics=["valid_acc"])
    with pytest.raises(UnknownName, match="unknown metric 'v'"):
        bench.query(full, seed=2, metrics="valid_acc")  # a string is no list of names, warm or not


def test_query_many_builds_the_frame_the_dataframe_constructor_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    archs = [bench.space.arch(i) for i in range(0, 15625, 31)]
    mixed = [a if i % 3 else bench.space.to_str(a) for i, a in enumerate(archs)]  # objects and strings
    for kwargs in ({}, {"seed": 1}, {"metrics": ["latency:pixel3", "valid_acc"]}):
        fast = bench.query_many(archs, **kwargs)
        assert bench.query_many(mixed, **kwargs).equals(fast)
        monkeypatch.setattr(table, "_from_blocks", None)  # the DataFrame constructor, as on pandas 2
        plain = bench.query_many(archs, **kwargs)
        monkeypatch.undo()
        pd.testing.assert_frame_equal(fast, plain, check_exact=True)
        assert fast.index.name == "row" and fast.index.dtype == np.int64 and fast.columns.equals(plain.columns)
        assert fast.index.tolist() == [bench.space.index(a) for a in archs]


@pytest.mark.parametrize(("name", "dataset"), [("nb201", "cifar10-valid"), ("nb101", "cifar10"), ("fcnet", None)])
def test_query_many_builds_the_frame_the_public_constructor_builds(name: str, dataset: str | None) -> None:
    """`query_many`'s frame, made from pandas' blocks directly, is the public constructor's to the byte."""
    if not table._FAST_FRAME:
        pytest.skip("this pandas has another internal layout: query_many uses the public constructor")
    bench = nasbench.load(name, dataset=dataset)
    archs = [bench.space.parse(text) for text in bench.table.archs()[:50]]
    for kwargs in ({}, {"metrics": [bench.info.cost, bench.table.dataset["observe"]]}, {"fidelity": 1}):
        if kwargs.get("fidelity") not in (None, *bench.info.fidelities):
            continue
        for chosen in (archs, archs[:1], []):
            fast = bench.query_many(chosen, **kwargs)
            f = bench.fidelity_index(kwargs.get("fidelity"))
            columns, n_default, matrix = bench._matrix(f, None)
            rows = bench.rows(chosen)
            names = kwargs.get("metrics", columns[:n_default])
            block = np.ascontiguousarray(matrix[[columns.index(n) for n in names]][:, rows])
            arch = pd.Categorical.from_codes(rows, dtype=bench._arch_dtype, validate=False)
            public = table._public_frame(block, arch, pd.Index(rows, name="row"), pd.Index([*names, "arch"]))
            pd.testing.assert_frame_equal(fast, public, check_exact=True)
            assert [type(b) for b in fast._mgr.blocks] == [type(b) for b in public._mgr.blocks]
            assert pickle.dumps(fast) == pickle.dumps(public)


def test_rows_of_cells_strings_indices_and_mixtures_are_row_by_row() -> None:
    """`rows` reads a list of cells by the space's vectorized path first: the rows and errors of one by one."""
    bench = nasbench.load("nb201", dataset="cifar10-valid")
    archs = [bench.space.arch(i) for i in (15624, 0, 7, 7, 1234)]
    texts = [str(a) for a in archs]
    for chosen in (archs, tuple(archs), texts, [texts[0], *archs[1:]], [15624, 0, 7, 7, 1234], [np.int64(15624), 0]):
        assert bench.rows(chosen).tolist() == [bench.row(a) for a in chosen]
        assert bench.rows(chosen).dtype == np.int64
    for bad, message in (
        ([archs[0], 3.5], "expected an NB201Arch or a NAS-Bench-201 string, got float"),
        ([1, archs[0]], "expected an NB201Arch or a NAS-Bench-201 string, got int"),
        ([True, archs[0]], "expected an NB201Arch or a NAS-Bench-201 string, got bool"),
        ([archs[0], 15625], "expected an NB201Arch or a NAS-Bench-201 string, got int"),
        ([0, 15625], "expected an index in 0..15624"),
    ):
        with pytest.raises(InvalidArchitecture, match=message):
            bench.rows(bad)
