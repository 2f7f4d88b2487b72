"""``/healthz``: the process runs. ``/readyz``: the database answers and is at the head revision."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from backend.http import database
from backend.http.problems import problem
from backend.migrate import current_revision, head_revision

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    try:
        # With a bearer token the request already holds a connection: read on it.
        session = g.get("db_session")
        current = current_revision(session.connection() if session else database().engine)
    except Exception:  # noqa: BLE001 - any failure to reach the database means "not ready"
        body = problem(503, "database_utilgaengelig", "Databasen kan ikke nås.")
        return jsonify(body), 503, {"Content-Type": "application/problem+json"}
    head = head_revision()
    if current != head:
        body = problem(
            503,
            "database_ikke_migreret",
            "Databasen er ikke migreret til nyeste version. Kør 'rammetal db upgrade'.",
            revision=current,
            head=head,
        )
        return jsonify(body), 503, {"Content-Type": "application/problem+json"}
    return jsonify(status="ok", revision=current)
