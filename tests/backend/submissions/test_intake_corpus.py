"""Every file of the bad-file corpus gives its expected error code at its location."""

from __future__ import annotations

import io
import json

import pytest

from backend.submissions.intake import Code, parse_upload

from .factories import DATA, make_context

BAD = DATA / "bad"
EXPECTED: dict[str, dict] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
LOCATION_KEYS = ("sheet", "row", "column", "field", "header")


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 30
    assert {path.name for path in BAD.iterdir()} == {*EXPECTED, "expected.json"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_reports_expected_error(name: str):
    spec = EXPECTED[name]
    result = parse_upload((BAD / name).read_bytes(), spec["stream"], make_context())

    assert not result.ok
    assert result.records == ()
    matching = [e for e in result.errors if e.code == spec["code"]]
    assert matching, [e.to_dict() for e in result.errors]
    issue = matching[0]
    for key in LOCATION_KEYS:
        if key in spec:
            assert getattr(issue, key) == spec[key], (key, issue.to_dict())
    assert issue.message  # Danish text for the user
    if "row" not in spec and "column" not in spec and "field" not in spec:
        assert issue.row is None or spec["code"] in {"ingen_raekker", "skilletegn"}


def test_many_bad_rows_are_reported_at_once():
    spec = EXPECTED["many_bad_rows.csv"]
    result = parse_upload((BAD / "many_bad_rows.csv").read_bytes(), "belaegning", make_context())

    found = [[str(e.code), e.row, e.column] for e in result.errors]
    assert found == spec["all"]
    assert result.row_count == 6


def test_oversized_file_is_rejected_before_parsing():
    big = b"tilbud_id;forbrug\r\n" + b"A-101;1\r\n" * (21 * 1024 * 1024 // 9)
    result = parse_upload(big, "belaegning", make_context())
    assert [e.code for e in result.errors] == [Code.FILE_TOO_LARGE]
    assert result.errors[0].row is None


def test_size_limit_is_a_parameter_and_file_objects_are_read_bounded():
    handle = io.BytesIO(b"x" * 5000)
    result = parse_upload(handle, "belaegning", make_context(), max_bytes=1000)
    assert [e.code for e in result.errors] == [Code.FILE_TOO_LARGE]
    assert handle.tell() == 1001  # stopped reading after the limit


def test_error_cap_ends_with_too_many_errors():
    rows = "".join(f"A-101;{q};abc;abc\r\n" for q in range(1, 5)) * 30
    data = ("tilbud_id;kvartal;normering;forbrug\r\n" + rows).encode()
    result = parse_upload(data, "belaegning", make_context(), max_errors=10)
    assert len(result.errors) == 11
    assert result.errors[-1].code == Code.TOO_MANY_ERRORS
    assert result.row_count == 120


def test_issue_to_dict_leaves_out_empty_location():
    result = parse_upload(b"", "belaegning", make_context())
    assert result.errors[0].to_dict() == {"code": "tom_fil", "message": "Filen er tom."}
