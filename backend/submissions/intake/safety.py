"""Checks that run on the raw bytes before any parser sees them.

XLSX is a zip of XML parts; openpyxl trusts it. So before openpyxl opens a workbook we
check, from the zip's central directory only (nothing is decompressed): member count,
total uncompressed size, compression ratio per member, the parts an XLSX must have,
macros (``vbaProject.bin``) and external links. Then the first bytes of every XML part are
checked for DTDs (entity expansion). The declared sizes cannot be used to lie: Python's
zipfile stops at the declared size and fails the CRC check, which the reader reports as
``corrupt_file``.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import iterparse

from .codes import Code
from .results import FileProblem

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted .xlsx
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_EXTERNAL_LINK_REL = re.compile(rb"/relationships/externalLink[\"']")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Limits against zip bombs; the defaults fit a 20 MB workbook with room to spare.

    ``max_ratio`` applies to members larger than ``ratio_min_size`` uncompressed (tiny
    parts compress oddly and cannot hurt). Ordinary sheets compress 5-30×, deflate bombs
    about 1000×.
    """

    max_members: int = 1000
    max_total_uncompressed: int = 400 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_min_size: int = 1024 * 1024


def check_size(size: int, max_bytes: int) -> None:
    """Reject a file larger than ``max_bytes`` (before any parsing)."""
    if size > max_bytes:
        raise FileProblem(
            Code.FILE_TOO_LARGE,
            f"Filen er større end de tilladte {max_bytes / 1_048_576:.1f} MB.".replace(".", ",", 1),
        )
    if size == 0:
        raise FileProblem(Code.EMPTY_FILE, "Filen er tom.")


def sniff_format(head: bytes) -> str:
    """``xlsx``, ``json`` or ``csv`` from the first bytes; legacy Excel is rejected."""
    if head.startswith(XLSX_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise FileProblem(
            Code.UNSUPPORTED_FORMAT,
            "Filen er i det gamle Excel-format (.xls) eller beskyttet med adgangskode. "
            "Gem den som .xlsx uden adgangskode.",
        )
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as exc:
        raise FileProblem(
            Code.CORRUPT_FILE,
            "Filen er ikke en gyldig Excel-fil (.xlsx); den er beskadiget eller afkortet.",
        ) from exc


def _check_bomb(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_members:
        raise FileProblem(
            Code.ZIP_BOMB,
            f"Filen indeholder {len(infos)} dele; højst {limits.max_members} tilladt.",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise FileProblem(
            Code.ZIP_BOMB,
            f"Filen fylder {total / 1_048_576:.0f} MB udpakket; højst "
            f"{limits.max_total_uncompressed / 1_048_576:.0f} MB tilladt.",
        )
    for info in infos:
        if info.file_size < limits.ratio_min_size:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise FileProblem(
                Code.ZIP_BOMB,
                f"Delen '{info.filename}' er pakket {ratio:.0f} gange sammen; filen afvises "
                "som mistænkelig (zip-bombe).",
            )


def _check_parts(zf: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileProblem(
            Code.CORRUPT_FILE,
            "Filen er en zip-fil, men ikke en Excel-projektmappe (.xlsx).",
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileProblem(
            Code.MACROS,
            "Filen indeholder makroer (VBA). Gem den som almindelig .xlsx uden makroer.",
        )
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise _external_link()
    for name in names:
        if name.endswith(".rels") and _EXTERNAL_LINK_REL.search(_read_head(zf, name, 1 << 16)):
            raise _external_link()


def _external_link() -> FileProblem:
    return FileProblem(
        Code.EXTERNAL_LINK,
        "Filen indeholder eksterne kæder til andre projektmapper. Fjern dem "
        "(Data → Rediger kæder → Bryd kæde) og gem igen.",
    )


def _read_head(zf: zipfile.ZipFile, name: str, size: int) -> bytes:
    try:
        with zf.open(name) as member:
            return member.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise FileProblem(
            Code.CORRUPT_FILE, f"Delen '{name}' i filen er beskadiget og kan ikke læses."
        ) from exc


def inspect_xlsx(data: bytes, limits: ZipLimits | None = None) -> None:
    """All structural checks of an XLSX, from the central directory and part headers."""
    limits = limits or ZipLimits()
    with open_zip(data) as zf:
        infos = zf.infolist()
        _check_bomb(infos, limits)
        names = {info.filename for info in infos}
        _check_parts(zf, names)
        for name in names:
            if name.endswith((".xml", ".rels")) and _DTD.search(_read_head(zf, name, 2048)):
                raise FileProblem(
                    Code.UNSAFE_XML, f"Delen '{name}' indeholder en DTD, som ikke er tilladt."
                )


def _chunks(zf: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    with zf.open(path) as member:
        while chunk := member.read(_SCAN_CHUNK):
            yield chunk


def has_formulas(zf: zipfile.ZipFile, path: str) -> bool:
    """Cheap byte scan of a worksheet part for ``<f>`` elements (chunked, bounded memory)."""
    tail = b""
    for chunk in _chunks(zf, path):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-16:]
    return False


def formula_cells(zf: zipfile.ZipFile, path: str) -> dict[str, bool]:
    """Cell reference ("D7") → whether the formula has a cached value, for one sheet.

    Only called when `has_formulas` found any. Streams the part with iterparse and clears
    elements as it goes.
    """
    found: dict[str, bool] = {}
    with zf.open(path) as member:
        for _event, element in iterparse(member, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                element.clear()
            if tag != "c":
                continue
            children = {child.tag.rpartition("}")[2]: child for child in element}
            if "f" in children:
                value = children.get("v")
                cached = value is not None and value.text not in (None, "")
                inline = children.get("is")
                found[element.get("r", "")] = cached or inline is not None
            element.clear()
    return found
