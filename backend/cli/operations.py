"""Commands that run the platform: database, tenants, users, tokens, demo, serve."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backend.cli.common import (
    OPENAPI_PATH,
    _database,
    _settings,
    _unit_of_work,
    main,
    render_openapi,
)
from backend.policy import Role

if TYPE_CHECKING:
    pass


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


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does (becomes the slug).")
@click.option(
    "--autogenerate",
    is_flag=True,
    help="Compare the models with the database (migrated to head) and write the difference.",
)
def db_revision(message: str, autogenerate: bool) -> None:
    """Create the next migration, named YYYYMMDD_HHMM_<rev>_<slug>.py (in a checkout)."""
    from backend import migrate

    path = migrate.revision(message, url=_settings().owner_database_url, autogenerate=autogenerate)
    click.echo(f"Ny migration: {path}")


@db.command("create-app-role")
@click.option("--role", default="rammetal_app", show_default=True)
@click.option("--password", default=None, help="Login password (prompted when omitted).")
@click.option(
    "--no-password", is_flag=True, help="Create the role without a password (peer/trust auth)."
)
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
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
)
@click.option(
    "--org", "org_kode", required=True, help="Organisation code, e.g. 657 or sekretariat-midt"
)
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
        auth.create_user(
            session, email=email, navn=navn, role=role, organisation=org, password=password
        )
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
        _token, plain = auth.issue_token(
            session, user, navn=navn, ttl_days=days or settings.token_ttl_days
        )
    click.echo(plain)


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
    click.echo(
        f"Demo: {len(new_users)} brugere, {offers} tilbud, {imports} referencedatasæt, "
        f"{accounts} regnskaber og {occupancy} afledte belægningsopgørelser indlæst."
    )


def _login_help(bind: str) -> str:
    from backend.demo.service import DEMO_USERS

    host = bind.replace("0.0.0.0", "127.0.0.1")
    lines = [
        "",
        f"Rammetal kører. Åbn http://{host}/ i en browser og log ind med en demobruger",
        "nedenfor (f.eks. herning@rammetal.demo / demo-herning).",
        f"API-dokumentation: http://{host}/api/docs. Et token til API'et, f.eks.:",
        f"  curl -s -X POST http://{host}/api/v1/auth/tokens -H 'Content-Type: application/json' \\",
        '       -d \'{"email": "herning@rammetal.demo", "password": "demo-herning"}\'',
        f"  curl -s http://{host}/api/v1/offers -H 'Authorization: Bearer <token>'",
        "Demobrugere (e-mail / adgangskode / rolle):",
    ]
    lines += [f"  {u.email:28} {u.password:18} {u.role}" for u in DEMO_USERS]
    return "\n".join(lines)


@main.command("serve")
@click.option(
    "--bind",
    default=lambda: os.environ.get("RAMMETAL_BIND", "127.0.0.1:8000"),
    show_default="127.0.0.1:8000",
)
@click.option("--workers", default=lambda: int(os.environ.get("RAMMETAL_WORKERS", "2")), type=int)
def serve(bind: str, workers: int) -> None:
    """Start gunicorn with the app factory (RAMMETAL_DATABASE_URL is honoured)."""
    click.echo(_login_help(bind))
    sys.stdout.flush()
    # gunicorn as a module of this interpreter: works in any venv or install layout.
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:backend.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "backend.wsgi:app",
    ]
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
