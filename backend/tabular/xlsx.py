"""XLSX: the safety checks on the raw bytes, then reading one sheet with calamine.

XLSX is a zip of XML parts; a reader trusts it. So before calamine opens a workbook we
check, from the zip's central directory only (nothing is decompressed): member count,
total uncompressed size, compression ratio per member, the parts an XLSX must have,
macros (``vbaProject.bin``) and external links. Then the first bytes of every XML part are
checked for DTDs (entity expansion). The declared sizes cannot be used to lie: Python's
zipfile stops at the declared size and fails the CRC check, which the reader reports as
``corrupt_file``. The chosen sheet is also scanned for formulas, so a caller can refuse
formulas without a cached value and warn about the rest.

Values are read with python-calamine (a Rust reader, several times faster than openpyxl's
read-only mode). Calamine does not tell a cell's number format or whether it is an error
value, so those are read from the XML cheaply: ``xl/styles.xml`` says which cell styles
show a percentage, and a byte scan of the sheet decides whether it needs parsing at all
(only sheets with formulas, error values, percent-styled cells or ``hidden=`` attributes
are streamed with iterparse; rows hidden in Excel are read and named in a warning). Sheet names and visibility come from ``xl/workbook.xml``. openpyxl is kept for
writing templates and exports.
"""

from __future__ import annotations

import contextlib
import io
import logging
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError, fromstring, iterparse

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

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


# --------------------------------------------------------------------------- reading

_CORRUPT = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, KeyError, OSError)
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: Built-in number formats that show a percentage (0% and 0.00%).
_PERCENT_BUILTIN = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.')
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
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


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One sheet of the workbook as ``xl/workbook.xml`` declares it."""

    title: str
    visible: bool
    path: str | None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse_part(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return fromstring(zf.read(name))
    except (*_CORRUPT, ValueError) as exc:
        raise _corrupt() from exc


def workbook_sheets(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """The worksheets in workbook order, with their visibility and XML part."""
    names = set(zf.namelist())
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in _parse_part(zf, "xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id", "")] = posixpath.normpath(target)
    sheets: list[SheetInfo] = []
    for element in _parse_part(zf, "xl/workbook.xml").iter():
        if _local(element.tag) != "sheet":
            continue
        path = targets.get(element.get(_NS_REL, ""))
        sheets.append(
            SheetInfo(
                element.get("name", ""),
                element.get("state", "visible") == "visible",
                path if path in names else None,
            )
        )
    return sheets


def _is_percent_format(code: str) -> bool:
    return "%" in _QUOTED.sub("", code)


def percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell styles (``s="…"``) whose number format shows a percentage."""
    if "xl/styles.xml" not in zf.namelist():
        return frozenset()
    root = _parse_part(zf, "xl/styles.xml")
    custom: set[int] = set()
    xfs: list[Any] = []
    for element in root:
        tag = _local(element.tag)
        if tag == "numFmts":
            for fmt in element:
                if _is_percent_format(fmt.get("formatCode", "")):
                    custom.add(int(fmt.get("numFmtId", "-1")))
        elif tag == "cellXfs":
            xfs = list(element)
    percent = _PERCENT_BUILTIN | custom
    return frozenset(
        index for index, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent
    )


