"""Datasets for live training, held whole in memory as tensors: scikit-learn's `digits` (offline,
the default) and CIFAR-10/100 from a local folder in the standard python-pickle layout.

Owns loading, the train/validation/test splits, normalisation and the batch iterator (with
CIFAR's random-crop + flip augmentation drawn from a `torch.Generator`). Nothing is ever
downloaded: a missing folder or file is a one-line error naming what is expected.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from nasbench.errors import UnknownName
from nasbench.live.errors import DatasetFilesError

DATASETS = ("digits", "cifar10", "cifar100")
NUM_CLASSES = {"digits": 10, "cifar10": 10, "cifar100": 100}
INPUT_SHAPE = {"digits": (3, 8, 8), "cifar10": (3, 32, 32), "cifar100": (3, 32, 32)}
SPLIT_SEED = 0  # the splits are part of the protocol: fixed, never drawn per run
DIGITS_SPLIT = (0.2, 0.2, 0.6)  # train, validation, test; a small training set keeps architectures apart
CIFAR_FILES = {
    "cifar10": ("cifar-10-batches-py", [f"data_batch_{i}" for i in range(1, 6)], "test_batch", b"labels"),
    "cifar100": ("cifar-100-python", ["train"], "test", b"fine_labels"),
}


@dataclass
class ImageData:
    """Train / validation / test images (N, 3, H, W, normalised float32) and labels (int64).

    `task` names what a run measures (`nasbench.live.tasks`); for `regression` the labels are float32
    targets standardised by the training split (`target_mean`, `target_std`) and `num_classes` is 1
    (one output).
    """

    name: str
    num_classes: int
    train: tuple[torch.Tensor, torch.Tensor]
    valid: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]
    augment: bool
    split: str
    task: str = "classification"
    target_mean: float = 0.0
    target_std: float = 1.0

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return tuple(self.train[0].shape[1:])  # type: ignore[return-value]

    def to(self, device: torch.device) -> ImageData:
        """The same data on `device`."""
        move = lambda pair: (pair[0].to(device), pair[1].to(device))  # noqa: E731
        return replace(self, train=move(self.train), valid=move(self.valid), test=move(self.test))


def load_dataset(name: str, data_dir: str | Path | None = None) -> ImageData:
    """`digits` (bundled with scikit-learn) or `cifar10` / `cifar100` read from `data_dir`."""
    if name == "digits":
        return load_digits()
    if name in CIFAR_FILES:
        if data_dir is None:
            raise DatasetFilesError(
                f"expected --data-dir for {name} (a folder holding {CIFAR_FILES[name][0]}/), got none"
            )
        return load_cifar(name, Path(data_dir).expanduser())
    raise UnknownName(f"expected a dataset among {', '.join(DATASETS)}, got {name!r}")


def load_digits() -> ImageData:
    """scikit-learn's 1,797 8x8 digits, split 20/20/60 stratified (fixed split), grey repeated to 3 channels."""
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    rows = np.arange(len(labels))
    train, rest = train_test_split(rows, train_size=DIGITS_SPLIT[0], stratify=labels, random_state=SPLIT_SEED)
    valid_share = DIGITS_SPLIT[1] / (DIGITS_SPLIT[1] + DIGITS_SPLIT[2])
    valid, test = train_test_split(rest, train_size=valid_share, stratify=labels[rest], random_state=SPLIT_SEED)
    x = np.repeat(images[:, None], 3, axis=1)
    mean, std = x[train].mean(), x[train].std()
    x = (x - mean) / std
    pick = lambda r: (torch.from_numpy(x[r]), torch.from_numpy(labels[r]))  # noqa: E731
    split = f"{len(train)}/{len(valid)}/{len(test)} stratified (seed {SPLIT_SEED})"
    return ImageData("digits", 10, pick(train), pick(valid), pick(test), augment=False, split=split)


def _unpickle(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle, encoding="bytes")  # the standard CIFAR layout is pickles
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as err:
        raise DatasetFilesError(f"expected a CIFAR pickle at {path}, got an unreadable file ({err})") from None


