"""Commands that produce outputs: the ledelsesinformation, nøgletal and model runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backend.cli.common import (
    INT32,
    _emit,
    _refused,
    _secretariat_scope,
    _unit_of_work,
    main,
)

if TYPE_CHECKING:
    pass


# --- reports -------------------------------------------------------------------------
@main.group()
def report() -> None:
    """The ledelsesinformation and nøgletal (the secretariat's draft from approved data)."""


@report.command("ledelsesinformation")
@click.option("--year", "--aar", "year", type=INT32, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "xlsx", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output for json/csv).",
)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def report_ledelsesinformation(year: int, fmt: str, output: Path | None, sekretariat: str) -> None:
    """Tables A-E for YEAR against the year before, computed from the approved data."""
    from backend.db.tenancy import scoped
    from backend.errors import DomainError
    from backend.reports import service as reports

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                data = reports.edition(session, ramme_id, year, draft=True).content(fmt)
    except DomainError as exc:
        raise _refused(exc) from exc
    _emit(data, output, binary=fmt == "xlsx")


@report.command("noegletal")
@click.option("--year", "--aar", "year", type=INT32, required=True)
@click.option("--noegletal", default=None, help="One nøgletal id (default: all).")
@click.option("--maalgruppe", default=None)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def report_noegletal(
    year: int, noegletal: str | None, maalgruppe: str | None, output: Path | None, sekretariat: str
) -> None:
    """Population-adjusted nøgletal for YEAR per organisation, with averages (JSON)."""
    from backend.db.tenancy import scoped
    from backend.errors import DomainError
    from backend.reports import service as reports

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                inputs = reports.draft_inputs(session, ramme_id, year)
                result = reports.key_figures_document(session, inputs, ramme_id)
    except DomainError as exc:
        raise _refused(exc) from exc
    filtered = reports.filter_noegletal(result, noegletal=noegletal, maalgruppe=maalgruppe)
    _emit(json.dumps(filtered, ensure_ascii=False, indent=2).encode(), output, binary=False)


# --- expected need (udgiftsbehov) ---------------------------------------------------
@main.group()
def model() -> None:
    """Runs of the expected-need model (udgiftsbehov), as the secretariat."""


def _model_table(doc: dict) -> list[str]:
    from benchmark.presentation import format_da

    if not doc.get("forklarer", True):
        head = f"{'Kommune':16} {'År':>4} {'Faktisk':>9}  Sammenligningskommuner"
        lines = [doc["konklusion"], "", head, "-" * len(head)]
        return lines + [
            f"{r['navn'][:16]:16} {r['aar']:>4} {format_da(r['faktisk'], 1):>9}  "
            f"{', '.join(p['navn'] for p in r['peers'])}"
            for r in doc["kommuner"]
        ]
    level = (
        format_da(100 * doc["kommuner"][0]["interval"]["niveau"], 0) if doc["kommuner"] else "90"
    )
    head = (
        f"{'Kommune':16} {'År':>4} {'Faktisk':>9} {'Forventet':>9} {level + ' %-interval':>20} "
        f"{'Indeks' if doc.get('indeks_vises', True) else 'Forskel':>7} {'Afv.':>4}  "
        "Sammenligningskommuner"
    )
    lines = [head, "-" * len(head)]
    for r in doc["kommuner"]:
        interval = f"{format_da(r['interval']['lav'], 1)} – {format_da(r['interval']['hoej'], 1)}"
        lines.append(
            f"{r['navn'][:16]:16} {r['aar']:>4} {format_da(r['faktisk'], 1):>9} "
            f"{format_da(r['forventet'], 1):>9} {interval:>20} {_index_or_difference(doc, r):>7} "
            f"{'ja' if r['afvigende'] else '':>4}  {', '.join(p['navn'] for p in r['peers'])}"
        )
    return lines


def _index_or_difference(doc: dict, row: dict) -> str:
    from benchmark.presentation import format_da

    if doc.get("indeks_vises", True):
        return format_da(row["indeks"], 0)
    return format_da(row.get("forskel"), 1)


def _model_summary(doc: dict) -> list[str]:
    from benchmark.presentation import format_da

    lines = [
        f"Modelkørsel {doc['id']} ({doc['status']}): {doc['noegletal_navn']} ({doc['noegletal']}"
        f"{', ' + doc['maalgruppe'] if doc['maalgruppe'] else ', alle målgrupper'}), "
        f"år {', '.join(map(str, doc['aar']))}, {doc['metode'].upper()} på {', '.join(doc['indikatorer'])}",
        f"n = {doc['n']}, R² = {format_da(doc['r2'], 3)}, LOO R² = {format_da(doc['loo_r2'], 3)}, "
        f"RMSE = {format_da(doc['rmse'], 1)}, LOO RMSE = {format_da(doc['loo_rmse'], 1)} ({doc['enhed']})",
        f"Input-hash (SHA-256): {doc['inputs_sha256']}",
    ]
    ln = doc.get("log_skala")
    if ln:
        lines.insert(
            2,
            f"På log-skala: R² = {format_da(ln['r2'], 3)}, LOO R² = {format_da(ln['loo_r2'], 3)}"
            " (log-modellen: forventet = medianen, afvigelser i procent)",
        )
    lines += (
        ["Advarsler:", *(f"  - {w['tekst']} [{w['code']}]" for w in doc["advarsler"])]
        if doc["advarsler"]
        else ["Advarsler: ingen"]
    )
    return lines


