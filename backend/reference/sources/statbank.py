"""A small client for Statistics Denmark's Statistikbank API (``data`` endpoint).

Only the standard library is used. The HTTP transport is a plain callable so tests (and
an offline secretariat) can replay a recorded response::

    result = fetch_folk1a_bands(["751", "082"], [2017, 2018])
    result = fetch_folk1a_bands(["751"], [2017], transport=lambda request: recorded_bytes)

The request asks for codes rather than texts (``valuePresentation: Code``), so area
codes come back as ``751`` and ``082`` and need no alias map, and for Danish labels
(``lang: da``). The response is the CSV :func:`~.folk1a.parse_folk1a` reads::

    OMRÅDE;ALDER;TID;INDHOLD
    751;IALT;2017K1;335684
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .common import ParseResult
from .folk1a import parse_folk1a
from .population import AliasesArg, PopulationRecord

STATBANK_DATA_URL = "https://api.statbank.dk/v1/data"
DEFAULT_TIMEOUT_SECONDS = 30.0
FOLK1A = "FOLK1A"
ALL_VALUES = "*"


@dataclass(frozen=True)
class HttpRequest:
    """What a transport must send: a POST of ``body`` (JSON, UTF-8) to ``url``."""

    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT_SECONDS


Transport = Callable[[HttpRequest], bytes]
"""Sends a request and returns the response body; raises :class:`StatbankError` on failure."""


class StatbankError(RuntimeError):
    """The Statistikbank answered with an error; the message is Danish."""


class StatbankUnavailableError(StatbankError):
    """The Statistikbank could not be reached (offline, DNS, timeout); the message is Danish."""


def urllib_transport(request: HttpRequest) -> bytes:
    """The default transport: ``urllib.request`` with the request's timeout."""
    http_request = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(http_request, timeout=request.timeout) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as exc:
        detail = _error_detail(exc.read())
        raise StatbankError(
            f"Statistikbanken afviste forespørgslen (HTTP {exc.code}){detail}."
        ) from exc
    except (OSError, http.client.HTTPException) as exc:  # URLError and timeouts are OSErrors
        reason = getattr(exc, "reason", exc)
        raise StatbankUnavailableError(
            f"Statistikbanken kunne ikke nås ({reason}). Kontrollér netværksforbindelsen,"
            " eller hent tabellen som CSV fra statistikbanken.dk og indlæs filen."
        ) from exc


def _error_detail(body: bytes) -> str:
    """The API reports errors as JSON ``{"errorTypeCode": ..., "message": ...}``."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    message = payload.get("message") if isinstance(payload, dict) else None
    return f": {message}" if message else ""


def build_data_request(
    table: str,
    variables: Mapping[str, Sequence[str]],
    *,
    value_presentation: str = "Code",
    lang: str = "da",
) -> dict[str, Any]:
    """The JSON body of a ``data`` call: ``{"table", "format": "CSV", "variables": [...]}``.

    ``variables`` maps a variable code (``OMRÅDE``, ``ALDER``, ``Tid``) to the value codes
    wanted; ``["*"]`` selects all values. Variables left out are eliminated by the API
    (summed to their total), which for FOLK1A's ``KØN`` and ``CIVILSTAND`` is what we want.
    """
    return {
        "table": table,
        "format": "CSV",
        "lang": lang,
        "valuePresentation": value_presentation,
        "variables": [
            {"code": code, "values": [str(v) for v in values]} for code, values in variables.items()
        ],
    }


def folk1a_variables(
    areas: Iterable[str], ages: Iterable[str], times: Iterable[str]
) -> dict[str, list[str]]:
    """FOLK1A variable selection: area codes, age codes (``IALT``, ``0`` … ``125``), times."""
    return {"OMRÅDE": list(areas), "ALDER": list(ages), "Tid": list(times)}


def quarter_code(year: int, quarter: int = 1) -> str:
    """``2017, 1`` → ``"2017K1"`` (quarter 1 is the population on 1 January)."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1-4, not {quarter}")
    return f"{year}K{quarter}"


def fetch_data(
    body: Mapping[str, Any],
    *,
    transport: Transport | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    url: str = STATBANK_DATA_URL,
) -> bytes:
    """POST a request body to the ``data`` endpoint and return the raw response bytes.

    Raises :class:`StatbankUnavailableError` when offline, :class:`StatbankError` when the
    API refuses the request.
    """
    request = HttpRequest(
        url=url,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "text/csv"},
        timeout=timeout,
    )
    return (transport or urllib_transport)(request)


def fetch_folk1a(
    areas: Iterable[str],
    ages: Iterable[str],
    times: Iterable[str],
    *,
    transport: Transport | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> bytes:
    """Fetch FOLK1A for the given area codes, age codes and time codes as CSV bytes."""
    body = build_data_request(FOLK1A, folk1a_variables(areas, ages, times))
    return fetch_data(body, transport=transport, timeout=timeout)


def fetch_folk1a_bands(
    areas: Iterable[str],
    years: Iterable[int],
    *,
    quarter: int = 1,
    transport: Transport | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    aliases: AliasesArg = None,
) -> ParseResult[PopulationRecord]:
    """Population in age bands for area codes and years (quarter 1 = 1 January by default).

    Asks for every age (``*``: the total and each single age) so the bands are summed
    from single ages and checked against the API's own total. Network failures raise
    :class:`StatbankError`; problems in the returned data come back as parse errors.
    """
    times = [quarter_code(year, quarter) for year in years]
    data = fetch_folk1a(areas, [ALL_VALUES], times, transport=transport, timeout=timeout)
    return parse_folk1a(data, aliases)


__all__ = [
    "ALL_VALUES",
    "DEFAULT_TIMEOUT_SECONDS",
    "STATBANK_DATA_URL",
    "HttpRequest",
    "StatbankError",
    "StatbankUnavailableError",
    "Transport",
    "build_data_request",
    "fetch_data",
    "fetch_folk1a",
    "fetch_folk1a_bands",
    "folk1a_variables",
    "quarter_code",
    "urllib_transport",
]
