"""Uploads: parse and validate a file against the database's view of the organisation, then
store the submission, its original bytes and its lines in the caller's transaction.

Services take a session and plain values and only flush; the request (or CLI command)
commits. An upload is all-or-nothing: a file with errors raises before anything is
written. Reading, listing and the workflow steps live in :mod:`.queries` and
:mod:`.workflow`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.context import Principal
from backend.db.base import new_id
from backend.db.session import Database
from backend.db.tenancy import acting_as, elevated
from backend.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, PreconditionFailed
from backend.fields import safe_file_name
from backend.offers.models import Offer, OfferYear
from backend.organisations import service as organisations
from backend.organisations.aliases import buyer_aliases
from backend.organisations.models import Organisation, OrganisationAlias
from backend.periods.models import STREAM_LABELS, ReportingPeriod
from backend.periods.states import PeriodStatus
from backend.policy import Permission, can, require_permission
from backend.submissions import history
from backend.submissions.intake import (
    Code,
    IntakeContext,
    Maalgruppe,
    OfferInfo,
    ParseResult,
    build_csv_template,
    build_xlsx_template,
    parse_upload,
)
from backend.submissions.models import LINE_MODELS, Submission, SubmissionFile, TakstLine
from backend.submissions.states import SubmissionStatus
from backend.tabular.media import TABLE_FORMATS

ENTITY = "submission"
#: Acute and short-stay offers: a tariff calculated with 90-95 % belægning is normal there.
AKUT_MAALGRUPPER = frozenset({"kvindekrisecentre", "forsorgshjem"})
#: Lines are inserted in chunks of this many rows (progress is reported per chunk).
CHUNK_ROWS = 2000

Progress = Callable[[int], None]


class UploadInvalid(DomainError):
    """The file has errors; ``errors`` lists every one with sheet, row, column and value."""

    status = 422
    code = "ugyldig_fil"


class UploadTooLarge(DomainError):
    status = 413
    code = "for_stor"


# --- the intake context from the database -------------------------------------------
def _own_offers(session: Session, org: Organisation, year: int) -> dict[str, OfferInfo]:
    """The organisation's offers with their normering and coverage of ``year`` (columns
    only: a large registry is read without building ORM objects)."""
    year_row = sa.orm.aliased(OfferYear)
    query = (
        sa.select(
            Offer.id,
            Offer.navn,
            Offer.maalgruppe,
            Offer.tilbudstype,
            Offer.tilbudsportalen_id,
            Offer.sel_paragraf,
            Offer.gyldig_fra,
            Offer.gyldig_til,
            year_row.normering,
            year_row.omfattet,
        )
        .outerjoin(
            year_row,
            sa.and_(
                year_row.org_id == Offer.org_id, year_row.offer_id == Offer.id, year_row.aar == year
            ),
        )
        .where(Offer.org_id == org.id)
        .order_by(Offer.navn)
    )
    with acting_as(session, org.id):
        rows = session.execute(query).all()
    return {
        str(r.id): OfferInfo(
            tilbud_id=str(r.id),
            navn=r.navn,
            maalgruppe=r.maalgruppe,
            tilbudstype=r.tilbudstype,
            normering=r.normering,
            akut=r.maalgruppe in AKUT_MAALGRUPPER,
            tilbudsportalen_id=r.tilbudsportalen_id,
            sel_paragraf=r.sel_paragraf,
            omfattet=True if r.omfattet is None else r.omfattet,
            gyldig_fra=r.gyldig_fra,
            gyldig_til=r.gyldig_til,
        )
        for r in rows
    }


def _foreign_offer_ids(session: Session, org: Organisation) -> frozenset[str]:
    """Ids of the other organisations' offers in the same rammeaftale (ids only), so the
    user is told the offer belongs to someone else rather than that it does not exist."""
    others = session.scalars(
        sa.select(Organisation.id).where(
            Organisation.rammeaftale_id == org.rammeaftale_id, Organisation.id != org.id
        )
    ).all()
    if not others:
        return frozenset()
    with elevated(session, others, reason="foreign_offer: ids of other organisations' offers"):
        return frozenset(str(i) for i in session.scalars(sa.select(Offer.id)))


def _kommune_aliases(session: Session) -> dict[str, str]:
    """Every køberkommune: the 98 municipalities and 5 regions of the national list, with the
    registry's municipalities and regions and their aliases on top."""
    buyers = session.scalars(
        sa.select(Organisation).where(Organisation.type.in_(("kommune", "region")))
    ).all()
    aliases: dict[int, list[str]] = {}
    for org_id, alias in session.execute(
        sa.select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
    ):
        aliases.setdefault(org_id, []).append(alias)
    return buyer_aliases((k.kode, k.navn, tuple(aliases.get(k.id, ()))) for k in buyers)


