"""``rammetal``: the command line. Every step of the README's run command is a command here."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backend.config import REPO_ROOT, Settings
from backend.db.tenancy import TenantScope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OPENAPI_PATH = REPO_ROOT / "api_docs" / "openapi.json"


def _settings() -> Settings:
    return Settings.from_env()


def _database(settings: Settings | None = None, *, owner: bool = False):  # type: ignore[no-untyped-def]
    from backend.db.session import Database

    settings = settings or _settings()
    return Database(settings.owner_database_url if owner else settings.database_url)


@contextlib.contextmanager
def _unit_of_work(settings: Settings | None = None) -> Iterator[Session]:
    """One transaction on a short-lived engine that is disposed afterwards."""
    database = _database(settings)
    try:
        with database.unit_of_work() as session:
            yield session
    finally:
        database.dispose()


@click.group()
def main() -> None:
    """Rammetal: data platform for the rammeaftale on specialised social services."""


# --- database ------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Database migrations and roles (run as the table owner)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database (RAMMETAL_MIGRATION_DATABASE_URL, else RAMMETAL_DATABASE_URL)."""
    from backend import migrate

    url = _settings().owner_database_url
    migrate.upgrade(url, revision)
    click.echo(f"Databasen er migreret til {revision}.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (e.g. -1)."""
    from backend import migrate

    migrate.downgrade(_settings().owner_database_url, revision)
    click.echo(f"Databasen er migreret ned til {revision}.")


@db.command("create-app-role")
@click.option("--role", default="rammetal_app", show_default=True)
@click.option("--password", default=None, help="Login password (prompted when omitted).")
@click.option("--no-password", is_flag=True, help="Create the role without a password (peer/trust auth).")
def db_create_app_role(role: str, password: str | None, no_password: bool) -> None:
    """Create the PostgreSQL role the application connects as, and grant it its rights.

    Run as the table owner after 'db upgrade'. The role is neither superuser, owner nor
    BYPASSRLS, so row-level security applies to everything it does."""
    import sqlalchemy as sa

    from backend.db.rls import app_role_statements

    database = _database(owner=True)
    if database.dialect != "postgresql":
        raise click.ClickException("Kun relevant for PostgreSQL.")
    if password is None and not no_password:
        password = getpass.getpass(f"Adgangskode til {role}: ")
    try:
        with database.engine.begin() as conn:
            dbname = conn.scalar(sa.text("SELECT current_database()"))
            for stmt in app_role_statements(role, password, dbname):
                conn.exec_driver_sql(stmt)
    finally:
        database.dispose()
    click.echo(f"Rollen {role} er oprettet med adgang til {dbname}.")


# --- tenants and users ---------------------------------------------------------------
@main.group()
def tenants() -> None:
    """The tenant registry (tenants/rammeaftaler/*.toml)."""


@tenants.command("sync")
def tenants_sync() -> None:
    """Create or update rammeaftaler, organisations and målgrupper (idempotent)."""
    from backend.organisations.service import sync_tenants

    with _unit_of_work() as session:
        report = sync_tenants(session)
    click.echo(
        f"{report.rammeaftaler} rammeaftale(r): {report.created} oprettet, "
        f"{report.updated} opdateret, {report.unchanged} uændret."
    )


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--navn", required=True)
@click.option("--role", required=True, type=click.Choice(["reporter", "org_admin", "secretariat", "viewer", "admin"]))
@click.option("--org", "org_kode", required=True, help="Organisation code, e.g. 657 or sekretariat-midt")
@click.option("--password", default=None, help="Prompted when omitted.")
def users_create(email: str, navn: str, role: str, org_kode: str, password: str | None) -> None:
    """Create a user."""
    from backend.auth import service as auth
    from backend.organisations import service as organisations

    if password is None:
        password = getpass.getpass("Adgangskode: ")
    with _unit_of_work() as session:
        org = organisations.find_by_code_or_alias(session, org_kode)
        if org is None:
            raise click.ClickException(f"Ukendt organisation: {org_kode}")
        auth.create_user(session, email=email, navn=navn, role=role, organisation=org, password=password)
    click.echo(f"Brugeren {email} ({role}, {org.navn}) er oprettet.")


@main.group()
def tokens() -> None:
    """Bearer tokens."""


@tokens.command("issue")
@click.option("--email", required=True)
@click.option("--navn", default="cli", show_default=True, help="What the token is for.")
@click.option("--days", default=None, type=int, help="Lifetime in days (default: the setting).")
def tokens_issue(email: str, navn: str, days: int | None) -> None:
    """Issue a token for a user and print it once."""
    import sqlalchemy as sa

    from backend.auth import service as auth
    from backend.auth.models import User

    settings = _settings()
    with _unit_of_work(settings) as session:
        user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"Ukendt bruger: {email}")
        _token, plain = auth.issue_token(session, user, navn=navn, ttl_days=days or settings.token_ttl_days)
    click.echo(plain)


