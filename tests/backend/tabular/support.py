"""Helpers for tests that build files by hand."""

from __future__ import annotations

import io
import zipfile


def zip_of(members: dict[str, bytes]) -> bytes:
    """A deflated zip (an XLSX is one) with the given member names and contents."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()
