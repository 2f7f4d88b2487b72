"""XLSX: the safety checks on the raw bytes, then reading one sheet with openpyxl.

XLSX is a zip of XML parts; openpyxl trusts it. So before openpyxl opens a workbook we
check, from the zip's central directory only (nothing is decompressed): member count,
total uncompressed size, compression ratio per member, the parts an XLSX must have,
macros (``vbaProject.bin``) and external links. Then the first bytes of every XML part are
checked for DTDs (entity expansion). The declared sizes cannot be used to lie: Python's
zipfile stops at the declared size and fails the CRC check, which the reader reports as
``corrupt_file``. The chosen sheet is also scanned for formulas, so a caller can refuse
formulas without a cached value and warn about the rest.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl import load_workbook

from .problems import FileProblem, TableCode, TableIssue
from .readers import Row, Table
from .text import fold

log = logging.getLogger(__name__)

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


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as exc:
        raise FileProblem(
            TableCode.CORRUPT_FILE,
            "Filen er ikke en gyldig Excel-fil (.xlsx); den er beskadiget eller afkortet.",
        ) from exc


def _check_bomb(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_members:
        raise FileProblem(
            TableCode.ZIP_BOMB,
            f"Filen indeholder {len(infos)} dele; højst {limits.max_members} tilladt.",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise FileProblem(
            TableCode.ZIP_BOMB,
            f"Filen fylder {total / 1_048_576:.0f} MB udpakket; højst "
            f"{limits.max_total_uncompressed / 1_048_576:.0f} MB tilladt.",
        )
    for info in infos:
        if info.file_size < limits.ratio_min_size:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise FileProblem(
                TableCode.ZIP_BOMB,
                f"Delen '{info.filename}' er pakket {ratio:.0f} gange sammen; filen afvises "
                "som mistænkelig (zip-bombe).",
            )


def _check_parts(zf: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileProblem(
            TableCode.CORRUPT_FILE,
            "Filen er en zip-fil, men ikke en Excel-projektmappe (.xlsx).",
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileProblem(
            TableCode.MACROS,
            "Filen indeholder makroer (VBA). Gem den som almindelig .xlsx uden makroer.",
        )
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise _external_link()
    for name in names:
        if name.endswith(".rels") and _EXTERNAL_LINK_REL.search(_read_head(zf, name, 1 << 16)):
            raise _external_link()


def _external_link() -> FileProblem:
    return FileProblem(
        TableCode.EXTERNAL_LINK,
        "Filen indeholder eksterne kæder til andre projektmapper. Fjern dem "
        "(Data → Rediger kæder → Bryd kæde) og gem igen.",
    )


def _read_head(zf: zipfile.ZipFile, name: str, size: int) -> bytes:
    try:
        with zf.open(name) as member:
            return member.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise FileProblem(
            TableCode.CORRUPT_FILE, f"Delen '{name}' i filen er beskadiget og kan ikke læses."
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
                    TableCode.UNSAFE_XML, f"Delen '{name}' indeholder en DTD, som ikke er tilladt."
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


# --------------------------------------------------------------------------- reading

_CORRUPT = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, KeyError, OSError)
#: openpyxl warnings about features it drops when reading; harmless for a data upload.
_HARMLESS_OPENPYXL = (
    "extension is not supported",
    "Conditional Formatting extension",
    "no default style",
    "DrawingML support is incomplete",
)


def _corrupt(detail: str = "") -> FileProblem:
    return FileProblem(
        TableCode.CORRUPT_FILE, f"Filen er beskadiget og kan ikke læses.{detail}".rstrip()
    )


def _pick_sheet(workbook: Any, wanted: Sequence[str]) -> Any:
    """The first sheet named like one of ``wanted`` (folded), else the first visible one."""
    sheets = list(workbook.worksheets)
    folded = {fold(ws.title): ws for ws in sheets}
    for name in wanted:
        if fold(name) in folded:
            return folded[fold(name)]
    for ws in sheets:
        if ws.sheet_state == "visible":
            return ws
    raise FileProblem(TableCode.NO_SHEET, "Projektmappen indeholder intet synligt regneark.")


def read_xlsx(data: bytes, sheet_names: Sequence[str] = ()) -> Table:
    """Open an XLSX (after `inspect_xlsx`) read-only, with cached values of formulas.

    ``sheet_names``: the titles to look for, in order; otherwise the first visible sheet.
    The chosen sheet is also scanned for formula cells (``Table.formula_cells``).
    """
    inspect_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except FileProblem:
        raise
    except (*_CORRUPT, ValueError, TypeError, AttributeError) as exc:
        raise _corrupt() from exc
    ws = _pick_sheet(workbook, sheet_names)
    ws.reset_dimensions()  # the stored <dimension> is often wrong; read what is there
    formulas: dict[str, bool] = {}
    path = getattr(ws, "_worksheet_path", None)
    if path:
        with open_zip(data) as zf:
            try:
                if has_formulas(zf, path):
                    formulas = formula_cells(zf, path)
            except _CORRUPT as exc:
                raise _corrupt() from exc
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows, None)
    except _CORRUPT as exc:
        workbook.close()
        raise _corrupt() from exc
    table = Table(
        format="xlsx", header=header or (), rows=iter(()), sheet=ws.title, formula_cells=formulas
    )
    table.rows = _xlsx_rows(rows, workbook, table)
    return table


def _xlsx_rows(rows: Iterator[Sequence[Any]], workbook: Any, table: Table) -> Iterator[Row]:
    number = 1
    try:
        for number, values in enumerate(rows, start=2):
            yield number, values
    except _CORRUPT:
        table.issues.append(
            TableIssue(
                TableCode.CORRUPT_FILE,
                f"Filen er beskadiget efter række {number}.",
                sheet=table.sheet,
                row=number + 1,
            )
        )
    finally:
        workbook.close()


@contextlib.contextmanager
def openpyxl_warnings(issues: list[TableIssue]) -> Iterator[None]:
    """Turn openpyxl's UserWarnings into ``workbook_warning`` issues (or a log line if harmless).

    openpyxl warns about workbook features it drops (data validation extensions,
    conditional formatting, drawings…). Those are recorded here instead of escaping to the
    caller; any other warning raised inside the block is re-issued unchanged.
    Note: `warnings.catch_warnings` is process-global, like every warnings filter.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        module = getattr(item, "filename", "") or ""
        if issubclass(item.category, UserWarning) and "openpyxl" in module:
            text = str(item.message)
            if any(marker in text for marker in _HARMLESS_OPENPYXL):
                log.debug("openpyxl: %s", text)
            else:
                issues.append(
                    TableIssue(TableCode.WORKBOOK_WARNING, f"Bemærkning fra Excel-læseren: {text}")
                )
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