def _chunks(zf: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    with zf.open(path) as member:
        while chunk := member.read(_SCAN_CHUNK):
            yield chunk


def _style_needles(styles: frozenset[int]) -> tuple[bytes, ...]:
    return tuple(
        f"{space}s={quote}{index}{quote}".encode()
        for index in sorted(styles)
        for quote in "\"'"
        for space in " \t\n"
    )


def _formula_in(text: bytes) -> bool:
    # `in` is a memchr-speed search; the regex only confirms a candidate.
    if b"<f" not in text and b":f" not in text:
        return False
    return bool(_FORMULA_TAG.search(text))


@dataclass(frozen=True, slots=True)
class _Found:
    """What the byte scan of a worksheet found (each may be a false positive; never a miss)."""

    formulas: bool
    errors: bool
    percent: bool
    hidden: bool

    def any(self) -> bool:
        return self.formulas or self.errors or self.percent or self.hidden


def _scan(zf: zipfile.ZipFile, path: str, percent: frozenset[int]) -> _Found:
    """Cheap chunked byte scan of a worksheet: formulas, error cells, percent cells and
    ``hidden=`` attributes (of rows; a hidden column matches too and only costs a parse)."""
    needles = _style_needles(percent)
    formulas = errors = hidden = False
    styled = not needles
    tail = b""
    for chunk in _chunks(zf, path):
        text = tail + chunk
        formulas = formulas or _formula_in(text)
        errors = errors or b't="e"' in text or b"t='e'" in text
        styled = styled or any(needle in text for needle in needles)
        hidden = hidden or b"hidden=" in text
        if formulas and errors and styled and hidden:
            break
        tail = chunk[-64:]
    return _Found(formulas, errors, bool(needles) and styled, hidden)


def has_formulas(zf: zipfile.ZipFile, path: str) -> bool:
    """Cheap byte scan of a worksheet part for ``<f>`` elements (chunked, bounded memory)."""
    return _scan(zf, path, frozenset()).formulas


@dataclass
class SheetCells:
    """What the values alone do not tell: formulas, error cells, percent-formatted cells and
    the rows hidden in Excel (1-based row numbers, in sheet order)."""

    formulas: dict[str, bool] = field(default_factory=dict)
    errors: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    percent: dict[int, list[int]] = field(default_factory=dict)
    hidden_rows: list[int] = field(default_factory=list)


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def sheet_cells(
    zf: zipfile.ZipFile, path: str, percent: frozenset[int] = frozenset()
) -> SheetCells:
    """Formulas (with whether they have a cached value), error values, percent cells and
    hidden rows (``<row hidden="1">``) of one sheet. A byte scan decides first whether the
    part needs parsing at all; then it is streamed with iterparse, clearing elements as it
    goes (never a DOM of the whole sheet)."""
    found = _scan(zf, path, percent)
    cells = SheetCells()
    if not found.any():
        return cells
    styles = {str(s) for s in percent} if found.percent else set()
    last_row = 0
    with zf.open(path) as member:
        for _event, element in iterparse(member, events=("end",)):
            tag = _local(element.tag)
            if tag == "row":
                # ``r`` is optional: a row without it follows the previous one
                number = element.get("r", "")
                last_row = int(number) if number.isdigit() else last_row + 1
                if element.get("hidden") in ("1", "true"):
                    cells.hidden_rows.append(last_row)
                element.clear()
            if tag != "c":
                continue
            ref = element.get("r", "")
            children = {_local(child.tag): child for child in element}
            value = children.get("v")
            if "f" in children:
                cached = value is not None and value.text not in (None, "")
                cells.formulas[ref] = cached or children.get("is") is not None
            kind, style = element.get("t"), element.get("s")
            if kind == "e" or (style in styles and kind in (None, "n")):
                match = _REF.match(ref)
                if match is not None:
                    row, col = int(match[2]), _column_index(match[1])
                    if kind == "e":
                        text = (value.text if value is not None else "") or "#N/A"
                        cells.errors.setdefault(row, []).append((col, text))
                    else:
                        cells.percent.setdefault(row, []).append(col)
            element.clear()
    return cells


def formula_cells(zf: zipfile.ZipFile, path: str) -> dict[str, bool]:
    """Cell reference ("D7") → whether the formula has a cached value, for one sheet."""
    return sheet_cells(zf, path).formulas


def _pick_sheet(
    sheets: list[SheetInfo], wanted: Sequence[str], load: Any
) -> tuple[SheetInfo, Any, list[TableIssue]]:
    """The visible sheet named like one of ``wanted`` (folded), else the first visible one with
    data; a hidden sheet is never read, and skipping one named like the stream is said."""
    notes: list[TableIssue] = []
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise FileProblem(TableCode.NO_SHEET, "Projektmappen indeholder intet synligt regneark.")
    keys = [fold(name) for name in wanted]
    chosen = next((s for key in keys for s in visible if fold(s.title) == key), None)
    hidden = next(
        (s for key in keys for s in sheets if not s.visible and fold(s.title) == key), None
    )
    sheet = None
    if chosen is None:
        for candidate in visible:
            sheet = load(candidate)
            if sheet.height:
                chosen = candidate
                break
        else:
            chosen = visible[0]
    if sheet is None or sheet.name != chosen.title:
        sheet = load(chosen)
    if hidden is not None:
        notes.append(
            TableIssue(
                TableCode.HIDDEN_SHEET,
                f"Arket '{hidden.title}' er skjult og er ikke læst; data er læst fra det "
                f"synlige ark '{chosen.title}'. Slet det skjulte ark, eller gør det synligt og "
                "omdøb det andet, hvis det er det skjulte, der skal indberettes.",
                sheet=hidden.title,
            )
        )
    return chosen, sheet, notes


def _nonempty(values: Sequence[Any]) -> bool:
    return any(v is not None and v != "" and not (type(v) is str and not v.strip()) for v in values)


def read_xlsx(
    data: bytes, sheet_names: Sequence[str] = (), *, max_rows: int | None = None
) -> Table:
    """Read one sheet of an XLSX (after `inspect_xlsx`) with calamine: cached values of
    formulas, percent-formatted numbers as shown (0,96 formatted ``0 %`` → 96), error
    values as their text (``#DIV/0!``).

    ``sheet_names``: the titles to look for, in order, among the visible sheets; otherwise
    the first visible sheet with data. Hidden sheets are never read. Rows above the header
    that are empty are skipped (``Table.header_row`` says where it was found); reading stops
    at the last row with a value. ``max_rows`` bounds the data rows (`FileProblem`
    ``too_many_rows`` beyond it, before any row is converted).
    """
    inspect_xlsx(data)
    with open_zip(data) as zf:
        try:
            sheets = workbook_sheets(zf)
            percent = percent_styles(zf)
        except (ValueError, TypeError) as exc:
            raise _corrupt() from exc
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception:  # calamine's errors are not one class  # noqa: BLE001
            workbook = None  # e.g. a <sheet> without r:id, which openpyxl reads with a warning
        if workbook is None:
            info, values, notes = _read_with_openpyxl(data, sheets, sheet_names, max_rows)
        else:
            info, sheet, notes = _pick_sheet(sheets, sheet_names, _loader(workbook))
            if sheet.end is not None:
                _check_extent(info.title, sheet.start, sheet.end, max_rows)
            try:
                values = sheet.to_python(skip_empty_area=False) if sheet.end is not None else []
            except Exception as exc:  # noqa: BLE001
                raise _corrupt() from exc
        cells = SheetCells()
        if info.path:
            try:
                cells = sheet_cells(zf, info.path, percent)
            except _CORRUPT as exc:
                raise _corrupt() from exc
    while values and not _nonempty(values[-1]):
        values.pop()
    header_index = next((i for i, row in enumerate(values) if _nonempty(row)), len(values))
    header_row = header_index + 1
    header = values[header_index] if header_index < len(values) else []
    table = Table(
        format="xlsx",
        header=header,
        rows=iter(()),
        sheet=info.title,
        header_row=header_row,
        formula_cells=cells.formulas,
    )
    table.issues.extend(notes)
    hidden = [
        row
        for row in cells.hidden_rows
        if header_row <= row <= len(values) and _nonempty(values[row - 1])
    ]
    if hidden:
        table.issues.append(_hidden_rows_issue(info.title, hidden))
    table.rows = _xlsx_rows(values, header_index, cells)
    return table


#: Hidden rows named one by one in the warning; the rest are counted.
HIDDEN_ROWS_NAMED = 10


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _hidden_rows_issue(title: str, rows: list[int]) -> TableIssue:
    """ "Række 7 og 9 er skjult i Excel, men er læst med." (rows with values only)."""
    named = [_thousands(row) for row in rows[:HIDDEN_ROWS_NAMED]]
    rest = len(rows) - len(named)
    if rest:
        listed = f"{', '.join(named)} og {_thousands(rest)} rækker mere"
    else:
        listed = " og ".join(filter(None, (", ".join(named[:-1]), named[-1])))
    return TableIssue(
        TableCode.HIDDEN_ROWS,
        f"Række {listed} er skjult i Excel, men er læst med. "
        + (
            "Slet rækken, hvis den ikke skal indberettes."
            if len(rows) == 1
            else "Slet rækkerne, hvis de ikke skal indberettes."
        ),
        sheet=title,
    )


def _loader(workbook: Any) -> Any:
    def load(info: SheetInfo) -> Any:
        try:
            return workbook.get_sheet_by_name(info.title)
        except Exception as exc:  # noqa: BLE001
            raise _corrupt() from exc

    return load


class _OpenpyxlSheet:
    """The little of a calamine sheet `_pick_sheet` uses, over an openpyxl worksheet."""

    def __init__(self, ws: Any, max_rows: int | None) -> None:
        self.name = ws.title
        ws.reset_dimensions()  # the stored <dimension> is often wrong; read what is there
        limit = None if max_rows is None else max_rows + 1000
        self.values: list[list[Any]] = []
        for values in ws.iter_rows(values_only=True):
            self.values.append(["" if v is None else v for v in values])
            if limit is not None and len(self.values) > limit:
                raise FileProblem(
                    TableCode.TOO_MANY_ROWS,
                    f"Arket '{ws.title}' har flere end {max_rows:,} datarækker; det er højst "
                    "tilladt pr. fil. Del filen op.".replace(",", "."),
                    sheet=ws.title,
                )
        self.height = len(self.values)


def _read_with_openpyxl(
    data: bytes, sheets: list[SheetInfo], wanted: Sequence[str], max_rows: int | None
) -> tuple[SheetInfo, list[list[Any]], list[TableIssue]]:
    """The fallback for a workbook calamine refuses but openpyxl reads (slower)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except (*_CORRUPT, ValueError, TypeError, AttributeError) as exc:
        raise _corrupt() from exc
    try:
        titles = set(workbook.sheetnames)
        readable = [s for s in sheets if s.title in titles]

        def load(info: SheetInfo) -> Any:
            try:
                return _OpenpyxlSheet(workbook[info.title], max_rows)
            except _CORRUPT as exc:
                raise _corrupt() from exc

        info, sheet, notes = _pick_sheet(readable, wanted, load)
        return info, sheet.values, notes
    finally:
        workbook.close()


#: Columns a sheet (or a CSV line) may have; far beyond any template, and inside Excel's
#: 16.384 so every column has a letter.
MAX_COLUMNS = 1000


def _check_extent(
    title: str, start: tuple[int, int], end: tuple[int, int], max_rows: int | None
) -> None:
    """Refuse a sheet too large to read before its values are turned into Python objects:
    the rows from the first to the last cell with a value bound the data rows."""
    rows = end[0] - start[0]
    if max_rows is not None and rows > max_rows:
        raise FileProblem(
            TableCode.TOO_MANY_ROWS,
            f"Arket '{title}' har værdier i {rows + 1:,} rækker (række {start[0] + 1:,} til "
            f"{end[0] + 1:,}); højst {max_rows:,} datarækker er tilladt pr. fil. Del filen op, "
            "eller slet tomme rækker med indhold længere nede.".replace(",", "."),
            sheet=title,
        )
    if end[1] + 1 > MAX_COLUMNS:
        raise FileProblem(
            TableCode.TOO_MANY_COLUMNS,
            f"Arket '{title}' har værdier i {end[1] + 1:,} kolonner; højst {MAX_COLUMNS:,} er "
            "tilladt.".replace(",", "."),
            sheet=title,
        )


def _as_shown(value: Any) -> Any:
    if type(value) is float or type(value) is int:
        return Decimal(repr(value)) * 100
    return value


def _xlsx_rows(values: list[list[Any]], header_index: int, cells: SheetCells) -> Iterator[Row]:
    special = cells.errors or cells.percent
    for index in range(header_index + 1, len(values)):
        number = index + 1
        row = values[index]
        if special and (number in cells.percent or number in cells.errors):
            row = list(row)
            for col in cells.percent.get(number, ()):
                if col < len(row):
                    row[col] = _as_shown(row[col])
            for col, text in cells.errors.get(number, ()):
                if col < len(row):
                    row[col] = text
        yield number, row


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