def _previous_takster(
    session: Session, org: Organisation, period: ReportingPeriod
) -> dict[str, Any]:
    """Basistakst per offer from the latest approved takster submission of the year before
    (the line without takstgruppe when the offer has several)."""
    previous = sa.select(ReportingPeriod.id).where(
        ReportingPeriod.rammeaftale_id == period.rammeaftale_id,
        ReportingPeriod.stream == "takster",
        ReportingPeriod.aar == period.aar - 1,
    )
    with acting_as(session, org.id):
        approved = session.scalar(
            sa.select(Submission.id)
            .where(
                Submission.org_id == org.id,
                Submission.stream == "takster",
                Submission.status == SubmissionStatus.GODKENDT,
                Submission.period_id.in_(previous),
            )
            .order_by(Submission.version.desc())
            .limit(1)
        )
        if approved is None:
            return {}
        lines = session.execute(
            sa.select(TakstLine.offer_id, TakstLine.basistakst, TakstLine.takstgruppe)
            .where(TakstLine.org_id == org.id, TakstLine.submission_id == approved)
            .order_by(TakstLine.takstgruppe.is_not(None), TakstLine.line_no)
        )
        out: dict[str, Any] = {}
        for offer_id, basistakst, _gruppe in lines:
            out.setdefault(str(offer_id), basistakst)
        return out


def build_context(session: Session, org: Organisation, period: ReportingPeriod) -> IntakeContext:
    """Everything intake validates an upload of ``org`` for ``period`` against."""
    maalgrupper = tuple(
        Maalgruppe(kode=m.kode, navn=m.navn, tilbudstyper=frozenset(m.tilbudstype_koder))
        for m in organisations.list_maalgrupper(session, org.rammeaftale_id)
    )
    return IntakeContext(
        organisation=org.kode,
        year=period.aar,
        quarter=period.kvartal_or_none,
        offers=_own_offers(session, org, period.aar),
        foreign_offer_ids=_foreign_offer_ids(session, org),
        maalgrupper=maalgrupper,
        kommune_aliases=_kommune_aliases(session),
        previous_takster=_previous_takster(session, org, period),
        previous_normering=history.previous_normering(
            session, org_id=org.id, rammeaftale_id=period.rammeaftale_id, year=period.aar
        ),
        open=period.status == PeriodStatus.AABEN,
    )


# --- upload -------------------------------------------------------------------------
def latest_version(session: Session, *, org_id: int, period_id: int, stream: str) -> int:
    """The highest version of the organisation's submissions for a period and stream (0: none)."""
    return (
        session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Submission.version), 0)).where(
                Submission.org_id == org_id,
                Submission.period_id == period_id,
                Submission.stream == stream,
            )
        )
        or 0
    )


def check_open(period: ReportingPeriod, stream: str) -> None:
    if period.stream != stream:
        raise Invalid(
            "Perioden gælder en anden datastrøm.",
            code="forkert_datastroem",
            errors=[
                {
                    "field": "stream",
                    "location": "path",
                    "message": f"Perioden gælder datastrømmen '{period.stream}', ikke '{stream}'.",
                }
            ],
        )
    if period.status != PeriodStatus.AABEN:
        raise Conflict(
            "Perioden er lukket; der kan ikke indberettes til den.", code=str(Code.PERIOD_CLOSED)
        )


