"""The trainer: SGD with Nesterov momentum and a cosine schedule, under named protocols.

Owns one training run (a model, a dataset, a protocol, a seed) and its record: per-epoch
train / validation / test loss and accuracy, wall time per epoch, parameters and FLOPs. Every
random draw (initialisation, shuffling, augmentation) comes from one `torch.Generator` seeded
by the run's seed; the global random state is never touched, so a run on the CPU with a fixed
thread count is bit-for-bit repeatable. On CUDA it uses mixed precision (float16 with a
gradient scaler) and channels-last tensors.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import torch
from torch import nn

from nasbench.errors import UnknownName
from nasbench.live.data import ImageData, batches
from nasbench.live.models import build_model, count_flops, count_params
from nasbench.live.tasks import Task, balanced_accuracy, correct_per_class, get_task
from nasbench.spaces import get_space


@dataclass(frozen=True)
class Protocol:
    """A training recipe: SGD (Nesterov) with weight decay, cosine decay per step to `eta_min`."""

    name: str
    epochs: int
    batch_size: int
    lr: float = 0.1
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 5e-4
    eta_min: float = 0.0
    recalibrate_bn: bool = False  # re-estimate batch-norm statistics on the training set before evaluating
    description: str = ""


PROTOCOLS = {
    "nb201-12": Protocol("nb201-12", 12, 256, description="NAS-Bench-201's 12-epoch schedule (Dong & Yang 2020)"),
    "nb201-200": Protocol("nb201-200", 200, 256, description="NAS-Bench-201's 200-epoch schedule (Dong & Yang 2020)"),
    "digits-12": Protocol(
        "digits-12",
        12,
        32,
        lr=0.05,
        recalibrate_bn=True,
        description="NAS-Bench-201's optimiser for 12 epochs on 359 digits: batch 32, lr 0.05, BN recalibrated",
    ),
}
DEFAULT_PROTOCOL = {"digits": "digits-12", "cifar10": "nb201-200", "cifar100": "nb201-200"}


def get_protocol(name: str | None, dataset: str, epochs: int | None = None) -> Protocol:
    """The named protocol (default: the dataset's), with `epochs` overriding its length."""
    name = name or DEFAULT_PROTOCOL.get(dataset, "nb201-200")
    if name not in PROTOCOLS:
        raise UnknownName(f"expected a protocol among {', '.join(PROTOCOLS)}, got {name!r}")
    protocol = PROTOCOLS[name]
    if epochs is not None:
        if epochs < 1:
            raise UnknownName(f"expected --epochs >= 1, got {epochs}")
        protocol = replace(protocol, epochs=epochs)
    return protocol


@dataclass
class TrainResult:
    """The record of one run; `curves` maps a metric to its value after each epoch."""

    space: str
    arch: str
    dataset: str
    protocol: Protocol
    seed: int
    device: str
    params: int
    flops: int
    curves: dict[str, list[float]] = field(default_factory=dict)
    test: dict[str, float] = field(default_factory=dict)

    def final(self) -> dict[str, float]:
        """Every metric's value after the last epoch, test metrics included."""
        return {**{name: values[-1] for name, values in self.curves.items()}, **self.test}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "final": self.final()}


def cosine_lr(protocol: Protocol, step: int, total: int) -> float:
    """The learning rate at `step` of `total` steps (cosine from `lr` to `eta_min`)."""
    return protocol.eta_min + (protocol.lr - protocol.eta_min) * 0.5 * (1 + math.cos(math.pi * step / total))


