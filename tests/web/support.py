"""Helpers of the comparison and profile page tests: publishing through the API, reading
the JSON nøgletal a page must agree with, and the rows of a page's table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from backend.organisations import service as organisations
from tests.conftest import Env
from tests.factories import make_token

SECRETARIAT = "sekretariat-midt"


def publish(env: Env, year: int = 2017) -> dict[str, str]:
    """Publish the ledelsesinformation of ``year`` as the secretariat; its token header."""
    headers = make_token(env.database, org=SECRETARIAT, role="secretariat")
    resp = env.client.post(f"/api/v1/reports/ledelsesinformation/{year}/publish", headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return headers


def json_noegletal(
    env: Env, noegletal: str, maalgruppe: str | None = None, year: int = 2017, org: str = "657"
) -> dict[str, Any]:
    """The published nøgletal item from GET /api/v1/noegletal, as a viewer of ``org``."""
    headers = make_token(env.database, org=org, role="viewer")
    query = f"aar={year}&noegletal={noegletal}" + (
        f"&maalgruppe={maalgruppe}" if maalgruppe else ""
    )
    resp = env.client.get(f"/api/v1/noegletal?{query}", headers=headers)
    assert resp.status_code == 200
    items = [n for n in resp.get_json()["noegletal"] if n["maalgruppe"] == maalgruppe]
    assert len(items) == 1
    return items[0]


def municipality_codes(env: Env) -> set[str]:
    with env.database.unit_of_work() as session:
        ramme = organisations.get_by_code(session, SECRETARIAT).rammeaftale_id
        return {
            o.kode for o in organisations.list_organisations(session, ramme) if o.type == "kommune"
        }


class _Tables(HTMLParser):
    """Every <table>: its id (from the wrapping element), and its body rows as lists of
    (text, classes of the cell's inner span, the row's class)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[dict[str, Any]]] = []
        self._row: dict[str, Any] | None = None
        self._cell: list[str] | None = None
        self._kinds: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = {"class": a.get("class") or "", "cells": [], "kinds": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._kinds = [], []
        elif tag == "span" and self._cell is not None and a.get("class"):
            self._kinds.append(a["class"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row["cells"].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._row["kinds"].append(" ".join(self._kinds))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[dict[str, Any]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables
