"""The proxies' input batches: fixed, named, shaped, and refused when they do not fit."""

from __future__ import annotations

import re

import pytest

from nasbench.errors import NasbenchError
from nasbench.proxies.inputs import BatchSpec, check_batch, make_batch


def test_batches_are_fixed_and_named() -> None:
    for kind in ("gaussian", "digits"):
        spec = BatchSpec(kind, 4, 6)
        (a, y), (b, z) = make_batch(spec), make_batch(spec)
        assert a.shape == (4, 3, 6, 6) and torch_equal(a, b) and torch_equal(y, z)
        assert kind in spec.describe()


def torch_equal(a: object, b: object) -> bool:
    import torch

    assert isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    return bool(torch.equal(a, b))


def test_the_gaussian_batch_is_drawn_from_its_seed() -> None:
    import torch

    spec = BatchSpec("gaussian", 5, 4, classes=10, seed=3)
    images, labels = make_batch(spec)
    g = torch.Generator().manual_seed(3)
    assert torch.equal(images, torch.randn((5, 3, 4, 4), generator=g))
    assert torch.equal(labels, torch.randint(0, 10, (5,), generator=g))
    other, _ = make_batch(BatchSpec("gaussian", 5, 4, classes=10, seed=4))
    assert not torch.equal(images, other)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (BatchSpec("noise", 4, 4), "expected --batch among gaussian, digits, cifar10, cifar100, got 'noise'"),
        (BatchSpec("gaussian", 1, 4), "expected a batch of at least 2 images, got 1"),
        (BatchSpec("gaussian", 4, 0), "expected a resolution of at least 1 pixels, got 0"),
        (BatchSpec("digits", 4, 4, classes=5), "expected a network of at least 10 classes for digits, got 5"),
        (BatchSpec("cifar10", 4, 32), "expected --data-dir"),
    ],
)
def test_a_batch_that_does_not_fit_is_refused(spec: BatchSpec, message: str) -> None:
    with pytest.raises(NasbenchError, match=re.escape(message)):
        check_batch(spec)
    with pytest.raises(NasbenchError, match=re.escape(message)):
        make_batch(spec)


def test_a_resolution_below_the_networks_minimum_is_refused() -> None:
    check_batch(BatchSpec("gaussian", 4, 4), min_resolution=4)
    with pytest.raises(NasbenchError, match=re.escape("expected a resolution of at least 4 pixels, got 3")):
        check_batch(BatchSpec("gaussian", 4, 3), min_resolution=4)
