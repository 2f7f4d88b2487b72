from __future__ import annotations

import email.message
import io
import json
import urllib.error
import urllib.request

import pytest

from backend.reference.sources import statbank
from backend.reference.sources.statbank import (
    STATBANK_DATA_URL,
    HttpRequest,
    StatbankError,
    StatbankUnavailableError,
    build_data_request,
    fetch_folk1a,
    fetch_folk1a_bands,
    quarter_code,
    urllib_transport,
)

from .support import DATA

RECORDED = (DATA / "statbank_folk1a_response.csv").read_bytes()

# Band sums of the replay fixture (synthetic ages; the totals are the published ones).
EXPECTED_BANDS = {
    ("082", 2017): (292071, 830292, 181890, 1304253),
    ("082", 2018): (292324, 837678, 183594, 1313596),
    ("741", 2017): (834, 2372, 518, 3724),
    ("741", 2018): (827, 2373, 520, 3720),
    ("751", 2017): (75169, 213699, 46816, 335684),
    ("751", 2018): (75756, 217086, 47579, 340421),
}


class Recorder:
    """A transport that remembers the request and replays a recorded response."""

    def __init__(self, response: bytes = RECORDED) -> None:
        self.response = response
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> bytes:
        self.requests.append(request)
        return self.response


def test_fetch_folk1a_bands_replays_the_recorded_response() -> None:
    transport = Recorder()
    result = fetch_folk1a_bands(["082", "751", "741"], [2017, 2018], transport=transport)
    assert result.errors == ()
    found: dict[tuple[str, int], dict[str, int]] = {}
    for record in result.records:
        assert record.quarter == 1
        found.setdefault((record.area_code, record.year), {})[record.age_band] = record.count
    assert {
        key: (c["0-17"], c["18-64"], c["65+"], c["total"]) for key, c in found.items()
    } == EXPECTED_BANDS


def test_request_body_and_headers() -> None:
    transport = Recorder()
    fetch_folk1a_bands(["082", "751"], [2017, 2018], transport=transport, timeout=5)
    (request,) = transport.requests
    assert request.url == STATBANK_DATA_URL == "https://api.statbank.dk/v1/data"
    assert request.timeout == 5
    assert request.headers["Content-Type"].startswith("application/json")
    assert json.loads(request.body.decode("utf-8")) == {
        "table": "FOLK1A",
        "format": "CSV",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": [
            {"code": "OMRÅDE", "values": ["082", "751"]},
            {"code": "ALDER", "values": ["*"]},
            {"code": "Tid", "values": ["2017K1", "2018K1"]},
        ],
    }


def test_fetch_folk1a_returns_the_raw_csv() -> None:
    transport = Recorder()
    data = fetch_folk1a(["751"], ["IALT", "0"], ["2017K1"], transport=transport)
    assert data == RECORDED
    body = json.loads(transport.requests[0].body)
    assert body["variables"][1] == {"code": "ALDER", "values": ["IALT", "0"]}


def test_build_data_request_for_another_presentation() -> None:
    body = build_data_request("FOLK1A", {"OMRÅDE": ["751"]}, value_presentation="Value")
    assert body["valuePresentation"] == "Value"
    assert body["variables"] == [{"code": "OMRÅDE", "values": ["751"]}]


def test_quarter_code() -> None:
    assert quarter_code(2017) == "2017K1"
    assert quarter_code(2017, 3) == "2017K3"
    with pytest.raises(ValueError):
        quarter_code(2017, 5)


def test_bad_data_in_the_response_comes_back_as_parse_errors() -> None:
    transport = Recorder(b"OMR\xc3\x85DE;ALDER;TID;INDHOLD\r\n751;IALT;2017K1;..\r\n")
    result = fetch_folk1a_bands(["751"], [2017], transport=transport)
    assert [(e.row, e.column) for e in result.errors] == [(2, "INDHOLD")]


def test_offline_gives_a_danish_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: urllib.request.Request, timeout: float) -> None:
        assert timeout == statbank.DEFAULT_TIMEOUT_SECONDS
        raise urllib.error.URLError(OSError("Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(StatbankUnavailableError, match="Statistikbanken kunne ikke nås"):
        fetch_folk1a_bands(["751"], [2017])


def test_timeout_gives_a_danish_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(request: urllib.request.Request, timeout: float) -> None:
        raise TimeoutError("timed out")

    monkeypatch.setattr(urllib.request, "urlopen", hang)
    with pytest.raises(StatbankUnavailableError, match="Kontrollér netværksforbindelsen"):
        fetch_folk1a(["751"], ["IALT"], ["2017K1"], timeout=0.1)


def test_closed_port_is_reported_as_unavailable() -> None:
    request = HttpRequest("http://127.0.0.1:9/v1/data", b"{}", timeout=2)
    with pytest.raises(StatbankUnavailableError):
        urllib_transport(request)


def test_api_error_message_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def reject(request: urllib.request.Request, timeout: float) -> None:
        body = json.dumps({"errorTypeCode": "EXTRACT-NOTFOUND", "message": "Ukendt tabel"})
        raise urllib.error.HTTPError(
            request.full_url,
            400,
            "Bad Request",
            email.message.Message(),
            io.BytesIO(body.encode()),
        )

    monkeypatch.setattr(urllib.request, "urlopen", reject)
    with pytest.raises(
        StatbankError, match=r"afviste forespørgslen \(HTTP 400\): Ukendt tabel"
    ) as info:
        fetch_folk1a(["751"], ["IALT"], ["2017K1"])
    assert not isinstance(info.value, StatbankUnavailableError)


def test_default_transport_posts_json(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[urllib.request.Request] = []

    class Response(io.BytesIO):
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    def answer(request: urllib.request.Request, timeout: float) -> Response:
        seen.append(request)
        return Response(RECORDED)

    monkeypatch.setattr(urllib.request, "urlopen", answer)
    assert fetch_folk1a_bands(["751"], [2017]).ok
    assert seen[0].get_method() == "POST"
    assert seen[0].full_url == STATBANK_DATA_URL
