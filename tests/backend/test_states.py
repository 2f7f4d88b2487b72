"""The stored states and the tilbudstype: one enum each, a Danish label beside every value."""

from __future__ import annotations

from backend.offers.states import Tilbudstype
from backend.periods.states import PeriodStatus
from backend.reports.states import Publication
from backend.submissions.states import API_STATUSES, SubmissionStatus
from benchmark.records import TILBUDSTYPER


def test_every_state_has_a_label() -> None:
    for enum in (SubmissionStatus, PeriodStatus, Publication, Tilbudstype):
        assert all(member.label for member in enum)


def test_the_engine_knows_the_same_tilbudstyper() -> None:
    assert tuple(Tilbudstype) == TILBUDSTYPER


def test_submission_api_words_translate_both_ways() -> None:
    assert API_STATUSES == ("draft", "submitted", "approved", "rejected")
    for status in SubmissionStatus:
        assert SubmissionStatus.from_api(status.api) is status
