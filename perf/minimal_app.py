"""A minimal database-backed offers endpoint: the second baseline of perf/bench_api.py.

It does the database work of ``GET /api/v1/offers`` with the least machinery around it:
one psycopg connection per worker, and per request the same round trips as the app
(the token → user → organisation look-up, ``set_config`` of the RLS scope, one statement
for the page with its total and years, COMMIT) and the same JSON encoder (orjson). No
SQLAlchemy, no flask-smorest, no schemas, no error handling, no audit: not a product,
only a measure of what the database work alone costs on this machine.
``RAMMETAL_DATABASE_URL=… gunicorn --pythonpath perf minimal_app:app`` with sync workers
only (one connection per worker process, no locking between threads).
"""

from __future__ import annotations

import hashlib
import os

import orjson
import psycopg
from flask import Flask, Response, request

app = Flask(__name__)
_URL = os.environ["RAMMETAL_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
_conn: psycopg.Connection | None = None

_AUTH = """SELECT o.id FROM api_token t JOIN app_user u ON u.id = t.user_id
JOIN organisation o ON o.id = u.organisation_id
WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.active"""
_KEYS = (
    "id",
    "navn",
    "tilbudsportalen_id",
    "maalgruppe",
    "tilbudstype",
    "sel_paragraf",
    "gyldig_fra",
    "gyldig_til",
    "note",
    "version",
    "created_at",
    "updated_at",
    "organisation",
)
_PAGE = f"""SELECT {", ".join("o." + k for k in _KEYS[:-1])}, g.kode AS organisation,
  (SELECT string_agg(y.aar || ':' || y.normering || ':' || y.omfattet::int, ',') FROM offer_year y
   WHERE y.org_id IN (%(org)s) AND y.org_id = o.org_id AND y.offer_id = o.id) AS years,
  (SELECT count(*) FROM offer c WHERE c.org_id IN (%(org)s)) AS total
FROM offer o JOIN organisation g ON g.id = o.org_id
WHERE o.org_id IN (%(org)s) ORDER BY o.org_id, o.navn, o.id LIMIT %(limit)s OFFSET %(offset)s"""


def _connection() -> psycopg.Connection:
    global _conn
    if _conn is None:
        _conn = psycopg.connect(_URL)
    return _conn


@app.get("/api/v1/offers")
def offers() -> Response:
    conn = _connection()
    token = request.headers["Authorization"].partition(" ")[2]
    limit, offset = int(request.args.get("limit", 100)), int(request.args.get("offset", 0))
    with conn.cursor() as cur:
        cur.execute(_AUTH, (hashlib.sha256(token.encode()).hexdigest(),))
        (org,) = cur.fetchone()
        cur.execute("SELECT set_config('app.org_ids', %s, true)", (str(org),))
        cur.execute(_PAGE, {"org": org, "limit": limit, "offset": offset})
        rows = cur.fetchall()
    conn.commit()
    n = len(_KEYS)
    items: list[dict[str, object]] = []
    for row in rows:
        item: dict[str, object] = dict(zip(_KEYS, row[:n], strict=False))
        years = sorted(part.split(":") for part in row[n].split(",")) if row[n] else []
        item["historik"] = [
            {"aar": int(a), "normering": v, "omfattet": o == "1"} for a, v, o in years
        ]
        items.append(item)
    body = orjson.dumps(
        {"total": rows[0][n + 1] if rows else 0, "limit": limit, "offset": offset, "items": items}
    )
    return Response(body, mimetype="application/json")
