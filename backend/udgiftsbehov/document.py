"""A stored model run as the API, the CLI and the pages show it: fit statistics, warnings,
the caveat, coefficients and, per municipality, actual, expected, interval, index and peers.

Everything is read from the stored run (never recomputed), so a published run shows the
same on every request. The pages read the typed read model (:class:`RunSummary`,
:class:`RunDocument`, :class:`MunicipalityResult`: frozen dataclasses whose field names are
the API's keys); the API and the CLI get the same as plain JSON values through
:func:`plain` (:func:`summary`, :func:`full`, :func:`municipality`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.udgiftsbehov.models import ModelRun
from benchmark.expected_need import CAVEAT_DA, explains_differences
from benchmark.noegletal import REGISTRY


def json_safe(value: Any) -> Any:
    """Tuples as lists and non-finite floats as None (PostgreSQL's JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def explains(run: ModelRun) -> bool:
    """The engine's verdict on whether the run's model explains the differences between the
    municipalities (``ExpectedNeedResults.explains``); for a run stored before the engine
    recorded it, the engine's rule applied to the stored statistics."""
    res = run.results
    if "explains" in res:
        return bool(res["explains"])
    log = res.get("log_scale_statistics") or {}
    return explains_differences(res.get("loo_r2"), log.get("loo_r2"))


@dataclass(frozen=True)
class RunWarning:
    """A warning of a run or of one municipality: a stable code and the Danish text."""

    code: str
    tekst: str


@dataclass(frozen=True)
class StructuralZero:
    """A municipality left out because it runs nothing in the målgruppe (the nøgletal is 0)."""

    kode: str
    navn: str
    aar: int


@dataclass(frozen=True)
class RunSummary:
    """What the list shows of a run: its specification, status and fit statistics."""

    id: int
    status: str
    noegletal: str
    noegletal_navn: str
    enhed: str | None
    skala: str | None
    side: str | None
    indeks_vises: bool
    strukturelle_nuller: tuple[StructuralZero, ...]
    prisaar: int | None
    aarseffekt: tuple[str, ...]
    maalgruppe: str | None
    aar: tuple[int, ...]
    metode: str
    standardmetode: bool | None
    varians_antagelse: str | None
    bidrag_forklaring: str | None
    indikatorer: tuple[str, ...]
    n: int
    r2: float
    loo_r2: float
    rmse: float
    loo_rmse: float
    alpha: float | None
    #: the engine's verdict (``ExpectedNeedResults.explains``), see :func:`explains`
    forklarer: bool
    interval_centrum: str | None
    leverage_graense: float | None
    markering: str | None
    konklusion: str | None
    advarsler: tuple[RunWarning, ...]
    forbehold: str
    inputs_sha256: str
    created_by: int | None
    created_at: datetime
    published_at: datetime | None
    #: when and by whom a published run was withdrawn (status ``tilbagetrukket``)
    withdrawn_at: datetime | None
    withdrawn_by: int | None


@dataclass(frozen=True)
class Peer:
    kode: str
    navn: str
    afstand: float


@dataclass(frozen=True)
class Interval:
    lav: float | None
    hoej: float | None
    niveau: float
    centrum: float | None
    afskaaret_ved_0: bool | None


@dataclass(frozen=True)
class Contribution:
    indikator: str
    bidrag: float


@dataclass(frozen=True)
class Contributions:
    """The expected value as the others' level and one contribution per indicator: summed
    (``sammensaetning`` "sum") or multiplied as factors ("produkt", the log model)."""

    niveau: float
    sammensaetning: str
    indikatorer: tuple[Contribution, ...]


@dataclass(frozen=True)
class MunicipalityResult:
    """One municipality (one municipality-year of a pooled run) of a run."""

    kode: str
    navn: str
    aar: int | None
    faktisk: float
    forventet: float | None
    loo_forudsigelse: float | None
    tilpasset: float | None
    interval: Interval
    bidrag: Contributions | None
    leverage: float | None
    hoej_leverage: bool | None
    ekstrapolation: bool | None
    advarsler: tuple[RunWarning, ...]
    indeks: float | None
    forskel: float | None
    afvigende: bool | None
    justeret_p: float | None
    studentiseret_residual: float | None
    peers: tuple[Peer, ...]


@dataclass(frozen=True)
class CoefficientRow:
    indikator: str
    standardiseret: float
    original: float
    standardiseret_interval: tuple[float, ...] | None
    original_interval: tuple[float, ...] | None
    robust_se: float | None
    robust_se_standardiseret: float | None


@dataclass(frozen=True)
class RunDocument(RunSummary):
    """The whole run: summary, parameters, coefficients, every municipality, the inputs."""

    parametre: Mapping[str, Any]
    skaering: float
    koefficienter: tuple[CoefficientRow, ...]
    ci_niveau: float
    n_bootstrap: int
    random_state: int
    interval_metode: str
    loo_enhed: str
    robust_se_metode: str | None
    log_skala: Mapping[str, float] | None
    smearing_faktor: float | None
    degenererede_gentraekninger: int | None
    versioner: Mapping[str, str]
    peers: Mapping[str, Any]
    indikator_definitioner: tuple[Mapping[str, Any], ...]
    kommuner: tuple[MunicipalityResult, ...]
    inputs: tuple[Mapping[str, Any], ...]

    def indicator_name(self, kode: str) -> str:
        """An indicator's name from its stored definition (the code when it has none)."""
        return next(
            (str(d["navn"]) for d in self.indikator_definitioner if d.get("kode") == kode), kode
        )


@dataclass(frozen=True)
class MunicipalityView(MunicipalityResult):
    """One municipality's latest year, every year of the run and the run's summary."""

    alle_aar: tuple[MunicipalityResult, ...]
    koersel: RunSummary


def plain(value: Any) -> Any:
    """A read model as plain JSON values (dicts and lists), as the API and the CLI show it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _warnings(stored: Any) -> tuple[RunWarning, ...]:
    return tuple(RunWarning(code=w["code"], tekst=w["tekst"]) for w in stored or ())


def _tuple(value: Any) -> tuple[float, ...] | None:
    return None if value is None else tuple(value)


def run_summary(run: ModelRun) -> RunSummary:
    return RunSummary(**_summary_fields(run))


def _summary_fields(run: ModelRun) -> dict[str, Any]:
    res = run.results
    definition = REGISTRY.get(run.noegletal)
    return {
        "id": run.id,
        "status": run.status,
        "noegletal": run.noegletal,
        "noegletal_navn": definition.navn if definition else run.noegletal,
        "enhed": definition.unit if definition else None,
        "skala": str(definition.skala) if definition else None,
        "side": str(definition.side) if definition else None,
        "indeks_vises": res.get("index_shown", True),
        "strukturelle_nuller": tuple(
            StructuralZero(kode=z["kode"], navn=z["navn"], aar=z["aar"])
            for z in res.get("strukturelle_nuller", [])
        ),
        "prisaar": res.get("prisaar"),
        "aarseffekt": tuple(res.get("aarseffekt", [])),
        "maalgruppe": run.maalgruppe,
        "aar": tuple(run.years),
        "metode": run.method,
        "standardmetode": res.get("standardmetode"),
        "varians_antagelse": res.get("variance_assumption_da") or None,
        "bidrag_forklaring": res.get("contributions_note_da") or None,
        "indikatorer": tuple(run.indicators),
        "n": res["n"],
        "r2": res["r2"],
        "loo_r2": res["loo_r2"],
        "rmse": res["rmse"],
        "loo_rmse": res["loo_rmse"],
        "alpha": res["alpha"],
        "forklarer": explains(run),
        "interval_centrum": res.get("interval_centre"),
        "leverage_graense": res.get("leverage_cutoff"),
        "markering": res.get("flag_rule_da"),
        "konklusion": res.get("verdict_da"),
        "advarsler": _warnings(run.warnings),
        "forbehold": res.get("caveat_da", CAVEAT_DA),
        "inputs_sha256": run.inputs_sha256,
        "created_by": run.created_by,
        "created_at": run.created_at,
        "published_at": run.published_at,
        "withdrawn_at": run.withdrawn_at,
        "withdrawn_by": run.withdrawn_by,
    }


def summary(run: ModelRun) -> dict[str, Any]:
    """What the list shows of a run, as JSON values (see :class:`RunSummary`)."""
    result: dict[str, Any] = plain(run_summary(run))
    return result


def _peers(run: ModelRun, area: str) -> tuple[Peer, ...]:
    names = run.results["omraader"]
    return tuple(
        Peer(
            kode=names[p["area_code"]]["kode"],
            navn=names[p["area_code"]]["navn"],
            afstand=p["distance"],
        )
        for p in run.results["peers"]["grupper"].get(area, [])
    )


def _row(run: ModelRun, row: dict[str, Any]) -> MunicipalityResult:
    return MunicipalityResult(**_row_fields(run, row))


def _row_fields(run: ModelRun, row: dict[str, Any]) -> dict[str, Any]:
    area = row["area_code"]
    who = run.results["omraader"][area]
    return {
        "kode": who["kode"],
        "navn": who["navn"],
        "aar": row["year"],
        "faktisk": row["actual"],
        "forventet": row["expected"],
        "loo_forudsigelse": row["loo_prediction"],
        "tilpasset": row.get("fitted"),
        "interval": Interval(
            lav=row["interval_low"],
            hoej=row["interval_high"],
            niveau=run.results["interval_level"],
            centrum=row["expected"],
            afskaaret_ved_0=row.get("interval_clipped"),
        ),
        "bidrag": None
        if row.get("contributions") is None
        else Contributions(
            niveau=row["level"],
            sammensaetning="produkt"
            if run.results.get("contributions_combine") == "product"
            else "sum",
            indikatorer=tuple(Contribution(indikator=n, bidrag=v) for n, v in row["contributions"]),
        ),
        "leverage": row["leverage"],
        "hoej_leverage": row.get("high_leverage"),
        "ekstrapolation": row.get("extrapolation"),
        "advarsler": tuple(
            RunWarning(code=w["code"], tekst=w["message_da"]) for w in row.get("warnings", [])
        ),
        "indeks": row["index"],
        "forskel": row.get("difference"),
        "afvigende": row["outlier"],
        "justeret_p": row.get("p_adjusted"),
        "studentiseret_residual": row["studentised_residual"],
        "peers": _peers(run, area),
    }


def _coefficients(run: ModelRun) -> tuple[CoefficientRow, ...]:
    return tuple(
        CoefficientRow(
            indikator=c["indicator"],
            standardiseret=c["standardised"],
            original=c["original"],
            standardiseret_interval=_tuple(c["standardised_interval"]),
            original_interval=_tuple(c["original_interval"]),
            robust_se=c.get("robust_se_original"),
            robust_se_standardiseret=c.get("robust_se_standardised"),
        )
        for c in run.results["coefficients"]
    )


def coefficients(run: ModelRun) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = plain(_coefficients(run))
    return result


def run_document(run: ModelRun) -> RunDocument:
    """The whole run as the pages read it (see :class:`RunDocument`)."""
    res = run.results
    return RunDocument(
        **_summary_fields(run),
        parametre=run.parameters,
        skaering=res["intercept"],
        koefficienter=_coefficients(run),
        ci_niveau=res["ci_level"],
        n_bootstrap=res["n_bootstrap"],
        random_state=res["random_state"],
        interval_metode=res["interval_method"],
        loo_enhed=res.get("loo_unit", "row"),
        robust_se_metode=res.get("robust_se_type"),
        log_skala=res.get("log_scale_statistics"),
        smearing_faktor=res.get("smearing_factor"),
        degenererede_gentraekninger=res.get("n_degenerate_resamples"),
        versioner=res.get("library_versions", {}),
        peers={k: v for k, v in res["peers"].items() if k != "grupper"},
        indikator_definitioner=tuple(res["indikator_definitioner"]),
        kommuner=tuple(_row(run, r) for r in res["rows"]),
        inputs=tuple(run.inputs),
    )


def full(run: ModelRun) -> dict[str, Any]:
    """The whole run as JSON values (see :class:`RunDocument`)."""
    result: dict[str, Any] = plain(run_document(run))
    return result


def municipality_view(run: ModelRun, kode: str) -> MunicipalityView | None:
    """One municipality's result (the latest year of the run; every year under ``alle_aar``)
    with the run's n, R², LOO R², RMSE, warnings and caveat; None when it is not in the run."""
    area = next((a for a, who in run.results["omraader"].items() if who["kode"] == kode), None)
    rows = [_row_fields(run, r) for r in run.results["rows"] if r["area_code"] == area]
    if not rows:
        return None
    latest = max(rows, key=lambda r: r["aar"])
    return MunicipalityView(
        **latest,
        alle_aar=tuple(MunicipalityResult(**r) for r in rows),
        koersel=run_summary(run),
    )


def municipality(run: ModelRun, kode: str) -> dict[str, Any] | None:
    """:func:`municipality_view` as JSON values."""
    view = municipality_view(run, kode)
    result: dict[str, Any] | None = None if view is None else plain(view)
    return result
