"""What the command modules share: the ``rammetal`` group, settings, sessions, output."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backend.config import Settings
from backend.db.tenancy import TenantScope, secretariat_scope
from backend.fields import parse_int

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backend.organisations.models import Organisation


class _Int32(click.ParamType):
    """An id or a year on the command line: ASCII digits within 32 bits (what the
    ``integer`` columns hold), as the API's fields and the pages' parsers accept."""

    name = "heltal"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        number = parse_int(value) if isinstance(value, str) else None
        if number is None:
            self.fail(f"{value!r} er ikke et heltal i det tilladte område.", param, ctx)
        return number


#: The click type of ids and years (``type=INT32``).
INT32 = _Int32()

# Written in a checkout, relative to where the command runs (the repository root).
OPENAPI_PATH = Path("api_docs") / "openapi.json"


def _settings() -> Settings:
    return Settings.from_env()


def _database(settings: Settings | None = None, *, owner: bool = False):
    import backend.models  # noqa: F401  (the model registry: every mapper known)
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


def _secretariat(session: Session, kode: str) -> Organisation:
    from backend.organisations import service as organisations

    org = organisations.get_by_code(session, kode)
    if org is None or org.type != "sekretariat":
        raise click.ClickException(f"Ukendt sekretariat: {kode}")
    return org


def _secretariat_org(session: Session, kode: str) -> int:
    return _secretariat(session, kode).id


def _refused(exc: Exception) -> click.ClickException:
    from backend.errors import DomainError

    if isinstance(exc, DomainError):
        lines = [exc.detail] + [
            f"  række {e.get('row') or '-'}, kolonne {e.get('column') or '-'}: {e['message']}"
            for e in exc.errors or []
        ]
        return click.ClickException("\n".join(lines))
    return click.ClickException(str(exc))


def _secretariat_scope(session: Session, kode: str) -> tuple[int, TenantScope]:
    from backend.organisations import service as organisations

    org = _secretariat(session, kode)
    members = [o.id for o in organisations.list_organisations(session, org.rammeaftale_id)]
    return org.rammeaftale_id, secretariat_scope(org.id, members)


def _emit(data: bytes, output: Path | None, *, binary: bool) -> None:
    if output is not None:
        output.write_bytes(data)
        click.echo(f"Skrev {output}", err=True)
    elif binary:
        raise click.ClickException("XLSX skrives til en fil: brug --output.")
    else:
        click.echo(data.decode("utf-8"))


def render_openapi() -> str:
    """The OpenAPI document the code generates (``rammetal openapi`` writes it)."""
    from backend.app import create_app
    from backend.http.openapi import sorted_keys

    app = create_app(Settings(database_url="sqlite://"))
    spec = sorted_keys(app.extensions["rammetal.api"].spec.to_dict())
    return json.dumps(spec, indent=2, ensure_ascii=False, default=str)