@dataclass
class _Run:
    """What one epoch needs: the model, its optimiser, the device settings and the step counter."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler
    device: torch.device
    amp: bool
    channels_last: bool
    protocol: Protocol
    total_steps: int
    step: int = 0

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x


def _train_epoch(run: _Run, data: ImageData, generator: torch.Generator) -> dict[str, float]:
    """One pass over the training set; its mean loss and accuracy in % (regression: MSE and MAE, target units)."""
    run.model.train()
    task = get_task(data.task)
    loss_sum = torch.zeros((), device=run.device)
    hits = torch.zeros((), device=run.device)  # correct predictions, or the sum of absolute errors
    loss_fn = nn.MSELoss() if task.regression else nn.CrossEntropyLoss()
    for x, y in batches(data.train, run.protocol.batch_size, generator, data.augment):
        for group in run.optimizer.param_groups:
            group["lr"] = cosine_lr(run.protocol, run.step, run.total_steps)
        with torch.autocast(run.device.type, dtype=torch.float16, enabled=run.amp):
            out = run.model(run.inputs(x))
            out = out.squeeze(1) if task.regression else out
            loss = loss_fn(out.float() if task.regression else out, y)
        run.optimizer.zero_grad(set_to_none=True)
        run.scaler.scale(loss).backward()
        run.scaler.step(run.optimizer)
        run.scaler.update()
        run.step += 1
        loss_sum += loss.detach().float() * len(y)
        hits += (out.detach().float() - y).abs().sum() if task.regression else (out.argmax(1) == y).sum()
    n = len(data.train[1])
    if task.regression:
        std = data.target_std
        return {"train_loss": float(loss_sum) / n * std**2, "train_mae": float(hits) / n * std}
    return {"train_loss": float(loss_sum) / n, "train_acc": 100.0 * float(hits) / n}


@torch.no_grad()
def measure(
    run: _Run, split: tuple[torch.Tensor, torch.Tensor], task: Task, target_std: float, batch_size: int = 256
) -> dict[str, float]:
    """The model's metrics on one split, in evaluation mode, without prefix: `loss` and `acc` (and `bacc`
    for a balanced task), or `loss` (MSE) and `mae` in the target's units for regression."""
    run.model.eval()
    loss_sum, hits = torch.zeros((), device=run.device), torch.zeros((), device=run.device)
    examples = correct = torch.zeros(1, dtype=torch.long, device=run.device)
    for x, y in batches(split, batch_size):
        with torch.autocast(run.device.type, dtype=torch.float16, enabled=run.amp):
            out = run.model(run.inputs(x)).float()
        if task.regression:
            out = out.squeeze(1)
            loss_sum += nn.functional.mse_loss(out, y, reduction="sum")
            hits += (out - y).abs().sum()
            continue
        loss_sum += nn.functional.cross_entropy(out, y, reduction="sum")
        hits += (out.argmax(1) == y).sum()
        if task.balanced:
            counts = correct_per_class(out, y, out.shape[1])
            examples, correct = examples + counts[0], correct + counts[1]
    n = len(split[1])
    if task.regression:
        return {"loss": float(loss_sum) / n * target_std**2, "mae": float(hits) / n * target_std}
    return {"loss": float(loss_sum) / n, "acc": 100.0 * float(hits) / n} | (
        {"bacc": balanced_accuracy(examples, correct)} if task.balanced else {}
    )


def _test(run: _Run, data: ImageData) -> dict[str, float]:
    """The final metrics on the test split: `test_<name>`."""
    return {f"test_{k}": v for k, v in measure(run, data.test, get_task(data.task), data.target_std).items()}


@torch.no_grad()
def recalibrate_bn(run: _Run, split: tuple[torch.Tensor, torch.Tensor], batch_size: int) -> None:
    """Re-estimate every batch norm's running statistics as the plain average over `split`.

    With a few hundred training images the momentum-averaged statistics still carry the early,
    untrained network: evaluation would measure that lag, not the architecture.
    """
    norms = [m for m in run.model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average: every batch counts equally
    run.model.train()
    for x, _ in batches(split, batch_size):
        with torch.autocast(run.device.type, dtype=torch.float16, enabled=run.amp):
            run.model(run.inputs(x))
    for m, momentum in zip(norms, momenta, strict=True):
        m.momentum = momentum


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _epoch(run: _Run, data: ImageData, generator: torch.Generator, elapsed: float) -> dict[str, float]:
    """Train one epoch, then evaluate on the validation set; the epoch's record."""
    _sync(run.device)
    start = time.perf_counter()
    trained = _train_epoch(run, data, generator)
    _sync(run.device)
    seconds = time.perf_counter() - start
    if run.protocol.recalibrate_bn:
        recalibrate_bn(run, data.train, 512)  # digits: one batch, the training set's exact statistics
    valid = measure(run, data.valid, get_task(data.task), data.target_std)
    return {
        **trained,
        **{f"valid_{k}": v for k, v in valid.items()},
        "epoch_seconds": seconds,
        "train_seconds": elapsed + seconds,
    }


def _setup(
    model: nn.Module, protocol: Protocol, device: torch.device, amp: bool, channels_last: bool, steps: int
) -> _Run:
    model = model.to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=protocol.lr,
        momentum=protocol.momentum,
        nesterov=protocol.nesterov,
        weight_decay=protocol.weight_decay,
    )
    scaler = torch.amp.GradScaler(device.type, enabled=amp)
    return _Run(model, optimizer, scaler, device, amp, channels_last, protocol, steps)


