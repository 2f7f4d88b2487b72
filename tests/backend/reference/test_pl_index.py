from __future__ import annotations

from decimal import Decimal

import pytest

from backend.reference.sources.pl_index import parse_pl_index

from .support import DATA


def test_fixture_file() -> None:
    result = parse_pl_index((DATA / "pl_indeks.csv").read_bytes())
    assert result.errors == () and result.warnings == ()
    assert dict(result.index) == {
        2015: Decimal("98.1"),
        2016: Decimal("100.0"),
        2017: Decimal("101.6"),
        2018: Decimal("103.3"),
    }


GOOD = {
    "semicolon, Danish decimals": (
        "aar;indeks\n2017;101,6\n2016;100\n",
        {2016: "100", 2017: "101.6"},
    ),
    "comma, år, pl_indeks, plain decimals": (
        "år,pl_indeks\n2016,100.0\n2017,101.6\n",
        {2016: "100.0", 2017: "101.6"},
    ),
    "comma with quoted Danish decimals": (
        'år,pl_indeks\n2016,"100,0"\n2017,"1.016,25"\n',
        {2016: "100.0", 2017: "1016.25"},
    ),
    "windows-1252 header": ("År;PL-indeks\n2016;100,0\n".encode("cp1252"), {2016: "100.0"}),
    "utf-8 BOM": (b"\xef\xbb\xbfaar;indeks\r\n2016;100,0\r\n", {2016: "100.0"}),
}


@pytest.mark.parametrize(("data", "expected"), GOOD.values(), ids=GOOD.keys())
def test_good_files(data: bytes | str, expected: dict[int, str]) -> None:
    result = parse_pl_index(data)
    assert result.errors == ()
    assert dict(result.index) == {year: Decimal(v) for year, v in expected.items()}
    assert list(result.index) == sorted(result.index)


def test_gap_is_a_warning_not_an_error() -> None:
    result = parse_pl_index("aar;indeks\n2014;97,0\n2017;101,6\n2018;103,3\n")
    assert result.ok
    assert [(w.row, w.column, w.message) for w in result.warnings] == [
        (3, "aar", "PL-indekset mangler år 2015-2016 (mellem 2014 og 2017).")
    ]


BAD = {
    "text, zero, negative, bad year, duplicate: all at once": (
        "aar;indeks\n2015;høj\n2016;0\n2017;-1,5\n17;100\n2018;103\n2018;104\n",
        [
            (2, "indeks", "'høj' er ikke et tal i række 2, kolonne 'indeks'."),
            (3, "indeks", "PL-indekset skal være positivt, men er 0 i række 3, kolonne 'indeks'."),
            (
                4,
                "indeks",
                "PL-indekset skal være positivt, men er -1,5 i række 4, kolonne 'indeks'.",
            ),
            (5, "aar", "'17' er ikke et gyldigt årstal i række 5, kolonne 'aar'."),
            (7, "aar", "Året 2018 optræder flere gange (række 6 og 7)."),
        ],
    ),
    "missing column": (
        "aar;vaerdi\n2016;100\n",
        [(1, "indeks", "Kolonnen 'indeks' mangler i overskriften (forventet aar;indeks).")],
    ),
    "no rows": ("aar;indeks\n", [(None, None, "Filen indeholder ingen år.")]),
    "unquoted decimal comma in a comma-separated file": (
        "år,pl_indeks\n2016,100,0\n",
        [
            (
                2,
                None,
                "Række 2 har 3 felter, men overskriften har 2; er et decimaltal skrevet med komma"
                " i en kommasepareret fil uden anførselstegn?",
            )
        ],
    ),
}


@pytest.mark.parametrize(("data", "expected"), BAD.values(), ids=BAD.keys())
def test_bad_files(data: str, expected: list[tuple[int | None, str | None, str]]) -> None:
    result = parse_pl_index(data)
    assert dict(result.index) == {}
    assert [(e.row, e.column, e.message) for e in result.errors] == expected
