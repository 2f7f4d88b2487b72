"""Model runs of the expected-need model: run (kladde), publish (frozen), read.

The secretariat runs the model on the approved data of its agreement and publishes a
run; reporters and viewers read published runs only. A run stores the rows it was
fitted on, every parameter and the results, with a hash of inputs and parameters
(``benchmark.expected_need.model_input_hash``) so that it can be re-checked. Services only
flush; the request (or CLI command) commits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.context import Principal
from backend.db.base import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.organisations import service as organisations
from backend.policy import Permission, can
from backend.reference import structural
from backend.reports.states import Publication
from backend.udgiftsbehov import inputs as data
from backend.udgiftsbehov.document import explains, json_safe
from backend.udgiftsbehov.models import ModelRun
from benchmark.expected_need import (
    NOT_EXPLAINED_DA,
    ExpectedNeedModel,
    ModelInputError,
    default_method,
    model_input_hash,
)
from benchmark.expected_need.results import MIN_NONZERO
from benchmark.noegletal import REGISTRY, Noegletal, Side, Skala
from benchmark.peers import DEFAULT_K, nearest_peers

WEIGHT = "vaegt"
#: The time zone of the dates the services write into Danish texts (as the pages show them).
LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
DEFAULT_PARAMS: dict[str, Any] = {
    "k": DEFAULT_K,
    "random_state": 0,
    "n_bootstrap": 1000,
    "interval_level": 0.90,
    "weighted": False,
    "peer_weights": {},
}


def _invalid(field: str, message: str, code: str = "ugyldige_data", **extra: Any) -> Invalid:
    return Invalid(
        message,
        code=code,
        errors=[{"field": field, "location": "json", "message": message, **extra}],
    )


def _check_spec(
    session: Session,
    rammeaftale_id: int,
    noegletal: str,
    maalgruppe: str | None,
    years: Sequence[int],
    indicators: Sequence[str],
) -> None:
    if noegletal not in REGISTRY:
        raise _invalid(
            "noegletal",
            f"Ukendt nøgletal '{noegletal}'; se /noegletal/definitioner.",
            code="ukendt_noegletal",
        )
    if (
        maalgruppe is not None
        and organisations.maalgruppe(session, rammeaftale_id, maalgruppe) is None
    ):
        raise _invalid("maalgruppe", f"Ukendt målgruppe '{maalgruppe}'.", code="ukendt_maalgruppe")
    if not years:
        raise _invalid("aar", "Angiv mindst ét år.")
    if not indicators:
        raise _invalid("indikatorer", "Angiv mindst én indikator.")
    if len(set(indicators)) != len(indicators):
        raise _invalid("indikatorer", "Hver indikator må kun angives én gang.")


def _check_indicators(
    session: Session,
    table: structural.IndicatorTable,
    indicators: Sequence[str],
    years: Sequence[int],
    areas: Sequence[str],
) -> None:
    """Every indicator must have a value for every municipality in exactly each year."""
    lacking = {
        name: [y for y in years if y not in table.complete_years(name, areas)]
        for name in indicators
    }
    lacking = {name: ys for name, ys in lacking.items() if ys}
    if not lacking:
        return
    every_year = structural.indicator_table(session, areas)  # to say where the indicator does exist
    errors: list[dict[str, Any]] = []
    for name, ys in lacking.items():
        have = every_year.complete_years(name, areas)
        known = f"findes for {', '.join(map(str, have))}" if have else "findes ikke for nogen år"
        errors.append(
            {
                "field": "indikatorer",
                "location": "json",
                "indikator": name,
                "aar": ys,
                "message": f"Indikatoren '{name}' mangler for {', '.join(map(str, ys))} "
                f"for en eller flere kommuner ({known}).",
            }
        )
    available = {
        y: sorted(k for k in table.values if y in table.complete_years(k, areas)) for y in years
    }
    text = "; ".join(f"{y}: {', '.join(names) or 'ingen'}" for y, names in available.items())
    errors.append(
        {
            "field": "indikatorer",
            "location": "json",
            "tilgaengelige": available,
            "message": f"Tilgængelige indikatorer (alle kommuner, præcis samme år): {text}.",
        }
    )
    raise Invalid(
        "En eller flere indikatorer findes ikke for de valgte år. Indikatorer bruges kun "
        f"for præcis det år, modellen kører på. Tilgængelige: {text}.",
        code="indikator_mangler",
        errors=errors,
    )


def _model_error(exc: ModelInputError, n: int, p: int) -> Invalid:
    texts = {
        "too_many_predictors": f"OLS med {p} indikatorer kræver mindst {5 * p} observationer (højst n ÷ 5 "
        f"indikatorer), men der er {n}. Brug færre indikatorer eller metoden 'ridge'.",
        "too_few_rows": f"{n} observationer er for få til {p} indikatorer (der kræves mindst {p + 3}).",
        "constant_target": "Nøgletallet har samme værdi for alle kommuner; der er intet at forklare.",
        "not_positive": "Nøgletallet skal være over 0 for alle kommuner i modellen.",
        "negative_rate": "Nøgletallet er negativt for en kommune, men kan ikke være negativt.",
        "mostly_zero": f"Nøgletallet er 0 for mere end en tredjedel af de {n} kommuner i "
        f"modellen, eller færre end {MIN_NONZERO} har en værdi over 0.",
        "leverage_one": "En kommune kan ikke forudsiges af de øvrige (leverage 1); vælg andre indikatorer.",
        "log_signed": "Log-modellen kræver et nøgletal, der altid er over 0; dette nøgletal har "
        "fortegn (kan være negativt). Brug metoden 'ols' eller 'ridge'.",
        "log_not_positive": "Log-modellen kræver, at nøgletallet er over 0 for alle kommuner i "
        "modellen (logaritmen til 0 findes ikke), men det er 0 for mindst én. Brug metoden "
        "'ols' eller 'ridge'.",
    }
    codes = {"log_signed": "log_model_fortegn", "log_not_positive": "log_model_nul"}
    return Invalid(
        texts.get(exc.code, f"Modellen kan ikke beregnes: {exc}"),
        code=codes.get(exc.code, exc.code),
    )


def _choose_method(
    requested: str | None, scale: str, values: Sequence[float]
) -> tuple[str, dict[str, Any] | None]:
    """The method to fit and, when the default could not be the log model, the warning
    that says why. Default (``requested`` None): the multiplicative log model for a
    nøgletal that is not signed and over 0 in every row of the fit, else OLS."""
    if requested is not None:
        return requested, None
    method = default_method(scale, values)
    if method == "log":
        return method, None
    if scale == "signed":
        reason = "nøgletallet har fortegn (kan være negativt)"
    else:
        zeros = sum(1 for v in values if v <= 0)
        reason = f"nøgletallet er 0 for {zeros} af {len(values)} kommuner i modellen"
    return method, {
        "code": "standard_ols",
        "tekst": "Standardmetoden er log-modellen (multiplikativ) for nøgletal, der altid er "
        f"over 0; her bruges OLS, fordi {reason}, og logaritmen til 0 eller et negativt tal "
        "findes ikke.",
    }


ENGINE_SCALE = {Skala.POSITIV: "positive", Skala.FORTEGN: "signed", Skala.RATE: "rate"}


def _structural_zeros(
    definition: Noegletal, targets: Mapping[data.Key, float | None]
) -> set[data.Key]:
    """Municipality-years whose operator-side per-inhabitant nøgletal is 0 because the
    municipality runs no offer in the målgruppe (or closed them): left out of the fit."""
    if definition.side != Side.DRIFTSHERRE or not definition.per_indbygger:
        return set()
    return {key for key, value in targets.items() if value == 0}


def _check_zeros(definition: Noegletal, targets: Mapping[data.Key, float | None]) -> None:
    """Refuse a rate that is 0 for more than a third of the municipalities, or non-zero for
    fewer than 10 (counted before structural zeros are left out)."""
    if definition.skala == Skala.FORTEGN:
        return
    values = [v for v in targets.values() if v is not None]
    zeros = sum(1 for v in values if v == 0)
    if zeros > len(values) / 3 or len(values) - zeros < MIN_NONZERO:
        raise _invalid(
            "noegletal",
            f"Nøgletallet er 0 for {zeros} af {len(values)} kommuner; en model kræver, at "
            f"højst en tredjedel er 0 og mindst {MIN_NONZERO} har en værdi over 0. Et "
            "nøgletal, der mest er 0, kan ikke give et meningsfuldt forventet niveau; vælg "
            "en anden målgruppe eller et andet nøgletal.",
            code="mest_nul",
        )


def _population_weights(
    table: structural.IndicatorTable, keys: Sequence[structural.Key]
) -> dict[structural.Key, float]:
    """Population (persons) per municipality-year, from the derived log population."""
    logs = table.values.get("log_folketal", {})
    missing = [f"{a}/{y}" for a, y in keys if (a, y) not in logs]
    if missing:
        raise _invalid(
            "vaegtet",
            f"Folketal mangler til vægtning for {', '.join(missing)}.",
            code="vaegt_mangler",
        )
    return {key: math.exp(logs[key]) for key in keys}


def _rows(
    *,
    targets: Mapping[structural.Key, float | None],
    table: structural.IndicatorTable,
    noegletal: str,
    indicators: Sequence[str],
    weighted: bool,
) -> list[dict[str, Any]]:
    keys = sorted(k for k, v in targets.items() if v is not None)
    weights = _population_weights(table, keys) if weighted else {}
    rows = []
    for area, year in keys:
        row: dict[str, Any] = {"area_code": area, "year": year, noegletal: targets[(area, year)]}
        row.update({name: table.values[name][(area, year)] for name in indicators})
        if weighted:
            row[WEIGHT] = weights[(area, year)]
        rows.append(row)
    return rows


def _peer_groups(
    rows: list[dict[str, Any]],
    indicators: Sequence[str],
    year: int,
    k: int,
    weights: Mapping[str, float],
) -> dict[str, Any]:
    latest = [r for r in rows if r["year"] == year]
    try:
        groups = nearest_peers(latest, indicators, k=k, weights=weights, year=year)
    except ValueError as exc:
        raise _invalid(
            "k",
            f"Sammenligningskommunerne kan ikke findes: k skal være mellem 1 og "
            f"{len(latest) - 1} ({exc}).",
            code="ugyldigt_k",
        ) from exc
    return {
        "k": groups.k,
        "aar": groups.year,
        "indikatorer": list(groups.indicators),
        "vaegte": list(groups.weights),
        "input_hash": groups.input_hash,
        "grupper": {
            g.area_code: [{"area_code": p.area_code, "distance": p.distance} for p in g.peers]
            for g in groups.groups
        },
    }


YEAR_EFFECT = "aar_{year}"


def _add_year_effects(rows: list[dict[str, Any]], years: Sequence[int]) -> list[str]:
    """Pooled runs get a year effect: a 0/1 column per year after the first (so each
    year has its own level). Adds the columns to ``rows``; returns their names."""
    names = [YEAR_EFFECT.format(year=y) for y in years[1:]]
    for row in rows:
        for y, name in zip(years[1:], names, strict=True):
            row[name] = 1.0 if row["year"] == y else 0.0
    return names


def run_model(
    session: Session,
    *,
    rammeaftale_id: int,
    noegletal: str,
    maalgruppe: str | None,
    years: Sequence[int],
    indicators: Sequence[str],
    method: str | None,
    params: Mapping[str, Any],
    user_id: int | None,
    actor_org_id: int,
) -> ModelRun:
    """Fit the model on the municipalities' nøgletal and indicators and store the run as a
    draft. Reads the approved data in the session's tenant scope (the secretariat's).
    ``method`` None: the default for the nøgletal (:func:`_choose_method`)."""
    p = {**DEFAULT_PARAMS, **{k: v for k, v in params.items() if v is not None}}
    years, indicators = sorted(set(years)), list(indicators)
    _check_spec(session, rammeaftale_id, noegletal, maalgruppe, years, indicators)
    unknown = sorted(set(p["peer_weights"]) - set(indicators))
    if unknown:
        raise _invalid(
            "peer_vaegte", f"Vægte for indikatorer, der ikke indgår: {', '.join(unknown)}."
        )
    kommuner = structural.municipalities(session, rammeaftale_id)
    areas = [m.area for m in kommuner]
    table = structural.indicator_table(session, areas, years)
    _check_indicators(session, table, indicators, years, areas)
    targets = data.target_values(
        session,
        rammeaftale_id=rammeaftale_id,
        noegletal=noegletal,
        maalgruppe=maalgruppe,
        years=years,
        kommuner=kommuner,
    )
    rows = _rows(
        targets=targets,
        table=table,
        noegletal=noegletal,
        indicators=indicators,
        weighted=bool(p["weighted"]),
    )
    definition = REGISTRY[noegletal]
    _check_zeros(definition, targets)
    zero_keys = _structural_zeros(definition, targets)
    all_rows, rows = rows, [r for r in rows if (r["area_code"], r["year"]) not in zero_keys]
    year_effects = _add_year_effects(rows, years)
    scale = ENGINE_SCALE[definition.skala]
    by_default = method is None
    method, method_note = _choose_method(method, scale, [float(r[noegletal]) for r in rows])
    model = ExpectedNeedModel(
        target=noegletal,
        indicators=(*indicators, *year_effects),
        method=method,
        weight=WEIGHT if p["weighted"] else None,
        scale=scale,
        years=years,
        interval_level=float(p["interval_level"]),
        n_bootstrap=int(p["n_bootstrap"]),
        random_state=int(p["random_state"]),
    )
    try:
        results = model.fit(rows).results_
    except ModelInputError as exc:
        raise _model_error(exc, len(rows), len(indicators) + len(year_effects)) from exc
    peers = _peer_groups(all_rows, indicators, max(years), int(p["k"]), p["peer_weights"])
    parameters = json_safe(
        {
            "noegletal": noegletal,
            "maalgruppe": maalgruppe,
            "model": model.get_params(),
            "peers": {"k": peers["k"], "aar": peers["aar"], "vaegte": dict(p["peer_weights"])},
        }
    )
    warnings = [{"code": w.code, "tekst": w.message_da} for w in results.warnings]
    if method_note is not None:
        warnings.append(method_note)
    left_out = sorted(
        m.kode for m in kommuner if any(targets.get((m.area, y)) is None for y in years)
    )
    if left_out:
        warnings.append(
            {
                "code": "kommuner_uden_vaerdi",
                "tekst": f"Kommuner uden værdi af nøgletallet indgår ikke: {', '.join(left_out)}.",
            }
        )
    name_of = {m.area: m.navn for m in kommuner}
    code_of = {m.area: m.kode for m in kommuner}
    zeros = [{"kode": code_of[a], "navn": name_of[a], "aar": y} for a, y in sorted(zero_keys)]
    if zeros:
        listed = ", ".join(f"{z['navn']} ({z['aar']})" for z in zeros)
        warnings.append(
            {
                "code": "strukturelle_nuller",
                "tekst": "Kommuner, der ikke driver tilbud i målgruppen (nøgletallet er 0, "
                f"fordi de intet driver), indgår ikke i modellen: {listed}.",
            }
        )
    used = {r["area_code"] for r in all_rows}
    stored = {
        **results.as_dict(),
        "strukturelle_nuller": zeros,
        "prisaar": data.price_year(noegletal, years),
        "aarseffekt": year_effects,
        "standardmetode": by_default,
        "peers": peers,
        "omraader": {m.area: {"kode": m.kode, "navn": m.navn} for m in kommuner if m.area in used},
        "indikator_definitioner": [table.definitions[i].__dict__ for i in indicators],
    }
    run = ModelRun(
        rammeaftale_id=rammeaftale_id,
        noegletal=noegletal,
        maalgruppe=maalgruppe,
        years=years,
        method=method,
        indicators=indicators,
        parameters=parameters,
        inputs_sha256=model_input_hash(rows, parameters),
        inputs=json_safe(rows),
        results=json_safe(stored),
        warnings=warnings,
        status=Publication.KLADDE,
        created_by=user_id,
    )
    session.add(run)
    session.flush()
    _record(session, actor_org_id, "create", run)
    return run


def _record(session: Session, actor_org_id: int, action: str, run: ModelRun) -> None:
    """A run's creation, publication or withdrawal, recorded in the acting (secretariat's)
    organisation."""
    audit.record(
        session,
        org_id=actor_org_id,
        action=action,
        entity="model_run",
        entity_id=str(run.id),
        after={
            "noegletal": run.noegletal,
            "maalgruppe": run.maalgruppe,
            "aar": run.years,
            "status": run.status,
            "inputs_sha256": run.inputs_sha256,
            **(
                {"withdrawn_at": run.withdrawn_at.isoformat(), "withdrawn_by": run.withdrawn_by}
                if run.withdrawn_at is not None
                else {}
            ),
        },
    )


def get_run(session: Session, rammeaftale_id: int, run_id: int, *, drafts: bool) -> ModelRun:
    """A run of the agreement; drafts only when ``drafts`` (404 otherwise, as if absent)."""
    run = session.get(ModelRun, run_id)
    if (
        run is None
        or run.rammeaftale_id != rammeaftale_id
        or (run.status == Publication.KLADDE and not drafts)
    ):
        raise NotFound("Modelkørslen findes ikke.")
    return run


def list_runs(
    session: Session, rammeaftale_id: int, *, drafts: bool, status: str | None = None
) -> list[ModelRun]:
    stmt = (
        sa.select(ModelRun).where(ModelRun.rammeaftale_id == rammeaftale_id).order_by(ModelRun.id)
    )
    if not drafts:  # published runs, and those withdrawn (readers see that they were)
        stmt = stmt.where(ModelRun.status != Publication.KLADDE)
    if status:
        stmt = stmt.where(ModelRun.status == status)
    return list(session.scalars(stmt))


def withdrawn_text(run: ModelRun) -> str:
    """ "Modelkørsel 5 blev trukket tilbage 07.12.2026 …": what readers of a withdrawn run see."""
    assert run.withdrawn_at is not None
    return (
        f"Modelkørsel {run.id} blev trukket tilbage {_local_date(run.withdrawn_at)} af "
        "sekretariatet og bruges ikke længere."
    )


def _local_date(moment: datetime) -> str:
    """A stored (UTC) moment as the Danish date the pages show (Copenhagen time)."""
    return f"{moment.astimezone(LOCAL_TZ):%d.%m.%Y}"


def readable_run(session: Session, principal: Principal, run_id: int) -> ModelRun:
    """The run ``principal`` may read: a draft only with :attr:`Permission.READ_DRAFTS`
    (404 otherwise, as if absent); a withdrawn run only with READ_DRAFTS (404 saying that
    and when it was withdrawn otherwise: readers no longer use it)."""
    drafts = can(principal, Permission.READ_DRAFTS)
    run = get_run(session, principal.rammeaftale_id, run_id, drafts=drafts)
    if run.status == Publication.TILBAGETRUKKET and not drafts:
        raise NotFound(withdrawn_text(run), code="trukket_tilbage")
    return run


def readable_runs(
    session: Session, principal: Principal, *, status: str | None = None
) -> list[ModelRun]:
    """The runs ``principal`` may read (published only, without READ_DRAFTS)."""
    drafts = can(principal, Permission.READ_DRAFTS)
    return list_runs(session, principal.rammeaftale_id, drafts=drafts, status=status)


def publish_run(
    session: Session, *, rammeaftale_id: int, run_id: int, actor_org_id: int
) -> ModelRun:
    """Publish a draft once; a published run is never changed again (409). A run whose model
    does not explain the differences (leave-one-out R² ≤ 0) cannot be published (409)."""
    run = get_run(session, rammeaftale_id, run_id, drafts=True)
    refusal = publish_refusal(run)
    if refusal is not None:
        raise refusal
    run.status, run.published_at = Publication.OFFENTLIGGJORT, utcnow()
    session.flush()
    _record(session, actor_org_id, "publish", run)
    return run


def publish_refusal(run: ModelRun) -> Conflict | None:
    """Why ``run`` cannot be published (the pages disable the button with this reason), or
    None when it can."""
    if run.status == Publication.OFFENTLIGGJORT:
        return Conflict(
            f"Modelkørsel {run.id} er allerede offentliggjort og kan ikke ændres.",
            code="allerede_offentliggjort",
        )
    if run.status == Publication.TILBAGETRUKKET:
        return Conflict(
            f"Modelkørsel {run.id} er trukket tilbage og kan ikke offentliggøres igen. "
            "Start en ny kørsel.",
            code="trukket_tilbage",
        )
    if not explains(run):
        return Conflict(
            f"Modelkørsel {run.id} kan ikke offentliggøres som forventet udgiftsbehov: "
            f"{NOT_EXPLAINED_DA.lower()} (leave-one-out R² er 0 eller derunder). "
            "Vælg andre indikatorer eller et andet nøgletal.",
            code="model_forklarer_ikke",
        )
    return None


def withdraw_run(
    session: Session,
    *,
    rammeaftale_id: int,
    run_id: int,
    user_id: int | None,
    actor_org_id: int,
) -> ModelRun:
    """Withdraw a published run (audited): it stays stored as it was, readers see that and
    when it was withdrawn, and no page or reader uses its results any more. Only a published
    run can be withdrawn, once (409 otherwise); a draft is simply never published."""
    run = get_run(session, rammeaftale_id, run_id, drafts=True)
    if run.status == Publication.KLADDE:
        raise Conflict(
            f"Modelkørsel {run.id} er ikke offentliggjort; en kladde skal ikke trækkes tilbage.",
            code="ikke_offentliggjort",
        )
    if run.status == Publication.TILBAGETRUKKET:
        assert run.withdrawn_at is not None
        raise Conflict(
            f"Modelkørsel {run.id} blev allerede trukket tilbage {_local_date(run.withdrawn_at)}.",
            code="allerede_trukket_tilbage",
        )
    run.status, run.withdrawn_at, run.withdrawn_by = (
        Publication.TILBAGETRUKKET,
        utcnow(),
        user_id,
    )
    session.flush()
    _record(session, actor_org_id, "withdraw", run)
    return run


def available_indicators(session: Session, rammeaftale_id: int) -> list[dict[str, Any]]:
    """Every indicator (uploaded and derived) with the years in which it has a value for all
    the agreement's municipalities, and its definition, unit and source."""
    areas = [m.area for m in structural.municipalities(session, rammeaftale_id)]
    table = structural.indicator_table(session, areas)
    return [
        {**info.__dict__, "aar": table.complete_years(kode, areas)}
        for kode, info in sorted(table.definitions.items())
    ]
