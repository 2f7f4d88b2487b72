"""The secretariat reviews a version before it decides (issue 20, item 2): the lines with
the offers' names, completeness against the register, each value against the last
approved one, the warnings, the original file and the other versions."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import sqlalchemy as sa

from backend.db.tenancy import TenantScope, scoped
from backend.offers.models import Offer
from backend.organisations.models import Organisation
from tests.conftest import Env
from tests.factories import make_period, upload_submission


def _text(resp) -> str:  # type: ignore[no-untyped-def]
    html = resp.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _herning_offers(env: Env) -> list[tuple[str, str]]:
    with env.database.unit_of_work() as session:
        org = session.scalar(sa.select(Organisation).where(Organisation.kode == "657"))
        assert org is not None
        with scoped(session, TenantScope.single(org.id)):
            rows = session.execute(
                sa.select(Offer.id, Offer.navn).where(Offer.org_id == org.id).order_by(Offer.navn)
            ).all()
    return [(str(i), n) for i, n in rows]


def _takster(offers: list[tuple[str, str]], tariffs: list[int]) -> bytes:
    lines = ["tilbud_id;basistakst;belaegningsprocent"]
    lines += [f"{oid};{t};95" for (oid, _n), t in zip(offers, tariffs, strict=False)]
    return ("\n".join(lines) + "\n").encode()


def test_the_secretariat_reviews_then_decides_on_the_review_page(web_env: Env, login_as) -> None:  # type: ignore[no-untyped-def]
    offers = _herning_offers(web_env)
    assert len(offers) > 3
    period = make_period(
        web_env.database, stream="takster", aar=2017, frist=date.today() + timedelta(days=20)
    )
    first = _takster(offers, [1000, 2000, 3000])
    v1 = upload_submission(
        web_env.database, org="657", period_id=period, stream="takster", data=first, submit=True
    )
    web = login_as("sekretariat")

    board = web.get("/sekretariat?aar=2017").get_data(as_text=True)
    assert f"/sekretariat/indberetning/{v1}" in board  # every waiting card links to its review

    page = _text(web.get(f"/sekretariat/indberetning/{v1}"))
    missing = [n for _i, n in offers[3:]]
    assert f"3 af {len(offers)} tilbud har en linje; mangler: {missing[0]}" in page
    for _i, name in offers[:3]:
        assert name in page  # the lines name their offers, not ids
    assert "2.000" in page  # values in Danish format
    assert "ikke noget godkendt at sammenligne med" in page

    original = web.get(f"/sekretariat/indberetning/{v1}/fil")
    assert original.status_code == 200 and original.get_data() == first

    approved = web.post(
        "/sekretariat/beslutning",
        {"indberetning": v1, "handling": "godkend", "aar": "2017", "tilbage": "gennemsyn"},
    )
    assert approved.status_code == 303
    assert approved.headers["Location"].endswith(f"/sekretariat/indberetning/{v1}")
    assert "Godkendt" in _text(web.get(f"/sekretariat/indberetning/{v1}"))

    # A correction: one tariff up by half, one new line. The review compares with version 1.
    second = _takster(offers, [1500, 2000, 3000, 4000])
    v2 = upload_submission(
        web_env.database, org="657", period_id=period, stream="takster", data=second, submit=True
    )
    page = _text(web.get(f"/sekretariat/indberetning/{v2}"))
    assert f"4 af {len(offers)} tilbud har en linje" in page
    assert "1 linje med en ændring på over 25 % mod godkendt version 1" in page
    assert "før 1.000 (50 %) Stor ændring" in page
    assert f"{offers[3][1]} (ny)" in page
    # version 1 in the version table: 1 changed line, 1 line only in version 2
    assert re.search(r"Version 1 Godkendt [0-9.]+ kl\. [0-9.]+ 3 1 1 0", page), page[-600:]
    assert "Godkend version 2" in page


def test_a_reporter_cannot_open_the_review(web_env: Env, login_as) -> None:  # type: ignore[no-untyped-def]
    offers = _herning_offers(web_env)
    period = make_period(
        web_env.database, stream="takster", aar=2017, frist=date.today() + timedelta(days=20)
    )
    sid = upload_submission(
        web_env.database,
        org="657",
        period_id=period,
        stream="takster",
        data=_takster(offers, [1000]),
        submit=True,
    )
    web = login_as("herning")
    assert web.get(f"/sekretariat/indberetning/{sid}").status_code == 403
    assert web.get(f"/sekretariat/indberetning/{sid}/fil").status_code == 403


def test_submitting_an_incomplete_version_asks_for_confirmation(web_env: Env, login_as) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 3: the officer sees '1 af N tilbud har en linje' on the period page;
    Indsend without the confirmation is refused with the reason and submits nothing."""
    offers = _herning_offers(web_env)
    period = make_period(
        web_env.database, stream="takster", aar=2017, frist=date.today() + timedelta(days=20)
    )
    sid = upload_submission(
        web_env.database,
        org="657",
        period_id=period,
        stream="takster",
        data=_takster(offers, [900]),
    )
    web = login_as("herning")
    page = _text(web.get(f"/indberetning/{period}"))
    assert f"Ikke komplet: 1 af {len(offers)} tilbud har en linje; mangler: {offers[1][1]}" in page

    refused = web.post(f"/indberetning/{period}/indsend", {"indberetning": sid})
    assert refused.status_code == 422
    assert "Bekræft, at den skal indsendes alligevel" in _text(refused)
    assert "Kladde" in _text(web.get(f"/indberetning/{period}"))

    sent = web.post(f"/indberetning/{period}/indsend", {"indberetning": sid, "bekraeft": "ja"})
    assert sent.status_code == 303
    assert "Indsendt" in _text(web.get(f"/indberetning/{period}"))
