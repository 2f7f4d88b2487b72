"""A stored model run as the API and the CLI show it: fit statistics, warnings, the
caveat, coefficients and, per municipality, actual, expected, interval, index and peers.

Everything is read from the stored run (never recomputed), so a published run shows the
same on every request."""

from __future__ import annotations

import math
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


def summary(run: ModelRun) -> dict[str, Any]:
    """What the list shows of a run: its specification, status and fit statistics."""
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
        "strukturelle_nuller": res.get("strukturelle_nuller", []),
        "prisaar": res.get("prisaar"),
        "aarseffekt": res.get("aarseffekt", []),
        "maalgruppe": run.maalgruppe,
        "aar": list(run.years),
        "metode": run.method,
        "standardmetode": res.get("standardmetode"),
        "varians_antagelse": res.get("variance_assumption_da") or None,
        "bidrag_forklaring": res.get("contributions_note_da") or None,
        "indikatorer": list(run.indicators),
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
        "advarsler": list(run.warnings),
        "forbehold": res.get("caveat_da", CAVEAT_DA),
        "inputs_sha256": run.inputs_sha256,
        "created_by": run.created_by,
        "created_at": run.created_at,
        "published_at": run.published_at,
    }


def _peers(run: ModelRun, area: str) -> list[dict[str, Any]]:
    names = run.results["omraader"]
    return [
        {
            "kode": names[p["area_code"]]["kode"],
            "navn": names[p["area_code"]]["navn"],
            "afstand": p["distance"],
        }
        for p in run.results["peers"]["grupper"].get(area, [])
    ]


def _row(run: ModelRun, row: dict[str, Any]) -> dict[str, Any]:
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
        "interval": {
            "lav": row["interval_low"],
            "hoej": row["interval_high"],
            "niveau": run.results["interval_level"],
            "centrum": row["expected"],
            "afskaaret_ved_0": row.get("interval_clipped"),
        },
        "bidrag": None
        if row.get("contributions") is None
        else {
            "niveau": row["level"],
            "sammensaetning": "produkt"
            if run.results.get("contributions_combine") == "product"
            else "sum",
            "indikatorer": [{"indikator": n, "bidrag": v} for n, v in row["contributions"]],
        },
        "leverage": row["leverage"],
        "hoej_leverage": row.get("high_leverage"),
        "ekstrapolation": row.get("extrapolation"),
        "advarsler": [
            {"code": w["code"], "tekst": w["message_da"]} for w in row.get("warnings", [])
        ],
        "indeks": row["index"],
        "forskel": row.get("difference"),
        "afvigende": row["outlier"],
        "justeret_p": row.get("p_adjusted"),
        "studentiseret_residual": row["studentised_residual"],
        "peers": _peers(run, area),
    }


def coefficients(run: ModelRun) -> list[dict[str, Any]]:
    return [
        {
            "indikator": c["indicator"],
            "standardiseret": c["standardised"],
            "original": c["original"],
            "standardiseret_interval": c["standardised_interval"],
            "original_interval": c["original_interval"],
            "robust_se": c.get("robust_se_original"),
            "robust_se_standardiseret": c.get("robust_se_standardised"),
        }
        for c in run.results["coefficients"]
    ]


def full(run: ModelRun) -> dict[str, Any]:
    """The whole run: summary, parameters, coefficients, every municipality, the inputs."""
    res = run.results
    return {
        **summary(run),
        "parametre": run.parameters,
        "skaering": res["intercept"],
        "koefficienter": coefficients(run),
        "ci_niveau": res["ci_level"],
        "n_bootstrap": res["n_bootstrap"],
        "random_state": res["random_state"],
        "interval_metode": res["interval_method"],
        "loo_enhed": res.get("loo_unit", "row"),
        "robust_se_metode": res.get("robust_se_type"),
        "log_skala": res.get("log_scale_statistics"),
        "smearing_faktor": res.get("smearing_factor"),
        "degenererede_gentraekninger": res.get("n_degenerate_resamples"),
        "versioner": res.get("library_versions", {}),
        "peers": {k: v for k, v in res["peers"].items() if k != "grupper"},
        "indikator_definitioner": res["indikator_definitioner"],
        "kommuner": [_row(run, r) for r in res["rows"]],
        "inputs": run.inputs,
    }


def municipality(run: ModelRun, kode: str) -> dict[str, Any] | None:
    """One municipality's result (the latest year of the run; every year under ``alle_aar``)
    with the run's n, R², LOO R², RMSE, warnings and caveat; None when it is not in the run."""
    area = next((a for a, who in run.results["omraader"].items() if who["kode"] == kode), None)
    rows = [_row(run, r) for r in run.results["rows"] if r["area_code"] == area]
    if not rows:
        return None
    latest = max(rows, key=lambda r: r["aar"])
    return {**latest, "alle_aar": rows, "koersel": summary(run)}
