"""Project-wide rules that a grep can check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOBAL_RANDOM = re.compile(
    r"\brandom\.(seed|random|choice|randint|shuffle|sample|uniform)\("
    r"|np\.random\.(?!default_rng|Generator|SeedSequence)\w+\("
)


def test_no_global_random_state() -> None:
    offenders = []
    for folder in ("nasbench", "strategies", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if GLOBAL_RANDOM.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_rule_catches_offenders() -> None:
    assert GLOBAL_RANDOM.search("np.random.seed(0)")
    assert GLOBAL_RANDOM.search("x = random.choice(items)")
    assert not GLOBAL_RANDOM.search("rng = np.random.default_rng(0)")


def test_every_module_says_what_it_owns() -> None:
    for path in (ROOT / "nasbench").rglob("*.py"):
        text = path.read_text().lstrip()
        assert text.startswith('"""'), f"{path.relative_to(ROOT)} has no module docstring"
