"""Zero-cost proxies: scores of an untrained network from one mini-batch (or none), and the
proxy tables and card built from them.

Owns the proxies (one module each, citing its paper), their inputs (`inputs`), the table
builder (`build`) and the card (`card`). Importing this package imports nothing heavy: the
proxies need torch (the `live` extra) and are imported on first use through `get_proxy`.
It must not train networks (that is `live`'s job) nor answer benchmark queries.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from nasbench.errors import UnknownName

# name -> "module:function"; each function is (model, inputs, targets, generator) -> float
PROXIES: dict[str, str] = {
    "synflow": "nasbench.proxies.synflow:synflow",
    "naswot": "nasbench.proxies.naswot:naswot",
    "jacov": "nasbench.proxies.jacov:jacov",
    "snip": "nasbench.proxies.snip:snip",
    "grasp": "nasbench.proxies.grasp:grasp",
    "grad_norm": "nasbench.proxies.grad_norm:grad_norm",
    "fisher": "nasbench.proxies.fisher:fisher",
    "zen": "nasbench.proxies.zen:zen",
    "params": "nasbench.proxies.counts:params",
    "flops": "nasbench.proxies.counts:flops",
}
DESCRIPTIONS = {
    "synflow": "SynFlow (Tanaka et al. 2020): sum |w * dR/dw|, no batch norm, |weights|, all-ones input, float64",
    "naswot": "NASWOT (Mellor et al. 2021): log|det K| of the ReLU activation codes' Hamming kernel",
    "jacov": "Jacobian covariance (Mellor et al. 2020 v1): eigenvalue score of per-image input Jacobians",
    "snip": "SNIP (Lee et al. 2019): sum |w * dL/dw|",
    "grasp": "GraSP (Wang et al. 2020): sum -w * Hg",
    "grad_norm": "gradient norm (Abdelfattah et al. 2021): sum over layers of ||dL/dw||",
    "fisher": "Fisher (Theis et al. 2018): sum over channels of 0.5 mean (sum a * dL/da)^2",
    "zen": "Zen-score (Lin et al. 2021): log expected |f(x) - f(x + 0.01 e)| before pooling + BN scaling",
    "params": "parameters, millions (naive baseline)",
    "flops": "multiply-accumulates of one image of the batch's shape, millions (naive baseline)",
}


def check_proxies(names: list[str]) -> list[str]:
    """`names` if each is a known proxy (order kept, duplicates dropped); else a one-line error."""
    if not names:
        raise UnknownName(f"expected at least one proxy among {', '.join(PROXIES)}, got none")
    for name in names:
        if name not in PROXIES:
            raise UnknownName(f"expected proxies among {', '.join(PROXIES)}, got {name!r}")
    return list(dict.fromkeys(names))


def get_proxy(name: str) -> Callable[..., Any]:
    """The function of proxy `name` (imports torch)."""
    (checked,) = check_proxies([name])
    module, _, function = PROXIES[checked].partition(":")
    return getattr(import_module(module), function)  # type: ignore[no-any-return]
