"""Every web page, fragment and download × role × organisation × rammeaftale, through the
Flask client, on SQLite and on PostgreSQL (as the non-owner, non-superuser app role, with
row-level security).

The matrix is keyed by endpoint: ``test_every_web_endpoint_has_a_matrix_entry`` fails when
a registered web route has no case here, so a new page cannot skip the matrix.

The world: Midtjylland has published the ledelsesinformation of 2017 (2016 is a draft
only), has a published and a draft model run, and a 2018 regnskab period in which Herning
(657) has a draft and Aarhus (751) a rejected version (with a comment) and a submitted
one. Nordjylland (another rammeaftale) has a period and an offer of Aalborg (851), and
nothing published. Every response is searched for what its principal may not see:

- a viewer never sees a draft (the ledelsesinformation draft, the draft model run);
- a reporter never sees another organisation's unpublished rows (versions, file names,
  comments, offers);
- another rammeaftale sees nothing (names of Midtjylland's municipalities and offers).

Every POST is also sent without its CSRF token (400, whoever sends it), and at the end
nothing the matrix sent has decided, submitted or published anything.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import MethodNotAllowed, NotFound

from backend.app import create_app
from backend.config import Settings
from backend.organisations.models import Organisation
from backend.organisations.service import sync_tenants
from backend.web.indberetning.routes import ERRORS_SALT
from backend.web.session import start_page
from tests.backend.udgiftsbehov.support import (
    EXPLAINING_RUN,
    upload_extra_indicators,
    upload_pl_index,
)
from tests.conftest import Env, _make_env
from tests.factories import make_offer, make_period, make_token, make_user, upload_submission
from tests.web.conftest import TEST_PASSWORD, WebClient, login
from tests.web.support import publish

NORD = Path(__file__).resolve().parents[1] / "data" / "tenants_nord"

#: Who asks: (role, organisation); ``anonym`` has no session.
PRINCIPALS: dict[str, tuple[str, str] | None] = {
    "anonym": None,
    "reporter": ("reporter", "657"),
    "org_admin": ("org_admin", "657"),
    "reporter_aarhus": ("reporter", "751"),
    "secretariat": ("secretariat", "sekretariat-midt"),
    "viewer": ("viewer", "791"),
    "admin": ("admin", "sekretariat-midt"),
    "reporter_nord": ("reporter", "851"),
    "viewer_nord": ("viewer", "851"),
    "secretariat_nord": ("secretariat", "sekretariat-nord"),
}
LOGGED_IN = frozenset(PRINCIPALS) - {"anonym"}
MIDT_UPLOADERS = frozenset({"reporter", "org_admin", "reporter_aarhus"})
MIDT_READERS = MIDT_UPLOADERS | {"secretariat", "viewer"}
NORD_READERS = frozenset({"reporter_nord", "viewer_nord", "secretariat_nord"})
READERS = MIDT_READERS | NORD_READERS
SECRETARIATS = frozenset({"secretariat", "secretariat_nord"})

LOGIN = "/log-ind"


def statuses(
    allowed: Iterable[str] = (),
    ok: int = 200,
    *,
    unknown: Iterable[str] = (),
    public: bool = False,
    **special: int,
) -> dict[str, int]:
    """Expected status per principal: ``allowed`` get ``ok``, ``unknown`` get 404 (the
    thing is not theirs to know of), other logged-in users 403, anonymous visitors the
    redirect to /log-ind (302/303, checked as 302) unless the page is ``public``."""
    out = {}
    allowed, unknown = set(allowed), set(unknown)
    for who in PRINCIPALS:
        if who in special:
            out[who] = special[who]
        elif public or who in allowed:
            out[who] = ok
        elif who == "anonym":
            out[who] = 302
        elif who in unknown:
            out[who] = 404
        else:
            out[who] = 403
    return out


@dataclass
class Case:
    """One request and what each principal gets. ``path`` and ``data`` are formatted with
    the world's ids; ``shows``: text the principal's answer must contain; ``skip``:
    principals that do not send it (it would change the world for the others)."""

    method: str
    path: str
    expect: dict[str, int]
    data: dict[str, str] = field(default_factory=dict)
    shows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()
    static: bool = False


def get(path: str, expect: dict[str, int], **kw: Any) -> Case:
    return Case("GET", path, expect, **kw)


def post(path: str, expect: dict[str, int], data: dict[str, str] | None = None, **kw: Any) -> Case:
    return Case("POST", path, expect, data or {}, **kw)


# Every web endpoint → its cases. ``{pid}``: Midtjylland's 2018 period; ``{nord_pid}``:
# Nordjylland's; ``{herning}``, ``{aarhus}``: the submission ids; ``{run}``/``{draft}``: the
# published and the draft model run.
MATRIX: dict[str, list[Case]] = {
    "web.static": [get("/assets/rammetal.css", statuses(public=True), static=True)],
    "sammenligning.static": [
        get("/assets/sammenligning/diagrammer.css", statuses(public=True), static=True)
    ],
    "forside.forside": [
        get("/", statuses(LOGGED_IN, 302)),
    ],
    "forside.administration": [
        get(
            "/administration",
            statuses({"admin"}),
            shows={
                "admin": (
                    "Administration af platformen",
                    "rammetal users create",
                    "Mail, der ikke kunne sendes",
                )
            },
        ),
    ],
    "forside.tilgaengelighed": [get("/tilgaengelighed", statuses(public=True))],
    "login.log_ind": [get(LOGIN, statuses(LOGGED_IN, 302, anonym=200))],
    "login.log_ind_post": [
        # an empty form: the Danish error summary, whoever sends it
        post(LOGIN, statuses(public=True, ok=422), {"email": "", "password": ""}),
    ],
    "login.log_ud": [],  # sent last by every principal (test_matrix)
    "indberetning.oversigt": [
        get("/indberetning", statuses(MIDT_UPLOADERS | {"reporter_nord"})),
    ],
    "indberetning.paamindelser": [
        # one's own reminder setting (left on): every reporter, nobody else
        post(
            "/indberetning/paamindelser",
            statuses(MIDT_UPLOADERS | {"reporter_nord"}, 303),
            {"paamindelser": "ja"},
        ),
    ],
    "indberetning.periode": [
        get(
            "/indberetning/{pid}",
            statuses(MIDT_UPLOADERS, unknown={"reporter_nord"}),
            shows={
                "reporter": ("herning-kladde-hemmelig.csv", "{herning}", "Indsend version 1"),
                "org_admin": ("herning-kladde-hemmelig.csv",),
                "reporter_aarhus": ("aarhus-indsendt-hemmelig.csv", "Indsendt"),
            },
        ),
        get(
            "/indberetning/{nord_pid}",
            statuses({"reporter_nord"}, unknown=MIDT_UPLOADERS),
        ),
    ],
    "indberetning.versioner_download": [
        get(
            "/indberetning/{pid}/versioner.csv",
            statuses(MIDT_UPLOADERS, unknown={"reporter_nord"}),
            shows={
                "reporter": ("Version;Fil;Rækker;Indlæst;Status", "herning-kladde-hemmelig.csv"),
                "reporter_aarhus": ("aarhus-indsendt-hemmelig.csv;", "Indsendt", "Afvist"),
            },
        ),
        get(
            "/indberetning/{pid}/versioner.xlsx",
            statuses(MIDT_UPLOADERS, unknown={"reporter_nord"}),
            shows={"org_admin": ("herning-kladde-hemmelig.csv", "Kladde")},
        ),
        get(
            "/indberetning/{nord_pid}/versioner.csv",
            statuses({"reporter_nord"}, unknown=MIDT_UPLOADERS),
        ),
        get("/indberetning/{pid}/versioner.pdf", statuses(MIDT_UPLOADERS, 404, reporter_nord=404)),
    ],
    "indberetning.fejl_download": [
        # Herning's signed errors: Herning's users get the file, Aarhus's reporter (same
        # period, other organisation) 400, Nordjylland does not know the period
        post(
            "/indberetning/{pid}/fejl.csv",
            statuses({"reporter", "org_admin"}, unknown={"reporter_nord"}, reporter_aarhus=400),
            {"fejl": "{herning_errors}"},
            shows={
                "reporter": ("Ark;Række;Kolonne;Overskrift;Værdi;Fejl", "Herning-hemmelig-fejl")
            },
        ),
        post(
            "/indberetning/{pid}/fejl.xlsx",
            statuses({"reporter", "org_admin"}, unknown={"reporter_nord"}, reporter_aarhus=400),
            {"fejl": "{herning_errors}"},
            shows={"org_admin": ("Herning-hemmelig-fejl",)},
        ),
        post(
            "/indberetning/{pid}/fejl.csv",
            statuses(MIDT_UPLOADERS, 400, unknown={"reporter_nord"}),
            {"fejl": "{herning_errors}x"},
        ),
        post(
            "/indberetning/{nord_pid}/fejl.csv",
            statuses(unknown=MIDT_UPLOADERS, reporter_nord=400),
            {"fejl": "{herning_errors}"},
        ),
        post(
            "/indberetning/{pid}/fejl.pdf",
            statuses(MIDT_UPLOADERS, 404, reporter_nord=404),
            {"fejl": "{herning_errors}"},
        ),
    ],
    "indberetning.skabelon": [
        get(
            "/indberetning/{pid}/skabelon.csv",
            statuses(MIDT_UPLOADERS, unknown={"reporter_nord"}),
            shows={"reporter_aarhus": ("Aarhus Hemmelige Hus",)},
        ),
        get(
            "/indberetning/{pid}/skabelon.xlsx",
            statuses(MIDT_UPLOADERS, unknown={"reporter_nord"}),
            shows={"reporter_aarhus": ("Aarhus Hemmelige Hus",)},
        ),
        get(
            "/indberetning/{nord_pid}/skabelon.csv",
            statuses({"reporter_nord"}, unknown=MIDT_UPLOADERS),
            shows={"reporter_nord": ("Aalborg Skjulte Sted",)},
        ),
        get(
            "/indberetning/{pid}/skabelon.pdf",
            statuses(MIDT_UPLOADERS, 404, unknown={"reporter_nord"}),
        ),
    ],
    "indberetning.upload": [
        # no file: the page with "Vælg den fil" (nothing stored) for the own organisation
        post("/indberetning/{pid}", statuses(MIDT_UPLOADERS, 422, unknown={"reporter_nord"})),
        post("/indberetning/{nord_pid}", statuses({"reporter_nord"}, 422, unknown=MIDT_UPLOADERS)),
    ],
    "indberetning.indsend": [
        # another organisation's draft: unknown; the owners do not send it (it would submit)
        post(
            "/indberetning/{pid}/indsend",
            statuses(unknown={"reporter_aarhus", "reporter_nord"}),
            {"indberetning": "{herning}"},
            skip=frozenset({"reporter", "org_admin"}),
        ),
        post(
            "/indberetning/{pid}/indsend",
            statuses(unknown={"reporter", "org_admin", "reporter_nord"}),
            {"indberetning": "{aarhus}"},
            skip=frozenset({"reporter_aarhus"}),
        ),
        post(
            "/indberetning/{pid}/indsend",
            statuses(MIDT_UPLOADERS, 422, unknown={"reporter_nord"}),
            {"indberetning": "ikke-en-id"},
        ),
    ],
    "sekretariat.tavle": [
        get(
            "/sekretariat?aar=2018",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Aarhus: Regnskab 2018, version 2", "{aarhus}")},
        ),
    ],
    "sekretariat.tavle_download": [
        get(
            "/sekretariat/tavle.csv?aar=2018",
            statuses(SECRETARIATS),
            shows={
                "secretariat": (
                    "Herning;Mangler – fristen er overskredet (kladde, version 1)",
                    "Aarhus;Indsendt, version 2",
                )
            },
        ),
        get(
            "/sekretariat/tavle.xlsx?aar=2018",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Mangler – fristen er overskredet (kladde, version 1)",)},
        ),
        get(
            "/sekretariat/tavle.csv?aar=2018&status=indsendt",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Aarhus;Indsendt, version 2",)},
        ),
        get("/sekretariat/tavle.csv?aar=1999", statuses(SECRETARIATS, 404)),
    ],
    "sekretariat.gennemsyn": [
        get(
            "/sekretariat/indberetning/{aarhus}",
            statuses({"secretariat"}, unknown={"secretariat_nord"}),
            shows={"secretariat": ("aarhus-indsendt-hemmelig.csv", "Godkend version 2")},
        ),
        # an id of no submission: unknown to the secretariats, forbidden to everyone else
        get(
            "/sekretariat/indberetning/00000000-0000-4000-8000-000000000000",
            statuses(unknown=SECRETARIATS),
        ),
    ],
    "sekretariat.original_fil": [
        get(
            "/sekretariat/indberetning/{aarhus}/fil",
            statuses({"secretariat"}, unknown={"secretariat_nord"}),
        ),
    ],
    "sekretariat.beslutning": [
        # a rejection without a comment: the board with a message, nothing decided
        post(
            "/sekretariat/beslutning",
            statuses({"secretariat"}, 303, unknown={"secretariat_nord"}),
            {"indberetning": "{aarhus}", "handling": "afvis", "aar": "2018"},
        ),
    ],
    "sekretariat.perioder": [
        get(
            "/sekretariat/perioder",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Regnskab 2018", "/sekretariat/perioder/{pid}")},
        ),
    ],
    "sekretariat.ny_periode": [get("/sekretariat/perioder/ny", statuses(SECRETARIATS))],
    "sekretariat.opret_periode": [
        # an empty form: the error summary, nothing created
        post("/sekretariat/perioder/ny", statuses(SECRETARIATS, 422), {"stream": ""}),
    ],
    "sekretariat.periode": [
        get(
            "/sekretariat/perioder/{pid}",
            statuses({"secretariat"}, unknown={"secretariat_nord"}),
            shows={"secretariat": ("Regnskab 2018",)},
        ),
        get(
            "/sekretariat/perioder/{nord_pid}",
            statuses({"secretariat_nord"}, unknown={"secretariat"}),
        ),
    ],
    "sekretariat.ret_periode": [
        # a deadline that is not a date: the error summary, nothing changed
        post(
            "/sekretariat/perioder/{pid}",
            statuses({"secretariat"}, 422, unknown={"secretariat_nord"}),
            {"frist": "i morgen", "status": "lukket", "version": "1"},
        ),
        post(
            "/sekretariat/perioder/{nord_pid}",
            statuses({"secretariat_nord"}, 422, unknown={"secretariat"}),
            {"frist": "i morgen", "status": "lukket", "version": "1"},
        ),
    ],
    "sekretariat.modelkoersler": [
        get(
            "/sekretariat/modelkoersler",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Offentliggør kørsel {draft}",)},
        ),
    ],
    "sekretariat.offentliggoer_model": [
        # the published run again: refused with a message; another agreement's draft: unknown
        post(
            "/sekretariat/modelkoersler/{run}/offentliggoer",
            statuses({"secretariat"}, 303, unknown={"secretariat_nord"}),
        ),
        post(
            "/sekretariat/modelkoersler/{draft}/offentliggoer",
            statuses(unknown={"secretariat_nord"}),
            skip=frozenset({"secretariat"}),
        ),
    ],
    "sekretariat.ny_koersel": [
        get(
            "/sekretariat/modelkoersler/ny",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Ny modelkørsel", "Standard (anbefalet)")},
        ),
        # nothing chosen: the form again with its errors, nothing run
        post("/sekretariat/modelkoersler/ny", statuses(SECRETARIATS, 422), {"noegletal": ""}),
    ],
    "sekretariat.koersel": [
        get(
            "/sekretariat/modelkoersler/{run}",
            statuses({"secretariat"}, unknown={"secretariat_nord"}),
            shows={"secretariat": ("Træk kørsel {run} tilbage",)},
        ),
        get(
            "/sekretariat/modelkoersler/{draft}?kommune=657",
            statuses({"secretariat"}, unknown={"secretariat_nord"}),
            shows={"secretariat": ("Forhåndsvisning – ikke offentliggjort", "Herning (egen)")},
        ),
    ],
    "sekretariat.traek_tilbage_model": [
        # a draft cannot be withdrawn: refused with a message; another agreement's: unknown
        post(
            "/sekretariat/modelkoersler/{draft}/traek-tilbage",
            statuses({"secretariat"}, 303, unknown={"secretariat_nord"}),
        ),
    ],
    "sekretariat.modelkoersler_download": [
        get(
            "/sekretariat/modelkoersler.csv",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Kørsel;Nøgletal;År;Metode;n;R²;LOO R²;RMSE", "\r\n{draft};")},
        ),
        get(
            "/sekretariat/modelkoersler.xlsx",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Modelkørsler (forventet udgiftsbehov)", "Kladde")},
        ),
        get("/sekretariat/modelkoersler.pdf", statuses(SECRETARIATS, 404)),
    ],
    "sekretariat.referencedata": [get("/sekretariat/referencedata", statuses(SECRETARIATS))],
    "sekretariat.referencedata_download": [
        get(
            "/sekretariat/referencedata/folketal.csv",
            statuses(SECRETARIATS),
            shows={"secretariat": ("År;Områder",)},
        ),
        get(
            "/sekretariat/referencedata/pl-indeks.xlsx",
            statuses(SECRETARIATS),
            shows={"secretariat": ("PL-indeks pr. år", "2017")},
        ),
        get(
            "/sekretariat/referencedata/indikatorer.csv",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Indikator;År;Kilde",)},
        ),
        get("/sekretariat/referencedata/andet.csv", statuses(SECRETARIATS, 404)),
    ],
    "ledelsesinformation.side": [
        get(
            "/ledelsesinformation/2017",
            # Nordjylland's secretariat: its own (empty) draft of 2017
            statuses(MIDT_READERS | {"secretariat_nord"}, unknown=NORD_READERS),
            shows={
                "viewer": ("Offentliggjort version 1",),
                "reporter": ("Offentliggjort version 1",),
                "secretariat": ("Kladde – ikke offentliggjort",),
            },
        ),
        get(
            "/ledelsesinformation/2016",
            statuses({"secretariat"}, unknown=READERS - {"secretariat"}),
            shows={"secretariat": ("Kladde – ikke offentliggjort",)},
        ),
        get(
            "/ledelsesinformation/2017?version=1",
            statuses(MIDT_READERS, unknown=NORD_READERS),
        ),
    ],
    "ledelsesinformation.download": [
        get(
            "/ledelsesinformation/2017.csv",
            statuses(MIDT_READERS | {"secretariat_nord"}, unknown=NORD_READERS),
        ),
        get(
            "/ledelsesinformation/2017.xlsx",
            statuses(MIDT_READERS | {"secretariat_nord"}, unknown=NORD_READERS),
        ),
        get(
            "/ledelsesinformation/2016.xlsx",
            statuses({"secretariat"}, unknown=READERS - {"secretariat"}),
        ),
        get(
            "/ledelsesinformation/2016.csv",
            statuses({"secretariat"}, unknown=READERS - {"secretariat"}),
        ),
    ],
    "ledelsesinformation.offentliggoer": [
        # a year without any data: nothing to publish (404); only a secretariat may try
        post("/ledelsesinformation/1999/offentliggoer", statuses(SECRETARIATS, 404)),
    ],
    "ledelsesinformation.klar": [
        get(
            "/ledelsesinformation/2017/offentliggoerelse",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Klar til offentliggørelse?", "Offentliggør som version 2")},
        ),
        get(
            "/ledelsesinformation/2016/offentliggoerelse",
            statuses(SECRETARIATS),
            shows={"secretariat": ("Bekræft: version 1",)},
        ),
    ],
    "sammenligning.side": [
        get(
            "/sammenligning?noegletal=pladser_pr_10000&aar=2017",
            statuses(MIDT_READERS, unknown=NORD_READERS),
            shows={"viewer": ("Viborg (egen)",), "reporter": ("Herning (egen)",)},
        ),
        get("/sammenligning", statuses(READERS)),
    ],
    "sammenligning.tabel": [
        get("/sammenligning/tabel.csv?aar=2017", statuses(MIDT_READERS, unknown=NORD_READERS)),
        get("/sammenligning/tabel.xlsx", statuses(MIDT_READERS, unknown=NORD_READERS)),
    ],
    "sammenligning.definitioner": [get("/definitioner", statuses(READERS))],
    "kommune.profil": [
        get(
            "/kommune/657",
            statuses(MIDT_READERS, unknown=NORD_READERS),
            shows={"viewer": ("Modelkørsel {run},",)},
        ),
        get("/kommune/851", statuses(NORD_READERS, unknown=MIDT_READERS)),
    ],
    "kommune.tabel": [
        get("/kommune/751/noegletal.csv", statuses(MIDT_READERS, unknown=NORD_READERS)),
        get("/kommune/751/udvikling.xlsx", statuses(MIDT_READERS, unknown=NORD_READERS)),
        get(
            "/kommune/657/udgiftsbehov-{run}.csv",
            statuses(MIDT_READERS, unknown=NORD_READERS),
        ),
        # a draft run's table: unknown to everyone, the secretariat too
        get("/kommune/657/udgiftsbehov-{draft}.csv", statuses(unknown=READERS)),
        get("/kommune/851/noegletal.csv", statuses(unknown=READERS)),
    ],
}


@dataclass(frozen=True)
class Secret:
    """Text that only ``visible_to`` may ever receive."""

    texts: tuple[str, ...]
    visible_to: frozenset[str]


MIDT_NAMES = ("Holstebro", "Norddjurs", "Skanderborg", "Herning Bo Hemmelig")


def secrets(world: dict[str, Any]) -> list[Secret]:
    return [
        # Herning's draft: Herning and the secretariat
        Secret(
            ("herning-kladde-hemmelig.csv", world["herning"]),
            frozenset({"reporter", "org_admin", "secretariat"}),
        ),
        # Aarhus's versions, file names and the secretariat's comment
        Secret(
            (
                "aarhus-indsendt-hemmelig.csv",
                "aarhus-afvist-hemmelig.csv",
                world["aarhus"],
                world["aarhus_rejected"],
                "Aarhus: hemmelig begrundelse",
                "Aarhus Hemmelige Hus",
            ),
            frozenset({"reporter_aarhus", "secretariat"}),
        ),
        Secret(("Aalborg Skjulte Sted",), frozenset({"reporter_nord", "secretariat_nord"})),
        # drafts: the ledelsesinformation draft and the draft model run
        Secret(("Kladde – ikke offentliggjort",), SECRETARIATS),
        Secret(
            (f"Offentliggør kørsel {world['draft']}", f"Modelkørsel {world['draft']},"),
            frozenset({"secretariat"}),
        ),
        # Midtjylland's names and published run: not for another rammeaftale
        Secret((*MIDT_NAMES, f"Modelkørsel {world['run']},"), MIDT_READERS | {"admin"}),
    ]


def _filled_template(env: Env, pid: int, org: str, marker: int) -> bytes:
    headers = make_token(env.database, org=org, role="reporter")
    resp = env.client.get(f"/api/v1/periods/{pid}/templates/regnskab?format=csv", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    lines = resp.data.decode("utf-8-sig").strip().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        offer, name = line.split(";")[:2]
        out.append(f"{offer};{name};{1_000_000 + 1000 * marker + i};10;0;0;;2018")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def build_world(env: Env) -> dict[str, Any]:
    with env.database.unit_of_work() as session:
        sync_tenants(session, NORD)
    upload_pl_index(env.database)  # the 2016 draft restates 2017 accounts (see report)
    secretariat = publish(env)  # 2017
    upload_extra_indicators(env.database)
    runs = []
    for _ in range(2):
        resp = env.client.post(
            "/api/v1/udgiftsbehov", json={**EXPLAINING_RUN, "n_bootstrap": 20}, headers=secretariat
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)
        runs.append(resp.get_json()["id"])
    run, draft = runs
    resp = env.client.post(f"/api/v1/udgiftsbehov/{run}/publish", headers=secretariat)
    assert resp.status_code == 200
    pid = make_period(env.database, stream="regnskab", aar=2018)
    nord_pid = make_period(env.database, secretariat="sekretariat-nord", aar=2018)
    herning = upload_submission(
        env.database,
        org="657",
        period_id=pid,
        stream="regnskab",
        data=_filled_template(env, pid, "657", 1),
        filename="herning-kladde-hemmelig.csv",
    )
    rejected = upload_submission(
        env.database,
        org="751",
        period_id=pid,
        stream="regnskab",
        data=_filled_template(env, pid, "751", 2),
        filename="aarhus-afvist-hemmelig.csv",
        submit=True,
    )
    resp = env.client.post(
        f"/api/v1/submissions/{rejected}/reject",
        json={"kommentar": "Aarhus: hemmelig begrundelse"},
        headers=secretariat,
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    aarhus = upload_submission(
        env.database,
        org="751",
        period_id=pid,
        stream="regnskab",
        data=_filled_template(env, pid, "751", 3),
        filename="aarhus-indsendt-hemmelig.csv",
        submit=True,
    )
    # offers that only their organisation (and its secretariat) may see; made after the
    # uploads, so the uploads above stay complete
    make_offer(env.database, org="751", navn="Aarhus Hemmelige Hus")
    make_offer(env.database, org="851", navn="Aalborg Skjulte Sted")
    make_offer(env.database, org="657", navn="Herning Bo Hemmelig")
    with env.database.unit_of_work() as session:
        herning_org = session.scalar(sa.select(Organisation.id).where(Organisation.kode == "657"))
    errors = [
        {
            "sheet": "Regnskab",
            "row": 2,
            "column": "C",
            "header": "Årets omkostninger (kr.)",
            "value": "Herning-hemmelig-fejl",
            "message": "Værdien er ikke et tal.",
        }
    ]
    herning_errors = URLSafeTimedSerializer(env.app.secret_key, salt=ERRORS_SALT).dumps(
        {"p": pid, "o": str(herning_org), "e": errors}
    )
    periods = env.client.get("/api/v1/periods", headers=secretariat).get_json()
    return {
        "periods": len(periods),
        "herning_errors": herning_errors,
        "run": run,
        "draft": draft,
        "pid": pid,
        "nord_pid": nord_pid,
        "herning": herning,
        "aarhus": aarhus,
        "aarhus_rejected": rejected,
    }


def _text(resp: Any) -> str:
    """A response as text; an XLSX's sheets and shared strings unzipped."""
    if resp.data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
            return "\n".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
            )
    return resp.get_data(as_text=True)


