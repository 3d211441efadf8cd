"""RSPS: the derived cell is the best of the sampled cells on validation batches."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

import nasbench.oneshot.rsps as rsps_module  # noqa: E402
from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.rsps import RSPS  # noqa: E402
from nasbench.oneshot.search import path_accuracy  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch  # noqa: E402
from tests.oneshot.conftest import macro_search, tiny_settings  # noqa: E402


def test_rsps_derives_the_best_of_its_sampled_cells(tiny: ImageData, monkeypatch: pytest.MonkeyPatch) -> None:
    scored: list[tuple[NB201Arch, float]] = []

    def recording(supernet: Any, arch: NB201Arch, split: Any, calibrate: Any) -> float:
        acc = path_accuracy(supernet, arch, split, calibrate)  # the real score, recorded
        scored.append((arch, acc))
        return acc

    monkeypatch.setattr(rsps_module, "path_accuracy", recording)
    rsps = RSPS(tiny, tiny_settings(1, batch_size=16), 0, select_num=8)
    rsps.train_epoch(1)
    derived = rsps.derive(True)
    assert len(scored) == 8
    best = max(acc for _, acc in scored)
    assert derived == next(arch for arch, acc in scored if acc == best)  # ties: the first drawn
    assert len({acc for _, acc in scored}) > 1  # the batches and cells differ: a real choice


def test_rsps_defaults(tiny: ImageData) -> None:
    rsps = RSPS(tiny, tiny_settings(1), 0)
    assert rsps.hyperparameters() == {"select_num": 100}  # NAS-Bench-201's RANDOM-NAS
    assert RSPS(tiny, tiny_settings(1), 0, select_num=3).hyperparameters() == {"select_num": 3}


def test_bad_select_num_is_refused(tiny: ImageData) -> None:
    with pytest.raises(NasbenchError, match="expected select_num >= 1, got 0"):
        RSPS(tiny, tiny_settings(), 0, select_num=0)


def test_rsps_searches_the_macro_space(tiny: ImageData, macro_truth: object) -> None:
    search = macro_search("rsps", tiny, macro_truth, select_num=3)
    assert search.supernet.layers[0].ops[2].body[3].kernel_size == (5, 5)  # type: ignore[attr-defined]
