"""``rammetal``: the command line. Every step of the README's run command is a command here.

The commands live in submodules by area (``operations``: database, tenants, users, demo,
serve; ``intake``: imports and reference data; ``outputs``: reports and model runs); this
module holds the group and what they share."""

from __future__ import annotations

# The commands register themselves on ``main`` when their modules are imported.
from backend.cli import intake, mail, operations, outputs  # noqa: E402, F401
from backend.cli.common import OPENAPI_PATH, main, render_openapi
from backend.cli.intake import PAUSE_AFTER_ROWS  # noqa: E402, F401  (a test hook's name)

__all__ = ["OPENAPI_PATH", "PAUSE_AFTER_ROWS", "main", "render_openapi"]

if __name__ == "__main__":
    main()