def _clients(env: Env) -> dict[str, WebClient]:
    out = {"anonym": WebClient(env.app.test_client())}
    for who, spec in PRINCIPALS.items():
        if spec is None:
            continue
        role, org = spec
        email = make_user(env.database, org=org, role=role, password=TEST_PASSWORD)
        out[who] = login(env.app, email, TEST_PASSWORD)
    return out


def _send(client: WebClient, case: Case, world: dict[str, Any], *, csrf: bool = True) -> Any:
    path = case.path.format(**world)
    if case.method == "GET":
        return client.get(path)
    data = {k: v.format(**world) for k, v in case.data.items()}
    return client.post(path, data, csrf=csrf)


def run_matrix(env: Env) -> list[str]:
    """Every case for every principal; the list of everything that went wrong."""
    world = build_world(env)
    hidden = secrets(world)
    clients = _clients(env)
    problems: list[str] = []
    for who, client in clients.items():
        for endpoint, cases in MATRIX.items():
            for case in cases:
                if who in case.skip:
                    continue
                if case.method == "POST":
                    # without the form's CSRF token: refused before anything else
                    forged = _send(client, case, world, csrf=False)
                    if forged.status_code != 400:
                        problems.append(
                            f"{who} POST {case.path} without CSRF token: {forged.status_code}"
                        )
                resp = _send(client, case, world)
                where = f"{who} {case.method} {case.path.format(**world)} ({endpoint})"
                want = case.expect[who]
                got = 302 if resp.status_code in (302, 303) and want == 302 else resp.status_code
                if got != want:
                    problems.append(f"{where}: {resp.status_code}, expected {want}")
                spec = PRINCIPALS[who]
                to = LOGIN if spec is None else start_page(spec[0])
                if want == got == 302 and not resp.headers["Location"].startswith(to):
                    problems.append(f"{where}: redirected to {resp.headers['Location']}")
                if not case.static and resp.headers.get("Cache-Control") != "no-store":
                    problems.append(f"{where}: Cache-Control {resp.headers.get('Cache-Control')}")
                body = _text(resp)
                resp.close()  # static files are streamed from an open file
                sent = case.path.format(**world)
                for secret in hidden:
                    if who in secret.visible_to:
                        continue
                    for text in secret.texts:
                        # an id the request itself carried (echoed in the login redirect's
                        # next=) tells the sender nothing new
                        if text in body and text not in sent:
                            problems.append(f"{where}: shows {text!r}")
                for text in case.shows.get(who, ()):
                    if text.format(**world) not in body:
                        problems.append(f"{where}: does not show {text.format(**world)!r}")
        if who != "anonym":
            resp = client.post("/log-ud")
            if resp.status_code != 303 or client.get("/indberetning").status_code != 302:
                problems.append(f"{who} POST /log-ud did not end the session")
    problems += _world_unchanged(env, world)
    return problems