# --- reference data ------------------------------------------------------------------
@main.group()
def reference() -> None:
    """Reference data: population, PL index, structural indicators (as the secretariat)."""


def _secretariat_org(session: Session, kode: str) -> int:
    from backend.organisations import service as organisations

    org = organisations.get_by_code(session, kode)
    if org is None or org.type != "sekretariat":
        raise click.ClickException(f"Ukendt sekretariat: {kode}")
    return org.id


def _refused(exc: Exception) -> click.ClickException:
    from backend.errors import DomainError

    if isinstance(exc, DomainError):
        lines = [exc.detail] + [
            f"  række {e.get('row') or '-'}, kolonne {e.get('column') or '-'}: {e['message']}"
            for e in exc.errors or []
        ]
        return click.ClickException("\n".join(lines))
    return click.ClickException(str(exc))


def _import(call: Callable[[Session, int], Any], sekretariat: str, done: str) -> None:
    """Run one reference import as the secretariat, all-or-nothing; print ``done`` with the
    import's row count and id, or every error of the file."""
    from backend.errors import DomainError
    from backend.reference.sources import StatbankError

    try:
        with _unit_of_work() as session:
            imp = call(session, _secretariat_org(session, sekretariat))
    except (DomainError, StatbankError) as exc:
        raise _refused(exc) from exc
    click.echo(done.format(rows=imp.rows, id=imp.id))


