"""Factories for intake tests: contexts and offers built from the Midtjylland tenant file."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from backend.submissions.intake import IntakeContext, Maalgruppe, OfferInfo, reference_from_tenant

ROOT = Path(__file__).resolve().parents[3]
TENANT_FILE = ROOT / "tenants" / "rammeaftaler" / "midtjylland.toml"
DATA = ROOT / "tests" / "data"


@cache
def midtjylland_reference() -> tuple[tuple[Maalgruppe, ...], dict[str, str]]:
    with TENANT_FILE.open("rb") as handle:
        return reference_from_tenant(tomllib.load(handle))


def make_offer(tilbud_id: str = "A-101", **overrides: Any) -> OfferInfo:
    values: dict[str, Any] = {
        "tilbud_id": tilbud_id,
        "navn": f"Bostedet {tilbud_id}",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "doegn",
        "normering": Decimal(10),
        "tilbudsportalen_id": f"TP{tilbud_id[-3:]}",
        "sel_paragraf": "§ 108",
        "gyldig_fra": date(2015, 1, 1),
    }
    values.update(overrides)
    return OfferInfo(**values)


def default_offers() -> list[OfferInfo]:
    return [
        make_offer("A-101"),
        make_offer(
            "A-102", navn="Sølyst", maalgruppe="voksne_sindslidelse", normering=Decimal("12.5")
        ),
        make_offer("A-103", navn="Dagcentret Åen", tilbudstype="dag", normering=Decimal(20)),
        make_offer("A-104", navn="Krisecentret", maalgruppe="kvindekrisecentre", akut=True),
    ]


def make_context(**overrides: Any) -> IntakeContext:
    """The Aarhus (751) context used by the bad-file corpus and most tests."""
    maalgrupper, aliases = midtjylland_reference()
    offers = overrides.pop("offers", None) or default_offers()
    values: dict[str, Any] = {
        "organisation": "751",
        "year": 2017,
        "quarter": None,
        "offers": {o.tilbud_id: o for o in offers},
        "foreign_offer_ids": frozenset({"V-201", "V-202"}),
        "maalgrupper": maalgrupper,
        "kommune_aliases": aliases,
        "previous_takster": {"A-101": Decimal("2500"), "A-102": Decimal("1800")},
    }
    values.update(overrides)
    return IntakeContext(**values)
