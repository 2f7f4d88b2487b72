"""Danish labels shared by the pages: streams, periods, submission and board statuses.

The stream names and media types are the domain's (``periods.models.STREAM_LABELS``,
``tabular.media``), re-exported here for the templates."""

from __future__ import annotations

from typing import Any

from backend.periods.models import STREAM_LABELS
from backend.submissions.states import SubmissionStatus
from backend.tabular.media import TABLE_FORMATS

SUBMISSION_STATUS = {s.value: s.label for s in SubmissionStatus}
#: submissions.workflow.status_overview's statuses → the board's words.
BOARD_STATUS = {"ingen": "Mangler", "for_sent": "Mangler", **SUBMISSION_STATUS}
#: The formats a page's table downloads in, with their media types.
MIMETYPES = TABLE_FORMATS


__all__ = ["BOARD_STATUS", "MIMETYPES", "STREAM_LABELS", "SUBMISSION_STATUS", "period_label"]


def period_label(period: Any) -> str:
    quarter = f", {period.kvartal}. kvartal" if period.kvartal else ""
    return f"{STREAM_LABELS.get(period.stream, period.stream)} {period.aar}{quarter}"
