"""The entry point: `parse_upload(source, stream, context)` → `ParseResult`."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from backend.tabular import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    FileProblem,
    Table,
    TableIssue,
    check_size,
    openpyxl_warnings,
    read_csv,
    read_json,
    read_xlsx,
    sniff_format,
)

from .codes import Code
from .context import IntakeContext
from .results import IntakeIssue, ParseResult
from .streams import Stream, get_stream
from .validation import MAX_ROWS, MAX_SECONDS, issue_order, validate_table


def read_limited(source: bytes | bytearray | memoryview | BinaryIO, max_bytes: int) -> bytes:
    """The upload's bytes, reading at most ``max_bytes + 1`` from a file object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    return source.read(max_bytes + 1)


def _open(data: bytes, fmt: str, stream: Stream, max_rows: int) -> Table:
    if fmt == "xlsx":
        return read_xlsx(data, (stream.sheet_title, stream.key, stream.label), max_rows=max_rows)
    if fmt == "csv":
        return read_csv(data)
    return read_json(data)


def parse_upload(
    source: bytes | BinaryIO,
    stream: str | Stream,
    context: IntakeContext,
    *,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_errors: int = 1000,
    max_rows: int = MAX_ROWS,
    max_seconds: float = MAX_SECONDS,
) -> ParseResult:
    """Parse and validate one upload; never raises for bad input.

    ``source`` is the file's bytes or a binary file object (read up to ``max_bytes`` + 1
    bytes, so an oversized upload is rejected without reading it all). ``format`` is
    ``xlsx``, ``csv`` or ``json``; None sniffs it from the content. ``max_errors`` caps
    the error list (a ``for_mange_fejl`` error then ends it); ``max_rows`` bounds the data
    rows and ``max_seconds`` the time spent on them (``for_mange_raekker`` /
    ``for_lang_indlaesning``, naming the limit).

    The result carries either every record (``ok``) or every error; warnings either way.
    The context's ``open`` flag is not checked here: the service rejects a closed period
    with ``periode_lukket`` before calling this.
    """
    spec = get_stream(stream) if isinstance(stream, str) else stream
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    data = read_limited(source, max_bytes)
    fmt = format or "unknown"
    notes: list[TableIssue] = []
    digest = hashlib.sha256(data).hexdigest() if len(data) <= max_bytes else ""
    try:
        check_size(len(data), max_bytes)
        fmt = format or sniff_format(data[:64])
        with openpyxl_warnings(notes):
            table = _open(data, fmt, spec, max_rows)
            records, out, row_count = validate_table(
                table, spec, context, max_errors, max_rows=max_rows, max_seconds=max_seconds
            )
    except FileProblem as problem:
        issue, found = IntakeIssue.of(problem.issue), tuple(IntakeIssue.of(n) for n in notes)
        return ParseResult(spec.key, fmt, (), (issue,), found, 0, digest, len(data))
    for note in notes:
        out.add(IntakeIssue.of(note))
    return ParseResult(
        stream=spec.key,
        format=fmt,
        records=() if out.errors else tuple(records),
        errors=tuple(sorted(out.errors, key=issue_order)),
        warnings=tuple(sorted(out.warnings, key=issue_order)),
        row_count=row_count,
        sha256=digest,
        size=len(data),
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )


__all__ = ["FORMATS", "Code", "parse_upload", "read_limited"]
