"""The proxies' shared helpers: which layers are scored, their double-precision sum, missing gradients,
the copy without batch norm and the training-mode copy."""

from __future__ import annotations

import torch
from torch import nn

from nasbench.proxies._layers import layer_sum, scored_layers, train_copy, weight_grad, without_batch_norm


def _net() -> nn.Sequential:
    net = nn.Sequential(
        nn.Conv2d(1, 2, 1),
        nn.BatchNorm2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(2, 3),
        nn.BatchNorm1d(3),
        nn.Linear(3, 1),
    )
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return net


def test_every_conv_and_linear_is_scored_in_module_order() -> None:
    net = _net()
    assert scored_layers(net) == [net[0], net[4], net[6]]


def test_layer_sum_adds_every_layers_values_in_float64() -> None:
    net = _net()
    expected = sum(float(layer.weight.detach().double().sum()) for layer in (net[0], net[4], net[6]))
    total = layer_sum(net, lambda layer: layer.weight)
    assert total == expected
    assert layer_sum(net, lambda layer: torch.full((2,), 2.0**-30, dtype=torch.float32)) == 6 * 2.0**-30


def test_a_layer_without_a_gradient_counts_zeros() -> None:
    net = _net()
    net[6](torch.ones((1, 3))).sum().backward()
    assert torch.equal(weight_grad(net[6]), torch.ones((1, 3)))
    assert torch.equal(weight_grad(net[0]), torch.zeros_like(net[0].weight))


def test_the_copies_leave_the_network_alone() -> None:
    net = _net().eval()
    net[0].weight.grad = torch.ones_like(net[0].weight)
    plain = without_batch_norm(net)
    assert isinstance(plain[1], nn.Identity) and isinstance(plain[5], nn.Identity)
    assert isinstance(net[1], nn.BatchNorm2d) and torch.equal(plain[0].weight, net[0].weight)
    trained = train_copy(net)
    assert trained.training and not net.training
    assert trained[0].weight.grad is None and net[0].weight.grad is not None
    assert trained[0].weight is not net[0].weight
