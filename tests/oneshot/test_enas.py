"""ENAS: seeded controller sampling, the REINFORCE baseline's moving average, the reference defaults."""

from __future__ import annotations

import math
from typing import Any

import pytest

torch = pytest.importorskip("torch")

import nasbench.oneshot.enas as enas_module  # noqa: E402
from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.enas import ENAS, Controller  # noqa: E402
from nasbench.oneshot.search import path_accuracy  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch  # noqa: E402
from tests.oneshot.conftest import macro_search, tiny_settings  # noqa: E402


def _samples(seed: int, n: int = 6) -> list[tuple[float, float, NB201Arch]]:
    controller = Controller()
    generator = torch.Generator().manual_seed(seed)
    controller.reset(generator)
    out = []
    for _ in range(n):
        with torch.no_grad():
            log_prob, entropy, arch = controller(generator)
        out.append((float(log_prob), float(entropy), arch))
    return out


def test_controller_sampling_is_seeded() -> None:
    assert _samples(0) == _samples(0)
    assert [a for *_, a in _samples(0)] != [a for *_, a in _samples(1)]
    log_prob, entropy, _ = _samples(0, 1)[0]
    assert log_prob < 0 and 0 < entropy <= 6 * torch.log(torch.tensor(5.0)).item() + 1e-6  # six edges of 5 ops


def test_controller_greedy_takes_each_edges_most_likely_op() -> None:
    controller = Controller()
    controller.reset(torch.Generator().manual_seed(0))
    archs = {controller(torch.Generator().manual_seed(s), greedy=True)[2] for s in range(3)}
    assert len(archs) == 1  # the generator plays no part


def test_reinforce_baseline_follows_the_decay_rule(tiny: ImageData, monkeypatch: pytest.MonkeyPatch) -> None:
    """b_1 = r_1; b_t = b_{t-1} - (1 - decay)(b_{t-1} - r_t) (Pham et al. 2018; NAS-Bench-201's ENAS.py)."""
    rewards: list[float] = []

    def recording(*args: Any) -> float:
        acc = path_accuracy(*args)  # the real inherited-weight accuracy, recorded
        rewards.append(acc / 100.0)
        return acc

    monkeypatch.setattr(enas_module, "path_accuracy", recording)
    options: dict[str, Any] = {"controller_steps": 2, "aggregate": 2, "entropy_weight": 0.0, "baseline_decay": 0.5}
    enas = ENAS(tiny, tiny_settings(1, batch_size=16), 0, **options)
    before = [p.detach().clone() for p in enas.controller.parameters()]
    enas._train_controller()
    assert len(rewards) == 4
    baseline = rewards[0]
    for r in rewards[1:]:
        baseline = 0.5 * baseline + 0.5 * r
    assert enas.baseline == pytest.approx(baseline)
    if len(set(rewards)) > 1:  # a non-zero advantage: REINFORCE moves the controller
        assert any(not torch.equal(b, p) for b, p in zip(before, enas.controller.parameters(), strict=True))


def test_enas_defaults_are_the_references(tiny: ImageData) -> None:
    enas = ENAS(tiny, tiny_settings(1, batch_size=None), 0)
    assert enas.hyperparameters() == {
        "controller_steps": 50,
        "aggregate": 20,
        "entropy_weight": 1e-4,
        "baseline_decay": 0.99,
        "controller_lr": 1e-3,
        "derive_samples": 100,
    }
    s = enas.settings
    assert (s.batch_size, s.lr, s.eta_min, s.weight_decay) == (128, 0.05, 0.0005, 2.5e-4)  # ENAS.config
    group = enas.controller_optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (1e-3, (0.0, 0.999), 1e-3)


@pytest.mark.parametrize("name", ["controller_steps", "aggregate", "derive_samples"])
def test_bad_enas_options_are_refused(tiny: ImageData, name: str) -> None:
    with pytest.raises(NasbenchError, match=f"expected {name} >= 1, got 0"):
        ENAS(tiny, tiny_settings(1), 0, **{name: 0})


def test_enas_searches_the_macro_space(tiny: ImageData, macro_truth: object) -> None:
    search: Any = macro_search("enas", tiny, macro_truth, controller_steps=2, aggregate=2, derive_samples=3)
    controller = search.controller
    assert controller.embed.num_embeddings == 3 and controller.pred.out_features == 3  # 3 blocks per layer
    with torch.no_grad():
        log_prob, entropy, arch = controller(torch.Generator().manual_seed(0))
    assert len(arch.choices) == 8 and log_prob < 0 and 0 < float(entropy) <= 8 * math.log(3) + 1e-6