def train(
    space: str,
    arch: Any,
    data: ImageData,
    protocol: Protocol,
    seed: int,
    device: torch.device | None = None,
    amp: bool | None = None,
    channels_last: bool | None = None,
    on_epoch: Callable[[int, dict[str, float]], None] | None = None,
    **model_options: Any,
) -> TrainResult:
    """Train `arch` of `space` on `data` under `protocol` with `seed`; record every epoch.

    `amp` and `channels_last` default to on for CUDA and off elsewhere. The caller sets the
    thread count (`torch.set_num_threads`); the run never changes it. `on_epoch(epoch, record)`
    is called after each epoch (e.g. to print progress).
    """
    device = device or torch.device("cpu")
    on_cuda = device.type == "cuda"
    amp = on_cuda if amp is None else amp and on_cuda
    channels_last = on_cuda if channels_last is None else channels_last
    generator = torch.Generator().manual_seed(seed)
    model = build_model(space, arch, num_classes=data.num_classes, generator=generator, **model_options)
    text = get_space(space).to_str(get_space(space).validate(arch))
    params, flops = count_params(model), count_flops(model, data.input_shape)
    result = TrainResult(space, text, data.name, protocol, seed, device.type, params, flops)
    steps = protocol.epochs * math.ceil(len(data.train[1]) / protocol.batch_size)
    run = _setup(model, protocol, device, amp, channels_last, steps)
    data = data.to(device)
    for epoch in range(1, protocol.epochs + 1):
        record = _epoch(run, data, generator, result.curves.get("train_seconds", [0.0])[-1])
        for name, value in record.items():
            result.curves.setdefault(name, []).append(value)
        if on_epoch is not None:
            on_epoch(epoch, record)
    result.test.update(_test(run, data))
    return result


@dataclass
class Checkpoint:
    """A run stopped after `epoch` epochs of its protocol's schedule: everything needed to continue it exactly.

    The schedule is the protocol's full one (cosine over `protocol.epochs`), so epoch `e` of a continued
    run is epoch `e` of a run trained straight through: same weights, optimiser state, generator state
    and step count. (A protocol whose schedule length depended on the fidelity asked could not continue.)
    """

    epoch: int
    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    generator: torch.Tensor
    step: int
    curves: dict[str, list[float]]


def _snapshot(run: _Run, generator: torch.Generator, epoch: int, curves: dict[str, list[float]]) -> Checkpoint:
    model = {k: v.detach().to("cpu", copy=True) for k, v in run.model.state_dict().items()}
    optimizer = copy.deepcopy(run.optimizer.state_dict())
    return Checkpoint(epoch, model, optimizer, generator.get_state(), run.step, {k: list(v) for k, v in curves.items()})


def train_until(
    space: str,
    arch: Any,
    data: ImageData,
    protocol: Protocol,
    seed: int,
    epochs: int,
    device: torch.device | None = None,
    checkpoint: Checkpoint | None = None,
    **model_options: Any,
) -> tuple[TrainResult, Checkpoint]:
    """Train `arch` for the first `epochs` epochs of `protocol`'s schedule, continuing from `checkpoint`.

    The result's curves hold epochs 1..`epochs`; its test metrics only once the schedule is complete.
    Bit-for-bit the values `train` records for those epochs (CPU, fixed thread count); the returned
    checkpoint continues it further.
    """
    if not 1 <= epochs <= protocol.epochs:
        raise UnknownName(f"expected epochs in 1..{protocol.epochs}, got {epochs}")
    device = device or torch.device("cpu")
    generator = torch.Generator().manual_seed(seed)
    model = build_model(space, arch, num_classes=data.num_classes, generator=generator, **model_options)
    text = get_space(space).to_str(get_space(space).validate(arch))
    params, flops = count_params(model), count_flops(model, data.input_shape)
    result = TrainResult(space, text, data.name, protocol, seed, device.type, params, flops)
    steps = protocol.epochs * math.ceil(len(data.train[1]) / protocol.batch_size)
    run = _setup(model, protocol, device, False, False, steps)
    start = 0
    if checkpoint is not None and checkpoint.epoch <= epochs:
        run.model.load_state_dict(checkpoint.model)
        run.optimizer.load_state_dict(checkpoint.optimizer)
        generator.set_state(checkpoint.generator)
        run.step, start = checkpoint.step, checkpoint.epoch
        result.curves = {k: list(v) for k, v in checkpoint.curves.items()}
    data = data.to(device)
    for _ in range(start, epochs):
        record = _epoch(run, data, generator, result.curves.get("train_seconds", [0.0])[-1])
        for name, value in record.items():
            result.curves.setdefault(name, []).append(value)
    if epochs == protocol.epochs:
        result.test.update(_test(run, data))
    return result, _snapshot(run, generator, epochs, result.curves)
