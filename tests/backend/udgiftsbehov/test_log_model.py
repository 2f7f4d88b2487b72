"""Issue 12, item 2, through the API (SQLite and PostgreSQL): the multiplicative model
('log') is stored as the run's method and can be published; the default is chosen per
nøgletal (log for one over 0 everywhere, OLS for a signed one or one with zeros, which
says why), and 'log' is refused with a Danish reason where it cannot apply."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from backend.udgiftsbehov.models import ModelRun
from tests.conftest import Env
from tests.factories import make_token

from .support import DEMO_RUN, EXPLAINING_RUN, URL, upload_extra_indicators


@pytest.fixture
def secretariat(full_env: Env) -> dict[str, str]:
    return make_token(full_env.database, org="sekretariat-midt", role="secretariat")


def _post(env: Env, headers: dict[str, str], **changes: object):  # type: ignore[no-untyped-def]
    body = {**DEMO_RUN, "n_bootstrap": 50, **changes}
    if body.get("metode") is None:
        body.pop("metode")
    return env.client.post(URL, headers=headers, json=body)


def test_a_log_run_is_stored_with_method_log_and_published(
    full_env: Env, secretariat: dict[str, str]
) -> None:
    upload_extra_indicators(full_env.database)
    resp = _post(full_env, secretariat, **{**EXPLAINING_RUN, "metode": "log"})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
    run = resp.json
    assert run["metode"] == "log" and run["standardmetode"] is False
    assert run["forklarer"] is True and run["interval_metode"] == "log_ols_external_studentised_t"
    assert "Multiplikativ" in run["varians_antagelse"] and "faktor" in run["bidrag_forklaring"]
    assert run["log_skala"]["loo_r2"] > 0 and run["smearing_faktor"] > 1
    assert run["interval_centrum"] == "exp_loo_log_prediction"
    for k in run["kommuner"]:
        low, high = k["interval"]["lav"], k["interval"]["hoej"]
        assert 0 < low < k["forventet"] < high and k["interval"]["afskaaret_ved_0"] is False
        assert k["interval"]["centrum"] == k["forventet"]
        assert k["forventet"] == pytest.approx(math.sqrt(low * high))
        assert k["indeks"] == pytest.approx(100 * k["faktisk"] / k["forventet"])
        explained = k["bidrag"]
        assert explained["sammensaetning"] == "produkt"
        product = explained["niveau"] * math.prod(c["bidrag"] for c in explained["indikatorer"])
        assert product == pytest.approx(k["forventet"])
    # bootstrap intervals of the ln-scale coefficients
    (coefficient,) = run["koefficienter"]
    low, high = coefficient["standardiseret_interval"]
    assert low < coefficient["standardiseret"] < high and coefficient["robust_se"] > 0
    with full_env.database.unit_of_work() as session:
        assert session.get(ModelRun, run["id"]).method == "log"
    published = full_env.client.post(f"{URL}/{run['id']}/publish", headers=secretariat)
    assert published.status_code == 200 and published.json["status"] == "offentliggjort"
    viewer = make_token(full_env.database, org="791", role="viewer")
    read = full_env.client.get(f"{URL}/{run['id']}", headers=viewer)
    assert read.status_code == 200 and read.json["metode"] == "log"
    # the check constraint (migration 0008) admits the three methods and nothing else
    draft = _post(full_env, secretariat, **EXPLAINING_RUN).json
    with (
        pytest.raises(sa.exc.IntegrityError),
        full_env.database.unit_of_work() as session,
    ):
        session.execute(
            sa.text("UPDATE model_run SET method = 'poisson' WHERE id = :id"), {"id": draft["id"]}
        )


def test_the_default_method_is_chosen_per_scale(full_env: Env, secretariat: dict[str, str]) -> None:
    upload_extra_indicators(full_env.database)
    # over 0 for every municipality in the model (structural zeros left out): log
    positive = _post(full_env, secretariat, **{**EXPLAINING_RUN, "metode": None}).json
    assert positive["metode"] == "log" and positive["standardmetode"] is True
    assert "standard_ols" not in [w["code"] for w in positive["advarsler"]]
    # a rate that is 0 for some municipalities: OLS, and the run says why
    zeros = _post(full_env, secretariat, noegletal="tillaeg_pct_af_regnskab", metode=None).json
    assert zeros["metode"] == "ols" and zeros["standardmetode"] is True
    note = next(w for w in zeros["advarsler"] if w["code"] == "standard_ols")
    assert "log-modellen" in note["tekst"] and "er 0 for" in note["tekst"]
    # a signed nøgletal: OLS
    signed = _post(full_env, secretariat, noegletal="takstudvikling_regnskab", metode=None).json
    assert signed["metode"] == "ols"
    assert "fortegn" in next(w for w in signed["advarsler"] if w["code"] == "standard_ols")["tekst"]
    # asked for explicitly, log is refused with a Danish reason
    refused = _post(full_env, secretariat, noegletal="takstudvikling_regnskab", metode="log")
    assert refused.status_code == 422 and refused.json["code"] == "log_model_fortegn"
    assert "fortegn" in refused.json["detail"]
    refused = _post(full_env, secretariat, noegletal="tillaeg_pct_af_regnskab", metode="log")
    assert refused.status_code == 422 and refused.json["code"] == "log_model_nul"
    assert "over 0 for alle kommuner" in refused.json["detail"]
    # asked for explicitly, OLS and ridge stay available
    ols = _post(full_env, secretariat, **{**EXPLAINING_RUN, "metode": "ols"}).json
    assert ols["metode"] == "ols" and ols["standardmetode"] is False
    assert ols["kommuner"][0]["bidrag"]["sammensaetning"] == "sum"
    ridge = _post(full_env, secretariat, **{**EXPLAINING_RUN, "metode": "ridge"}).json
    assert ridge["metode"] == "ridge"
    unknown = _post(full_env, secretariat, metode="poisson")
    assert unknown.status_code == 422
