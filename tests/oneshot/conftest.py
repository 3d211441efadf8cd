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
