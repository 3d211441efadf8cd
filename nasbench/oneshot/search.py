"""What every weight-sharing method shares: the settings, the supernet's weight training, the
inherited-weight evaluation of one path, and the search loop that records each epoch.

Owns the loop (train one epoch, derive the current architecture, time both) and its record; each
method (one file each) supplies `train_epoch` and `derive`, over the space's `Layout` (decisions x
options; NAS-Bench-201 or NAS-Bench-Macro, `nasbench.oneshot.layout`). The shared weights follow NAS-Bench-201's
search configurations (AutoDL-Projects `configs/nas-benchmark/algos/*.config`: SGD with Nesterov
momentum 0.9, lr 0.025 cosine to 0.001, weight decay 5e-4, batch 64, gradient norm clipped at 5; cells
with `affine=False`). The search reads the training split (shared weights) and the validation split
(architecture parameters, rewards, selection) only: the test split is the table's, never the search's.
Every draw comes from the method's `torch.Generator`. It never reads a table.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any, ClassVar

import torch
from torch import nn

from nasbench.errors import NasbenchError
from nasbench.live.data import ImageData, batches
from nasbench.live.models import initialise
from nasbench.oneshot.layout import LAYOUTS, Layout, get_layout

Arch = Any  # an architecture of the layout's space (NB201Arch, ProductArch)


@dataclass(frozen=True)
class Settings:
    """Shared-weight training and supernet options (NAS-Bench-201's search defaults)."""

    epochs: int = 50
    batch_size: int | None = None  # None (lr, eta_min, weight_decay too): the method's reference value
    lr: float | None = None
    eta_min: float | None = None
    momentum: float = 0.9
    weight_decay: float | None = None
    grad_clip: float = 5.0
    channels: int | None = 16  # channels and cells size the NB201 supernet; None where the network is fixed (Macro)
    cells: int | None = 5
    affine: bool = False  # the searchable part's batch norms carry no affine parameters, as in NAS-Bench-201
    track_bn: bool = False  # False: batch norm always normalises with the batch's own statistics

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "channels", "cells"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise NasbenchError(f"expected {name.replace('_', '-')} >= 1, got {value!r}")


@dataclass
class EpochRecord:
    """One epoch: its training statistics, the architecture derived after it, and wall times."""

    epoch: int
    arch: str
    train_loss: float
    train_acc: float
    epoch_seconds: float
    search_seconds: float  # cumulative: training and derivation so far, never the judge's evaluation


@dataclass
class SearchResult:
    """A finished search: the derived architecture and every epoch's record."""

    method: str
    arch: str
    seed: int
    settings: dict[str, Any]
    hyperparameters: dict[str, Any]
    epochs: list[EpochRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "epochs": [asdict(e) for e in self.epochs]}


def uniform_arch(generator: torch.Generator, layout: Layout = LAYOUTS["nb201"]) -> Arch:
    """An architecture drawn uniformly: each decision's option independently."""
    return layout.from_choices(
        torch.randint(0, layout.num_options, (layout.num_decisions,), generator=generator).tolist()
    )


def cosine(lr: float, eta_min: float, step: int, total: int) -> float:
    """Cosine decay from `lr` at step 0 to `eta_min` at `total`."""
    return eta_min + (lr - eta_min) * 0.5 * (1 + math.cos(math.pi * step / max(total, 1)))


class OneShotMethod:
    """A weight-sharing search over a space's supernet (`space`: its layout); subclasses train and derive."""

    name = ""
    defaults: ClassVar[dict[str, Any]] = {"lr": 0.025, "eta_min": 0.001, "weight_decay": 5e-4, "batch_size": 64}

    def __init__(
        self, data: ImageData, settings: Settings, seed: int, device: torch.device | None = None, space: str = "nb201"
    ) -> None:
        self.layout = get_layout(space)
        self.data = data.to(device or torch.device("cpu"))
        unset = {k: v for k, v in self.defaults.items() if getattr(settings, k) is None}
        self.settings: Any = replace(settings, **unset)  # every field set from here on
        self.seed = seed
        cfg: Any = self.settings  # resolved: no field is None
        self.device = device or torch.device("cpu")
        self.generator = torch.Generator().manual_seed(seed)
        self.supernet: Any = self.layout.supernet(data.num_classes, cfg)
        if not self.layout.sized:  # recorded as absent: no size option shapes a fixed network
            self.settings = replace(self.settings, channels=None, cells=None)
        initialise(self.supernet, self.generator)
        self.supernet.to(self.device)
        self.optimizer = torch.optim.SGD(
            self.supernet.parameters(),
            lr=cfg.lr,
            momentum=cfg.momentum,
            nesterov=True,
            weight_decay=cfg.weight_decay,
        )
        self.step = 0
        self.total_steps = cfg.epochs * math.ceil(len(self.data.train[1]) / cfg.batch_size)

    def hyperparameters(self) -> dict[str, Any]:
        """The method's own settings (recorded with the result)."""
        return {}

    def train_epoch(self, epoch: int) -> tuple[float, float]:
        """One pass over the training split; (mean loss, accuracy in %)."""
        raise NotImplementedError

    def derive(self, final: bool) -> Arch:
        """The architecture the method stands by now (`final`: after the last epoch)."""
        raise NotImplementedError

    def derive_now(self, epoch: int) -> bool:
        """Whether to derive after `epoch` (always after the last)."""
        return True

    def train_mode(self) -> None:
        """The supernet in training mode (walking its thousand modules only where it is not)."""
        if not self.supernet.training:
            self.supernet.train()

    def set_lr(self) -> None:
        lr = cosine(self.settings.lr, self.settings.eta_min, self.step, self.total_steps)
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def weight_step(
        self, logits_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, y: torch.Tensor
    ) -> tuple[float, int]:
        """One SGD step of the shared weights on (x, y); (summed loss, correct predictions)."""
        self.train_mode()
        self.set_lr()
        logits = logits_fn(x)
        loss = nn.functional.cross_entropy(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.supernet.parameters(), self.settings.grad_clip)
        self.optimizer.step()
        self.step += 1
        return float(loss.detach()) * len(y), int((logits.argmax(1) == y).sum())

    def path_step(self, arch: Arch, x: torch.Tensor, y: torch.Tensor) -> tuple[float, int]:
        """One shared-weight step along `arch`'s path."""
        return self.weight_step(partial(self.supernet.forward_path, arch=arch), x, y)

    def uniform_epoch(self) -> tuple[float, float]:
        """An epoch of single paths drawn uniformly, one per training batch (RSPS, SPOS)."""
        loss, correct = 0.0, 0
        for x, y in self.train_batches():
            step_loss, step_correct = self.path_step(uniform_arch(self.generator, self.layout), x, y)
            loss, correct = loss + step_loss, correct + step_correct
        return loss, correct

    def train_batches(self) -> Any:
        return batches(self.data.train, self.settings.batch_size, self.generator)

    def search(
        self, on_epoch: Callable[[EpochRecord, OneShotMethod], None] | None = None, until: float | None = None
    ) -> SearchResult:
        """Run every epoch; `on_epoch(record, self)` after each (e.g. to score the supernet, untimed).

        `until`: a budget in search seconds; the first epoch that ends past it is dropped and ends
        the search (as the real-time runner drops an evaluation finishing past its budget).
        """
        result = SearchResult(self.name, "", self.seed, asdict(self.settings), self.hyperparameters())
        elapsed, arch = 0.0, ""
        n = len(self.data.train[1])
        for epoch in range(1, self.settings.epochs + 1):
            start = time.perf_counter()
            loss, acc = self.train_epoch(epoch)
            final = epoch == self.settings.epochs
            if final or self.derive_now(epoch):
                arch = str(self.derive(final))
            _sync(self.device)
            seconds = time.perf_counter() - start
            elapsed += seconds
            if until is not None and elapsed > until:
                break
            record = EpochRecord(epoch, arch, loss / n, 100.0 * acc / n, seconds, elapsed)
            result.epochs.append(record)
            if on_epoch is not None:
                on_epoch(record, self)
        result.arch = result.epochs[-1].arch if result.epochs else ""
        return result


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@torch.no_grad()
def path_accuracy(
    supernet: Any, arch: Arch, split: tuple[torch.Tensor, torch.Tensor], calibrate: torch.Tensor | None
) -> float:
    """Inherited-weight accuracy (%) of `arch` on `split`, all of it in one batch.

    With tracked batch-norm statistics they are first re-estimated for this path on `calibrate`
    (the training images), as SPOS does (Guo et al. 2020) and the digits protocol does for every
    stand-alone network; untracked, each batch norm uses the evaluated batch's statistics.
    """
    if calibrate is not None and any(_tracked(supernet)):
        recalibrate(supernet, arch, calibrate)
    supernet.eval()
    x, y = split
    return 100.0 * float((supernet.forward_path(x, arch).argmax(1) == y).float().mean())


def _tracked(supernet: Any) -> list[nn.modules.batchnorm._BatchNorm]:
    return [m for m in supernet.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


@torch.no_grad()
def recalibrate(supernet: Any, arch: Arch, images: torch.Tensor) -> None:
    """Every tracked batch norm's statistics: the plain average over `images` through `arch`'s path."""
    norms = _tracked(supernet)
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    supernet.train()
    supernet.forward_path(images, arch)
    for m, momentum in zip(norms, momenta, strict=True):
        m.momentum = momentum