def _cifar_arrays(folder: Path, files: list[str], key: bytes, classes: int) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for name in files:
        path = folder / name
        batch = _unpickle(path)
        if not isinstance(batch, dict) or b"data" not in batch or key not in batch:
            got = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
            raise DatasetFilesError(f"expected keys 'data' and {key.decode()!r} in {path}, got {got}")
        data, label = np.asarray(batch[b"data"]), np.asarray(batch[key])
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or label.shape != (len(data),):
            raise DatasetFilesError(
                f"expected N rows of 3072 pixels and N labels in {path}, got data {data.shape}, labels {label.shape}"
            )
        if len(label) and (label.min() < 0 or label.max() >= classes):
            raise DatasetFilesError(f"expected labels 0..{classes - 1} in {path}, got {label.min()}..{label.max()}")
        images.append(data.astype(np.uint8).reshape(-1, 3, 32, 32))
        labels.append(label.astype(np.int64))
    return np.concatenate(images), np.concatenate(labels)


def _cifar_folder(name: str, root: Path) -> Path:
    sub, train_files, test_file, _ = CIFAR_FILES[name]
    expected = [*train_files, test_file]
    for folder in (root / sub, root):
        if all((folder / f).is_file() for f in expected):
            return folder
    raise DatasetFilesError(
        f"expected {name} in the python-pickle layout ({sub}/ with {', '.join(expected)}) under {root}, "
        f"got {'no such folder' if not root.is_dir() else 'other files'}"
    )


def _halve(labels: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Two stratified halves of the rows; an error where a class has too few images to split."""
    try:
        halves = train_test_split(np.arange(len(labels)), train_size=0.5, stratify=labels, random_state=SPLIT_SEED)
    except ValueError as err:  # e.g. a class with a single image
        raise DatasetFilesError(f"cannot halve {what} stratified by class ({err})") from None
    return halves[0], halves[1]


def load_cifar(name: str, root: Path) -> ImageData:
    """CIFAR-10/100 with NAS-Bench-201's splits.

    cifar10: the training set halved (stratified) into train and validation, as NAS-Bench-201's
    cifar10-valid; cifar100: the full training set, the test set halved into validation and test.
    """
    _, train_files, test_file, key = CIFAR_FILES[name]
    folder = _cifar_folder(name, root)
    classes = NUM_CLASSES[name]
    x_train, y_train = _cifar_arrays(folder, train_files, key, classes)
    x_test, y_test = _cifar_arrays(folder, [test_file], key, classes)
    if name == "cifar10":
        a, b = _halve(y_train, f"{folder}'s training set")
        parts = [(x_train[a], y_train[a]), (x_train[b], y_train[b]), (x_test, y_test)]
    else:
        a, b = _halve(y_test, f"{folder / test_file}")
        parts = [(x_train, y_train), (x_test[a], y_test[a]), (x_test[b], y_test[b])]
    scaled = parts[0][0].astype(np.float32) / 255.0
    mean = scaled.mean(axis=(0, 2, 3), keepdims=True)
    std = scaled.std(axis=(0, 2, 3), keepdims=True)
    tensors = [
        (torch.from_numpy(((x.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)), torch.from_numpy(y))
        for x, y in parts
    ]
    split = "/".join(str(len(p[1])) for p in parts)
    return ImageData(name, classes, tensors[0], tensors[1], tensors[2], augment=True, split=split)


def batches(
    data: tuple[torch.Tensor, torch.Tensor],
    batch_size: int,
    generator: torch.Generator | None = None,
    augment: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Mini-batches in order, or shuffled (and augmented) with draws from `generator` (a CPU generator)."""
    x, y = data
    n = len(y)
    order = torch.randperm(n, generator=generator).to(x.device) if generator is not None else None
    for start in range(0, n, batch_size):
        rows = order[start : start + batch_size] if order is not None else slice(start, start + batch_size)
        xb, yb = x[rows], y[rows]
        if augment and generator is not None:
            xb = crop_and_flip(xb, generator)
        yield xb, yb


def crop_and_flip(x: torch.Tensor, generator: torch.Generator, pad: int = 4) -> torch.Tensor:
    """Random crop after zero padding by `pad` and random horizontal flip, per image."""
    n, _, h, w = x.shape
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=generator).to(x.device)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=generator).to(x.device)
    flip = (torch.rand(n, generator=generator) < 0.5).to(x.device)
    rows = (dy[:, None] + torch.arange(h, device=x.device))[:, :, None]
    cols = dx[:, None] + torch.arange(w, device=x.device)
    cols = torch.where(flip[:, None], cols.flip(1), cols)[:, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2).contiguous()
