"""The real app plus one endpoint that never finishes in time, for the gunicorn timeout test
(``RAMMETAL_DATABASE_URL`` names the test's database)."""

from __future__ import annotations

import time

from backend.app import create_app

app = create_app()


@app.get("/test/slow")
def slow():  # type: ignore[no-untyped-def]
    time.sleep(60)
    return {"status": "ok"}
