"""Each proxy on a tiny network against a value computed by hand or by a second, independent route."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nasbench.proxies import get_proxy
from nasbench.proxies.counts import flops, params
from nasbench.proxies.fisher import fisher
from nasbench.proxies.grad_norm import grad_norm
from nasbench.proxies.grasp import grasp
from nasbench.proxies.jacov import K, correlation_score, jacov
from nasbench.proxies.naswot import naswot
from nasbench.proxies.snip import snip
from nasbench.proxies.synflow import synflow
from nasbench.proxies.zen import MIXUP_GAMMA, zen


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _batch(n: int = 6, features: int = 5, classes: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    g = _gen(1)
    return torch.randn((n, features), generator=g), torch.randint(0, classes, (n,), generator=g)


def _softmax_regression(features: int = 5, classes: int = 3) -> nn.Linear:
    layer = nn.Linear(features, classes)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(layer.weight.shape, generator=_gen(2)))
        layer.bias.copy_(torch.randn(layer.bias.shape, generator=_gen(3)))
    return layer


def _softmax_grads(layer: nn.Linear, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """dL/dlogits and dL/dW of the mean cross-entropy, by the closed form (softmax - one-hot) / N."""
    with torch.no_grad():
        logits = x @ layer.weight.T + layer.bias
        d_logits = (torch.softmax(logits, 1) - F.one_hot(y, logits.shape[1])) / len(x)
        return d_logits, d_logits.T @ x


def test_synflow_of_a_linear_network_is_twice_its_path_sum() -> None:
    # with |W| and an all-ones input each layer's sum of w * dR/dw equals R = 1^T |W2| |W1| 1: two layers, 2R
    net = nn.Sequential(nn.Linear(3, 4, bias=False), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2, bias=False))
    with torch.no_grad():
        net[0].weight.copy_(torch.randn((4, 3), generator=_gen(0)))  # negative weights too: synflow takes |w|
        net[3].weight.copy_(torch.randn((2, 4), generator=_gen(1)))
    w1, w2 = net[0].weight.detach().abs().double(), net[3].weight.detach().abs().double()
    paths = float(torch.ones(2, dtype=torch.float64) @ w2 @ w1 @ torch.ones(3, dtype=torch.float64))
    got = synflow(net, torch.zeros((7, 3)), torch.zeros(7, dtype=torch.long), _gen())
    assert got == pytest.approx(2 * paths, rel=1e-12)
    assert net[0].weight.min() < 0  # the network given is left as it was


def test_snip_equals_the_mask_gradient_of_the_reference() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    mask = torch.ones_like(layer.weight, requires_grad=True)  # the reference's weight_mask route
    F.cross_entropy(F.linear(x, layer.weight.detach() * mask, layer.bias.detach()), y).backward()
    assert mask.grad is not None
    assert snip(layer, x, y, _gen()) == pytest.approx(float(mask.grad.abs().sum()), rel=1e-6)


def test_grad_norm_equals_the_closed_form_gradient() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    _, d_weight = _softmax_grads(layer, x, y)
    assert grad_norm(layer, x, y, _gen()) == pytest.approx(float(d_weight.norm()), rel=1e-5)


def test_grasp_equals_minus_w_times_the_explicit_hessian_times_g() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    w = layer.weight.detach().clone()

    def loss(flat: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(F.linear(x, flat.reshape(w.shape), layer.bias.detach()), y)

    hessian = torch.autograd.functional.hessian(loss, w.flatten())
    _, g = _softmax_grads(layer, x, y)
    expected = float(-(w.flatten() * (hessian @ g.flatten())).sum())
    assert grasp(layer, x, y, _gen()) == pytest.approx(expected, rel=1e-4)


def test_fisher_equals_the_closed_form_of_a_linear_layer() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    d_logits, _ = _softmax_grads(layer, x, y)
    with torch.no_grad():
        act = x @ layer.weight.T + layer.bias
    expected = float((0.5 * (act * d_logits).pow(2).mean(0)).sum())
    assert fisher(layer, x, y, _gen()) == pytest.approx(expected, rel=1e-5)


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


def test_naswot_counts_agreeing_units_by_hand() -> None:
    # one ReLU on the raw inputs: K[i, j] = number of the 4 units where images i and j have the same sign
    x = torch.tensor([[1.0, -1, 2, -3], [1, 1, -2, -3], [-1, -1, 2, 3]])
    net = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))
    kernel = np.array([[4, 2, 2], [2, 4, 0], [2, 0, 4]], dtype=float)
    expected = math.log(abs(np.linalg.det(kernel)))  # 4*16 - 2*8 + 2*(-8) = 32
    assert naswot(net, x, torch.zeros(3, dtype=torch.long), _gen()) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(math.log(32))


class _ConvNet(nn.Module):
    def __init__(self, relu: bool = False) -> None:
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 4, 1, bias=False), nn.BatchNorm2d(4)
        self.act = nn.ReLU() if relu else nn.Identity()
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.act(self.bn(self.conv(x)))), 1))


def test_zen_by_the_batch_norm_formulas() -> None:
    shape = (5, 3, 4, 4)
    g = _gen(7)  # the draws in the reference's order: conv weight, linear weight, x, the mixup noise
    w = torch.empty((4, 3, 1, 1)).normal_(generator=g)
    torch.empty((2, 4)).normal_(generator=g)
    x, e = torch.randn(shape, generator=g), torch.randn(shape, generator=g)

    def features(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = F.conv2d(images, w)
        mean, var = z.mean((0, 2, 3), keepdim=True), z.var((0, 2, 3), unbiased=False, keepdim=True)
        return (z - mean) / torch.sqrt(var + 1e-5), z.var((0, 2, 3), unbiased=True)

    out, var1 = features(x)
    mixed, var2 = features(x + MIXUP_GAMMA * e)
    running = 0.9 * (0.9 * torch.ones(4) + 0.1 * var1) + 0.1 * var2  # momentum 0.1, two forward passes
    expected = math.log(float((out - mixed).abs().sum((1, 2, 3)).mean())) + math.log(float(running.mean().sqrt()))
    got = zen(_ConvNet(), torch.zeros(shape), torch.zeros(5, dtype=torch.long), _gen(7))
    assert got == pytest.approx(expected, rel=1e-5)


def test_params_and_flops_are_exact_counts() -> None:
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10)
    )
    images = torch.zeros((2, 3, 8, 8))
    assert params(net, images, torch.zeros(2), _gen()) == pytest.approx((4 * 3 * 9 + 4 * 10 + 10) / 1e6)
    assert flops(net, images, torch.zeros(2), _gen()) == pytest.approx((8 * 8 * 4 * 27 + 10 * 4) / 1e6)


@pytest.mark.parametrize("name", ["synflow", "naswot", "jacov", "snip", "grasp", "grad_norm", "fisher", "zen"])
def test_each_proxy_is_deterministic_and_leaves_the_network_alone(name: str) -> None:
    net = _ConvNet(relu=True)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x, y = torch.randn((4, 3, 4, 4), generator=_gen(3)), torch.tensor([0, 1, 0, 1])
    first, second = (get_proxy(name)(net, x, y, _gen(5)) for _ in range(2))
    assert first == second and math.isfinite(first)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
