"""A bare Flask app: the baseline of perf/bench_api.py (no database, no auth, no schemas).

One route returning a JSON page shaped like ``GET /api/v1/offers?limit=100``: 100 plain
dicts with the same keys as an offer (two years of history each), built per request and
serialised by Flask's JSON provider. ``gunicorn --pythonpath perf bare_app:app``.
"""

from __future__ import annotations

import uuid

from flask import Flask, jsonify, request

app = Flask(__name__)
app.json.ensure_ascii = False  # type: ignore[attr-defined]
app.json.sort_keys = False  # type: ignore[attr-defined]

_IDS = [str(uuid.UUID(int=i + 1)) for i in range(100)]


@app.get("/api/v1/offers")
def offers():  # type: ignore[no-untyped-def]
    limit = min(int(request.args.get("limit", 100)), 100)
    items = [
        {
            "navn": f"Herning Kommune: syntetisk tilbud nr. {i:05d}, døgn",
            "tilbudsportalen_id": None,
            "maalgruppe": "psykisk_handicap",
            "tilbudstype": "doegn",
            "sel_paragraf": "SEL § 108",
            "gyldig_fra": "2016-01-01",
            "gyldig_til": None,
            "note": "Syntetisk tilbud til ydelsesmåling.",
            "id": _IDS[i],
            "organisation": "657",
            "version": 1,
            "historik": [
                {"aar": 2016, "normering": 12.5, "omfattet": True},
                {"aar": 2017, "normering": 13.0, "omfattet": True},
            ],
            "created_at": "2026-11-22T10:00:00.000000+00:00",
            "updated_at": "2026-11-22T10:00:00.000000+00:00",
        }
        for i in range(limit)
    ]
    return jsonify(total=1000, limit=limit, offset=0, items=items)
