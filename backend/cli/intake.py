"""Commands that bring data in: file imports and reference data."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backend.cli.common import (
    INT32,
    _database,
    _refused,
    _secretariat_org,
    _settings,
    _unit_of_work,
    main,
)
from backend.submissions.states import SubmissionStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# --- import --------------------------------------------------------------------------
#: Test hook (tests/backend/submissions/test_submissions_import.py): sleep once after storing
#: this many lines, so a test can kill the process mid-insert at a known point.
PAUSE_AFTER_ROWS = "RAMMETAL_IMPORT_PAUSE_AFTER_ROWS"


def _issue_line(issue: dict) -> str:
    where = ", ".join(
        f"{label} {issue[key]}"
        for key, label in (
            ("sheet", "ark"),
            ("row", "række"),
            ("column", "kolonne"),
            ("field", "felt"),
        )
        if issue.get(key) is not None
    )
    value = f" (værdi: {issue['value']})" if issue.get("value") is not None else ""
    return f"  {where + ': ' if where else ''}{issue['message']}{value}"


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--org", "org_kode", required=True, help="Organisation code or name, e.g. 751 or Aarhus"
)
@click.option("--period", "period_id", required=True, type=INT32, help="Reporting period id")
@click.option(
    "--stream", required=True, type=click.Choice(["belaegning", "regnskab", "takster", "tilbud"])
)
@click.option("--submit", is_flag=True, help="Also submit the new version to the secretariat.")
@click.option("--note", default=None, help="Note on the submission, e.g. 'afledt'.")
def import_file(
    file: Path, org_kode: str, period_id: int, stream: str, submit: bool, note: str | None
) -> None:
    """Import FILE (XLSX, CSV or JSON) as the next version, as the system user.

    All-or-nothing: a file with errors stores nothing and every error is listed."""
    import time

    from backend.db.tenancy import acting_as
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
            click.echo(
                f"Læser og validerer {file.name} ({len(data) / 1_048_576:.1f} MB) …".replace(
                    ".", ",", 1
                )
            )
            valid = submissions.validate(
                session,
                org=org,
                period=period,
                stream=stream,
                filename=file.name,
                data=data,
                max_bytes=settings.max_request_bytes,
            )
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

                submission = submissions.store(
                    session, valid, user_id=None, note=note, progress=progress
                )
            if submit:
                with acting_as(session, org.id):
                    workflow.submit(session, submission, period=period)
            summary = (
                f"Indlæst som version {submission.version} "
                f"({SubmissionStatus(submission.status).api}) af "
                f"{org.navn}, {stream}, periode {period.id}: {rows} rækker, id {submission.id}."
            )
    except submissions.UploadInvalid as exc:
        click.echo(f"Filen er ikke indlæst: {len(exc.errors or [])} fejl.", err=True)
        for issue in exc.errors or []:
            click.echo(_issue_line(issue), err=True)
        sys.exit(1)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        database.dispose()
    for warning in valid.result.warnings:
        click.echo("Advarsel:" + _issue_line(warning.to_dict()).removeprefix(" "))
    click.echo(summary)


# --- reference data ------------------------------------------------------------------
@main.group()
def reference() -> None:
    """Reference data: population, PL index, structural indicators (as the secretariat)."""


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
@click.option(
    "--format", "fmt", type=click.Choice(["folk1a", "totaler", "aldersgrupper"]), default="folk1a"
)
@click.option("--aar", type=INT32, default=None, help="Year of an age-band file.")
@click.option("--kilde", default="Danmarks Statistik, FOLK1A", show_default=True)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_population(
    file: Path, fmt: str, aar: int | None, kilde: str, sekretariat: str
) -> None:
    """Import population (FOLK1A CSV as delivered, a totals file, or an age-band file)."""
    from backend.reference import service as reference_service

    _import(
        lambda session, org_id: reference_service.import_population(
            session,
            data=file.read_bytes(),
            fmt=fmt,
            year=aar,
            kilde=kilde,
            actor_org_id=org_id,
            file_name=file.name,
        ),
        sekretariat,
        "Befolkningstal indlæst: {rows} rækker (import {id}).",
    )


@reference.command("load-pl-index")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kilde", required=True, help="E.g. 'KL, pris- og lønskøn juni 2018'.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_pl_index(file: Path, kilde: str, sekretariat: str) -> None:
    """Import a PL index (aar;indeks)."""
    from backend.reference import service as reference_service

    _import(
        lambda session, org_id: reference_service.import_pl_index(
            session, data=file.read_bytes(), kilde=kilde, actor_org_id=org_id, file_name=file.name
        ),
        sekretariat,
        "PL-indeks indlæst: {rows} år (import {id}).",
    )


@reference.command("load-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--definitioner", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option("--kilde", required=True)
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_load_indicators(
    file: Path, definitioner: Path | None, kilde: str, sekretariat: str
) -> None:
    """Import structural indicators (kommunekode;aar;<indikator>…) with their definitions."""
    from backend.reference import service as reference_service

    _import(
        lambda session, org_id: reference_service.import_indicators(
            session,
            data=file.read_bytes(),
            definitions=definitioner.read_bytes() if definitioner else None,
            kilde=kilde,
            actor_org_id=org_id,
            file_name=file.name,
        ),
        sekretariat,
        "Strukturindikatorer indlæst: {rows} værdier (import {id}).",
    )


@reference.command("fetch-population")
@click.option("--omraade", "areas", multiple=True, required=True, help="Area code; repeat.")
@click.option("--aar", "years", multiple=True, type=INT32, required=True, help="Year; repeat.")
@click.option("--sekretariat", default="sekretariat-midt", show_default=True)
def reference_fetch_population(
    areas: tuple[str, ...], years: tuple[int, ...], sekretariat: str
) -> None:
    """Fetch FOLK1A by area and age for 1 January of each year from Statistikbanken."""
    from backend.reference import service as reference_service

    _import(
        lambda session, org_id: reference_service.fetch_population(
            session, areas=areas, years=years, actor_org_id=org_id
        ),
        sekretariat,
        "Befolkningstal hentet: {rows} rækker (import {id}).",
    )