def _world_unchanged(env: Env, world: dict[str, Any]) -> list[str]:
    """Nothing the matrix sent decided, submitted or published anything."""
    headers = make_token(env.database, org="sekretariat-midt", role="secretariat")
    problems = []
    for sid, status in (("herning", "draft"), ("aarhus", "submitted")):
        got = env.client.get(f"/api/v1/submissions/{world[sid]}", headers=headers).get_json()
        if got["status"] != status:
            problems.append(f"the {sid} submission is {got['status']}, not {status}")
    run = env.client.get(f"/api/v1/udgiftsbehov/{world['draft']}", headers=headers).get_json()
    if run["status"] != "kladde":
        problems.append(f"the draft model run is {run['status']}")
    period = env.client.get(f"/api/v1/periods/{world['pid']}", headers=headers).get_json()
    if (period["status"], period["version"]) != ("aaben", 1):
        problems.append(f"the 2018 period was changed: {period}")
    if len(env.client.get("/api/v1/periods", headers=headers).get_json()) != world["periods"]:
        problems.append("a period was created")
    for year in (2016, 1999):
        resp = env.client.get(
            f"/api/v1/reports/ledelsesinformation/{year}/snapshots", headers=headers
        )
        if resp.status_code == 200 and resp.get_json():
            problems.append(f"{year} was published")
    return problems


