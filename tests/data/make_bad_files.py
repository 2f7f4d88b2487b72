"""Regenerate the intake test corpus: tests/data/bad/ (+ expected.json) and tests/data/good/.

Run from the repository root:  .venv/bin/python tests/data/make_bad_files.py

The files are written with plain openpyxl / zipfile / csv so the corpus does not depend on
the intake code it tests. Every bad file is validated against the context of
`tests/backend/submissions/factories.make_context` (Aarhus, 2017, yearly period; own
offers A-101…A-104, other organisations' offers V-201, V-202). The oversized file is
generated at test time, not committed.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
BAD, GOOD = HERE / "bad", HERE / "good"

BELAEGNING_HEADER = ["tilbud_id", "tilbudsnavn", "kvartal", "normering", "forbrug", "koeberkommune"]
BELAEGNING_LABELS = [
    "Tilbuds-ID",
    "Tilbudsnavn",
    "Kvartal",
    "Normering (pladser)",
    "Forbrug (dage)",
    "Køberkommune",
]
TILBUD_HEADER = [
    "tilbud_id",
    "navn",
    "tilbudsportalen_id",
    "maalgruppe",
    "tilbudstype",
    "sel_paragraf",
    "normering",
    "omfattet",
    "gyldig_fra",
    "gyldig_til",
]
GOOD_BELAEGNING = [
    ["A-101", "Bostedet A-101", 1, 10, 880, "751"],
    ["A-101", "Bostedet A-101", 2, 10, 905.5, None],
    ["A-102", "Sølyst", 1, 12.5, 1100, "Århus Kommune"],
]

expected: dict[str, dict[str, Any]] = {}


def xlsx_bytes(rows: list[list[Any]], title: str = "Belægning") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def rezip(data: bytes, edit: dict[str, bytes | None], compress_level: int = 6) -> bytes:
    """Copy a zip, replacing (bytes), removing (None) or adding members."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compress_level) as dst,
    ):
        for name in src.namelist():
            if name in edit:
                if edit[name] is not None:
                    dst.writestr(name, edit.pop(name))  # type: ignore[arg-type]
                else:
                    edit.pop(name)
                continue
            dst.writestr(name, src.read(name))
        for name, content in edit.items():
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def bad(name: str, data: bytes, code: str, stream: str = "belaegning", **where: Any) -> None:
    (BAD / name).write_bytes(data)
    expected[name] = {"stream": stream, "code": code, **where}


def good_xlsx() -> bytes:
    return xlsx_bytes([BELAEGNING_HEADER, *GOOD_BELAEGNING])


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode()


