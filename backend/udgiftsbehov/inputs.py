"""What a model run is fitted on: the nøgletal per municipality × year (computed exactly
as the reports compute it) and the structural indicators per municipality × year
(:mod:`backend.reference.structural`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.reference.structural import Key, Municipality
from backend.reports.inputs import load_inputs
from backend.reports.service import compute_key_figures
from benchmark.noegletal import REGISTRY

MONEY_COMPONENTS = ("regnskab_kr", "over_underskud_kr", "tillaeg_kr", "takst_x_normering")


def needs_prices(noegletal: str) -> bool:
    """Whether the nøgletal is computed from amounts in kr. (and so from the PL index when
    years are pooled or restated)."""
    components = REGISTRY[noegletal].components
    return any(c.startswith(MONEY_COMPONENTS) for c in components)


def price_year(noegletal: str, years: Sequence[int]) -> int | None:
    """The one price year of a run's money (the latest year); None without money."""
    return max(years) if needs_prices(noegletal) else None


def target_values(
    session: Session,
    *,
    rammeaftale_id: int,
    noegletal: str,
    maalgruppe: str | None,
    years: Sequence[int],
    kommuner: Sequence[Municipality],
) -> dict[Key, float | None]:
    """The nøgletal of every municipality and year (None: no value), from the approved
    data in the session's tenant scope, through the reports' own computation. Money is
    in one price year for all years, the latest (:func:`price_year`)."""
    out: dict[Key, float | None] = {}
    for year in years:
        inputs = load_inputs(session, rammeaftale_id, year)
        if not inputs.accounts and not inputs.places:
            raise Invalid(
                f"Der er ingen godkendte data for {year}; nøgletallet kan ikke beregnes.",
                code="ingen_data",
                errors=[
                    {
                        "field": "aar",
                        "location": "json",
                        "message": f"Ingen godkendte data for {year}.",
                    }
                ],
            )
        if not needs_prices(noegletal):
            # A nøgletal without money needs no PL index: leave the money streams out.
            inputs = dataclasses.replace(inputs, accounts=(), tariffs=())
        try:
            result = compute_key_figures(inputs, price_year(noegletal, years))
        except ValueError as exc:
            raise Invalid(
                f"Nøgletallene for {year} kan ikke beregnes: {exc}.",
                code="noegletal_kan_ikke_beregnes",
                errors=[{"field": "aar", "location": "json", "message": str(exc)}],
            ) from exc
        for m in kommuner:
            found = result.value(noegletal, m.kode, maalgruppe)
            value = found.value.value if found is not None else None
            out[(m.area, year)] = None if value is None else float(value)
    return out