def _parse(data: bytes, stream: str, context: IntakeContext, max_bytes: int) -> ParseResult:
    result = parse_upload(data, stream, context, max_bytes=max_bytes)
    if result.ok:
        return result
    errors = [issue.to_dict() for issue in result.errors]
    if [e["code"] for e in errors] == [str(Code.FILE_TOO_LARGE)]:
        raise UploadTooLarge(errors[0]["message"], errors=errors)
    raise UploadInvalid(
        f"Filen er ikke indlæst: den har {len(errors)} fejl. Ret dem alle og indlæs filen igen.",
        errors=errors,
    )


#: Record fields that are not line columns (row → line_no, tilbud_id → offer_id; the name is
#: information only in the file, the registry has it).
_NOT_COLUMNS = frozenset({"row", "tilbud_id", "tilbudsnavn"})


@functools.cache
@functools.cache
def _value_fields(record_type: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record_type) if f.name not in _NOT_COLUMNS)


def _line_values(record: Any, *, org_id: int, submission_id: Any) -> dict[str, Any]:
    tilbud_id = record.tilbud_id
    line = {
        "org_id": org_id,
        "submission_id": submission_id,
        "line_no": record.row,
        "offer_id": None if tilbud_id is None else uuid.UUID(tilbud_id),
    }
    for name in _value_fields(record.__class__):
        line[name] = getattr(record, name)
    return line


def _bind_processor(type_: Any, dialect: Any) -> Any:
    """The column's bind processor, except that a ``Numeric`` is bound as the ``Decimal`` it
    is wherever the driver takes one (psycopg): SQLAlchemy's processor would turn it into a
    float, which rounds 99.999.999.999.999,99 up past what NUMERIC(16, 2) holds. SQLite's
    driver has no Decimal; there the processor stays (the amounts are bounded to the 15
    significant digits a float keeps, see ``intake.streams.MONEY_MAX``)."""
    if isinstance(type_, sa.Numeric) and dialect.name != "sqlite":
        return None
    return type_.bind_processor(dialect)


def _insert_lines(
    session: Session, stream: str, lines: Sequence[dict[str, Any]], progress: Progress | None
) -> None:
    """Bulk-insert the lines with the DB-API's ``executemany``.

    The statement is compiled once and each column's bind processor (Decimal, UUID …) is
    applied here, which skips SQLAlchemy's per-row parameter construction: about 40 % of
    the store time for a 20.000-row file (perf/README.md). The rows carry the submission's
    ``org_id`` (checked in scope by the caller); on PostgreSQL RLS checks them again.
    """
    if not lines:
        return
    table: sa.Table = LINE_MODELS[stream].__table__  # type: ignore[assignment]
    connection = session.connection()
    dialect = connection.dialect
    keys = list(lines[0])
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=keys)
    processors = [(k, _bind_processor(table.c[k].type, dialect)) for k in keys]
    positions = compiled.positiontup  # positional paramstyles (SQLite's qmark) need tuples
    order = [keys.index(name) for name in positions] if positions else None
    for start in range(0, len(lines), CHUNK_ROWS):
        chunk = lines[start : start + CHUNK_ROWS]
        rows = [
            [row[k] if p is None or row[k] is None else p(row[k]) for k, p in processors]
            for row in chunk
        ]
        if order is not None:
            params: list[Any] = [tuple(row[i] for i in order) for row in rows]
        else:
            params = [dict(zip(keys, row, strict=True)) for row in rows]
        connection.exec_driver_sql(str(compiled), params)
        if progress is not None:
            progress(len(chunk))


def summary(submission: Submission) -> dict[str, Any]:
    """What the audit log records about a submission (not its warnings or lines)."""
    return {
        "period_id": submission.period_id,
        "stream": submission.stream,
        "version": submission.version,
        "status": submission.status,
        "file_name": submission.file_name,
        "file_sha256": submission.file_sha256,
        "file_size": submission.file_size,
        "row_count": submission.row_count,
        "warnings": len(submission.warnings or ()),
        "note": submission.note,
    }


@dataclass(frozen=True)
class ValidUpload:
    """A parsed, error-free upload waiting to be stored (see :func:`store`)."""

    org: Organisation
    period: ReportingPeriod
    stream: str
    filename: str
    data: bytes
    version: int
    result: ParseResult


