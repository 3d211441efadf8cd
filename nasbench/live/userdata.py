"""A user's data for a live search: read, checked and split, before any training.

Owns reading `digits`, an `.npz` (arrays `X` and `y`), a `.csv` with a target column and an image
folder (one subfolder per class), checking them (one-line errors: one class, NaNs, mismatched
lengths, mixed image sizes, a missing target column, a continuous target for a classification metric,
text targets for a regression metric) and the splits: a test split the search never sees, then a
hold-out or K folds of the rest (stratified by class for classification, shuffled for regression).

The rule for images: no resizing (images of mixed sizes are refused); pixel values scaled to
[0, 1] (integers by their type's maximum, e.g. 255), grey repeated to 3 channels, alpha dropped,
then every channel standardised by the training split's mean and standard deviation. Tabular
features are standardised per column by the training split; labels of any type are mapped to
0..K-1 in sorted order (`classes`). Regression targets are standardised by the training split (the
network learns the standardised target; metrics are reported in the target's units).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from nasbench.errors import NasbenchError
from nasbench.live.data import ImageData

TEST_SHARE = 0.2  # of all data: the final test split
VALID_SHARE = 0.25  # of the rest: the hold-out validation split
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


class DataError(NasbenchError):
    """Data that cannot be searched on: unreadable, inconsistent or too small."""


@dataclass
class UserData:
    """Inputs (N, 3, H, W) images or (N, F) features, float32; labels 0..K-1 (regression: float targets)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    classes: np.ndarray  # empty for regression
    kind: str  # "image" or "tabular"
    task: str = "classification"  # or "regression"


def check_arrays(x: np.ndarray, y: np.ndarray, name: str, task: str = "classification") -> UserData:
    """Checked inputs and labels (labels mapped to 0..K-1), or for `task` "regression" numeric targets."""
    x, y = np.asarray(x), np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"expected labels as one column, got an array of shape {y.shape}")
    if len(x) != len(y):
        raise DataError(f"expected as many labels as inputs, got {len(x)} inputs and {len(y)} labels")
    x = inputs(x)
    if task == "regression":
        return UserData(name, x, _targets(y), np.array([]), "tabular" if x.ndim == 2 else "image", task)
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise DataError(f"expected labels without NaN, got {int(np.isnan(y).sum())}")
    if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
        raise DataError(
            f"expected class labels for a classification metric, got a continuous target "
            f"({len(np.unique(y))} distinct values): use --metric mse or mae"
        )
    classes, labels = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise DataError(f"expected at least 2 classes, got {len(classes)} ({classes[:1].tolist()})")
    counts = np.bincount(labels)
    if counts.min() < 5:
        raise DataError(
            f"expected at least 5 examples of every class, got {counts.min()} of {classes[counts.argmin()].item()!r}"
        )
    return UserData(name, x, labels.astype(np.int64), classes, "tabular" if x.ndim == 2 else "image")


def _targets(y: np.ndarray) -> np.ndarray:
    """Regression targets as float64, checked numeric, finite and not constant."""
    if not np.issubdtype(y.dtype, np.number) or np.issubdtype(y.dtype, np.complexfloating):
        raise DataError(f"expected a numeric target for a regression metric, got {y.dtype} values (e.g. {y[:1]})")
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise DataError(f"expected a target without NaN or infinite values, got {int((~np.isfinite(y)).sum())}")
    if len(y) < 10:
        raise DataError(
            f"expected at least 10 samples of a regression target, got {len(y)} sample{'s' * (len(y) != 1)}"
        )
    if np.ptp(y) == 0:
        raise DataError(f"expected a target that varies, got the single value {y[0]:g}")
    return y