def _web_endpoints(app: Any) -> set[str]:
    names = app.extensions["rammetal.web.blueprints"]
    return {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in names}


def test_every_web_endpoint_has_a_matrix_entry(tmp_path: Path) -> None:
    """A registered web route without a case fails here; every case reaches its endpoint."""
    url = f"sqlite:///{tmp_path / 'leer.sqlite3'}"  # routes only: never connected
    app = create_app(Settings(database_url=url, testing=True))
    endpoints = _web_endpoints(app)
    assert endpoints - set(MATRIX) == set(), "web routes without an isolation matrix entry"
    assert set(MATRIX) - endpoints == set(), "matrix entries of routes that do not exist"
    adapter = app.url_map.bind("localhost")
    dummy = {k: "1" for k in ("pid", "nord_pid", "run", "draft")}
    dummy |= {k: "00000000-0000-4000-8000-000000000001" for k in ("herning", "aarhus")}
    for endpoint, cases in MATRIX.items():
        assert cases or endpoint == "login.log_ud", endpoint
        for case in cases:
            path = case.path.format(**dummy).split("?")[0]
            try:
                matched, _args = adapter.match(path, method=case.method)
            except (NotFound, MethodNotAllowed) as exc:  # pragma: no cover - a broken case
                raise AssertionError(f"{case.method} {case.path}: {exc}") from exc
            assert matched == endpoint, (case.path, matched, endpoint)
            assert set(case.expect) == set(PRINCIPALS), case.path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def matrix_env(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo database with the approved 2016-2017 data, on SQLite and on PostgreSQL
    (there as the application role, subject to row-level security)."""
    e = _make_env(request.param, request, tmp_path, full=True)
    yield e
    e.database.dispose()


def test_matrix(matrix_env: Env) -> None:
    problems = run_matrix(matrix_env)
    assert not problems, "\n".join(problems)
