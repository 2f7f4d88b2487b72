"""Who may read drafts, read published outputs and publish (every role, before and after)."""

from __future__ import annotations

import pytest

from tests.conftest import Env
from tests.factories import make_token

ROLES = {
    "reporter": "657",
    "org_admin": "657",
    "secretariat": "sekretariat-midt",
    "viewer": "791",
    "admin": "sekretariat-midt",
}
# role -> (before publishing, after publishing) status of GET ledelsesinformation and nøgletal
READ = {
    "reporter": (404, 200),
    "org_admin": (404, 200),
    "secretariat": (200, 200),
    "viewer": (404, 200),
    "admin": (403, 403),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_report_routes_by_role(full_env: Env, role: str) -> None:
    h = make_token(full_env.database, org=ROLES[role], role=role)
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    before, after = READ[role]
    assert (
        full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=h).status_code
        == before
    )
    assert full_env.client.get("/api/v1/noegletal?aar=2017", headers=h).status_code == before
    publish = full_env.client.post("/api/v1/reports/ledelsesinformation/2017/publish", headers=h)
    assert publish.status_code == (201 if role == "secretariat" else 403)
    if role != "secretariat":
        full_env.client.post(
            "/api/v1/reports/ledelsesinformation/2017/publish", headers=secretariat
        )
    assert (
        full_env.client.get("/api/v1/reports/ledelsesinformation/2017", headers=h).status_code
        == after
    )
    assert full_env.client.get("/api/v1/noegletal?aar=2017", headers=h).status_code == after
    assert full_env.client.get("/api/v1/noegletal/definitioner", headers=h).status_code == 200
