"""Bytes → text, and the delimiter of a delimited text file.

Files come from Danish Excel and from Statistics Denmark: UTF-8 with or without BOM, or
Windows-1252 (what "CSV (semikolonsepareret)" saves). UTF-8 is tried first because valid
UTF-8 is practically never intended Windows-1252 text (``Ã¸`` for ``ø``), whereas the
reverse happens daily. UTF-16 ("Unicode-tekst") is recognised by its BOM or by NUL bytes;
a caller decides whether it is read (``utf16=True``) or refused.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

from .problems import FileProblem, TableCode

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator"}
#: Danish Excel writes ``;``; a comma-separated file is accepted too.
CSV_DELIMITERS = (";", ",")


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without BOM: every other byte of ASCII text is NUL. One stray NUL in a UTF-8
    file is not UTF-16 (the reader then reports the row it is on)."""
    return head.count(b"\x00") * 4 >= len(head) > 0


def decode(data: bytes | str, *, utf16: bool = False) -> tuple[str, str]:
    """The text and the encoding it was read with (``utf-8``, ``utf-8-sig``,
    ``windows-1252`` or ``utf-16``); a leading BOM is never part of the text.

    Raises `FileProblem` (``encoding``) for UTF-16 unless ``utf16``, and for bytes that
    are neither UTF-8 nor Windows-1252.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "utf-8"
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data[:4096]):
        if not utf16 or not data.startswith(_UTF16_BOMS):
            raise FileProblem(
                TableCode.ENCODING,
                "Filen er gemt som UTF-16 (Unicode-tekst). Gem den som CSV UTF-8 eller "
                "CSV (semikolonsepareret).",
            )
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileProblem(
                TableCode.ENCODING,
                f"Filen har UTF-16-mærke, men ugyldige tegn (byte {exc.start + 1}).",
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise FileProblem(
                TableCode.ENCODING, "Filen har UTF-8-mærke, men ugyldige tegn."
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise FileProblem(
            TableCode.ENCODING,
            f"Filen indeholder ugyldige tegn (byte {exc.start + 1}); tegnkodningen er hverken "
            "UTF-8 eller Windows-1252. Gem den som CSV UTF-8.",
        ) from None


def sniff_delimiter(
    header_line: str, candidates: Sequence[str] = CSV_DELIMITERS, *, default: str | None = None
) -> str:
    """The first of ``candidates`` (in order of preference) found in the header line.

    Without any: ``default`` (a file with a single column), or `FileProblem`
    (``delimiter``) when there is none.
    """
    for delimiter in candidates:
        if delimiter in header_line:
            return delimiter
    if default is not None:
        return default
    detail = "tabulator" if "\t" in header_line else "intet kendt skilletegn"
    first, *rest = (_DELIMITER_NAMES.get(d, repr(d)) for d in candidates)
    also = f" (eller {' eller '.join(rest)})" if rest else ""
    raise FileProblem(
        TableCode.DELIMITER,
        f"Overskriftslinjen bruger {detail}; kolonnerne skal adskilles med {first}{also}.",
        row=1,
    )
