"""Shared fixtures of the one-shot tests: one thread, and a slice of digits small enough to train in a second."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.data import ImageData, load_digits  # noqa: E402
from nasbench.oneshot.search import Settings  # noqa: E402

TINY = {"channels": 4, "cells": 1, "batch_size": 32}


@pytest.fixture(autouse=True)
def one_thread() -> object:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def digits() -> ImageData:
    return load_digits()


@pytest.fixture(scope="session")
def tiny(digits: ImageData) -> ImageData:
    """64 training and 64 validation images (the test split untouched, as in any search)."""
    cut = lambda pair, n=64: (pair[0][:n], pair[1][:n])  # noqa: E731
    return ImageData("digits", 10, cut(digits.train), cut(digits.valid), digits.test, False, "tiny")


def tiny_settings(epochs: int = 2, **kwargs: object) -> Settings:
    return Settings(epochs=epochs, **{**TINY, **kwargs})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def macro_truth() -> object:
    """The NAS-Bench-Macro table (cifar10) as ground truth; skipped where its file is absent."""
    from nasbench.oneshot.ranking import GroundTruth, space_table

    table, _ = space_table("macro", "cifar10")
    if table is None:
        pytest.skip("data/macro.h5 is absent")
    return GroundTruth(table)


def macro_search(method: str, data: ImageData, truth: object, **options: object) -> object:
    """One tiny epoch of `method` on the Macro supernet: the derived network is in the space and the table.

    Returns the method object. Its derived network's table accuracy is the table's own, its rank in 1..6,561.
    """
    from nasbench.oneshot.run import build_method
    from nasbench.spaces import get_space

    settings = tiny_settings(1, channels=16, cells=5)  # the Settings defaults: Macro's network is fixed
    search = build_method(method, data, settings, 0, torch.device("cpu"), "macro", **options)
    result = search.search()
    arch = get_space("macro").from_str(result.arch)  # 8 digits of 0..2, or InvalidArchitecture
    assert search.layout.space == "macro" and len(arch.choices) == 8
    found = truth.lookup(arch)  # type: ignore[attr-defined]
    table = truth.table  # type: ignore[attr-defined]
    expected = float(table.query(arch, truth.fidelity, metrics=[truth.metric])[truth.metric])  # type: ignore[attr-defined]
    assert found["status"] == "ok" and found["score"] == expected and 1 <= found["rank"] <= 6561
    assert found["classes"] == 6561  # every network its own class: nothing merged
    return search