def make_container_files() -> None:
    """Files that fail before any row is read."""
    good = good_xlsx()
    bad("corrupt.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8, "beskadiget_fil")
    bad("truncated.xlsx", good[: len(good) // 2], "beskadiget_fil")
    bad("not_a_workbook.xlsx", rezip(good, {"xl/workbook.xml": None}), "beskadiget_fil")
    bad("legacy.xls", codecs.decode("d0cf11e0a1b11ae1", "hex") + bytes(504), "ukendt_format")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in ("[Content_Types].xml", "xl/workbook.xml"):
            zf.writestr(name, "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    bad("zip_bomb.xlsx", bomb.getvalue(), "zip_bombe")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as zf:
        for i in range(1001):
            zf.writestr(f"{i}", b"")
    bad("zip_bomb_members.xlsx", many.getvalue(), "zip_bombe")
    link_rel = (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/externalLink" '
        'Target="externalLinks/externalLink1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    bad(
        "external_link.xlsx",
        rezip(
            good,
            {
                "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
                "xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", link_rel).encode(),
            },
        ),
        "ekstern_kaede",
    )
    bad(
        "external_link_rel_only.xlsx",
        rezip(
            good,
            {
                "xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", link_rel).encode(),
            },
        ),
        "ekstern_kaede",
    )
    bad("macros.xlsm", rezip(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "makroer")
    dtd = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    body = re.sub(r"^<\?xml[^>]*\?>", "", sheet_xml(good))
    bad("dtd.xlsx", rezip(good, {"xl/worksheets/sheet1.xml": (dtd + body).encode()}), "usikker_xml")
    bad("empty.csv", b"", "tom_fil")
    bad(
        "utf16.csv",
        csv_bytes([BELAEGNING_HEADER, GOOD_BELAEGNING[0]], encoding="utf-16"),
        "tegnkodning",
    )
    bad(
        "invalid_bytes.csv",
        csv_bytes([BELAEGNING_HEADER]) + b"A-101;Bo\x81\x90;1;10;5;\r\n",
        "tegnkodning",
    )
    bad(
        "tab_delimited.csv",
        csv_bytes([BELAEGNING_HEADER, GOOD_BELAEGNING[0]], "\t"),
        "skilletegn",
        row=1,
    )
    bad("malformed.json", b'[{"tilbud_id": "A-101", "forbrug": 5,}]', "ugyldig_json")
    bad("not_a_list.json", b'{"data": [{"tilbud_id": "A-101"}]}', "ugyldig_struktur")


def make_header_files() -> None:
    row = GOOD_BELAEGNING[0]
    bad(
        "missing_column.csv",
        csv_bytes([BELAEGNING_HEADER[:4], row[:4]]),
        "manglende_kolonne",
        row=1,
        column=None,
    )
    bad(
        "unknown_column.csv",
        csv_bytes([[*BELAEGNING_HEADER, "bemaerkning"], [*row, "x"]]),
        "ukendt_kolonne",
        row=1,
        column="G",
    )
    bad(
        "duplicate_column.xlsx",
        xlsx_bytes([[*BELAEGNING_HEADER, "Forbrug (dage)"], [*row, 5]]),
        "dobbelt_kolonne",
        sheet="Belægning",
        row=1,
        column="G",
    )
    bad(
        "unnamed_column.xlsx",
        xlsx_bytes([BELAEGNING_HEADER, [*row, "note"]]),
        "kolonne_uden_overskrift",
        sheet="Belægning",
        row=2,
        column="G",
    )
    bad("header_only.xlsx", xlsx_bytes([BELAEGNING_LABELS]), "ingen_raekker")
    bad("header_only.csv", csv_bytes([BELAEGNING_HEADER]), "ingen_raekker")
    bad("unrecognised_header.csv", csv_bytes([["a", "b"], ["1", "2"]]), "ukendt_overskrift", row=1)
    bad("empty_list.json", b"[]", "ingen_raekker")


def _belaegning(
    name: str, value_row: list[Any], code: str, column: str, fmt: str = "xlsx", row: int = 3
) -> None:
    rows = [BELAEGNING_HEADER, GOOD_BELAEGNING[0], value_row]
    if fmt == "xlsx":
        bad(name, xlsx_bytes(rows), code, sheet="Belægning", row=row, column=column)
    else:
        bad(name, csv_bytes(rows), code, row=row, column=column)


def make_cell_files() -> None:
    _belaegning(
        "negative_places.xlsx", ["A-102", "Sølyst", 1, -2, 100, None], "negativ_vaerdi", "D"
    )
    _belaegning(
        "text_in_number.xlsx", ["A-102", "Sølyst", 1, 12, "mange", None], "ikke_et_tal", "E"
    )
    _belaegning("excel_error.xlsx", ["A-102", "Sølyst", 1, "#DIV/0!", 100, None], "excel_fejl", "D")
    _belaegning(
        "foreign_offer.csv", ["V-201", "Fremmed", 1, 5, 100, ""], "fremmed_tilbud", "A", fmt="csv"
    )
    _belaegning("unknown_offer.xlsx", ["X-999", "Ukendt", 1, 5, 100, None], "ukendt_tilbud", "A")
    _belaegning(
        "invalid_quarter.csv",
        ["A-102", "Sølyst", 5, 5, 100, ""],
        "ugyldigt_kvartal",
        "C",
        fmt="csv",
    )
    _belaegning(
        "unknown_kommune.csv",
        ["A-102", "Sølyst", 1, 5, 100, "Atlantis"],
        "ukendt_kommune",
        "F",
        fmt="csv",
    )
    _belaegning(
        "english_number.csv",
        ["A-102", "Sølyst", 1, "1,234.5", 100, ""],
        "ikke_et_tal",
        "D",
        fmt="csv",
    )
    _belaegning("duplicate_rows.csv", GOOD_BELAEGNING[0], "dobbelt_raekke", None, fmt="csv")
    _belaegning(
        "missing_value.csv", ["A-102", "Sølyst", 1, 5, "", ""], "skal_udfyldes", "E", fmt="csv"
    )
    regnskab = ["tilbud_id", "regnskab", "belaegning", "over_underskud"]
    bad(
        "parentheses.csv",
        csv_bytes([regnskab, ["A-101", "3.000.000", "9,5", "(1.234)"]]),
        "ikke_et_tal",
        stream="regnskab",
        row=2,
        column="D",
    )
    takster = ["tilbud_id", "basistakst", "belaegningsprocent"]
    bad(
        "belaegningsprocent_range.csv",
        csv_bytes([takster, ["A-101", "2.600", "250"]]),
        "uden_for_graenser",
        stream="takster",
        row=2,
        column="C",
    )
    with_formula = xlsx_bytes([BELAEGNING_HEADER, ["A-101", "B", 1, 10, "=D2*88", None]])
    bad(
        "formula_without_value.xlsx",
        with_formula,
        "formel_uden_vaerdi",
        sheet="Belægning",
        row=2,
        column="E",
    )


def make_tilbud_files() -> None:
    ok = [
        "",
        "Nyt bosted",
        "TP900",
        "Voksne med sindslidelse",
        "døgn",
        "§ 107",
        8,
        "ja",
        "01-01-2017",
        "",
    ]

    def tilbud(name: str, changes: dict[int, Any], code: str, column: str) -> None:
        broken = list(ok)
        for index, value in changes.items():
            broken[index] = value
        bad(
            name,
            csv_bytes([TILBUD_HEADER, ok, broken]),
            code,
            stream="tilbud",
            row=3,
            column=column,
        )

    tilbud("unknown_maalgruppe.csv", {1: "Andet", 3: "Ældre med demens"}, "ukendt_maalgruppe", "D")
    tilbud("invalid_date.csv", {1: "Andet", 8: "31.02.2017"}, "ugyldig_dato", "I")
    tilbud("invalid_period_range.csv", {1: "Andet", 9: "2016-12-31"}, "ugyldig_periode", "J")
    tilbud("sikret_for_voksne.csv", {1: "Andet", 4: "sikret"}, "ugyldig_tilbudstype", "E")
    tilbud("invalid_boolean.csv", {1: "Andet", 7: "måske"}, "ugyldig_ja_nej", "H")
    tilbud("invalid_paragraf.csv", {1: "Andet", 5: "paragraf 107"}, "ugyldig_paragraf", "F")
    bad(
        "wrong_types.json",
        json.dumps(
            [
                {"tilbud_id": "A-101", "kvartal": 1, "normering": 10, "forbrug": 880},
                {"tilbud_id": "A-102", "kvartal": 1, "normering": 12.5, "forbrug": [1, 2]},
            ]
        ).encode(),
        "forkert_type",
        row=2,
        field="forbrug",
    )
    bad(
        "unknown_fields.json",
        json.dumps(
            {
                "rows": [
                    {"tilbud_id": "A-101", "kvartal": 1, "forbrug": 880, "kommentar": "x"},
                ]
            }
        ).encode(),
        "ukendt_kolonne",
        field=None,
        header="kommentar",
    )


def make_many_bad_rows() -> None:
    rows = [
        BELAEGNING_HEADER,
        ["A-101", "", 1, -1, 10, ""],  # row 2: negative normering
        ["A-101", "", 2, 10, "abc", ""],  # row 3: text in forbrug
        ["V-202", "", 1, 10, 10, ""],  # row 4: foreign offer
        ["A-102", "", 9, 10, 10, ""],  # row 5: invalid quarter
        ["A-103", "", 1, 10, 10, "Mars"],  # row 6: unknown kommune
        ["A-104", "", 1, 10, "", ""],
    ]  # row 7: forbrug missing
    bad("many_bad_rows.csv", csv_bytes(rows), "negativ_vaerdi", row=2, column="D")
    expected["many_bad_rows.csv"]["all"] = [
        ["negativ_vaerdi", 2, "D"],
        ["ikke_et_tal", 3, "E"],
        ["fremmed_tilbud", 4, "A"],
        ["ugyldigt_kvartal", 5, "C"],
        ["ukendt_kommune", 6, "F"],
        ["skal_udfyldes", 7, "E"],
    ]


def make_good_files() -> None:
    """Good files per stream (XLSX and CSV) whose values the tests check."""
    (GOOD / "belaegning.xlsx").write_bytes(xlsx_bytes([BELAEGNING_LABELS, *GOOD_BELAEGNING]))
    danish = [
        [r[0], r[1], r[2], str(r[3]).replace(".", ","), str(r[4]).replace(".", ","), r[5]]
        for r in GOOD_BELAEGNING
    ]
    (GOOD / "belaegning.csv").write_bytes(
        csv_bytes([BELAEGNING_LABELS, *danish], encoding="cp1252")
    )
    regnskab = [
        [
            "Tilbuds-ID",
            "Årets omkostninger (kr.)",
            "Belægning (årspladser)",
            "Over-/underskud (kr.)",
            "Tillægsydelser (kr.)",
            "Prisår",
        ],
        ["A-101", 3_000_000, 9.5, -120_000, 15_000, 2017],
        ["A-102", 4_500_000.5, 12, 80_000, 0, None],
        [None, 7_500_000.5, 21.5, -40_000, 15_000, None],
    ]
    (GOOD / "regnskab.xlsx").write_bytes(xlsx_bytes(regnskab, "Regnskab"))
    (GOOD / "regnskab.csv").write_bytes(
        csv_bytes(
            [
                regnskab[0],
                ["A-101", "3.000.000", "9,5", "-120.000", "15.000", "2017"],
                ["A-102", "4 500 000,5", "12", "80.000", "0", ""],
                ["", "7.500.000,5", "21,5", "-40.000", "15.000", ""],
            ]
        )
    )
    takster = [
        ["tilbud_id", "basistakst", "takstgruppe", "belaegningsprocent"],
        ["A-101", 2600, None, 97],
        ["A-102", 1850.75, "Gruppe 1", 96.5],
    ]
    (GOOD / "takster.xlsx").write_bytes(xlsx_bytes(takster, "Takster"))
    (GOOD / "takster.csv").write_bytes(
        csv_bytes(
            [takster[0], ["A-101", "2.600", "", "97"], ["A-102", "1850,75", "Gruppe 1", "96,5"]]
        )
    )
    tilbud = [
        TILBUD_HEADER,
        [
            "A-101",
            "Bostedet A-101",
            "TP101",
            "psykisk_handicap",
            "Døgn",
            "§108",
            10,
            "ja",
            date(2015, 1, 1),
            None,
        ],
        [
            None,
            "Nyt bosted",
            900,
            "Voksne med sindslidelse",
            "dag",
            "107",
            8.5,
            "nej",
            "01.01.2017",
            "2018-12-31",
        ],
    ]
    (GOOD / "tilbud.xlsx").write_bytes(xlsx_bytes(tilbud, "Tilbud"))
    (GOOD / "tilbud.csv").write_bytes(
        csv_bytes(
            [
                tilbud[0],
                [
                    "A-101",
                    "Bostedet A-101",
                    "TP101",
                    "psykisk_handicap",
                    "Døgn",
                    "§108",
                    "10",
                    "ja",
                    "2015-01-01",
                    "",
                ],
                [
                    "",
                    "Nyt bosted",
                    "900",
                    "Voksne med sindslidelse",
                    "dag",
                    "107",
                    "8,5",
                    "nej",
                    "01.01.2017",
                    "2018-12-31",
                ],
            ]
        )
    )
    (GOOD / "belaegning.json").write_text(
        json.dumps(
            {"rows": [dict(zip(BELAEGNING_HEADER, r, strict=True)) for r in GOOD_BELAEGNING]},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    cached = good_xlsx()
    xml = sheet_xml(cached).replace(
        '<c r="E2" t="n"><v>880</v></c>', '<c r="E2"><f>D2*88</f><v>880</v></c>'
    )
    (GOOD / "belaegning_formula.xlsx").write_bytes(
        rezip(cached, {"xl/worksheets/sheet1.xml": xml.encode()})
    )


def main() -> None:
    BAD.mkdir(exist_ok=True)
    GOOD.mkdir(exist_ok=True)
    make_container_files()
    make_header_files()
    make_cell_files()
    make_tilbud_files()
    make_many_bad_rows()
    make_good_files()
    (BAD / "expected.json").write_text(
        json.dumps(dict(sorted(expected.items())), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"{len(expected)} bad files in {BAD}, good files in {GOOD}")


if __name__ == "__main__":
    main()