def _check_not_identical(
    session: Session,
    *,
    org: Organisation,
    period: ReportingPeriod,
    stream: str,
    data: bytes,
    latest: int,
) -> None:
    """409 ``samme_fil`` when ``data`` is byte for byte the latest version's file: a second
    click or a re-sent e-mail attachment would otherwise make a new version with nothing new."""
    if latest == 0:
        return
    with acting_as(session, org.id):
        previous = session.execute(
            sa.select(Submission.file_sha256, Submission.status, Submission.uploaded_at).where(
                Submission.org_id == org.id,
                Submission.period_id == period.id,
                Submission.stream == stream,
                Submission.version == latest,
            )
        ).first()
    if previous is None or previous.file_sha256 != hashlib.sha256(data).hexdigest():
        return
    raise Conflict(
        f"Filen er identisk med version {latest}, som allerede er indlæst; der er ikke oprettet "
        "en ny version. Ret filen, hvis der skal indberettes noget andet.",
        code="samme_fil",
    )


def validate(
    session: Session,
    *,
    org: Organisation,
    period: ReportingPeriod,
    stream: str,
    filename: str,
    data: bytes,
    expected_latest_version: int | None = None,
    max_bytes: int,
) -> ValidUpload:
    """Check the period and the client's version, then parse and validate ``data``.

    Raises 409 ``periode_lukket`` for a closed period, 409 ``samme_fil`` when the file is the
    latest version's byte for byte, 412 when ``expected_latest_version``
    (If-Match) is not the latest version, 413 for a file over ``max_bytes`` and 422
    ``ugyldig_fil`` with every error of a bad file. Writes nothing. The file name is
    stored as :func:`backend.fields.safe_file_name` makes it (whichever shell sent it).
    """
    filename = safe_file_name(filename) or f"{stream}-upload"
    check_open(period, stream)
    with acting_as(session, org.id):
        latest = latest_version(session, org_id=org.id, period_id=period.id, stream=stream)
    if expected_latest_version is not None and expected_latest_version != latest:
        raise PreconditionFailed(
            f"Der er indberettet version {latest} siden du hentede listen; hent den igen."
        )
    _check_not_identical(session, org=org, period=period, stream=stream, data=data, latest=latest)
    result = _parse(data, stream, build_context(session, org, period), max_bytes)
    return ValidUpload(org, period, stream, filename, data, latest + 1, result)


def store(
    session: Session,
    upload: ValidUpload,
    *,
    user_id: int | None,
    note: str | None = None,
    progress: Progress | None = None,
) -> Submission:
    """Insert the submission, its file and its lines (in chunks; ``progress`` gets the number
    of lines after each) and one audit entry. 409 ``samtidig_indberetning`` when a concurrent
    upload took the version."""
    org, result = upload.org, upload.result
    with acting_as(session, org.id):
        submission = Submission(
            id=new_id(),
            org_id=org.id,
            period_id=upload.period.id,
            stream=upload.stream,
            version=upload.version,
            status=SubmissionStatus.KLADDE,
            file_name=upload.filename[:255],
            file_sha256=result.sha256,
            file_size=result.size,
            file_format=result.format,
            encoding=result.encoding,
            row_count=len(result.records),
            warnings=[w.to_dict() for w in result.warnings],
            note=note,
            uploaded_by=user_id,
        )
        _insert_version(session, submission)
        session.add(SubmissionFile(org_id=org.id, submission_id=submission.id, content=upload.data))
        lines = [
            _line_values(r, org_id=org.id, submission_id=submission.id) for r in result.records
        ]
        _insert_lines(session, upload.stream, lines, progress)
        audit.record(
            session,
            org_id=org.id,
            action="upload",
            entity=ENTITY,
            entity_id=str(submission.id),
            after=summary(submission),
        )
    return submission


