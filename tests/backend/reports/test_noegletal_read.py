"""The nøgletal document read into frozen dataclasses: what the pages read, and how an older
stored document (averages without n or members, no notes, no peer groups) is filled in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.reports import noegletal


def _value(org: str, value: str | None, peers: list[str] | None = None) -> dict[str, Any]:
    return {
        "organisation": org,
        "navn": org.upper(),
        "value": value,
        "tekst": value or "–",
        "unit": "kr.",
        "price_year": 2017,
        "ingen_data": None if value else "ingen indberetning",
        "afledt": False,
        "naevner": None,
        "peer_gennemsnit": None
        if peers is None
        else {"regel": "uvægtet", "medlemmer": peers, "value": "5", "tekst": "5", "unit": "kr."},
    }


def _doc(**average: Any) -> dict[str, Any]:
    return {
        "aar": 2017,
        "noegletal": [
            {
                "id": "x",
                "navn": "X",
                "maalgruppe": "",
                "vaerdier": [_value("a", "10", ["b", "r"]), _value("b", None), _value("r", "3")],
                "gennemsnit": [
                    {"omfang": "region", "regel": "uvægtet", "value": "10", "unit": "kr."} | average
                ],
            }
        ],
    }


def test_an_older_document_gets_its_counts_and_members_once() -> None:
    doc = noegletal.read(_doc(), municipalities=frozenset({"a", "b"}))
    assert doc.noter == () and doc.peer_grupper.grupper == {} and doc.prisaar is None
    item = doc.find("x", None)
    assert item is not None and item.maalgruppe is None
    [region] = item.gennemsnit
    assert (region.medlemmer, region.n, region.median) == (("a", "b"), 1, None)
    a = item.value_of("a")
    assert a is not None and a.decimal == Decimal(10) and a.peer_gennemsnit is not None
    assert (a.peer_gennemsnit.medlemmer, a.peer_gennemsnit.n) == (("b", "r"), 1)
    b = item.value_of("b")
    assert b is not None and not b.has_value and b.ingen_data == "ingen indberetning"


def test_a_current_document_is_read_as_written() -> None:
    doc = noegletal.read(
        _doc(n=7, medlemmer=["a"], udeladt=[{"organisation": "b", "grund": "lukket"}])
    )
    [region] = doc.noegletal[0].gennemsnit
    assert (region.n, region.medlemmer) == (7, ("a",))
    assert region.udeladt == (noegletal.LeftOut("b", "lukket"),)
