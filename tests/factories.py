"""Factories: make users, tokens and offers in a test's database through the services."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from backend.auth import service as auth
from backend.auth.models import User
from backend.db.session import Database
from backend.db.tenancy import TenantScope, scoped
from backend.offers import service as offers
from backend.organisations import service as organisations
from backend.periods import service as periods


def make_user(
    database: Database,
    *,
    org: str,
    role: str,
    email: str | None = None,
    password: str | None = None,
) -> str:
    """Create a user and return its e-mail address (no password unless given: tokens
    are issued directly, and argon2 hashing per test would slow the suite down)."""
    email = email or f"{role}-{org}-{uuid.uuid4().hex[:6]}@test.dk"
    with database.unit_of_work() as session:
        organisation = organisations.get_by_code(session, org)
        assert organisation is not None, org
        auth.create_user(
            session,
            email=email,
            navn=f"Test {role}",
            role=role,
            organisation=organisation,
            password=password,
        )
    return email


def make_token(database: Database, *, org: str, role: str) -> dict[str, str]:
    """A user with ``role`` in ``org`` and the Authorization header of a fresh token."""
    email = make_user(database, org=org, role=role)
    with database.unit_of_work() as session:
        user = session.scalar(sa.select(User).where(User.email == email))
        _token, plain = auth.issue_token(session, user, navn="test", ttl_days=1)
    return {"Authorization": f"Bearer {plain}"}


def make_offer(database: Database, *, org: str, **values: Any) -> str:
    """Create an offer of ``org`` (as that organisation) and return its id."""
    data = {
        "navn": f"Testtilbud {uuid.uuid4().hex[:6]}",
        "maalgruppe": "psykisk_handicap",
        "tilbudstype": "doegn",
        "historik": [{"aar": 2017, "normering": 10, "omfattet": True}],
    }
    data.update(values)
    with database.unit_of_work() as session:
        organisation = organisations.get_by_code(session, org)
        with scoped(session, TenantScope.single(organisation.id)):
            offer = offers.create_offer(
                session,
                org_id=organisation.id,
                rammeaftale_id=organisation.rammeaftale_id,
                values=data,
            )
            return str(offer.id)


def make_period(
    database: Database,
    *,
    secretariat: str = "sekretariat-midt",
    stream: str = "regnskab",
    aar: int = 2024,
    kvartal: int | None = None,
    frist: date = date(2025, 4, 30),
) -> int:
    """Open a reporting period of ``secretariat``'s rammeaftale (as that secretariat); its id."""
    with database.unit_of_work() as session:
        organisation = organisations.get_by_code(session, secretariat)
        assert organisation is not None, secretariat
        period = periods.create_period(
            session,
            rammeaftale_id=organisation.rammeaftale_id,
            actor_org_id=organisation.id,
            stream=stream,
            aar=aar,
            kvartal=kvartal,
            frist=frist,
        )
        return period.id


def upload_submission(
    database: Database,
    *,
    org: str,
    period_id: int,
    stream: str,
    data: bytes,
    filename: str = "fil.csv",
    submit: bool = False,
) -> str:
    """Store ``data`` as the next version of ``org``'s submission (as the CLI does); its id."""
    from backend.periods.models import ReportingPeriod
    from backend.submissions import service as submissions
    from backend.submissions import workflow

    with database.unit_of_work() as session:
        organisation = organisations.get_by_code(session, org)
        assert organisation is not None, org
        period = session.get(ReportingPeriod, period_id)
        with scoped(session, TenantScope.single(organisation.id)):
            submission = submissions.upload(
                session,
                org=organisation,
                period=period,
                stream=stream,
                filename=filename,
                data=data,
                user_id=None,
                max_bytes=20 * 1024 * 1024,
            )
            if submit:
                workflow.submit(session, submission, period=period)
            return str(submission.id)


def make_mail(database: Database, *, org: str, subject: str = "Testmail") -> str:
    """A waiting mail in ``org``'s outbox to a new reporter of ``org``; the recipient."""
    from backend.notifications import service as notifications
    from backend.notifications.states import MailKind
    from backend.notifications.texts import Text

    email = make_user(database, org=org, role="reporter")
    with database.unit_of_work() as session:
        user = session.scalars(sa.select(User).where(User.email == email)).one()
        with scoped(session, TenantScope.single(user.organisation_id)):
            notifications.enqueue(
                session,
                org_id=user.organisation_id,
                kind=MailKind.KVITTERING,
                user=user,
                text=Text(subject, "Indhold\n"),
            )
            session.flush()
    return email


def tenant_checksum(database: Database) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the ordered rows of every tenant-owned table, read in a scope
    of all organisations: equal before and after means nothing was written."""
    import hashlib

    from backend.db.base import tenant_owned_tables
    from backend.models import metadata
    from backend.organisations.models import Organisation

    out: dict[str, tuple[int, str]] = {}
    with database.unit_of_work() as session:
        all_orgs = session.scalars(sa.select(Organisation.id)).all()
        with scoped(session, TenantScope.many(None, all_orgs)):
            for name in tenant_owned_tables():
                table = metadata.tables[name]
                rows = session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                out[name] = (len(rows), digest)
    return out