def upload(
    session: Session,
    *,
    org: Organisation,
    period: ReportingPeriod,
    stream: str,
    filename: str,
    data: bytes,
    user_id: int | None,
    expected_latest_version: int | None = None,
    max_bytes: int,
    note: str | None = None,
    begin_writing: Callable[[], None] = lambda: None,
) -> Submission:
    """Validate ``data`` and store it as the next version of ``org``'s ``stream`` for
    ``period``: :func:`validate`, then ``begin_writing`` (the caller takes its write lock
    after the read phase), then :func:`store`, in the caller's transaction."""
    valid = validate(
        session,
        org=org,
        period=period,
        stream=stream,
        filename=filename,
        data=data,
        expected_latest_version=expected_latest_version,
        max_bytes=max_bytes,
    )
    begin_writing()
    return store(session, valid, user_id=user_id, note=note)


#: Codes of an upload that lost a race for the next version; its file is audited.
RACE_CODES = frozenset({"samtidig_indberetning", "foraeldet_version"})


def upload_as(
    session: Session,
    principal: Principal,
    *,
    period: ReportingPeriod,
    stream: str,
    filename: str | None,
    data: bytes,
    max_bytes: int,
    expected_latest_version: int | None = None,
    begin_writing: Callable[[], None] = lambda: None,
    database: Database | None = None,
) -> Submission:
    """The upload as the API and the page run it, for ``principal``'s own organisation.

    The file is parsed and checked first (on SQLite without the write lock), then
    ``begin_writing`` takes the lock and the version is stored; ``expected_latest_version``
    (If-Match, or the version the page showed) refuses a stale upload. An upload that loses
    a race is recorded in the audit log (in its own transaction on ``database``) before the
    refusal is raised, so both files of a race are accounted for.
    """
    require_permission(principal, Permission.REPORT)
    org = session.get_one(Organisation, principal.org_id)
    filename = filename or f"{stream}-upload"
    # Read before the rollback below: an expired attribute would open a new transaction
    # (on SQLite holding the write lock) and block the audit entry's own transaction.
    period_id = period.id
    try:
        return upload(
            session,
            org=org,
            period=period,
            stream=stream,
            filename=filename,
            data=data,
            user_id=principal.user_id,
            expected_latest_version=expected_latest_version,
            max_bytes=max_bytes,
            begin_writing=begin_writing,
        )
    except DomainError as exc:
        if exc.code in RACE_CODES and database is not None:
            session.rollback()  # release the failed transaction (and SQLite's lock) first
            record_rejected_upload(
                database,
                org_id=principal.org_id,
                period_id=period_id,
                stream=stream,
                filename=filename,
                data=data,
                reason=exc,
            )
        raise


def _insert_version(session: Session, submission: Submission) -> None:
    """Insert the submission row in a savepoint: when a concurrent upload took the version,
    the UNIQUE constraint fails only the savepoint and the caller gets a clean 409."""
    try:
        with session.begin_nested():
            session.add(submission)
    except IntegrityError as exc:
        raise Conflict(
            "En anden indberetning til samme periode og datastrøm blev gemt samtidig. "
            "Hent listen over versioner og indlæs filen igen, hvis den stadig skal bruges.",
            code="samtidig_indberetning",
        ) from exc


def record_rejected_upload(
    database: Database,
    *,
    org_id: int,
    period_id: int,
    stream: str,
    filename: str | None,
    data: bytes,
    reason: DomainError,
) -> None:
    """Record an upload that lost a race (409/412) in the audit log, in its own transaction.

    Called after the failed unit of work was rolled back, so that both files of a race are
    accounted for: one as a version, the other as this audit entry (hash, size, reason).
    """
    with database.unit_of_work() as session:
        audit.record(
            session,
            org_id=org_id,
            action="upload_rejected",
            entity=ENTITY,
            entity_id=None,
            after={
                "period_id": period_id,
                "stream": stream,
                "file_name": safe_file_name(filename),
                "file_sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "status": reason.status,
                "code": reason.code,
                "detail": reason.detail,
            },
        )


# --- reading ------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    limit: int
    offset: int


def get_submission(session: Session, submission_id: uuid.UUID) -> Submission:
    """A submission in scope; another organisation's is indistinguishable from none."""
    submission = session.scalar(sa.select(Submission).where(Submission.id == submission_id))
    if submission is None:
        raise NotFound("Indberetningen findes ikke.", code="indberetning_findes_ikke")
    return submission


