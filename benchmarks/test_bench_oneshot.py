"""One-shot NAS cost on this CPU (issue 19): seconds per digits epoch of the NAS-Bench-201 supernet at the
table's size (C=16, N=5) under each method, against a stand-alone all-conv3x3 network trained one epoch
under the same protocol (the search's SGD settings, batch 64, the same training images, one thread).
The issue's target: a supernet epoch costs at most 3x the stand-alone one. An RSPS/SPOS/ENAS training
epoch runs one path per batch; DARTS and GDAS add an architecture step per batch on a validation batch
(DARTS: every operation on every edge; second order: an unrolled step and two more passes)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.data import load_digits  # noqa: E402
from nasbench.live.models import build_model  # noqa: E402
from nasbench.oneshot.darts import DARTS  # noqa: E402
from nasbench.oneshot.gdas import GDAS  # noqa: E402
from nasbench.oneshot.rsps import RSPS  # noqa: E402
from nasbench.oneshot.search import Settings  # noqa: E402

pytestmark = pytest.mark.slow
ALL_CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
METHODS = {"rsps": (RSPS, {}), "darts-1": (DARTS, {}), "darts-2": (DARTS, {"order": 2}), "gdas": (GDAS, {})}
SETTINGS = Settings(epochs=10)


@pytest.fixture(autouse=True)
def one_thread() -> object:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def standalone_epoch(
    model: torch.nn.Module, data, optimizer: torch.optim.Optimizer, generator: torch.Generator
) -> None:
    """One epoch exactly as a one-shot method trains its shared weights, on a fixed network."""
    from nasbench.live.data import batches

    model.train()
    for x, y in batches(data.train, 64, generator):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()


@pytest.mark.benchmark(group="oneshot: one digits epoch, C=16 N=5, 1 thread")
def test_standalone_all_conv3x3(benchmark) -> None:
    data, generator = load_digits(), torch.Generator().manual_seed(0)
    model = build_model("nb201", ALL_CONV, 10, generator=generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.025, momentum=0.9, nesterov=True, weight_decay=5e-4)
    benchmark.pedantic(standalone_epoch, args=(model, data, optimizer, generator), rounds=3, warmup_rounds=1)


@pytest.mark.parametrize("name", list(METHODS))
@pytest.mark.benchmark(group="oneshot: one digits epoch, C=16 N=5, 1 thread")
def test_supernet_epoch(benchmark, name: str) -> None:
    cls, options = METHODS[name]
    method = cls(load_digits(), SETTINGS, 0, **options)
    loss, _ = benchmark.pedantic(method.train_epoch, args=(1,), rounds=3, warmup_rounds=1)
    assert loss > 0
