"""The submission workflow: draft → submitted → approved or rejected.

The organisation submits (``Permission.REPORT``); the secretariat approves or rejects with
a comment (``Permission.DECIDE``); each step checks its permission itself, whichever shell
calls. Steps act on the latest version of an organisation × period × stream only: an
older version is history. A correction after approval is a new version (a new draft);
the approved version keeps its status, and "the" approved data of an organisation ×
period × stream is its highest approved version. Every step is one audit entry.

Approving an offer registry (``tilbud``) submission applies its lines to the registry:
lines with a tilbud_id update that offer and its year, lines without create offers. Those
changes are audited row by row by the audit hook (the offer models are ``__audited__``).

Each step writes its mail to the outbox in its own transaction (``backend.notifications``):
a receipt to the user who submitted, and the decision with the secretariat's comment to
the same user. A step that is rolled back sends nothing; ``rammetal mail send`` delivers.

:func:`status_overview` (who has reported for a period) lives here, not in periods: it
reads the submissions, and periods sit below submissions in the layer order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.context import Principal
from backend.db.base import utcnow
from backend.db.tenancy import require_scope
from backend.errors import Conflict, Invalid
from backend.notifications import service as notifications
from backend.notifications.texts import About
from backend.offers.models import Offer, OfferYear
from backend.organisations.models import Organisation
from backend.periods.models import ReportingPeriod
from backend.policy import Permission, require_permission
from backend.submissions.models import Submission, TilbudLine
from backend.submissions.service import ENTITY, check_open, latest_version
from backend.submissions.states import SubmissionStatus

_WORKFLOW_FIELDS = ("status", "submitted_at", "decided_by", "decided_at", "decision_comment")
#: Length of offer.tilbudsportalen_id; intake accepts longer texts for every text column.
_TILBUDSPORTALEN_MAX = 50


def _state(submission: Submission) -> dict[str, Any]:
    values = {k: getattr(submission, k) for k in _WORKFLOW_FIELDS}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _require(session: Session, submission: Submission, status: SubmissionStatus, step: str) -> None:
    if submission.status != status:
        now = SubmissionStatus(submission.status)
        raise Conflict(
            f"Indberetningen kan ikke {step}: den er {now.label.lower()}, "
            f"ikke {status.label.lower()}.",
            code="forkert_status",
        )
    latest = latest_version(
        session, org_id=submission.org_id, period_id=submission.period_id, stream=submission.stream
    )
    if submission.version != latest:
        raise Conflict(
            f"Indberetningen kan ikke {step}: version {latest} er nyere.",
            code="ikke_nyeste_version",
        )


def _user_id(actor: Principal | None) -> int | None:
    return actor.user_id if actor is not None else None


def _record(session: Session, submission: Submission, action: str, before: dict[str, Any]) -> None:
    audit.record(
        session,
        org_id=submission.org_id,
        action=action,
        entity=ENTITY,
        entity_id=str(submission.id),
        before=before,
        after=_state(submission),
    )


def submit(
    session: Session,
    submission: Submission,
    *,
    period: ReportingPeriod,
    actor: Principal | None = None,
) -> Submission:
    """The organisation sends its latest draft to the secretariat (the period must be open).
    ``actor`` must be allowed to report (``None``: the operator's CLI or the demo loader)."""
    require_permission(actor, Permission.REPORT)
    _require(session, submission, SubmissionStatus.KLADDE, "indsendes")
    check_open(period, submission.stream)
    before = _state(submission)
    submission.status, submission.submitted_at = SubmissionStatus.INDSENDT, utcnow()
    _record(session, submission, "submit", before)
    notifications.enqueue_receipt(
        session,
        org_id=submission.org_id,
        user_id=_user_id(actor) or submission.uploaded_by,
        about=_about(submission, period),
        at=submission.submitted_at,
        period_id=period.id,
    )
    return submission


def approve(
    session: Session,
    submission: Submission,
    *,
    period: ReportingPeriod,
    actor: Principal | None,
    kommentar: str | None = None,
) -> Submission:
    """The secretariat approves a submitted version; a registry upload is applied to the offers.
    ``actor`` must hold :attr:`Permission.DECIDE` (``None``: the operator or the demo loader),
    whichever shell calls: a reporter never approves, not even through a service call."""
    require_permission(actor, Permission.DECIDE)
    _require(session, submission, SubmissionStatus.INDSENDT, "godkendes")
    before = _state(submission)
    submission.status = SubmissionStatus.GODKENDT
    submission.decided_by, submission.decided_at = _user_id(actor), utcnow()
    submission.decision_comment = kommentar
    if submission.stream == "tilbud":
        _apply_registry(session, submission, period.aar)
    _record(session, submission, "approve", before)
    _tell_submitter(session, submission, period, approved=True)
    return submission


def reject(
    session: Session, submission: Submission, *, actor: Principal | None, kommentar: str
) -> Submission:
    """The secretariat rejects a submitted version with a comment; the organisation corrects
    it by uploading a new version. ``actor`` must hold :attr:`Permission.DECIDE`."""
    require_permission(actor, Permission.DECIDE)
    if not kommentar.strip():
        raise Invalid(
            "Skriv en begrundelse for afvisningen.",
            errors=[{"field": "kommentar", "location": "json", "message": "Feltet skal udfyldes."}],
        )
    _require(session, submission, SubmissionStatus.INDSENDT, "afvises")
    before = _state(submission)
    submission.status = SubmissionStatus.AFVIST
    submission.decided_by, submission.decided_at = _user_id(actor), utcnow()
    submission.decision_comment = kommentar
    _record(session, submission, "reject", before)
    period = session.get(ReportingPeriod, submission.period_id)
    if period is not None:
        _tell_submitter(session, submission, period, approved=False)
    return submission


def _about(submission: Submission, period: ReportingPeriod) -> About:
    return About(
        organisation=submission.organisation.navn,
        stream=submission.stream,
        aar=period.aar,
        kvartal=period.kvartal,
        frist=period.frist,
        version=submission.version,
    )


def submitter(session: Session, submission: Submission) -> int | None:
    """The user who submitted ``submission`` (its audit entry), else who uploaded it."""
    found = session.scalar(
        sa.select(AuditEntry.actor_user_id)
        .where(
            AuditEntry.org_id == submission.org_id,
            AuditEntry.entity == ENTITY,
            AuditEntry.entity_id == str(submission.id),
            AuditEntry.action == "submit",
        )
        .order_by(AuditEntry.at.desc())
        .limit(1)
    )
    return found if found is not None else submission.uploaded_by


def _tell_submitter(
    session: Session, submission: Submission, period: ReportingPeriod, *, approved: bool
) -> None:
    notifications.enqueue_decision(
        session,
        org_id=submission.org_id,
        user_id=submitter(session, submission),
        about=_about(submission, period),
        approved=approved,
        kommentar=submission.decision_comment,
        period_id=period.id,
    )


def _apply_registry(session: Session, submission: Submission, year: int) -> None:
    lines = session.scalars(
        sa.select(TilbudLine)
        .where(
            TilbudLine.org_id == submission.org_id,
            TilbudLine.submission_id == submission.id,
        )
        .order_by(TilbudLine.line_no)
    )
    for line in lines:
        if line.tilbudsportalen_id and len(line.tilbudsportalen_id) > _TILBUDSPORTALEN_MAX:
            raise Invalid(
                "Et Tilbudsportalen-ID er for langt.",
                errors=[
                    {
                        "row": line.line_no,
                        "field": "tilbudsportalen_id",
                        "message": f"Tilbudsportalen-ID må højst være {_TILBUDSPORTALEN_MAX} tegn.",
                    }
                ],
            )
        offer = None
        if line.offer_id is not None:
            offer = session.get(Offer, {"org_id": submission.org_id, "id": line.offer_id})
        if offer is None:
            offer = Offer(
                org_id=submission.org_id,
                note=f"Oprettet ved godkendelse af indberetning {submission.id}.",
            )
            session.add(offer)
        for key in (
            "navn",
            "tilbudsportalen_id",
            "maalgruppe",
            "tilbudstype",
            "sel_paragraf",
            "gyldig_fra",
            "gyldig_til",
        ):
            setattr(offer, key, getattr(line, key))
        _set_year(offer, year, line)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Registret indeholder allerede et tilbud med samme navn, målgruppe og tilbudstype.",
            code="tilbud_findes",
        ) from exc


