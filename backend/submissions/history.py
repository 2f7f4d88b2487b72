"""Last year's approved values an upload and a template are compared with or prefilled from.

Services take a session and plain values and only read; like the rest of the intake
context they read as the uploading organisation (`acting_as`), so the tenant hook scopes
every statement.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backend.db.tenancy import acting_as
from backend.offers.models import OfferYear
from backend.periods.models import ReportingPeriod
from backend.submissions.models import BelaegningLine, Submission, TilbudLine
from backend.submissions.states import SubmissionStatus


def _approved(
    session: Session, org_id: int, rammeaftale_id: int, stream: str, aar: int
) -> list[uuid.UUID]:
    """Ids of the latest approved version per reporting period of ``stream`` and ``aar``."""
    rows = session.execute(
        sa.select(Submission.period_id, Submission.id)
        .join(ReportingPeriod, ReportingPeriod.id == Submission.period_id)
        .where(
            Submission.org_id == org_id,
            Submission.stream == stream,
            Submission.status == SubmissionStatus.GODKENDT,
            ReportingPeriod.rammeaftale_id == rammeaftale_id,
            ReportingPeriod.aar == aar,
        )
        .order_by(Submission.period_id, Submission.version)
    ).all()
    return list({period: submission for period, submission in rows}.values())


def previous_normering(
    session: Session, *, org_id: int, rammeaftale_id: int, year: int
) -> dict[str, Decimal]:
    """Per offer id (text): the normering approved for ``year`` - 1.

    The most recent approved reading wins: the approved belægning of that year (the highest
    quarter that has a normering; with a køberkommune split, the largest of the quarter's
    lines), else the approved tilbud submission of that year, else the registry's value for
    that year (what approving a tilbud submission, or the secretariat, wrote there).
    """
    aar = year - 1
    out: dict[str, Decimal] = {}
    with acting_as(session, org_id):
        registry = session.execute(
            sa.select(OfferYear.offer_id, OfferYear.normering).where(
                OfferYear.org_id == org_id, OfferYear.aar == aar
            )
        )
        out.update((str(offer), normering) for offer, normering in registry)
        tilbud = _approved(session, org_id, rammeaftale_id, "tilbud", aar)
        if tilbud:
            lines = session.execute(
                sa.select(TilbudLine.offer_id, TilbudLine.normering)
                .where(
                    TilbudLine.org_id == org_id,
                    TilbudLine.submission_id.in_(tilbud),
                    TilbudLine.offer_id.is_not(None),
                )
                .order_by(TilbudLine.line_no)
            )
            out.update((str(offer), normering) for offer, normering in lines)
        belaegning = _approved(session, org_id, rammeaftale_id, "belaegning", aar)
        if belaegning:
            quarters = session.execute(
                sa.select(
                    BelaegningLine.offer_id,
                    BelaegningLine.kvartal,
                    sa.func.max(BelaegningLine.normering),
                )
                .where(
                    BelaegningLine.org_id == org_id,
                    BelaegningLine.submission_id.in_(belaegning),
                    BelaegningLine.normering.is_not(None),
                )
                .group_by(BelaegningLine.offer_id, BelaegningLine.kvartal)
                .order_by(BelaegningLine.kvartal)
            )
            out.update(
                (str(offer), normering)
                for offer, _kvartal, normering in quarters
                if normering is not None
            )
    return out
