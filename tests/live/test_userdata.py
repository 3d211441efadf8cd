"""A user's data: .npz, .csv and image folders read from files, the image rule, each bad input refused by
name, the stratified test and hold-out splits, standardisation by the training split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from PIL import Image  # noqa: E402

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.userdata import (  # noqa: E402
    DataError,
    check_arrays,
    image_data,
    load_user_data,
    search_splits,
)
from nasbench.live.userdata import test_split as split_test  # noqa: E402  # renamed: not a test

LABELS = np.array(["b", "a"] * 10)


def write_images(root: Path, sizes: dict[str, tuple[int, int]], count: int = 5) -> None:
    for name, (height, width) in sizes.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            pixels = np.full((height, width), 50 * i, dtype=np.uint8)
            Image.fromarray(pixels, mode="L").save(root / name / f"{i}.png")


def test_an_npz_of_images_follows_the_image_rule(tmp_path: Path) -> None:
    images = np.zeros((20, 6, 5), dtype=np.uint8)
    images[0, 0, 0] = 255
    np.savez(tmp_path / "mine.npz", X=images, y=LABELS)
    data = load_user_data(str(tmp_path / "mine.npz"))
    assert (data.name, data.kind, data.x.shape, data.x.dtype) == ("mine", "image", (20, 3, 6, 5), np.float32)
    assert data.x[0, :, 0, 0].tolist() == [1.0, 1.0, 1.0]  # 255 -> 1, grey repeated to 3 channels
    assert data.classes.tolist() == ["a", "b"] and data.y[:2].tolist() == [1, 0]  # labels in sorted order


def test_a_csv_gets_its_target_column_and_one_column_per_category(tmp_path: Path) -> None:
    rows = ["size,colour,label", *(f"{i},{'red' if i % 3 else 'blue'},{i % 2}" for i in range(20))]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    data = load_user_data(str(tmp_path / "train.csv"), "label")
    assert (data.name, data.kind, data.x.shape) == ("train", "tabular", (20, 3))  # size, colour_blue, colour_red
    assert data.x[:3].tolist() == [[0, 1, 0], [1, 0, 1], [2, 0, 1]]
    with pytest.raises(
        DataError, match=r"expected --target naming a column of train.csv \(size, colour, label\), got 'y'"
    ):
        load_user_data(str(tmp_path / "train.csv"), "y")
    with pytest.raises(DataError, match="got None"):
        load_user_data(str(tmp_path / "train.csv"))


def test_an_image_folder_has_one_class_per_subfolder(tmp_path: Path) -> None:
    write_images(tmp_path / "pets", {"cat": (4, 6), "dog": (4, 6)})
    data = load_user_data(str(tmp_path / "pets"))
    assert (data.name, data.kind, data.x.shape) == ("pets", "image", (10, 3, 4, 6))
    assert data.classes.tolist() == ["cat", "dog"] and np.bincount(data.y).tolist() == [5, 5]
    assert data.x[1, 0, 0, 0] == pytest.approx(50 / 255)


def test_images_of_mixed_sizes_are_refused(tmp_path: Path) -> None:
    write_images(tmp_path / "pets", {"cat": (4, 6), "dog": (5, 6)})
    with pytest.raises(DataError, match="expected images of one size, got 4x6 and 5x6"):
        load_user_data(str(tmp_path / "pets"))
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    with pytest.raises(DataError, match="got no images"):
        load_user_data(str(tmp_path / "empty"))


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.zeros((20, 3)), np.zeros(20), r"expected at least 2 classes, got 1 \(\[0.0\]\)"),
        (np.full((20, 3), np.nan), LABELS, "expected finite inputs, got 60 NaN or infinite values"),
        (
            np.zeros((20, 3)),
            np.where(np.arange(20) == 3, np.nan, np.arange(20) % 2),
            "expected labels without NaN, got 1",
        ),
        (np.zeros((19, 3)), LABELS, "expected as many labels as inputs, got 19 inputs and 20 labels"),
        (np.zeros((20, 3)), LABELS.reshape(10, 2), r"expected labels as one column, got an array of shape \(10, 2\)"),
        (
            np.zeros((20, 3)),
            np.array(["a"] * 17 + ["b"] * 3),
            "expected at least 5 examples of every class, got 3 of 'b'",
        ),
        (np.zeros(20), LABELS, r"expected inputs of shape \(N, features\)"),
        (np.zeros((20, 5, 5, 2)), LABELS, "expected images with 1, 3 or 4 channels"),
    ],
)
def test_bad_arrays_are_refused_by_name(x: np.ndarray, y: np.ndarray, message: str) -> None:
    with pytest.raises(DataError, match=message) as error:
        check_arrays(x, y, "bad")
    assert isinstance(error.value, NasbenchError) and "\n" not in str(error.value)


def test_bad_files_are_refused_by_name(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", inputs=np.zeros((20, 2)), y=LABELS)
    with pytest.raises(DataError, match="expected arrays X and y in .*other.npz, got inputs, y"):
        load_user_data(str(tmp_path / "other.npz"))
    with pytest.raises(DataError, match="expected an .npz file at .*absent.npz"):
        load_user_data(str(tmp_path / "absent.npz"))
    with pytest.raises(DataError, match="expected --data digits, an .npz, a .csv or an image folder, got 'x.txt'"):
        load_user_data("x.txt")


def test_the_splits_are_stratified_disjoint_and_fixed_by_the_seed() -> None:
    data = check_arrays(np.arange(80.0).reshape(40, 2), np.repeat([0, 1, 2, 3], 10), "toy")
    rest, test = split_test(data, seed=0)
    assert (len(rest), len(test)) == (32, 8) and np.bincount(data.y[test]).tolist() == [2, 2, 2, 2]
    assert sorted([*rest, *test]) == list(range(40))
    [(train, valid)] = search_splits(data, rest, None, seed=0)
    assert (len(train), len(valid)) == (24, 8) and np.bincount(data.y[valid]).tolist() == [2, 2, 2, 2]
    assert sorted([*train, *valid]) == rest.tolist()
    assert np.array_equal(split_test(data, 0)[1], test) and not np.array_equal(split_test(data, 1)[1], test)


def test_inputs_are_standardised_by_the_training_split_only() -> None:
    x = np.column_stack([np.arange(20.0), np.full(20, 3.0)])
    data = check_arrays(x, LABELS, "toy")
    rows = np.arange(20)
    split = image_data(data, rows[:10], rows[10:15], rows[15:], "toy")
    train = split.train[0].numpy()
    assert train[:, 0].mean() == pytest.approx(0.0, abs=1e-6) and train[:, 0].std() == pytest.approx(1.0)
    assert (train[:, 1] == 0).all()  # a constant column: std taken as 1
    assert split.test[0][0, 0].item() == pytest.approx((15 - 4.5) / np.arange(10.0).std(), rel=1e-6)
    assert split.split == "10/5/5 stratified" and split.num_classes == 2