def inputs(x: np.ndarray) -> np.ndarray:
    """Inputs as float32 (N, F) features or (N, 3, H, W) images scaled by the module's rule; checked finite."""
    x = np.asarray(x)
    if x.ndim not in (2, 3, 4):
        raise DataError(f"expected inputs of shape (N, features) or images (N, H, W[, C]), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise DataError(f"expected numeric inputs, got {x.dtype}")
    scale = np.iinfo(x.dtype).max if np.issubdtype(x.dtype, np.integer) and x.ndim > 2 else 1
    x = x.astype(np.float32) / scale
    if not np.isfinite(x).all():
        raise DataError(f"expected finite inputs, got {int((~np.isfinite(x)).sum())} NaN or infinite values")
    return x if x.ndim == 2 else _channels_first(x)


def _channels_first(x: np.ndarray) -> np.ndarray:
    """(N, H, W) -> (N, 3, H, W); (N, H, W, C) or (N, C, H, W) with C in 1..4 -> 3 channels first."""
    if x.ndim == 3:
        return np.repeat(x[:, None], 3, axis=1)
    if x.shape[1] in (1, 3, 4) and x.shape[-1] not in (1, 3, 4):
        x = np.moveaxis(x, 1, -1)
    if x.shape[-1] not in (1, 3, 4):
        raise DataError(f"expected images with 1, 3 or 4 channels, got shape {x.shape}")
    x = np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x[..., :3]
    return np.ascontiguousarray(np.moveaxis(x, -1, 1))


def load_user_data(source: str, target: str | None = None, task: str = "classification") -> UserData:
    """`digits`, an .npz, a .csv (with `target`) or an image folder, checked for `task`."""
    path = Path(source).expanduser()
    if source == "digits":
        if task == "regression":  # its labels are the digits 0-9: classes, not quantities
            raise DataError(f"expected a classification metric for digits (10 classes), got a {task} metric")
        from sklearn.datasets import load_digits

        bunch = load_digits()
        return check_arrays((bunch.images / 16.0).astype(np.float32), bunch.target, "digits", task)
    if path.suffix == ".npz":
        return _npz(path, task)
    if path.suffix == ".csv":
        return _csv(path, target, task)
    if path.is_dir():
        if task == "regression":
            raise DataError(f"expected an .npz or a .csv for a regression metric, got the image folder {path}")
        return _folder(path)
    raise DataError(f"expected --data digits, an .npz, a .csv or an image folder, got {source!r}")


def _npz(path: Path, task: str) -> UserData:
    if not path.is_file():
        raise DataError(f"expected an .npz file at {path}, got nothing there")
    with np.load(path, allow_pickle=False) as arrays:
        keys = {k.lower(): k for k in arrays.files}
        if "x" not in keys or "y" not in keys:
            raise DataError(f"expected arrays X and y in {path}, got {', '.join(arrays.files) or 'none'}")
        return check_arrays(arrays[keys["x"]], arrays[keys["y"]], path.stem, task)


def _csv(path: Path, target: str | None, task: str) -> UserData:
    import pandas as pd

    if not path.is_file():
        raise DataError(f"expected a CSV file at {path}, got nothing there")
    frame = pd.read_csv(path)
    if target is None or target not in frame.columns:
        raise DataError(
            f"expected --target naming a column of {path.name} ({', '.join(map(str, frame.columns))}), got {target!r}"
        )
    features = frame.drop(columns=[target])
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if text:
        features = pd.get_dummies(features, columns=text, dtype=np.float32)  # categories: one column each
    return check_arrays(features.to_numpy(dtype=np.float64), frame[target].to_numpy(), path.stem, task)


def _folder(path: Path) -> UserData:
    from PIL import Image

    classes = sorted(p for p in path.iterdir() if p.is_dir())
    images, labels, sizes = [], [], set()
    for folder in classes:
        for file in sorted(f for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES):
            with Image.open(file) as image:
                array = np.asarray(image.convert("RGB"))
            sizes.add(array.shape[:2])
            if len(sizes) > 1:
                raise DataError(
                    f"expected images of one size, got {' and '.join('x'.join(map(str, s)) for s in sorted(sizes))}"
                )
            images.append(array)
            labels.append(folder.name)
    if not images:
        raise DataError(f"expected one subfolder of images per class in {path}, got no images")
    return check_arrays(np.stack(images), np.array(labels), path.name)


def test_split(data: UserData, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows to search on, rows of the final test split): stratified (classification), fixed by `seed`."""
    rows = np.arange(len(data.y))
    stratify = None if data.task == "regression" else data.y
    rest, test = train_test_split(rows, test_size=TEST_SHARE, stratify=stratify, random_state=seed)
    return np.sort(rest), np.sort(test)


def search_splits(data: UserData, rows: np.ndarray, cv: int | None, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, validation rows) pairs: one hold-out, or `cv` folds (stratified for classification)."""
    labels = data.y[rows]
    if data.task == "regression":
        if cv is None:
            train, valid = train_test_split(rows, test_size=VALID_SHARE, random_state=seed)
            return [(np.sort(train), np.sort(valid))]
        return [(rows[a], rows[b]) for a, b in KFold(cv, shuffle=True, random_state=seed).split(rows)]
    if cv is None:
        train, valid = train_test_split(rows, test_size=VALID_SHARE, stratify=labels, random_state=seed)
        return [(np.sort(train), np.sort(valid))]
    if np.bincount(labels).min() < cv:
        raise DataError(
            f"expected at least {cv} examples of every class for --cv {cv}, got {np.bincount(labels).min()}"
        )
    folds = StratifiedKFold(cv, shuffle=True, random_state=seed).split(rows, labels)
    return [(rows[a], rows[b]) for a, b in folds]


def standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) of training inputs, per feature column or per image channel (std 1 where constant)."""
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    mean, std = x.mean(axis=axes, keepdims=True), x.std(axis=axes, keepdims=True)
    return mean, np.where(std > 0, std, 1.0)


def image_data(data: UserData, train: np.ndarray, valid: np.ndarray, test: np.ndarray, name: str) -> ImageData:
    """The splits as tensors, standardised by the training split (per channel, or per feature column; a
    regression target by its training mean and standard deviation)."""
    x = data.x
    mean, std = standardiser(x[train])
    scaled = ((x - mean) / std).astype(np.float32)
    if data.task == "regression":
        y_mean, y_std = float(data.y[train].mean()), float(data.y[train].std()) or 1.0
        y = ((data.y - y_mean) / y_std).astype(np.float32)
        pick = lambda r: (torch.from_numpy(scaled[r]), torch.from_numpy(y[r]))  # noqa: E731
        split = f"{len(train)}/{len(valid)}/{len(test)} shuffled"
        sets = pick(train), pick(valid), pick(test)
        return ImageData(
            name, 1, *sets, augment=False, split=split, task="regression", target_mean=y_mean, target_std=y_std
        )
    pick = lambda r: (torch.from_numpy(scaled[r]), torch.from_numpy(data.y[r]))  # noqa: E731
    split = f"{len(train)}/{len(valid)}/{len(test)} stratified"
    sets = pick(train), pick(valid), pick(test)
    return ImageData(name, len(data.classes), *sets, augment=False, split=split, task="classification-balanced")
