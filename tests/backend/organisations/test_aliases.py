"""One municipality-name fold for the registry, uploads and reference files.

Before, the registry (case, spaces, hyphens), the upload reader (case, æøå, punctuation,
"Kommune" suffix) and the reference parsers (case, spaces) each folded names their own
way, so a spelling accepted in one place was unknown in another. These are the cases
where they disagreed; now every look-up answers the same.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.organisations.aliases import AreaAliases, fold_municipality_name
from backend.organisations.models import OrganisationAlias
from backend.organisations.service import find_by_code_or_alias, sync_tenants
from backend.reference.sources.common import DST_COUNTRY_AND_REGIONS
from backend.submissions.intake import IntakeContext, get_stream, kommune_alias_map
from backend.submissions.intake.cells import converter_for
from backend.tabular import CellProblem
from tests.conftest import Env

SAME = [
    ("Køge", "Koege"),  # ø / oe
    ("Åbenrå", "Aabenraa"),  # å / aa
    ("Ærø", "AEROE"),  # æ / ae, case
    ("Århus Kommune", "Aarhus"),  # the "Kommune" suffix
    ("Herning kommune", "HERNING"),
    ("Ringkøbing-Skjern", "Ringkøbing Skjern"),  # hyphen / space
    ("Ikast-Brande kommune", "ikast_brande"),
    ("  Lyngby-Taarbæk   Kommune ", "lyngby taarbaek"),  # spacing
    ("Region Sjælland", "region sjaelland"),  # region names fold too
    ("Hele landet", "HELE LANDET"),
]
DIFFERENT = [
    ("Region Nordjylland", "Nordjylland"),  # "Region" is part of the name
    ("Kommunernes Landsforening", "Landsforening"),  # only a trailing "Kommune" goes
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_name_fold_alike(one: str, other: str) -> None:
    assert fold_municipality_name(one) == fold_municipality_name(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_stay_different(one: str, other: str) -> None:
    assert fold_municipality_name(one) != fold_municipality_name(other)


def test_the_fold_is_a_readable_key() -> None:
    assert fold_municipality_name("Århus Kommune") == "aarhus"
    assert fold_municipality_name("Ringkøbing-Skjern kommune") == "ringkoebing_skjern"
    assert fold_municipality_name("Region Midtjylland") == "region_midtjylland"


@pytest.mark.parametrize(("written", "listed"), SAME)
def test_uploads_and_reference_files_resolve_every_spelling(written: str, listed: str) -> None:
    """The registry lists one spelling; an upload and a reference file may use the other."""
    code = "999"
    upload = converter_for(
        get_stream("belaegning").column("koeberkommune"),
        IntakeContext(
            organisation="751", year=2017, kommune_aliases=kommune_alias_map([(code, listed, ())])
        ),
    )
    assert upload(written) == code
    assert AreaAliases({listed: code}).resolve(written) == code


def test_unknown_spelling_is_unknown_everywhere() -> None:
    upload = converter_for(
        get_stream("belaegning").column("koeberkommune"),
        IntakeContext(
            organisation="751",
            year=2017,
            kommune_aliases=kommune_alias_map([("751", "Aarhus", ())]),
        ),
    )
    with pytest.raises(CellProblem):
        upload("Nordjylland")
    assert AreaAliases({"Aarhus": "751"}).resolve("Nordjylland") is None


def test_statistics_denmark_region_names_resolve_in_any_spelling() -> None:
    aliases = AreaAliases(DST_COUNTRY_AND_REGIONS)
    assert aliases.resolve("REGION SJAELLAND") == "085"
    assert aliases.resolve("region-midtjylland") == "082"
    assert aliases.resolve("hele landet") == "000"


def test_two_areas_folding_alike_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="points at both"):
        AreaAliases({"Køge": "259", "Koege Kommune": "260"})
    with pytest.raises(ValueError, match="points at both"):
        kommune_alias_map([("259", "Køge", ()), ("260", "Koege", ())])


def test_the_registry_finds_spellings_it_did_not_list(sqlite_env: Env) -> None:
    """midtjylland.toml lists "Ikast-Brande kommune", "Århus" and "Ringkøbing Skjern"."""
    with sqlite_env.database.unit_of_work() as s:
        for text, code in [
            ("ikast_brande", "756"),
            ("AARHUS KOMMUNE", "751"),
            ("Ringkoebing-Skjern", "760"),
            ("region midtjylland", "1082"),
        ]:
            found = find_by_code_or_alias(s, text)
            assert found is not None and found.kode == code, text


def test_a_registry_keyed_the_old_way_is_rekeyed_by_the_next_sync(sqlite_env: Env) -> None:
    """Databases synced before the one fold hold "ikast brande kommune"-style keys."""
    with sqlite_env.database.unit_of_work() as s:
        for row in s.scalars(sa.select(OrganisationAlias)):
            row.alias_key = " ".join(row.alias.replace("-", " ").split()).casefold()
        s.flush()
        assert find_by_code_or_alias(s, "ikast_brande") is None
        report = sync_tenants(s)
        assert report.updated > 0
        found = find_by_code_or_alias(s, "ikast_brande")
        assert found is not None and found.kode == "756"
        keys = list(s.scalars(sa.select(OrganisationAlias.alias_key)))
        assert all(key == fold_municipality_name(key) for key in keys)
        assert sync_tenants(s).updated == 0