def _set_year(offer: Offer, year: int, line: TilbudLine) -> None:
    row = next((y for y in offer.years if y.aar == year), None)
    if row is None:
        offer.years.append(
            OfferYear(
                org_id=offer.org_id, aar=year, normering=line.normering, omfattet=line.omfattet
            )
        )
    else:
        row.normering, row.omfattet = line.normering, line.omfattet


def status_overview(
    session: Session, period: ReportingPeriod, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Per reporting organisation in scope: the state of its latest version for the period.

    Late (``for_sent``) means the deadline has passed and nothing has been submitted yet
    (no version, a draft, or a rejected version awaiting correction); a version submitted
    after the deadline is also marked late.
    """
    today = today or utcnow().date()
    scope = require_scope()
    orgs = session.execute(
        sa.select(Organisation.id, Organisation.kode, Organisation.navn)
        .where(
            Organisation.rammeaftale_id == period.rammeaftale_id,
            Organisation.type != "sekretariat",
            Organisation.id.in_(sorted(scope.readable)),
        )
        .order_by(Organisation.navn)
    ).all()
    ranked = (
        sa.select(
            Submission.org_id,
            Submission.status,
            Submission.version,
            Submission.uploaded_at,
            Submission.submitted_at,
            sa.func.row_number()
            .over(partition_by=Submission.org_id, order_by=Submission.version.desc())
            .label("rn"),
        )
        .where(Submission.period_id == period.id, Submission.stream == period.stream)
        .subquery()
    )
    latest = {row.org_id: row for row in session.execute(sa.select(ranked).where(ranked.c.rn == 1))}
    out = []
    for org_id, kode, navn in orgs:
        row = latest.get(org_id)
        submitted = row is not None and row.status in (
            SubmissionStatus.INDSENDT,
            SubmissionStatus.GODKENDT,
        )
        late = (not submitted and today > period.frist) or (
            row is not None
            and submitted
            and row.submitted_at is not None
            and row.submitted_at.date() > period.frist
        )
        status = str(row.status) if row is not None else "ingen"
        out.append(
            {
                "organisation": kode,
                "navn": navn,
                "version": row.version if row else None,
                "indberettet": row.uploaded_at if row else None,
                "for_sent": late,
                "status": "for_sent" if late and not submitted else status,
                # for the pages' words: the latest version's own status, and when it was sent
                "seneste": status,
                "indsendt": row.submitted_at if row else None,
            }
        )
    return out
