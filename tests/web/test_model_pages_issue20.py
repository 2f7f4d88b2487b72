"""Issue 20, item 7: model runs on the pages (the "Ny kørsel" form, a page per run with a
watermarked preview of the kommune page, "Offentliggør" disabled with its reason) and the
withdrawal of a published run through page, API and CLI, with what readers then see; on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from backend.audit.models import AuditEntry
from backend.cli import main
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.models import Organisation
from tests.backend.udgiftsbehov.support import (
    DEMO_RUN,
    EXPLAINING_RUN,
    URL,
    upload_extra_indicators,
)
from tests.conftest import Env
from tests.factories import make_token
from tests.web.conftest import DEMO, login

NEW = "/sekretariat/modelkoersler/ny"


def _page(resp: Any, *statuses: int) -> str:
    html = resp.get_data(as_text=True)
    assert resp.status_code in statuses, (resp.status_code, html[:2000])
    assert resp.mimetype == "text/html" and '<html lang="da">' in html
    return html


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _form(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "noegletal": run["noegletal"],
        "maalgruppe": run["maalgruppe"] or "",
        "aar": [str(y) for y in run["aar"]],
        "indikatorer": run["indikatorer"],
        "metode": run["metode"] or "",
    }


def _new_run(sek: Any, run: dict[str, Any]) -> int:
    resp = sek.post(NEW, _form(run))
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    found = re.search(r"/sekretariat/modelkoersler/(\d+)$", resp.headers["Location"])
    assert found, resp.headers["Location"]
    return int(found.group(1))


def _audit(env: Env, action: str, run_id: int) -> list[AuditEntry]:
    with env.database.unit_of_work() as session:
        ids = session.scalars(sa.select(Organisation.id)).all()
        with scoped(session, TenantScope.many(None, ids)):
            return list(
                session.scalars(
                    sa.select(AuditEntry).where(
                        AuditEntry.action == action,
                        AuditEntry.entity == "model_run",
                        AuditEntry.entity_id == str(run_id),
                    )
                )
            )


def test_the_form_the_run_page_and_the_refused_publish(full_env: Env) -> None:
    upload_extra_indicators(full_env.database)
    sek = login(full_env.app, *DEMO["sekretariat"])
    form = _text(_page(sek.get(NEW), 200))
    assert "Ny modelkørsel" in form and "Standard (anbefalet): log-modellen" in form
    assert "Befolkningstilvækst" in form or "befolkningsvaekst" not in form  # Danish names
    # nothing chosen: every error on the page, nothing stored
    empty = _text(_page(sek.post(NEW, {"noegletal": ""}), 422))
    assert "Vælg et nøgletal." in empty and "Vælg mindst ét år." in empty
    assert "Vælg mindst én indikator." in empty
    # a guard rail of the model: the service's Danish message on the form
    too_many = dict(
        EXPLAINING_RUN, indikatorer=["socioindeks", "andel_enlige", "afstand_km", "log_folketal"]
    )
    refused = _text(_page(sek.post(NEW, _form(too_many)), 422))
    assert "Der er et problem" in refused and "indikatorer" in refused

    # a run that explains nothing: its page says why "Offentliggør" is disabled
    weak = _new_run(sek, DEMO_RUN)
    html = _page(sek.get(f"/sekretariat/modelkoersler/{weak}"), 200)
    text = _text(html)
    assert "er beregnet og gemt som kladde" in text
    assert re.search(r"<button[^>]*disabled[^>]*>Offentliggør kørsel", html)
    assert "Kan ikke offentliggøres:" in text and "forklarer ikke" in text
    assert "{'code'" not in html and "'tekst'" not in html  # warnings as text
    listing = _text(_page(sek.get("/sekretariat/modelkoersler"), 200))
    assert f"Kørsel {weak}" in listing and "Kan ikke offentliggøres" in listing
    assert sek.post(f"/sekretariat/modelkoersler/{weak}/offentliggoer").status_code == 303

    # a run that explains: indicators by name, coefficients, fit, and the watermarked preview
    good = _new_run(sek, EXPLAINING_RUN)
    html = _page(sek.get(f"/sekretariat/modelkoersler/{good}?kommune=657"), 200)
    text = _text(html)
    assert "Forhåndsvisning – ikke offentliggjort" in text and 'class="rt-preview"' in html
    assert "Indikatorer i kørslen" in text and "Koefficienter med" in text
    assert "LOO R²" in text and "Herning (egen)" in text
    assert "Kommunesiden for Herning" in text or "kommunesiden for Herning" in text
    assert not re.search(r"<button[^>]*disabled[^>]*>Offentliggør kørsel", html)


def test_publish_then_withdraw_on_the_page_and_what_readers_see(full_env: Env) -> None:
    upload_extra_indicators(full_env.database)
    sek = login(full_env.app, *DEMO["sekretariat"])
    run = _new_run(sek, EXPLAINING_RUN)
    published = sek.post(f"/sekretariat/modelkoersler/{run}/offentliggoer")
    assert published.status_code == 303
    assert "er offentliggjort" in _text(_page(sek.get(published.headers["Location"]), 200))
    dassos = login(full_env.app, *DEMO["dassos"])
    assert f"Modelkørsel {run}," in _text(_page(dassos.get("/kommune/791"), 200))

    withdrawn = sek.post(f"/sekretariat/modelkoersler/{run}/traek-tilbage")
    assert withdrawn.status_code == 303
    shown = _text(_page(sek.get(withdrawn.headers["Location"]), 200))
    assert "er trukket tilbage" in shown and "Trukket tilbage" in shown
    assert "Træk kørsel" not in shown  # once
    assert len(_audit(full_env, "withdraw", run)) == 1

    # readers: the kommune page no longer uses it, and says that and when
    profile = _text(_page(dassos.get("/kommune/791"), 200))
    assert f"Modelkørsel {run} blev trukket tilbage" in profile
    assert f"Modelkørsel {run}," not in profile
    # the API: listed as withdrawn with its date; its results are not served
    viewer = make_token(full_env.database, org="791", role="viewer")
    listed = full_env.client.get(URL, headers=viewer).json
    assert [(r["id"], r["status"]) for r in listed] == [(run, "tilbagetrukket")]
    assert listed[0]["withdrawn_at"]
    for path in (f"{URL}/{run}", f"{URL}/{run}/kommuner/791"):
        resp = full_env.client.get(path, headers=viewer)
        assert resp.status_code == 404 and resp.json["code"] == "trukket_tilbage"
        assert "blev trukket tilbage" in resp.json["detail"]


def test_withdraw_through_the_api_and_the_cli(
    full_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload_extra_indicators(full_env.database)
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    reporter = make_token(full_env.database, org="657", role="reporter")

    def new_run() -> int:
        resp = full_env.client.post(URL, headers=secretariat, json=EXPLAINING_RUN)
        assert resp.status_code == 201, resp.get_data(as_text=True)[:500]
        return int(resp.json["id"])

    draft, run = new_run(), new_run()
    resp = full_env.client.post(f"{URL}/{draft}/withdraw", headers=secretariat)
    assert resp.status_code == 409 and resp.json["code"] == "ikke_offentliggjort"
    assert full_env.client.post(f"{URL}/{run}/publish", headers=secretariat).status_code == 200
    assert full_env.client.post(f"{URL}/{run}/withdraw", headers=reporter).status_code == 403
    done = full_env.client.post(f"{URL}/{run}/withdraw", headers=secretariat)
    assert done.status_code == 200 and done.json["status"] == "tilbagetrukket"
    assert done.json["withdrawn_at"] and done.json["published_at"]
    again = full_env.client.post(f"{URL}/{run}/withdraw", headers=secretariat)
    assert again.status_code == 409 and again.json["code"] == "allerede_trukket_tilbage"
    republish = full_env.client.post(f"{URL}/{run}/publish", headers=secretariat)
    assert republish.status_code == 409 and republish.json["code"] == "trukket_tilbage"
    # the secretariat still reads the whole run, with its status
    whole = full_env.client.get(f"{URL}/{run}", headers=secretariat).json
    assert whole["status"] == "tilbagetrukket" and whole["kommuner"]

    # the database keeps a withdrawn run frozen, and a published one frozen but for its
    # withdrawal (status and withdrawn_at together, nothing else)
    for stmt in (
        "UPDATE model_run SET status = 'offentliggjort', withdrawn_at = NULL WHERE id = :id",
        "UPDATE model_run SET results = '{}' WHERE id = :id",
        "DELETE FROM model_run WHERE id = :id",
    ):
        with (
            pytest.raises(sa.exc.DBAPIError, match="immutable"),
            full_env.database.unit_of_work() as session,
        ):
            session.execute(sa.text(stmt), {"id": run})

    cli_run = new_run()
    assert full_env.client.post(f"{URL}/{cli_run}/publish", headers=secretariat).status_code == 200
    with (
        pytest.raises(sa.exc.DBAPIError, match="immutable"),
        full_env.database.unit_of_work() as session,
    ):  # a withdrawal that changes anything else is refused too
        session.execute(
            sa.text(
                "UPDATE model_run SET status = 'tilbagetrukket', withdrawn_at = published_at, "
                "results = '{}' WHERE id = :id"
            ),
            {"id": cli_run},
        )
    monkeypatch.setenv("RAMMETAL_DATABASE_URL", full_env.url)
    out = CliRunner().invoke(main, ["model", "withdraw", str(cli_run)])
    assert out.exit_code == 0, out.output
    assert f"Modelkørsel {cli_run} er trukket tilbage" in out.output
    refused = CliRunner().invoke(main, ["model", "withdraw", str(cli_run)])
    assert refused.exit_code != 0 and "allerede trukket tilbage" in refused.output
