"""What the zero-cost strategies share: without a fidelity 0 each is its base strategy."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench


@pytest.mark.parametrize(("name", "base"), [("re-zc", "re"), ("bananas-zc", "bananas"), ("reinforce-zc", "reinforce")])
def test_without_a_zero_cost_fidelity_each_is_its_base_strategy(name: str, base: str) -> None:
    from nasbench.strategies import get_strategy

    plain = nasbench.load("nb201", "cifar10-valid")

    def trajectory(strategy: str) -> list[str]:
        hp = {"epochs": 5} if base == "bananas" else {}
        search, seen = get_strategy(strategy)(plain.space, plain.info, np.random.default_rng(0), **hp), []
        for _ in range(12):
            arch, fidelity = search.ask()
            search.tell(arch, fidelity, plain.query(arch, fidelity, metrics=[plain.info.observe]))
            seen.append(plain.space.to_str(arch))
        return seen

    assert trajectory(name) == trajectory(base)


def test_a_fidelity_zero_is_the_zero_cost_test_and_nan_is_worst() -> None:
    from dataclasses import replace

    from nasbench.strategies.zero_cost import has_zero_cost, proxy_value

    info = nasbench.load("nb201", "cifar10-valid").info
    assert not has_zero_cost(info) and has_zero_cost(replace(info, fidelities=(0, *info.fidelities)))
    assert proxy_value(info, {info.observe: 3.5, "other": 9.0}) == 3.5
    assert proxy_value(info, {info.observe: float("nan")}) == float("-inf")
