"""reference data: population, PL index, structural indicators

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("kilde", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('befolkning', 'pl_indeks', 'indikatorer')",
            name=op.f("ck_reference_import_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["app_user.id"], name=op.f("fk_reference_import_imported_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_import")),
    )
    op.create_table(
        "indicator_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("kode", sa.String(length=100), nullable=False),
        sa.Column("navn", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("enhed", sa.String(length=100), nullable=False),
        sa.Column("kilde", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
            name=op.f("fk_indicator_definition_import_id_reference_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_definition")),
        sa.UniqueConstraint(
            "import_id", "kode", name=op.f("uq_indicator_definition_import_id_kode")
        ),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("omraade_kode", sa.String(length=10), nullable=False),
        sa.Column("aar", sa.Integer(), nullable=False),
        sa.Column("indikator", sa.String(length=100), nullable=False),
        sa.Column("vaerdi", sa.Numeric(precision=24, scale=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
            name=op.f("fk_indicator_value_import_id_reference_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint(
            "import_id",
            "omraade_kode",
            "aar",
            "indikator",
            name=op.f("uq_indicator_value_import_id_omraade_kode_aar_indikator"),
        ),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_value_key", ["indikator", "aar", "omraade_kode"], unique=False
        )
    op.create_table(
        "pl_index_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("aar", sa.Integer(), nullable=False),
        sa.Column("indeks", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
            name=op.f("fk_pl_index_value_import_id_reference_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pl_index_value")),
        sa.UniqueConstraint("import_id", "aar", name=op.f("uq_pl_index_value_import_id_aar")),
    )
    op.create_table(
        "population_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("omraade_kode", sa.String(length=10), nullable=False),
        sa.Column("aar", sa.Integer(), nullable=False),
        sa.Column("kvartal", sa.Integer(), nullable=True),
        sa.Column("aldersgruppe", sa.String(length=10), nullable=False),
        sa.Column("antal", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("antal >= 0", name=op.f("ck_population_count_antal")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["reference_import.id"],
            name=op.f("fk_population_count_import_id_reference_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_count")),
        sa.UniqueConstraint(
            "import_id",
            "omraade_kode",
            "aar",
            "aldersgruppe",
            name=op.f("uq_population_count_import_id_omraade_kode_aar_aldersgruppe"),
        ),
    )
    with op.batch_alter_table("population_count", schema=None) as batch_op:
        batch_op.create_index(
            "ix_population_count_key", ["omraade_kode", "aar", "aldersgruppe"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("population_count", schema=None) as batch_op:
        batch_op.drop_index("ix_population_count_key")
    op.drop_table("population_count")
    op.drop_table("pl_index_value")
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_value_key")
    op.drop_table("indicator_value")
    op.drop_table("indicator_definition")
    op.drop_table("reference_import")
