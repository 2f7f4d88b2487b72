"""Issue 12, deliverable 11: the method page (api_docs/udgiftsbehov.md) says only what is
true: every test it cites exists, it no longer describes the old interval and flag rule,
and it carries the caveat."""

from __future__ import annotations

import re
from pathlib import Path

from benchmark.expected_need import CAVEAT_DA

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "api_docs" / "udgiftsbehov.md").read_text(encoding="utf-8")


def test_every_cited_test_exists() -> None:
    cited = set(re.findall(r"`(test_[a-z0-9_]+)`", PAGE))
    assert len(cited) >= 20
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined |= set(re.findall(r"^def (test_[a-z0-9_]+)", path.read_text("utf-8"), re.M))
    assert cited - defined == set()


def test_the_page_describes_the_current_method_and_carries_the_caveat() -> None:
    flat = " ".join(PAGE.replace("\n> ", "\n").split())  # without the quote markers
    assert " ".join(CAVEAT_DA.split()) in flat
    assert "numerisk er over 2" not in flat and "> 2" not in flat  # the old |t| > 2 rule
    assert "ikke om det forventede niveau" not in flat  # the old LOO-vs-fitted centres
    assert "Holm" in flat and 'om **samme** værdi som "forventet"' in flat
