"""Danish labels shared by the pages: streams, periods, submission and board statuses."""

from __future__ import annotations

from typing import Any

from backend.submissions.states import SubmissionStatus

STREAM_LABELS = {
    "belaegning": "Belægning",
    "regnskab": "Regnskab",
    "takster": "Takster",
    "tilbud": "Tilbudsoversigt",
}
SUBMISSION_STATUS = {s.value: s.label for s in SubmissionStatus}
#: submissions.workflow.status_overview's statuses → the board's words.
BOARD_STATUS = {"ingen": "Mangler", "for_sent": "Mangler", **SUBMISSION_STATUS}
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def period_label(period: Any) -> str:
    quarter = f", {period.kvartal}. kvartal" if period.kvartal else ""
    return f"{STREAM_LABELS.get(period.stream, period.stream)} {period.aar}{quarter}"