def list_submissions(
    session: Session,
    *,
    period_id: int | None = None,
    stream: str | None = None,
    organisation: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    query = sa.select(Submission)
    if period_id is not None:
        query = query.where(Submission.period_id == period_id)
    if stream:
        query = query.where(Submission.stream == stream)
    if status:
        query = query.where(Submission.status == status)
    if organisation:
        query = query.join(Organisation, Organisation.id == Submission.org_id).where(
            Organisation.kode == organisation
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    order = (
        Submission.period_id.desc(),
        Submission.org_id,
        Submission.stream,
        Submission.version.desc(),
    )
    items = session.scalars(query.order_by(*order).limit(limit).offset(offset))
    return Page(list(items), total, limit, offset)


def list_lines(
    session: Session, submission: Submission, *, limit: int = 1000, offset: int = 0
) -> Page:
    """The submission's lines in file order."""
    model = LINE_MODELS[submission.stream]
    where = (model.org_id == submission.org_id, model.submission_id == submission.id)
    total = session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
    items = session.scalars(
        sa.select(model).where(*where).order_by(model.line_no).limit(limit).offset(offset)
    )
    return Page(list(items), total, limit, offset)


def get_file(session: Session, submission: Submission) -> bytes:
    content = session.scalar(
        sa.select(SubmissionFile.content).where(
            SubmissionFile.org_id == submission.org_id,
            SubmissionFile.submission_id == submission.id,
        )
    )
    if content is None:  # pragma: no cover - written in the same transaction as the submission
        raise NotFound("Filen findes ikke.", code="fil_findes_ikke")
    return content


def template(
    session: Session, *, org: Organisation, period: ReportingPeriod, stream: str, fmt: str
) -> bytes:
    """An XLSX or CSV template for ``org``'s ``stream`` in ``period``, pre-filled with its offers."""
    if period.stream != stream:
        check_open(period, stream)  # raises forkert_datastroem
    context = build_context(session, org, period)
    if fmt == "csv":
        return build_csv_template(stream, context)
    return build_xlsx_template(stream, context)


@dataclass(frozen=True)
class Download:
    """A file as every shell serves it: its bytes, media type and suggested name."""

    data: bytes
    media_type: str
    file_name: str


def template_organisation(session: Session, principal: Principal, kode: str | None) -> Organisation:
    """The organisation a template is made for: one's own; any organisation of the agreement
    (``kode``, required) for one who acts for the agreement."""
    for_agreement = can(principal, Permission.ACT_FOR_AGREEMENT)
    if kode is None or kode == principal.org_kode:
        if for_agreement:
            raise Invalid(
                "Angiv organisationen, skabelonen skal laves til.", code="organisation_mangler"
            )
        return session.get_one(Organisation, principal.org_id)
    if not for_agreement:
        raise Forbidden("Du kan kun hente skabeloner til din egen organisation.")
    org = organisations.get_by_code(session, kode)
    if org is None or org.rammeaftale_id != principal.rammeaftale_id:
        raise NotFound("Organisationen findes ikke.", code="organisation_findes_ikke")
    return org


def template_file_name(org: Organisation, period: ReportingPeriod, stream: str, fmt: str) -> str:
    """``Skabelon belægning 2017 K1 - Herning Kommune.xlsx``."""
    quarter = f" K{period.kvartal}" if period.kvartal else ""
    label = STREAM_LABELS[stream].lower()
    return f"Skabelon {label} {period.aar}{quarter} - {org.navn}.{fmt}"


def template_download(
    session: Session,
    principal: Principal,
    *,
    period: ReportingPeriod,
    stream: str,
    fmt: str,
    organisation: str | None = None,
) -> Download:
    """The template a principal downloads (API, page and CLI alike): for its own
    organisation, or for ``organisation`` (a kode) when it acts for the agreement."""
    if fmt not in TABLE_FORMATS:
        raise NotFound("Skabelonen findes kun som XLSX og CSV.")
    org = template_organisation(session, principal, organisation)
    data = template(session, org=org, period=period, stream=stream, fmt=fmt)
    return Download(data, TABLE_FORMATS[fmt], template_file_name(org, period, stream, fmt))
