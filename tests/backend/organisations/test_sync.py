"""Tenants as data: idempotent sync, aliases, a second rammeaftale by data alone."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from backend.organisations.models import Maalgruppe, Organisation
from backend.organisations.service import find_by_code_or_alias, sync_tenants
from tests.conftest import Env

NORD = Path(__file__).resolve().parents[2] / "data" / "tenants_nord"


def test_seeded_tenants_and_second_sync_changes_nothing(sqlite_env: Env) -> None:
    with sqlite_env.database.unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 21
        assert s.scalar(sa.select(sa.func.count()).select_from(Maalgruppe)) == 8
        report = sync_tenants(s)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 21)


def test_names_from_source_documents_resolve_by_alias(sqlite_env: Env) -> None:
    with sqlite_env.database.unit_of_work() as s:
        for text, code in [
            ("Århus Kommune", "751"),
            ("Aarhus", "751"),
            ("Ikast Brande", "756"),
            ("ikast-brande kommune", "756"),
            ("Region Midt", "1082"),
            ("Ringkøbing-Skjern Kommune", "760"),
            ("657", "657"),
        ]:
            assert find_by_code_or_alias(s, text).kode == code, text
        assert find_by_code_or_alias(s, "Atlantis") is None


def test_second_rammeaftale_by_data_alone(sqlite_env: Env) -> None:
    with sqlite_env.database.unit_of_work() as s:
        report = sync_tenants(s, NORD)
        assert report.created == 2
        aalborg = find_by_code_or_alias(s, "Aalborg Kommune")
        assert aalborg.rammeaftale.kode == "nordjylland"
