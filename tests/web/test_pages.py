"""The finance officer's, the secretariat's and the ledelsesinformation pages, through the
Flask client: what a user sees and that every step goes through the API's services."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from markupsafe import escape

from backend.audit.models import AuditEntry
from backend.db.tenancy import TenantScope, scoped
from backend.organisations.models import Organisation
from tests.backend.udgiftsbehov.support import (
    DEMO_RUN,
    EXPLAINING_RUN,
    upload_extra_indicators,
    upload_pl_index,
)
from tests.conftest import Env
from tests.factories import make_period, make_token
from tests.web.conftest import DEMO, login


def _template(web, pid: int) -> str:  # type: ignore[no-untyped-def]
    resp = web.get(f"/indberetning/{pid}/skabelon.csv")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.data.decode("utf-8-sig")


def _filled(template: str, *, bad: bool = False) -> bytes:
    lines = template.strip().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        offer, name = line.split(";")[:2]
        regnskab = "abc" if bad and i == 0 else str(1_000_000 + i)
        out.append(f"{offer};{name};{regnskab};10;0;0;;2018")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _upload(web, pid: int, data: bytes, name: str = "regnskab.csv"):  # type: ignore[no-untyped-def]
    return web.post(
        f"/indberetning/{pid}",
        {"fil": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _audit(env: Env, action: str, entity_id: str) -> list[AuditEntry]:
    with env.database.unit_of_work() as session:
        ids = session.scalars(sa.select(Organisation.id)).all()
        with scoped(session, TenantScope.many(None, ids)):
            return list(
                session.scalars(
                    sa.select(AuditEntry).where(
                        AuditEntry.action == action,
                        AuditEntry.entity == "submission",
                        AuditEntry.entity_id == entity_id,
                    )
                )
            )


def test_upload_with_errors_shows_every_error_then_fix_and_submit(web_env: Env) -> None:
    pid = make_period(web_env.database, stream="regnskab", aar=2018)
    web = login(web_env.app, *DEMO["herning"])
    overview = web.get("/indberetning").get_data(as_text=True)
    assert f'href="/indberetning/{pid}">Regnskab 2018</a>' in overview
    assert "30.04.2025" in overview  # the deadline, Danish date
    template = _template(web, pid)

    bad = _upload(web, pid, _filled(template, bad=True))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Filen er ikke indlæst" in html
    assert "<caption>Fejl i filen (1)</caption>" in html
    row = re.search(
        r"<tr>\s*<td>[^<]*</td>\s*<td class=\"rt-num\">2</td>\s*<td>C</td>.*?</tr>", html, re.S
    )
    assert row, "the error row: row 2, column C"
    assert "Årets omkostninger (kr.)" in row.group(0) and "<code>abc</code>" in row.group(0)
    assert "ikke et tal" in row.group(0)
    assert "Der er endnu ikke indlæst en fil" in html  # nothing was stored

    good = _upload(web, pid, _filled(template))
    assert good.status_code == 303
    page = web.get(f"/indberetning/{pid}").get_data(as_text=True)
    assert "Version 1 er indlæst som kladde" in page
    assert "Indsend version 1" in page
    submission_id = re.search(r'name="indberetning" value="([^"]+)"', page).group(1)

    sent = web.post(f"/indberetning/{pid}/indsend", {"indberetning": submission_id})
    assert sent.status_code == 303
    page = web.get(f"/indberetning/{pid}").get_data(as_text=True)
    assert "Version 1 er indsendt til sekretariatet." in page
    assert "Indsend version" not in page
    assert len(_audit(web_env, "submit", submission_id)) == 1


def _submitted(web_env: Env) -> tuple[int, str]:
    pid = make_period(web_env.database, stream="regnskab", aar=2018)
    web = login(web_env.app, *DEMO["herning"])
    assert _upload(web, pid, _filled(_template(web, pid))).status_code == 303
    page = web.get(f"/indberetning/{pid}").get_data(as_text=True)
    sid = re.search(r'name="indberetning" value="([^"]+)"', page).group(1)
    assert web.post(f"/indberetning/{pid}/indsend", {"indberetning": sid}).status_code == 303
    return pid, sid


def test_secretariat_rejects_with_a_comment_the_officer_sees_it(web_env: Env) -> None:
    pid, sid = _submitted(web_env)
    sek = login(web_env.app, *DEMO["sekretariat"])
    board = sek.get("/sekretariat?aar=2018").get_data(as_text=True)
    assert "Herning: Regnskab 2018, version 1" in board
    assert "Indsendt" in board
    # a rejection needs a comment: nothing changes without one
    sek.post("/sekretariat/beslutning", {"indberetning": sid, "handling": "afvis", "aar": "2018"})
    assert "skriv en begrundelse" in sek.get("/sekretariat?aar=2018").get_data(as_text=True)
    assert _audit(web_env, "reject", sid) == []
    resp = sek.post(
        "/sekretariat/beslutning",
        {
            "indberetning": sid,
            "handling": "afvis",
            "kommentar": "Prisår skal være 2018.",
            "aar": "2018",
        },
    )
    assert resp.status_code == 303
    (entry,) = _audit(web_env, "reject", sid)
    assert entry.entity_id == sid
    assert entry.before["status"] == "indsendt"
    assert entry.after["status"] == "afvist"
    assert entry.after["decision_comment"] == "Prisår skal være 2018."
    officer = login(web_env.app, *DEMO["herning"])
    page = officer.get(f"/indberetning/{pid}").get_data(as_text=True)
    assert "Prisår skal være 2018." in page
    assert "Afvist" in page
    # the API sees the same status
    api = web_env.client.post(
        "/api/v1/auth/tokens", json={"email": DEMO["herning"][0], "password": DEMO["herning"][1]}
    ).json["token"]
    sub = web_env.client.get(
        f"/api/v1/submissions/{sid}", headers={"Authorization": f"Bearer {api}"}
    )
    assert sub.json["status"] == "rejected" and sub.json["kommentar"] == "Prisår skal være 2018."


def test_secretariat_approves_and_it_is_audited(web_env: Env) -> None:
    _pid, sid = _submitted(web_env)
    sek = login(web_env.app, *DEMO["sekretariat"])
    resp = sek.post(
        "/sekretariat/beslutning", {"indberetning": sid, "handling": "godkend", "aar": "2018"}
    )
    assert resp.status_code == 303
    assert "Godkendt: Herning, Regnskab 2018, version 1." in sek.get(
        "/sekretariat?aar=2018"
    ).get_data(as_text=True)
    (entry,) = _audit(web_env, "approve", sid)
    assert entry.entity_id == sid and entry.after["status"] == "godkendt"
    # approving twice is refused with the service's Danish message, not a crash
    sek.post("/sekretariat/beslutning", {"indberetning": sid, "handling": "godkend", "aar": "2018"})
    assert "den er godkendt, ikke indsendt" in sek.get("/sekretariat?aar=2018").get_data(
        as_text=True
    )
    assert len(_audit(web_env, "approve", sid)) == 1


def test_ledelsesinformation_draft_for_the_secretariat_published_for_others(web_env: Env) -> None:
    sek = login(web_env.app, *DEMO["sekretariat"])
    viewer = login(web_env.app, *DEMO["dassos"])
    draft = sek.get("/ledelsesinformation/2017")
    html = draft.get_data(as_text=True)
    assert draft.status_code == 200
    assert "Kladde – ikke offentliggjort" in html
    for letter in "ABCDE":
        assert f"<caption>Tabel {letter}:" in html
    assert viewer.get("/ledelsesinformation/2017").status_code == 404
    assert viewer.get("/ledelsesinformation/2017.xlsx").status_code == 404
    xlsx = sek.get("/ledelsesinformation/2017.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert xlsx.headers["Cache-Control"] == "no-store"
    csv = sek.get("/ledelsesinformation/2017.csv")
    assert csv.headers["Cache-Control"] == "no-store"
    assert ";" in csv.data.decode("utf-8-sig").splitlines()[0]

    assert sek.post("/ledelsesinformation/2017/offentliggoer").status_code == 303
    published = viewer.get("/ledelsesinformation/2017")
    text = published.get_data(as_text=True)
    assert published.status_code == 200
    assert "Offentliggjort version 1" in text and "Kladde" not in text
    assert "Offentliggør" not in text
    assert viewer.post("/ledelsesinformation/2017/offentliggoer").status_code == 403
    download = viewer.get("/ledelsesinformation/2017.xlsx")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"


def test_secretariat_model_runs_and_reference_pages(web_env: Env) -> None:
    sek = login(web_env.app, *DEMO["sekretariat"])
    runs = sek.get("/sekretariat/modelkoersler")
    assert runs.status_code == 200
    assert "Modelkørsler" in runs.get_data(as_text=True)
    ref = sek.get("/sekretariat/referencedata").get_data(as_text=True)
    assert "<caption>Folketal</caption>" in ref
    assert re.search(r"<th scope=\"row\">2017</th><td class=\"rt-num\">\d+</td>", ref)


def test_model_runs_show_diagnostics_and_publish_from_the_page(web_env: Env) -> None:
    upload_extra_indicators(web_env.database)
    headers = make_token(web_env.database, org="sekretariat-midt", role="secretariat")
    made = {}
    for name, spec in (("forklarer", EXPLAINING_RUN), ("forklarer_ikke", DEMO_RUN)):
        resp = web_env.client.post(
            "/api/v1/udgiftsbehov", json={**spec, "n_bootstrap": 20}, headers=headers
        )
        assert resp.status_code == 201
        made[name] = resp.get_json()
    sek = login(web_env.app, *DEMO["sekretariat"])
    html = sek.get("/sekretariat/modelkoersler").get_data(as_text=True)
    good, bad = made["forklarer"], made["forklarer_ikke"]
    # diagnostics of each run: n, R², leave-one-out R², RMSE, in Danish format
    for run in (good, bad):
        row = re.search(
            rf'<th scope="row"><a href="[^"]+">Kørsel {run["id"]}</a></th>(.*?)</tr>', html, re.S
        ).group(1)
        assert f'<td class="rt-num">{run["n"]}</td>' in row
        r2 = f"{run['r2']:.2f}".replace(".", ",").replace("-", "−")
        assert r2 in row.replace("-", "−"), (r2, row)
        if run is good:  # the other's button is replaced by the reason (issue 20, item 7)
            assert f"Offentliggør kørsel {run['id']}" in row
        else:
            assert "Kan ikke offentliggøres:" in row
        # the run's warnings as their Danish text (not the stored records)
        for warning in run["advarsler"]:
            assert str(escape(warning["tekst"])) in row
        assert "&#39;code&#39;" not in row
    # the run that explains nothing is refused with the service's Danish message
    resp = sek.post(f"/sekretariat/modelkoersler/{bad['id']}/offentliggoer")
    assert resp.status_code == 303
    html = sek.get("/sekretariat/modelkoersler").get_data(as_text=True)
    assert "kan ikke offentliggøres som forventet udgiftsbehov" in html
    assert f"Offentliggør kørsel {bad['id']}" not in html
    # the one that explains is published, and the API agrees
    resp = sek.post(f"/sekretariat/modelkoersler/{good['id']}/offentliggoer")
    assert resp.status_code == 303
    html = sek.get("/sekretariat/modelkoersler").get_data(as_text=True)
    assert f"Modelkørsel {good['id']} er offentliggjort" in html
    assert f"Offentliggør kørsel {good['id']}" not in html
    api = web_env.client.get(f"/api/v1/udgiftsbehov/{good['id']}", headers=headers).get_json()
    assert api["status"] == "offentliggjort"


def test_model_runs_and_reference_tables_download_with_real_numbers(web_env: Env) -> None:
    from openpyxl import load_workbook

    upload_extra_indicators(web_env.database)
    upload_pl_index(web_env.database)
    headers = make_token(web_env.database, org="sekretariat-midt", role="secretariat")
    resp = web_env.client.post(
        "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=headers
    )
    assert resp.status_code == 201
    run = resp.get_json()
    sek = login(web_env.app, *DEMO["sekretariat"])
    page = sek.get("/sekretariat/modelkoersler").get_data(as_text=True)
    assert "/sekretariat/modelkoersler.xlsx" in page and "/sekretariat/modelkoersler.csv" in page
    xlsx = sek.get("/sekretariat/modelkoersler.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3) if isinstance(r[0].value, int)}
    row = rows[run["id"]]
    assert row[4].value == run["n"] and isinstance(row[4].value, int)
    assert isinstance(row[5].value, float) and abs(row[5].value - run["r2"]) < 0.006
    assert "0" in row[5].number_format and row[9].value == "Kladde"
    csv = sek.get("/sekretariat/modelkoersler.csv")
    assert csv.headers["Cache-Control"] == "no-store"
    line = next(x for x in csv.get_data(as_text=True).splitlines() if x.startswith(f"{run['id']};"))
    r2 = f"{run['r2']:.2f}".replace(".", ",")
    assert f";{run['n']};{r2};" in line, line

    ref = sek.get("/sekretariat/referencedata").get_data(as_text=True)
    for tabel in ("folketal", "pl-indeks", "indikatorer"):
        assert f"/sekretariat/referencedata/{tabel}.xlsx" in ref
        assert f"/sekretariat/referencedata/{tabel}.csv" in ref
    ws = load_workbook(io.BytesIO(sek.get("/sekretariat/referencedata/folketal.xlsx").data)).active
    y2017 = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "2017")
    assert isinstance(y2017[1].value, int) and y2017[1].value > 0
    pl = sek.get("/sekretariat/referencedata/pl-indeks.csv").get_data(as_text=True)
    assert re.search(r"^\d{4};\d+,\d\r?$", pl, re.M), pl


def test_every_file_the_stylesheets_and_pages_refer_to_is_served(web_env: Env) -> None:
    """No 404 for a font or icon: every ``url()`` in the self-hosted CSS and every static
    file a page links to is served (the DKFDS CSS named .woff/.eot/.ttf files not shipped)."""
    sek = login(web_env.app, *DEMO["sekretariat"])
    html = sek.get("/sekretariat").get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(/assets/[^"?]+)', html)
    assert any(p.endswith("dkfds.min.css") for p in linked), linked

    def served(path: str) -> int:
        resp = sek.get(path)
        resp.close()
        return int(resp.status_code)

    for path in linked:
        assert served(path) == 200, path
        if not path.endswith(".css"):
            continue
        resp = sek.get(path)
        css = resp.get_data(as_text=True)
        resp.close()
        folder = path.rsplit("/", 1)[0]
        for ref in sorted(set(re.findall(r"url\(([^)]+)\)", css))):
            ref = ref.strip("\"'")
            if ref.startswith("data:") or ref.startswith("#"):
                continue
            target = folder + "/" + ref.split("?")[0].split("#")[0]
            while "/../" in target:
                target = re.sub(r"/[^/]+/\.\./", "/", target, count=1)
            assert served(target) == 200, (path, ref)


def test_version_history_downloads_with_real_numbers_and_the_comment(web_env: Env) -> None:
    from openpyxl import load_workbook

    pid, sid = _submitted(web_env)
    sek = login(web_env.app, *DEMO["sekretariat"])
    sek.get("/sekretariat?aar=2018")
    resp = sek.post(
        "/sekretariat/beslutning",
        {
            "indberetning": sid,
            "handling": "afvis",
            "kommentar": "Tjek linje 3; beløb",
            "aar": "2018",
        },
    )
    assert resp.status_code == 303
    web = login(web_env.app, *DEMO["herning"])
    page = web.get(f"/indberetning/{pid}").get_data(as_text=True)
    assert f"/indberetning/{pid}/versioner.xlsx" in page
    assert f"/indberetning/{pid}/versioner.csv" in page
    xlsx = web.get(f"/indberetning/{pid}/versioner.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in ws[2]][:5] == ["Version", "Fil", "Rækker", "Indlæst", "Status"]
    first = [c for c in ws[3]]
    assert first[0].value == 1 and isinstance(first[2].value, int) and first[2].value > 0
    assert first[4].value == "Afvist" and first[5].value == "Tjek linje 3; beløb"
    csv = web.get(f"/indberetning/{pid}/versioner.csv").get_data(as_text=True)
    assert re.search(
        r'^1;[^;]+;\d+;\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d;Afvist;"Tjek linje 3; beløb"', csv, re.M
    ), csv


def test_upload_errors_download_as_xlsx_and_csv_signed_not_stored(web_env: Env) -> None:
    from openpyxl import load_workbook

    pid = make_period(web_env.database, stream="regnskab", aar=2018)
    web = login(web_env.app, *DEMO["herning"])
    bad = _upload(web, pid, _filled(_template(web, pid), bad=True))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert f'action="/indberetning/{pid}/fejl.xlsx"' in html
    assert f'action="/indberetning/{pid}/fejl.csv"' in html
    signed = re.search(r'name="fejl" value="([^"]+)"', html).group(1)

    xlsx = web.post(f"/indberetning/{pid}/fejl.xlsx", {"fejl": signed})
    assert xlsx.status_code == 200 and xlsx.headers["Cache-Control"] == "no-store"
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in ws[2]] == ["Ark", "Række", "Kolonne", "Overskrift", "Værdi", "Fejl"]
    row = [c.value for c in ws[3]]
    assert row[1] == 2 and isinstance(row[1], int)  # the row number is a number
    assert row[2:5] == ["C", "Årets omkostninger (kr.) *", "abc"]  # as the page shows it
    assert f"<td>{row[3]}</td>" in html
    assert "ikke et tal" in row[5]
    errors = [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[1], int)]
    assert len(errors) == 1  # the one error the page shows

    csv = web.post(f"/indberetning/{pid}/fejl.csv", {"fejl": signed})
    assert csv.status_code == 200 and csv.headers["Cache-Control"] == "no-store"
    text = csv.get_data(as_text=True)
    assert "Ark;Række;Kolonne;Overskrift;Værdi;Fejl" in text
    assert re.search(r"^[^;]*;2;C;Årets omkostninger \(kr\.\) \*;abc;[^\n]*ikke et tal", text, re.M)

    tampered = web.post(f"/indberetning/{pid}/fejl.csv", {"fejl": signed[:-2] + "xx"})
    assert tampered.status_code == 400
    assert "ændret eller for gammel" in tampered.get_data(as_text=True)
    # nothing was stored by the failed upload nor by the downloads
    assert "Der er endnu ikke indlæst en fil" in web.get(f"/indberetning/{pid}").get_data(
        as_text=True
    )


def test_upload_errors_download_refuses_an_expired_payload(web_env: Env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from backend.web.indberetning import routes

    pid = make_period(web_env.database, stream="regnskab", aar=2018)
    web = login(web_env.app, *DEMO["herning"])
    bad = _upload(web, pid, _filled(_template(web, pid), bad=True))
    signed = re.search(r'name="fejl" value="([^"]+)"', bad.get_data(as_text=True)).group(1)
    assert web.post(f"/indberetning/{pid}/fejl.csv", {"fejl": signed}).status_code == 200
    monkeypatch.setattr(routes, "ERRORS_MAX_AGE", -1)  # the payload is now older than allowed
    resp = web.post(f"/indberetning/{pid}/fejl.csv", {"fejl": signed})
    assert resp.status_code == 400
    assert "ændret eller for gammel" in resp.get_data(as_text=True)
