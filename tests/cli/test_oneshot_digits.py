"""scripts/oneshot_digits.py: `nasbench oneshot --json` summaries into a results page, NB201 and Macro.

The committed pages must be rebuilt, byte for byte, from their committed summaries (Macro's also from its table).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
try:
    import oneshot_digits
finally:
    sys.path.pop(0)

MARK = oneshot_digits.MARKERS
NOTE = "ground truth is the NAS-Bench-Macro cifar10 table (its only one); the search data was digits"


def _macro(method: str, seed: int, epochs: int, arch: str, score: float, rank: int, seconds: float) -> dict[str, Any]:
    """A summary as `nasbench oneshot --space macro --json` prints it (the fields the page reads)."""
    ops = {b: arch.count(str(i)) for i, b in enumerate(("identity", "mbconv_k3_e3", "mbconv_k5_e6"))}
    truth = {"metric": "test_acc", "classes": 6561, "status": "ok", "score": score, "rank": rank, "note": NOTE}
    summary = {"method": method, "space": "macro", "seed": seed, "epochs": epochs, "arch": arch}
    return {**summary, "op_histogram": ops, "search_seconds": seconds, "ground_truth": truth, "ranking": []}


def _write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_macro_summaries_make_one_section_per_epochs_with_means_ranks_and_blocks(tmp_path: Path) -> None:
    runs = [
        _macro("gdas", 1, 10, "00110210", 88.0, 5000, 20.0),
        _macro("darts", 0, 10, "02201010", 90.0, 4000, 100.0),
        _macro("gdas", 0, 10, "00020012", 82.0, 6000, 10.0),
        _macro("darts", 0, 50, "22000010", 86.5, 6063, 362.4),
    ]
    paths = [_write(tmp_path / f"{i}.json", r) for i, r in enumerate(runs[:3])]
    paths.append(_write(tmp_path / "saved.json", runs[3:]))  # a saved list reads as its summaries
    page, saved = tmp_path / "page.md", tmp_path / "all.json"
    assert oneshot_digits.main([*paths, "--out", str(page), "--note", "# t", "--save-summaries", str(saved)]) == 0
    text = page.read_text()
    assert text.index("## 10 epochs: darts, gdas") < text.index("## 50 epochs: darts") < text.index(MARK[1])
    assert "rank among 6,561 | layers identity/k3e3/k5e6 (summed) |" in text
    assert "| gdas | 2 | 15 ± 7 | 85.00 ± 4.24 | 5500 ± 707 | 9/4/3 |" in text  # mean ± std over the two seeds
    assert "| darts | 0 | `22000010` | 86.50 | 6063 | 362 |" in text
    assert f"Ground truth, as `nasbench oneshot` notes with every such result: {NOTE}." in text
    order = [(r["epochs"], r["method"], r["seed"]) for r in json.loads(saved.read_text())]
    assert order == [(10, "darts", 0), (10, "gdas", 0), (10, "gdas", 1), (50, "darts", 0)]


def test_keep_prose_rewrites_only_the_generated_part(tmp_path: Path) -> None:
    summary = _write(tmp_path / "s.json", _macro("rsps", 0, 10, "22000122", 91.0, 3203, 466.0))
    page = tmp_path / "page.md"
    page.write_text(f"# Title\n\nprose above\n\n{MARK[0]}\nstale tables\n{MARK[1]}\n\nprose below\n")
    assert oneshot_digits.main([summary, "--out", str(page), "--keep-prose"]) == 0
    text = page.read_text()
    assert text.startswith(f"# Title\n\nprose above\n\n{MARK[0]}\n") and text.endswith(f"{MARK[1]}\n\nprose below\n")
    assert "stale" not in text and "| rsps | 0 | `22000122` | 91.00 | 3203 | 466 |" in text


@pytest.mark.parametrize(
    ("page_text", "extra", "message"),
    [
        ("no markers\n", ["--keep-prose"], "expected the markers"),
        (None, ["--keep-prose", "--note", "x"], "expected --note or --keep-prose, got both"),
        (None, ["--nb201"], "expected summaries of one space, got macro, nb201"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], page_text: str | None, extra: list[str], message: str
) -> None:
    paths = [_write(tmp_path / "m.json", _macro("rsps", 0, 10, "22000122", 91.0, 3203, 466.0))]
    if "--nb201" in extra:
        extra = []
        paths.append(_write(tmp_path / "n.json", {"method": "rsps", "space": "nb201"}))
    page = tmp_path / "page.md"
    if page_text is not None:
        page.write_text(page_text)
    assert oneshot_digits.main([*paths, "--out", str(page), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert page.read_text() == page_text if page_text is not None else not page.exists()


def test_the_committed_macro_page_is_rebuilt_from_its_summaries(tmp_path: Path) -> None:
    pytest.importorskip("torch")  # the table's ranks come from nasbench.oneshot.ranking
    if not (ROOT / "data" / "macro.h5").is_file():
        pytest.skip("data/macro.h5 is absent")
    page = shutil.copy(ROOT / "results" / "oneshot-macro.md", tmp_path / "page.md")
    summaries = str(ROOT / "results" / "oneshot-macro.json")
    assert oneshot_digits.main([summaries, "--out", str(page), "--keep-prose"]) == 0
    assert Path(page).read_text() == (ROOT / "results" / "oneshot-macro.md").read_text()
    assert "median rank 3,276); the best 93.13 %" in Path(page).read_text()  # the table's own reference points


def test_the_committed_digits_page_is_rebuilt_from_its_summaries(tmp_path: Path) -> None:
    page = shutil.copy(ROOT / "results" / "oneshot-digits.md", tmp_path / "page.md")
    summaries = str(ROOT / "results" / "oneshot-digits.json")
    assert oneshot_digits.main([summaries, "--out", str(page), "--keep-prose"]) == 0
    assert Path(page).read_text() == (ROOT / "results" / "oneshot-digits.md").read_text()
