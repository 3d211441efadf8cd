"""Live-training datasets: the digits split, CIFAR read from the pickle layout, clear errors, batches."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import UnknownName  # noqa: E402
from nasbench.live.data import batches, crop_and_flip, load_dataset, load_digits  # noqa: E402
from nasbench.live.errors import DatasetFilesError  # noqa: E402


def test_digits_split_is_20_20_60_stratified_and_normalised() -> None:
    data = load_digits()
    sizes = [len(part[1]) for part in (data.train, data.valid, data.test)]
    assert sizes == [359, 359, 1079]
    total = sum(np.bincount(part[1].numpy(), minlength=10) for part in (data.train, data.valid, data.test))
    for part, share in ((data.train, 0.2), (data.valid, 0.2), (data.test, 0.6)):
        counts = np.bincount(part[1].numpy(), minlength=10)
        assert np.abs(counts - share * total).max() <= 1.5  # every class in proportion
    assert data.input_shape == (3, 8, 8)
    assert abs(float(data.train[0].mean())) < 1e-5 and abs(float(data.train[0].std()) - 1) < 1e-3
    rows = {tuple(x.flatten().tolist()) for part in (data.train, data.valid, data.test) for x in part[0]}
    assert len(rows) > 1700  # disjoint splits (a few digits images are exact duplicates in the source)


def _write_cifar10(root: Path, per_batch: int = 20) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        batch = {
            b"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
            b"labels": [i % 10 for i in range(per_batch)],
        }
        (folder / name).write_bytes(pickle.dumps(batch))
    return folder


def test_cifar10_is_read_from_the_python_pickle_layout(tmp_path: Path) -> None:
    _write_cifar10(tmp_path)
    for where in (tmp_path, tmp_path / "cifar-10-batches-py"):  # the parent or the folder itself
        data = load_dataset("cifar10", where)
        assert (len(data.train[1]), len(data.valid[1]), len(data.test[1])) == (50, 50, 20)
        assert data.train[0].shape[1:] == (3, 32, 32) and data.num_classes == 10 and data.augment


def test_cifar100_splits_its_test_set_into_validation_and_test(tmp_path: Path) -> None:
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name, n in (("train", 200), ("test", 200)):
        batch = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"fine_labels": [i % 100 for i in range(n)]}
        (folder / name).write_bytes(pickle.dumps(batch))
    data = load_dataset("cifar100", tmp_path)
    assert (len(data.train[1]), len(data.valid[1]), len(data.test[1]), data.num_classes) == (200, 100, 100, 100)


def test_missing_or_wrong_cifar_files_name_what_is_expected(tmp_path: Path) -> None:
    with pytest.raises(DatasetFilesError, match="data_batch_1.*test_batch.*no such folder"):
        load_dataset("cifar10", tmp_path / "absent")
    with pytest.raises(DatasetFilesError, match="expected --data-dir"):
        load_dataset("cifar10")
    folder = _write_cifar10(tmp_path)
    (folder / "data_batch_3").write_bytes(b"not a pickle")
    with pytest.raises(DatasetFilesError, match="data_batch_3"):
        load_dataset("cifar10", tmp_path)
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"images": []}))
    with pytest.raises(DatasetFilesError, match="expected keys 'data' and 'labels'"):
        load_dataset("cifar10", tmp_path)
    (folder / "test_batch").unlink()
    with pytest.raises(DatasetFilesError, match="other files"):
        load_dataset("cifar10", tmp_path)
    with pytest.raises(UnknownName, match="digits, cifar10, cifar100"):
        load_dataset("mnist")


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ([1, 2], "expected keys 'data' and 'labels' .* got list"),
        ({b"data": np.zeros((20, 100), np.uint8), b"labels": [0] * 20}, "3072 pixels .* got data \\(20, 100\\)"),
        ({b"data": np.zeros((20, 3072), np.uint8), b"labels": [0] * 7}, "N labels .* labels \\(7,\\)"),
        ({b"data": np.zeros((20, 3072), np.uint8), b"labels": [10] * 20}, "labels 0..9 .* got 10..10"),
    ],
)
def test_cifar_files_of_the_wrong_shape_or_labels_are_refused(tmp_path: Path, batch: object, message: str) -> None:
    folder = _write_cifar10(tmp_path)
    (folder / "data_batch_2").write_bytes(pickle.dumps(batch))
    with pytest.raises(DatasetFilesError, match=message):
        load_dataset("cifar10", tmp_path)


def test_batches_visit_every_example_once_in_a_seeded_order() -> None:
    x = torch.arange(10, dtype=torch.float32).reshape(10, 1, 1, 1)
    y = torch.arange(10)
    first = torch.cat([b[1] for b in batches((x, y), 3, torch.Generator().manual_seed(0))])
    again = torch.cat([b[1] for b in batches((x, y), 3, torch.Generator().manual_seed(0))])
    other = torch.cat([b[1] for b in batches((x, y), 3, torch.Generator().manual_seed(1))])
    assert sorted(first.tolist()) == list(range(10))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert torch.equal(torch.cat([b[1] for b in batches((x, y), 4)]), y)  # unshuffled: in order


def test_crop_and_flip_moves_whole_images_and_pads_with_zeros() -> None:
    x = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4) + 1
    out = crop_and_flip(x, torch.Generator().manual_seed(5), pad=1)
    assert out.shape == x.shape
    for image, source in zip(out, x, strict=True):
        kept = image[image != 0]
        assert set(kept.tolist()) <= set(source.flatten().tolist())
        assert len(kept) >= 3 * 3 * 3  # at most one row and one column padded
    assert torch.equal(out, crop_and_flip(x, torch.Generator().manual_seed(5), pad=1))


def test_a_class_too_small_to_halve_is_named(tmp_path: Path) -> None:
    folder = _write_cifar10(tmp_path, per_batch=2)  # four training images each of classes 0 and 1...
    single = {b"data": np.zeros((1, 3072), np.uint8), b"labels": [9]}  # ...once batch 5 is one image of class 9
    (folder / "data_batch_5").write_bytes(pickle.dumps(single))
    with pytest.raises(DatasetFilesError, match="cannot halve .*training set stratified by class"):
        load_dataset("cifar10", tmp_path)
