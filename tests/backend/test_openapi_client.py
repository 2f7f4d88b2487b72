"""A client generated from api_docs/openapi.json can do the whole job (issue 19, item 6).

openapi-python-client (a dev dependency) generates a client from the checked-in document;
the officer's flow (log in, find the period, download the template, upload, submit,
download the stored file) and the secretariat's (list submissions, approve, the
ledelsesinformation as XLSX and CSV, publish) run through it against a live fresh demo.
The quick tests check what the generator needs from the document: an operationId on
every operation, the streams as an enum, the headers declared, one readable file type.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backend.http.openapi import OPERATION_IDS
from backend.periods.models import STREAMS
from tests.live_server import demo_server

SPEC_PATH = Path(__file__).resolve().parents[2] / "api_docs" / "openapi.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
METHODS = ("get", "post", "patch", "put", "delete")
OPERATIONS = [
    (path, method, item[method])
    for path, item in SPEC["paths"].items()
    for method in METHODS
    if method in item
]


def test_every_operation_has_a_named_unique_operation_id() -> None:
    ids = [op.get("operationId") for _, _, op in OPERATIONS]
    assert all(isinstance(i, str) and re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids), ids
    assert len(ids) == len(set(ids))
    unnamed = [
        (method, path)
        for path, method, _ in OPERATIONS
        if (method, path.removeprefix("/api/v1")) not in OPERATION_IDS
    ]
    assert not unnamed, f"name these operations in backend/http/openapi.py OPERATION_IDS: {unnamed}"


def test_stream_path_parameters_list_the_streams() -> None:
    seen = 0
    for item in SPEC["paths"].values():
        params = list(item.get("parameters", []))
        params += [p for m in METHODS if m in item for p in item[m].get("parameters", [])]
        for param in params:
            if param["in"] == "path" and param["name"] == "stream":
                assert sorted(param["schema"]["enum"]) == sorted(STREAMS)
                seen += 1
    assert seen >= 2


def test_sent_headers_are_declared() -> None:
    def headers(path: str, method: str, status: str) -> set[str]:
        return set(SPEC["paths"][path][method]["responses"][status].get("headers", {}))

    assert "Retry-After" in headers("/api/v1/auth/tokens", "post", "429")
    assert {"ETag", "Location"} <= headers("/api/v1/offers", "post", "201")
    assert "ETag" in headers("/api/v1/offers/{offer_id}", "get", "200")
    assert "ETag" in headers("/api/v1/periods/{period_id}", "patch", "200")
    assert {"ETag", "Location"} <= headers(
        "/api/v1/periods/{period_id}/submissions/{stream}", "post", "201"
    )
    assert "Content-Disposition" in headers(
        "/api/v1/periods/{period_id}/templates/{stream}", "get", "200"
    )
    assert {"ETag", "Content-Disposition"} <= headers(
        "/api/v1/submissions/{submission_id}/file", "get", "200"
    )


def test_file_answers_lead_with_octet_stream() -> None:
    """A generator reads an answer by the first media type it knows: for a file, bytes."""
    for path, method, op in OPERATIONS:
        for status, response in op["responses"].items():
            content = response.get("content", {})
            binary = [t for t, m in content.items() if m["schema"].get("format") == "binary"]
            if binary and status.startswith("2"):
                assert next(iter(content)) == "application/octet-stream", (method, path)


def _generate(tmp_path: Path) -> Any:
    """Generate the client into tmp_path (a subprocess) and import it."""
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")
    out = tmp_path / "rammetal_client"
    generator = Path(sys.executable).with_name("openapi-python-client")
    if not generator.exists():
        pytest.fail("openapi-python-client is missing: pip install -e '.[dev]'")
    result = subprocess.run(
        [str(generator), "generate", "--path", str(SPEC_PATH), "--meta", "none"]
        + ["--output-path", str(out), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module("rammetal_client")
    finally:
        sys.path.remove(str(tmp_path))


def _api(name: str) -> Any:
    return importlib.import_module(f"rammetal_client.api.{name}")


def _filled_template(xlsx: bytes) -> bytes:
    """Every offer of the template filled: årets omkostninger (C) and belægning (D)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Regnskab"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, 3).value = 1_000_000
            sheet.cell(row, 4).value = 10
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_the_generated_client_runs_the_officers_and_the_secretariats_flow(
    tmp_path: Path,
) -> None:
    client_pkg = _generate(tmp_path)
    models = importlib.import_module("rammetal_client.models")
    types = importlib.import_module("rammetal_client.types")
    try:
        with demo_server(tmp_path) as base:

            def login(email: str, password: str) -> Any:
                anonymous = client_pkg.Client(base_url=base, raise_on_unexpected_status=True)
                issued = _api("auth.create_token").sync(
                    client=anonymous, body=models.Login(email=email, password=password)
                )
                assert isinstance(issued, models.IssuedToken), issued
                return client_pkg.AuthenticatedClient(
                    base_url=base, token=issued.token, raise_on_unexpected_status=True
                )

            # --- the officer (a municipality's reporter) ---------------------------------
            officer = login("herning@rammetal.demo", "demo-herning")
            me = _api("auth.get_me").sync(client=officer)
            assert me.organisation.kode == "657"
            periods = _api("periods.list_periods").sync(
                client=officer, stream=models.ListPeriodsStream.REGNSKAB, aar=2017
            )
            (period,) = periods
            stream = models.DownloadTemplateStream.REGNSKAB
            template = _api("submissions.download_template").sync_detailed(
                period.id, stream, client=officer, format_=models.DownloadTemplateFormat.XLSX
            )
            assert template.status_code == 200
            assert "attachment" in template.headers["Content-Disposition"]
            assert isinstance(template.parsed, types.File)
            xlsx = template.parsed.payload.read()
            assert xlsx.startswith(b"PK")  # a zip: the bytes as sent, not decoded text
            csv_template = _api("submissions.download_template").sync(
                period.id, stream, client=officer, format_=models.DownloadTemplateFormat.CSV
            )
            assert "Tilbuds-ID" in csv_template.payload.read().decode("utf-8-sig")

            upload = _api("submissions.upload_submission")
            filled = _filled_template(xlsx)
            first = upload.sync_detailed(
                period.id,
                models.UploadSubmissionStream.REGNSKAB,
                client=officer,
                body=models.UploadSubmissionFilesBody(
                    fil=types.File(payload=io.BytesIO(filled), file_name="regnskab.xlsx")
                ),
            )
            assert first.status_code == 201, first.content
            assert isinstance(first.parsed, models.Submission)
            assert first.headers["ETag"] == f'"{first.parsed.version}"'
            # the same file again, as the raw body (application/octet-stream): refused as
            # identical, with the documented problem
            again = upload.sync_detailed(
                period.id,
                models.UploadSubmissionStream.REGNSKAB,
                client=officer,
                body=types.File(payload=io.BytesIO(filled)),
                x_filename="regnskab.xlsx",
                if_match=first.headers["ETag"],
            )
            assert again.status_code == 409 and again.parsed.code == "samme_fil", again.content

            submission = first.parsed
            submitted = _api("submissions.submit_submission").sync(submission.id, client=officer)
            assert submitted.status == "submitted"
            stored = _api("submissions.download_submission_file").sync_detailed(
                submission.id, client=officer
            )
            assert stored.parsed.payload.read() == filled
            assert stored.headers["ETag"].strip('"') == submission.file_sha256

            # --- the secretariat ----------------------------------------------------------
            secretariat = login("sekretariat@rammetal.demo", "demo-sekretariat")
            page = _api("submissions.list_submissions").sync(
                client=secretariat, status=models.ListSubmissionsStatus.SUBMITTED
            )
            assert [s.id for s in page.items] == [submission.id]
            approved = _api("submissions.approve_submission").sync(
                submission.id, client=secretariat, body=models.Decision(kommentar="Godkendt")
            )
            assert approved.status == "approved"

            report = _api("reports.get_ledelsesinformation")
            xlsx_report = report.sync_detailed(
                2017, client=secretariat, format_=models.GetLedelsesinformationFormat.XLSX
            )
            assert xlsx_report.headers["Content-Type"].startswith(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            assert xlsx_report.parsed.payload.read().startswith(b"PK")
            csv_report = report.sync_detailed(
                2017, client=secretariat, format_=models.GetLedelsesinformationFormat.CSV
            )
            assert csv_report.headers["Content-Type"].startswith("text/csv")
            assert ".csv" in csv_report.headers["Content-Disposition"]
            assert "Herning" in csv_report.parsed.payload.read().decode("utf-8-sig")

            snapshot = _api("reports.publish_ledelsesinformation").sync(2017, client=secretariat)
            assert isinstance(snapshot, models.Snapshot) and snapshot.version == 1
            published = report.sync(
                2017,
                client=officer,
                format_=models.GetLedelsesinformationFormat.JSON,
            )
            assert json.loads(published.payload.read())["version"] == 1
    finally:
        for name in [m for m in sys.modules if m.partition(".")[0] == "rammetal_client"]:
            del sys.modules[name]
