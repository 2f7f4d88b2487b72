"""Output schemas for the catalogue."""

from __future__ import annotations

from marshmallow import Schema, fields

from backend.fields import Integer


class OrganisationSchema(Schema):
    id = Integer(dump_only=True)
    kode = fields.String(
        metadata={"description": "Kommunekode, regionskode or the secretariat's code"}
    )
    navn = fields.String()
    type = fields.String(metadata={"description": "kommune, region or sekretariat"})


class MaalgruppeSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    aldersgruppe = fields.String(
        metadata={"description": "Age band used per inhabitant: 0-17 or 18-64"}
    )
    tilbudstyper = fields.List(fields.String(), attribute="tilbudstype_koder")
