"""Averages of nøgletal across organisations, following ECO Nøgletal and Kolada.

Peer group and region: the unweighted mean of the organisations' values ("uvægtet
gennemsnit"), every organisation counts once. The whole agreement (or country): weighted,
the nøgletal applied to the summed components ("vægtet (Σ/Σ)"), e.g. Σpladser ÷
Σbefolkning × 10.000. For per-inhabitant nøgletal the population of a region operator
(Region Midtjylland, 1082) is not added: its inhabitants are the municipalities'.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from benchmark import noegletal as registry
from benchmark.noegletal_compute import NoegletalValue
from benchmark.units import Figure

UVAEGTET = "uvægtet gennemsnit"
VAEGTET = "vægtet (Σ/Σ)"
REGION_OPERATORS = ("1082",)


@dataclass(frozen=True)
class NoegletalAverage:
    """An average of one nøgletal over ``members`` with the rule it used.

    ``n`` organisations had a value; ``missing`` lists members without one (left out)."""

    noegletal: str
    year: int
    maalgruppe: str | None
    scope: str
    rule: str
    value: Figure
    members: tuple[str, ...]
    n: int
    missing: tuple[str, ...] = ()


def _select(
    values: Iterable[NoegletalValue], members: Collection[str] | None
) -> tuple[list[NoegletalValue], tuple[str, ...]]:
    chosen = [v for v in values if members is None or v.organisation in members]
    keys = {(v.noegletal, v.year, v.maalgruppe) for v in chosen}
    if len(keys) > 1:
        raise ValueError(
            f"gennemsnit over forskellige nøgletal/år/målgrupper: {sorted(keys, key=str)}"
        )
    if not chosen:
        raise ValueError("ingen værdier at tage gennemsnit af")
    present = {v.organisation for v in chosen if v.value.value is not None}
    missing = tuple(sorted(set(members or ()) - present))
    return chosen, missing


def unweighted_average(
    values: Iterable[NoegletalValue], members: Collection[str] | None = None, *, scope: str
) -> NoegletalAverage:
    """Peer-group or region average: Σvalue ÷ n over the members with a value
    (uvægtet gennemsnit), in the nøgletal's unit; None when no member has a value."""
    chosen, missing = _select(values, members)
    present = [v for v in chosen if v.value.value is not None]
    mean = (
        sum((v.value.value for v in present if v.value.value is not None), Decimal(0))
        / len(present)
        if present
        else None
    )
    first = chosen[0]
    fig = Figure(mean, first.value.unit, first.value.price_year)
    return NoegletalAverage(
        first.noegletal,
        first.year,
        first.maalgruppe,
        scope,
        UVAEGTET,
        fig,
        tuple(sorted(v.organisation for v in chosen)),
        len(present),
        missing,
    )


def weighted_average(
    values: Iterable[NoegletalValue],
    members: Collection[str] | None = None,
    *,
    scope: str,
    region_operators: Collection[str] = REGION_OPERATORS,
) -> NoegletalAverage:
    """Agreement-wide average: the nøgletal of the summed components (vægtet, Σ/Σ).

    For per-inhabitant nøgletal the ``befolkning`` of ``region_operators`` is not summed
    (their numerators are), so e.g. pladser pr. 10.000 = all places ÷ the municipalities'
    population.
    """
    chosen, missing = _select(values, members)
    spec = registry.get(chosen[0].noegletal)
    totals = dict.fromkeys(spec.components, Decimal(0))
    for v in chosen:
        for name, amount in v.components:
            if spec.per_indbygger and name == "befolkning" and v.organisation in region_operators:
                continue
            totals[name] += amount
    first = chosen[0]
    fig = spec.figure(totals, first.value.price_year or first.year)
    return NoegletalAverage(
        first.noegletal,
        first.year,
        first.maalgruppe,
        scope,
        VAEGTET,
        fig,
        tuple(sorted(v.organisation for v in chosen)),
        sum(1 for v in chosen if v.value.value is not None),
        missing,
    )
