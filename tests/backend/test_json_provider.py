"""Response bodies: exact decimals, ISO dates, UUIDs and Danish letters as written."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import numpy as np

from backend.app import create_app
from backend.config import Settings


class Status(StrEnum):
    GODKENDT = "godkendt"


def test_json_responses_keep_decimals_exact_and_dates_iso(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    oid = uuid.uuid4()
    value = {
        "normering": Decimal("12.50"),
        "fra": date(2016, 1, 1),
        "id": oid,
        "navn": "Ærø Å",
        "ændret": datetime(2026, 11, 22, 10, 0, 0, 5000, tzinfo=UTC),
        "koder": ("657", "751"),
        "nan": float("nan"),
        2017: "år",
        "andel": np.float64(0.25),
        "antal": np.int64(19),
        "status": Status.GODKENDT,
    }
    with app.app_context():
        resp = app.json.response(value)
        text = app.json.dumps(value)
    body = resp.get_data()
    assert resp.mimetype == "application/json" and "Ærø Å".encode() in body  # UTF-8, not \u escapes
    assert (
        json.loads(body)
        == json.loads(text)
        == {
            "normering": "12.50",
            "fra": "2016-01-01",
            "id": str(oid),
            "navn": "Ærø Å",
            "ændret": "2026-11-22T10:00:00.005000+00:00",
            "koder": ["657", "751"],
            "nan": None,
            "2017": "år",
            "andel": 0.25,
            "antal": 19,
            "status": "godkendt",
        }
    )
