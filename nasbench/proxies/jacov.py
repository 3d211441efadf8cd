"""Jacobian covariance (Mellor et al., "Neural Architecture Search without Training", arXiv
2006.04647v1, 2020), as evaluated by Abdelfattah et al. (ICLR 2021) under the name jacob_cov.

Owns the score only. As the reference (SamsungLabs/zero-cost-nas, `measures/jacob_cov.py`):
the Jacobian of the summed outputs with respect to each input image (training mode), the
correlation matrix of those per-image Jacobians, and -sum(log(v + k) + 1 / (v + k)) over its
eigenvalues v with k = 1e-5. The reference uses `np.linalg.eig`; the matrix is symmetric, so
`eigvalsh` (real eigenvalues, the same values) is used here.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from nasbench.proxies._layers import train_copy

K = 1e-5


def jacov(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, generator: torch.Generator) -> float:
    """Score of the per-image Jacobians' correlation (targets, generator unused)."""
    del targets, generator
    net = train_copy(model)
    x = inputs.clone().requires_grad_(True)
    y = net(x)
    if not y.requires_grad:
        return float("nan")  # an output that ignores the input has no Jacobian to correlate
    y.backward(torch.ones_like(y))
    if x.grad is None:
        return float("nan")
    return correlation_score(x.grad.reshape(len(x), -1).to(torch.float64).numpy())


def correlation_score(jacobians: np.ndarray) -> float:
    """-sum(log(v + k) + 1/(v + k)) over the eigenvalues v of the rows' correlation matrix."""
    with np.errstate(invalid="ignore", divide="ignore"):
        corrs = np.corrcoef(jacobians)
    if not np.all(np.isfinite(corrs)):
        return float("nan")  # a constant Jacobian row (e.g. a network that ignores its input)
    v = np.linalg.eigvalsh(corrs)
    return float(-np.sum(np.log(v + K) + 1.0 / (v + K)))
