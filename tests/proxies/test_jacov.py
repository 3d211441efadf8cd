"""Jacobian covariance: a linear map by hand, and the score against the reference's eig route."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from nasbench.proxies.jacov import K, correlation_score, jacov
from tests.proxies.tiny import _gen


def test_jacov_of_a_linear_map_has_one_eigenvalue_n() -> None:
    # every image's Jacobian of sum(Wx) is W^T 1: the correlation matrix is all ones, eigenvalues n and 0s
    n = 5
    layer = nn.Linear(4, 3, bias=False)
    x = torch.randn((n, 4), generator=_gen())
    expected = -(math.log(n + K) + 1 / (n + K) + (n - 1) * (math.log(K) + 1 / K))
    assert jacov(layer, x, torch.zeros(n, dtype=torch.long), _gen()) == pytest.approx(expected, rel=1e-6)


def test_correlation_score_matches_the_references_eig() -> None:
    rows = np.random.default_rng(0).normal(size=(6, 20))
    v = np.linalg.eig(np.corrcoef(rows))[0].real  # the reference's route
    assert correlation_score(rows) == pytest.approx(float(-np.sum(np.log(v + K) + 1 / (v + K))), rel=1e-9)