@reference.command("load-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["folk1a", "totaler", "aldersgrupper"]), default="folk1a")
@click.option("--aar", type=int, default=None, help="Year of an age-band file.")
@click.option("--kilde", default="Danmarks Statistik, FOLK1A", show_default=True)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_population(file: Path, fmt: str, aar: int | None, kilde: str, sekretariat: str) -> None:
    """Import population (FOLK1A CSV as delivered, a totals file, or an age-band file)."""
    from backend.reference import service as reference_service

    _import(lambda session, org_id: reference_service.import_population(
        session, data=file.read_bytes(), fmt=fmt, year=aar, kilde=kilde, actor_org_id=org_id,
        file_name=file.name), sekretariat, "Befolkningstal indlæst: {rows} rækker (import {id}).")


@reference.command("load-pl-index")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kilde", required=True, help="E.g. 'KL, pris- og lønskøn juni 2018'.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_pl_index(file: Path, kilde: str, sekretariat: str) -> None:
    """Import a PL index (aar;indeks)."""
    from backend.reference import service as reference_service

    _import(lambda session, org_id: reference_service.import_pl_index(
        session, data=file.read_bytes(), kilde=kilde, actor_org_id=org_id, file_name=file.name),
        sekretariat, "PL-indeks indlæst: {rows} år (import {id}).")


@reference.command("load-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--definitioner", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--kilde", required=True)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_indicators(file: Path, definitioner: Path | None, kilde: str, sekretariat: str) -> None:
    """Import structural indicators (kommunekode;aar;<indikator>…) with their definitions."""
    from backend.reference import service as reference_service

    _import(lambda session, org_id: reference_service.import_indicators(
        session, data=file.read_bytes(), definitions=definitioner.read_bytes() if definitioner else None,
        kilde=kilde, actor_org_id=org_id, file_name=file.name),
        sekretariat, "Strukturindikatorer indlæst: {rows} værdier (import {id}).")


@reference.command("fetch-population")
@click.option("--omraade", "areas", multiple=True, required=True, help="Area code; repeat.")
@click.option("--aar", "years", multiple=True, type=int, required=True, help="Year; repeat.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_fetch_population(areas: tuple[str, ...], years: tuple[int, ...], sekretariat: str) -> None:
    """Fetch FOLK1A by area and age for 1 January of each year from Statistikbanken."""
    from backend.reference import service as reference_service

    _import(lambda session, org_id: reference_service.fetch_population(
        session, areas=areas, years=years, actor_org_id=org_id),
        sekretariat, "Befolkningstal hentet: {rows} rækker (import {id}).")


# --- reports -------------------------------------------------------------------------
@main.group()
def report() -> None:
    """The ledelsesinformation and nøgletal (the secretariat's draft from approved data)."""


def _secretariat_scope(session: Session, kode: str) -> tuple[int, TenantScope]:
    from backend.organisations import service as organisations

    org = organisations.get_by_code(session, kode)
    if org is None or org.type != "sekretariat":
        raise click.ClickException(f"Ukendt sekretariat: {kode}")
    members = [o.id for o in organisations.list_organisations(session, org.rammeaftale_id)]
    return org.rammeaftale_id, TenantScope.many(org.id, members)


@report.command("ledelsesinformation")
@click.option("--year", "--aar", "year", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx", "csv"]), default="json", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output for json/csv).")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def report_ledelsesinformation(year: int, fmt: str, output: Path | None, sekretariat: str) -> None:
    """Tables A-E for YEAR against the year before, computed from the approved data."""
    from backend.db.session import scoped
    from backend.errors import DomainError
    from backend.reports import service as reports
    from backend.reports import writers

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                document, _inputs = reports.draft(session, ramme_id, year)
    except DomainError as exc:
        raise _refused(exc) from exc
    if fmt == "xlsx":
        data = writers.ledelsesinformation_xlsx(document)
    elif fmt == "csv":
        data = writers.ledelsesinformation_csv(document)
    else:
        data = json.dumps(writers.ledelsesinformation_json(document), ensure_ascii=False, indent=2).encode()
    _emit(data, output, binary=fmt == "xlsx")


@report.command("noegletal")
@click.option("--year", "--aar", "year", type=int, required=True)
@click.option("--noegletal", default=None, help="One nøgletal id (default: all).")
@click.option("--maalgruppe", default=None)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def report_noegletal(year: int, noegletal: str | None, maalgruppe: str | None, output: Path | None,
                     sekretariat: str) -> None:
    """Population-adjusted nøgletal for YEAR per organisation, with averages (JSON)."""
    from backend.db.session import scoped
    from backend.errors import DomainError
    from backend.reports import service as reports

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                _document, inputs = reports.draft(session, ramme_id, year)
                result = reports.key_figures_document(session, inputs, ramme_id)
    except DomainError as exc:
        raise _refused(exc) from exc
    filtered = reports.filter_noegletal(result, noegletal=noegletal, maalgruppe=maalgruppe)
    _emit(json.dumps(filtered, ensure_ascii=False, indent=2).encode(), output, binary=False)


def _emit(data: bytes, output: Path | None, *, binary: bool) -> None:
    if output is not None:
        output.write_bytes(data)
        click.echo(f"Skrev {output}", err=True)
    elif binary:
        raise click.ClickException("XLSX skrives til en fil: brug --output.")
    else:
        click.echo(data.decode("utf-8"))


# --- demo, serve, run ----------------------------------------------------------------
@main.group()
def demo() -> None:
    """Midtjylland demo data."""


@demo.command("load")
def demo_load() -> None:
    """Create demo users and load the 2016-2017 place counts into the offer registry."""
    from backend.demo import service as demo_service
    from backend.demo import streams as demo_streams

    with _unit_of_work() as session:
        new_users = demo_service.load_users(session)
        offers = demo_service.load_offers(session)
        imports = demo_service.load_reference(session)
        accounts = demo_streams.load_accounts(session)
        occupancy = demo_streams.load_occupancy(session)
    click.echo(f"Demo: {len(new_users)} brugere, {offers} tilbud, {imports} referencedatasæt, "
               f"{accounts} regnskaber og {occupancy} afledte belægningsopgørelser indlæst.")


def _login_help(bind: str) -> str:
    from backend.demo.service import DEMO_USERS

    host = bind.replace("0.0.0.0", "127.0.0.1")
    lines = [
        "",
        f"Rammetal kører på http://{host}  (API-dokumentation: http://{host}/api/docs)",
        "Log ind og hent et token, f.eks.:",
        f"  curl -s -X POST http://{host}/api/v1/auth/tokens -H 'Content-Type: application/json' \\",
        "       -d '{\"email\": \"herning@rammetal.demo\", \"password\": \"demo-herning\"}'",
        f"  curl -s http://{host}/api/v1/offers -H 'Authorization: Bearer <token>'",
        "Demobrugere (e-mail / adgangskode / rolle):",
    ]
    lines += [f"  {u.email:28} {u.password:18} {u.role}" for u in DEMO_USERS]
    return "\n".join(lines)


@main.command("serve")
@click.option("--bind", default=lambda: os.environ.get("RAMMETAL_BIND", "127.0.0.1:8000"), show_default="127.0.0.1:8000")
@click.option("--workers", default=lambda: int(os.environ.get("RAMMETAL_WORKERS", "2")), type=int)
def serve(bind: str, workers: int) -> None:
    """Start gunicorn with the app factory (RAMMETAL_DATABASE_URL is honoured)."""
    click.echo(_login_help(bind))
    sys.stdout.flush()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [str(gunicorn), "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            "backend.wsgi:app"]
    os.execv(args[0], args)


@main.command("run")
@click.option("--bind", default=lambda: os.environ.get("RAMMETAL_BIND", "127.0.0.1:8000"))
@click.pass_context
def run(ctx: click.Context, bind: str) -> None:
    """Everything for a fresh machine: migrate, sync tenants, load the demo, serve."""
    ctx.invoke(db_upgrade)
    ctx.invoke(tenants_sync)
    ctx.invoke(demo_load)
    ctx.invoke(serve, bind=bind, workers=int(os.environ.get("RAMMETAL_WORKERS", "2")))


@main.command("openapi")
@click.option("--output", type=click.Path(path_type=Path), default=OPENAPI_PATH, show_default=True)
def openapi(output: Path) -> None:
    """Write the OpenAPI document the code generates (api_docs/openapi.json)."""
    output.write_text(render_openapi() + "\n", encoding="utf-8")
    click.echo(f"Skrev {output}")


def render_openapi() -> str:
    from backend.app import create_app

    app = create_app(Settings(database_url="sqlite://"))
    spec = app.extensions["rammetal.api"].spec.to_dict()
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True, default=str)


# --- import --------------------------------------------------------------------------
#: Test hook (tests/backend/submissions/test_submissions_import.py): sleep once after storing
#: this many lines, so a test can kill the process mid-insert at a known point.
PAUSE_AFTER_ROWS = "RAMMETAL_IMPORT_PAUSE_AFTER_ROWS"


def _issue_line(issue: dict) -> str:
    where = ", ".join(f"{label} {issue[key]}" for key, label in
                      (("sheet", "ark"), ("row", "række"), ("column", "kolonne"), ("field", "felt"))
                      if issue.get(key) is not None)
    value = f" (værdi: {issue['value']})" if issue.get("value") is not None else ""
    return f"  {where + ': ' if where else ''}{issue['message']}{value}"


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_kode", required=True, help="Organisation code or name, e.g. 751 or Aarhus")
@click.option("--period", "period_id", required=True, type=int, help="Reporting period id")
@click.option("--stream", required=True, type=click.Choice(["belaegning", "regnskab", "takster", "tilbud"]))
@click.option("--submit", is_flag=True, help="Also submit the new version to the secretariat.")
@click.option("--note", default=None, help="Note on the submission, e.g. 'afledt'.")
def import_file(file: Path, org_kode: str, period_id: int, stream: str, submit: bool, note: str | None) -> None:
    """Import FILE (XLSX, CSV or JSON) as the next version, as the system user.

    All-or-nothing: a file with errors stores nothing and every error is listed."""
    import time

    from backend.db.session import scoped
    from backend.db.tenancy import TenantScope
    from backend.errors import DomainError
    from backend.organisations import service as organisations
    from backend.periods.models import ReportingPeriod
    from backend.submissions import service as submissions
    from backend.submissions import workflow

    settings = _settings()
    data = file.read_bytes()
    pause_after = int(os.environ.get(PAUSE_AFTER_ROWS) or 0)
    database = _database(settings)
    try:
        with database.unit_of_work() as session:
            org = organisations.find_by_code_or_alias(session, org_kode)
            period = session.get(ReportingPeriod, period_id)
            if org is None:
                raise click.ClickException(f"Ukendt organisation: {org_kode}")
            if period is None or period.rammeaftale_id != org.rammeaftale_id:
                raise click.ClickException(f"Perioden {period_id} findes ikke for {org.navn}.")
            click.echo(f"Læser og validerer {file.name} ({len(data) / 1_048_576:.1f} MB) …".replace(".", ",", 1))
            valid = submissions.validate(session, org=org, period=period, stream=stream,
                                         filename=file.name, data=data,
                                         max_bytes=settings.max_request_bytes)
            rows = len(valid.result.records)
            click.echo(f"{rows} rækker er gyldige ({len(valid.result.warnings)} advarsler).")
            with click.progressbar(length=rows, label="Gemmer", file=sys.stderr) as bar:
                stored = 0

                def progress(n: int) -> None:
                    nonlocal stored
                    stored += n
                    bar.update(n)
                    if pause_after and stored >= pause_after:
                        click.echo(f"\n{PAUSE_AFTER_ROWS}: {stored} rækker gemt", err=True)
                        sys.stderr.flush()
                        time.sleep(600)

                submission = submissions.store(session, valid, user_id=None, note=note, progress=progress)
            if submit:
                with scoped(session, TenantScope.single(org.id)):
                    workflow.submit(session, submission, period=period)
            summary = (f"Indlæst som version {submission.version} ({submission.status}) af "
                       f"{org.navn}, {stream}, periode {period.id}: {rows} rækker, id {submission.id}.")
    except submissions.UploadInvalid as exc:
        click.echo(f"Filen er ikke indlæst: {len(exc.errors or [])} fejl.", err=True)
        for issue in exc.errors or []:
            click.echo(_issue_line(issue), err=True)
        sys.exit(1)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        database.dispose()
    for issue in valid.result.warnings:
        click.echo("Advarsel:" + _issue_line(issue.to_dict()).removeprefix(" "))
    click.echo(summary)


# --- expected need (udgiftsbehov) ---------------------------------------------------
@main.group()
def model() -> None:
    """Runs of the expected-need model (udgiftsbehov), as the secretariat."""


def _model_table(doc: dict) -> list[str]:
    from benchmark.presentation import format_da

    level = format_da(100 * doc["kommuner"][0]["interval"]["niveau"], 0) if doc["kommuner"] else "90"
    head = (f"{'Kommune':16} {'År':>4} {'Faktisk':>9} {'Forventet':>9} {level + ' %-interval':>20} "
            f"{'Indeks':>7} {'Afv.':>4}  Sammenligningskommuner")
    lines = [head, "-" * len(head)]
    for r in doc["kommuner"]:
        interval = f"{format_da(r['interval']['lav'], 1)} – {format_da(r['interval']['hoej'], 1)}"
        lines.append(f"{r['navn'][:16]:16} {r['aar']:>4} {format_da(r['faktisk'], 1):>9} "
                     f"{format_da(r['forventet'], 1):>9} {interval:>20} {format_da(r['indeks'], 0):>7} "
                     f"{'ja' if r['afvigende'] else '':>4}  {', '.join(p['navn'] for p in r['peers'])}")
    return lines


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
    lines += ["Advarsler:", *(f"  - {w['tekst']} [{w['code']}]" for w in doc["advarsler"])] \
        if doc["advarsler"] else ["Advarsler: ingen"]
    return lines


def _print_run(doc: dict) -> None:
    for line in [*_model_summary(doc), "", *_model_table(doc), "", f"Bemærk: {doc['forbehold']}"]:
        click.echo(line)


@model.command("run")
@click.option("--noegletal", required=True, help="Nøgletal id, e.g. pladser_pr_10000.")
@click.option("--maalgruppe", default=None, help="Målgruppe code (default: all målgrupper).")
@click.option("--aar", "years", multiple=True, type=int, required=True, help="Year; repeat to pool years.")
@click.option("--indikator", "indicators", multiple=True, required=True, help="Indicator id; repeat.")
@click.option("--metode", type=click.Choice(["ols", "ridge"]), default="ols", show_default=True)
@click.option("--k", type=int, default=None, help="Number of peers (default 5).")
@click.option("--random-state", type=int, default=None)
@click.option("--n-bootstrap", type=int, default=None)
@click.option("--vaegtet", is_flag=True, help="Weight municipalities by population.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole run as JSON.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_run(noegletal: str, maalgruppe: str | None, years: tuple[int, ...], indicators: tuple[str, ...],
              metode: str, k: int | None, random_state: int | None, n_bootstrap: int | None, vaegtet: bool,
              as_json: bool, sekretariat: str) -> None:
    """Run the model on the approved data and store the run as a draft (kladde)."""
    from backend.db.session import scoped
    from backend.errors import DomainError
    from backend.udgiftsbehov import document, service

    params = {"k": k, "random_state": random_state, "n_bootstrap": n_bootstrap, "weighted": vaegtet}
    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            with scoped(session, scope):
                run = service.run_model(session, rammeaftale_id=ramme_id, noegletal=noegletal,
                                        maalgruppe=maalgruppe, years=years, indicators=indicators,
                                        method=metode, params=params, user_id=None, actor_org_id=scope.org_id)
            doc = document.full(run)
    except DomainError as exc:
        raise _refused(exc) from exc
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        _print_run(doc)


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
        click.echo(f"{d['id']:>4}  {d['status']:14} {d['noegletal']} {d['maalgruppe'] or '(alle)'} "
                   f"{','.join(map(str, d['aar']))} {d['metode']} [{', '.join(d['indikatorer'])}] "
                   f"n={d['n']} R²={format_da(d['r2'], 3)} LOO R²={format_da(d['loo_r2'], 3)} "
                   f"advarsler={len(d['advarsler'])}")


@model.command("show")
@click.argument("run_id", type=int)
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
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        _print_run(doc)


@model.command("publish")
@click.argument("run_id", type=int)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def model_publish(run_id: int, sekretariat: str) -> None:
    """Publish a draft run; it can never be changed afterwards."""
    from backend.errors import DomainError
    from backend.udgiftsbehov import service

    try:
        with _unit_of_work() as session:
            ramme_id, scope = _secretariat_scope(session, sekretariat)
            run = service.publish_run(session, rammeaftale_id=ramme_id, run_id=run_id, actor_org_id=scope.org_id)
            published = run.published_at
    except DomainError as exc:
        raise _refused(exc) from exc
    click.echo(f"Modelkørsel {run_id} er offentliggjort {published:%d-%m-%Y %H:%M} (UTC).")


if __name__ == "__main__":
    main()