def _print_run(doc: dict) -> None:
    for line in [*_model_summary(doc), "", *_model_table(doc), "", f"Bemærk: {doc['forbehold']}"]:
        click.echo(line)


def _show_run(doc: dict, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        _print_run(doc)


@model.command("run")
@click.option("--noegletal", required=True, help="Nøgletal id, e.g. pladser_pr_10000.")
@click.option("--maalgruppe", default=None, help="Målgruppe code (default: all målgrupper).")
@click.option(
    "--aar", "years", multiple=True, type=INT32, required=True, help="Year; repeat to pool years."
)
@click.option(
    "--indikator", "indicators", multiple=True, required=True, help="Indicator id; repeat."
)
@click.option(
    "--metode",
    type=click.Choice(["log", "ols", "ridge"]),
    default=None,
    help="Default: log for a nøgletal over 0 for every municipality, else ols.",
)
@click.option("--k", type=int, default=None, help="Number of peers (default 5).")
@click.option("--random-state", type=int, default=None)
@click.option("--n-bootstrap", type=int, default=None)
@click.option("--vaegtet", is_flag=True, help="Weight municipalities by population.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole run as JSON.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_run(
    noegletal: str,
    maalgruppe: str | None,
    years: tuple[int, ...],
    indicators: tuple[str, ...],
    metode: str | None,
    k: int | None,
    random_state: int | None,
    n_bootstrap: int | None,
    vaegtet: bool,
    as_json: bool,
    sekretariat: str,
) -> None:
    """Run the model on the approved data and store the run as a draft (kladde)."""
    from backend.db.tenancy import scoped
    from backend.errors import DomainError
    from backend.udgiftsbehov import document, service

    params = {"k": k, "random_state": random_state, "n_bootstrap": n_bootstrap, "weighted": vaegtet}
    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                run = service.run_model(
                    session,
                    rammeaftale_id=ramme_id,
                    noegletal=noegletal,
                    maalgruppe=maalgruppe,
                    years=years,
                    indicators=indicators,
                    method=metode,
                    params=params,
                    user_id=None,
                    actor_org_id=scope.acting_org,
                )
            doc = document.full(run)
    except DomainError as exc:
        raise _refused(exc) from exc
    _show_run(doc, as_json=as_json)


@model.command("list")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_list(sekretariat: str) -> None:
    """Every run of the agreement: id, status, specification and fit."""
    from backend.udgiftsbehov import document, service
    from benchmark.presentation import format_da

    with _unit_of_work() as session:
        ramme_id, _scope = _secretariat_scope(session, sekretariat)
        docs = [document.summary(r) for r in service.list_runs(session, ramme_id, drafts=True)]
    if not docs:
        click.echo("Ingen modelkørsler.")
    for d in docs:
        click.echo(
            f"{d['id']:>4}  {d['status']:14} {d['noegletal']} {d['maalgruppe'] or '(alle)'} "
            f"{','.join(map(str, d['aar']))} {d['metode']} [{', '.join(d['indikatorer'])}] "
            f"n={d['n']} R²={format_da(d['r2'], 3)} LOO R²={format_da(d['loo_r2'], 3)} "
            f"advarsler={len(d['advarsler'])}"
        )


@model.command("show")
@click.argument("run_id", type=INT32)
@click.option("--json", "as_json", is_flag=True, help="Print the whole run as JSON.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_show(run_id: int, as_json: bool, sekretariat: str) -> None:
    """One run: fit, warnings and the table per municipality."""
    from backend.errors import DomainError
    from backend.udgiftsbehov import document, service

    try:
        with _unit_of_work() as session:
            ramme_id, _scope = _secretariat_scope(session, sekretariat)
            doc = document.full(service.get_run(session, ramme_id, run_id, drafts=True))
    except DomainError as exc:
        raise _refused(exc) from exc
    _show_run(doc, as_json=as_json)


@model.command("publish")
@click.argument("run_id", type=INT32)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_publish(run_id: int, sekretariat: str) -> None:
    """Publish a draft run; it can never be changed afterwards."""
    from backend.errors import DomainError
    from backend.udgiftsbehov import service

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            run = service.publish_run(
                session, rammeaftale_id=ramme_id, run_id=run_id, actor_org_id=scope.acting_org
            )
            published = run.published_at
    except DomainError as exc:
        raise _refused(exc) from exc
    click.echo(f"Modelkørsel {run_id} er offentliggjort {published:%d-%m-%Y %H:%M} (UTC).")


@model.command("withdraw")
@click.argument("run_id", type=INT32)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_withdraw(run_id: int, sekretariat: str) -> None:
    """Withdraw a published run: kept as it was, used by no reader any more (audited)."""
    from backend.errors import DomainError
    from backend.udgiftsbehov import service

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            run = service.withdraw_run(
                session,
                rammeaftale_id=ramme_id,
                run_id=run_id,
                user_id=None,
                actor_org_id=scope.acting_org,
            )
            withdrawn = run.withdrawn_at
    except DomainError as exc:
        raise _refused(exc) from exc
    assert withdrawn is not None
    click.echo(f"Modelkørsel {run_id} er trukket tilbage {withdrawn:%d-%m-%Y %H:%M} (UTC).")
