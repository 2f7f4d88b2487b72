"""The secretariat's view of who has reported for a period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import Env
from tests.factories import make_period, make_token, upload_submission

REGNSKAB_CSV = (
    "tilbud_id;regnskab;belaegning;over_underskud;tillaeg;prisaar\n;1000000;10;0;0;2024\n"
)


def _status(env: Env, period: int, headers: dict[str, str]) -> dict[str, dict]:
    resp = env.client.get(f"/api/v1/periods/{period}/status", headers=headers)
    assert resp.status_code == 200, resp.json
    return {o["organisation"]: o for o in resp.json["organisationer"]}


def test_status_per_organisation_and_stream(env: Env) -> None:
    period = make_period(
        env.database, stream="regnskab", aar=2024, frist=date.today() + timedelta(days=30)
    )
    upload_submission(
        env.database, org="657", period_id=period, stream="regnskab", data=REGNSKAB_CSV.encode()
    )
    upload_submission(
        env.database,
        org="751",
        period_id=period,
        stream="regnskab",
        data=REGNSKAB_CSV.encode(),
        submit=True,
    )
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    rows = _status(env, period, secretariat)
    assert len(rows) == 20 and "sekretariat-midt" not in rows  # 19 municipalities and the Region
    assert (rows["657"]["status"], rows["657"]["version"]) == ("kladde", 1)
    assert rows["751"]["status"] == "indsendt"
    assert rows["741"]["status"] == "ingen" and rows["741"]["for_sent"] is False


def test_late_after_the_deadline(env: Env) -> None:
    period = make_period(env.database, stream="regnskab", aar=2023, frist=date(2024, 4, 30))
    upload_submission(
        env.database, org="751", period_id=period, stream="regnskab", data=REGNSKAB_CSV.encode()
    )
    rows = _status(
        env, period, make_token(env.database, org="sekretariat-midt", role="secretariat")
    )
    assert rows["741"]["status"] == "for_sent" and rows["741"]["for_sent"] is True
    assert rows["751"]["status"] == "for_sent"  # only a draft, and the deadline has passed


@pytest.mark.parametrize(
    ("role", "org", "expected"),
    [
        ("reporter", "657", {"657"}),
        ("org_admin", "751", {"751"}),
        ("viewer", "791", None),
        ("admin", "sekretariat-midt", None),
    ],
)
def test_others_see_only_themselves(
    sqlite_env: Env, role: str, org: str, expected: set[str] | None
) -> None:
    period = make_period(sqlite_env.database, stream="regnskab", aar=2024)
    headers = make_token(sqlite_env.database, org=org, role=role)
    resp = sqlite_env.client.get(f"/api/v1/periods/{period}/status", headers=headers)
    if expected is None:
        assert resp.status_code == 403
    else:
        assert {o["organisation"] for o in resp.json["organisationer"]} == expected


def test_demo_accounts_are_approved_and_samsoe_reported_nothing(full_env: Env) -> None:
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    periods = full_env.client.get(
        "/api/v1/periods?stream=regnskab&aar=2017", headers=secretariat
    ).json
    rows = _status(full_env, periods[0]["id"], secretariat)
    assert rows["657"]["status"] == "godkendt" and rows["1082"]["status"] == "godkendt"
    assert rows["741"]["status"] == "for_sent"  # Samsø runs no offer and sent no accounts
