"""Issue 12, deliverable 9: no data is "ingen data", never 0; the Region is no buyer;
every average carries n and its members; takstudvikling averages leave out openings and
closures (listed) and show the median beside the mean; each nøgletal says its side."""

from __future__ import annotations

import statistics
from decimal import Decimal

from tests.conftest import Env
from tests.factories import make_token


def _doc(env: Env, noegletal: str) -> dict:
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    resp = env.client.get(f"/api/v1/noegletal?aar=2017&noegletal={noegletal}", headers=secretariat)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return next(i for i in resp.json["noegletal"] if i["maalgruppe"] is None)


def test_forbrug_without_buyer_data_is_ingen_data_and_the_region_is_no_buyer(
    full_env: Env,
) -> None:
    forbrug = _doc(full_env, "forbrug_pr_10000")
    assert forbrug["side"] == "køber"
    values = {v["organisation"]: v for v in forbrug["vaerdier"]}
    assert "1082" not in values  # Region Midtjylland buys nothing for citizens
    assert len(values) == 19
    for v in values.values():
        assert v["value"] is None and v["tekst"] != "0,0"  # it used to be 0,0 for all 20
        assert v["ingen_data"].startswith("ingen data")
    region = next(a for a in forbrug["gennemsnit"] if a["omfang"] == "region")
    assert region["value"] is None and region["n"] == 0


def test_takstudvikling_average_leaves_out_closures_and_shows_the_median(full_env: Env) -> None:
    takst = _doc(full_env, "takstudvikling_regnskab")
    region = next(a for a in takst["gennemsnit"] if a["omfang"] == "region")
    left_out = {u["organisation"]: u["grund"] for u in region["udeladt"]}
    assert left_out.get("766", "").startswith("lukket")  # Hedensted closed: −100 %
    values = {v["organisation"]: v["value"] for v in takst["vaerdier"]}
    assert Decimal(values["766"]) == -100
    members = region["medlemmer"]
    assert "766" not in members and region["n"] == len(members) > 0
    kept = [Decimal(values[m]) for m in members]
    assert Decimal(region["value"]) == sum(kept) / len(kept)
    assert Decimal(region["value"]) > 0  # it was −3,0 % with the closure in an unweighted mean
    assert Decimal(region["median"]["value"]) == statistics.median(kept)


def test_every_average_carries_n_and_members_and_definitions_say_their_side(
    full_env: Env,
) -> None:
    doc = _doc(full_env, "regnskab_pr_indbygger")
    assert doc["side"] == "driftsherre" and "driver" in doc["side_tekst"]
    for avg in doc["gennemsnit"]:
        assert avg["n"] == len(avg["medlemmer"]) and "uden_vaerdi" in avg
    peer = next(v["peer_gennemsnit"] for v in doc["vaerdier"] if v["peer_gennemsnit"])
    assert peer["n"] == len(peer["medlemmer"])
    secretariat = make_token(full_env.database, org="sekretariat-midt", role="secretariat")
    definitions = full_env.client.get("/api/v1/noegletal/definitioner", headers=secretariat).json
    regnskab = next(d for d in definitions if d["id"] == "regnskab_pr_indbygger")
    assert "driftsherre-side" in regnskab["formel"] and "egne indbyggere" in regnskab["formel"]


def test_belaegningsprocent_from_derived_lines_is_marked_on_the_value(full_env: Env) -> None:
    doc = _doc(full_env, "belaegningsprocent")
    marked = [v for v in doc["vaerdier"] if v["afledt"]]
    # the demo's occupancy lines are reconstructed from tables D and E, not reported
    assert marked and all("tabel D" in v["afledt"] and "tabel E" in v["afledt"] for v in marked)
    other = _doc(full_env, "pladser_pr_10000")
    assert all(v["afledt"] is None for v in other["vaerdier"])
