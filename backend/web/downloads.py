"""File downloads of the pages (templates, tables): an attachment with a Danish file name.
The security headers add ``Cache-Control: no-store`` to every download."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})
