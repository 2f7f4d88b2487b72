"""Report schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.fields import Integer
from backend.reports.states import STATUSES

FORMATS = ("json", "xlsx", "csv")


class ReportQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    version = Integer(
        validate=validate.Range(min=1),
        metadata={"description": "A published version; default the latest"},
    )
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={
            "description": "Secretariat: 'kladde' (default) computes from the "
            "approved data now; others always get the published"
        },
    )


class SnapshotSchema(Schema):
    id = Integer()
    aar = Integer()
    version = Integer()
    inputs_sha256 = fields.String()
    published_at = fields.DateTime()


class NoegletalQuery(Schema):
    aar = Integer(required=True, validate=validate.Range(min=2000, max=2100))
    noegletal = fields.String(metadata={"description": "Nøgletal id, see /noegletal/definitioner"})
    maalgruppe = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))


class NoegletalDefinitionSchema(Schema):
    id = fields.String()
    navn = fields.String()
    formel = fields.String()
    taeller = fields.String()
    naevner = fields.String()
    unit = fields.String()
    retning = fields.String()
    aldersgruppe = fields.String(allow_none=True)
    gennemsnit = fields.String()
    skala = fields.String(
        metadata={"description": "'strengt positiv', 'med fortegn' or 'rate, kan være 0'"}
    )
    side = fields.String(metadata={"description": "'driftsherre' (operator) or 'køber' (buyer)"})
    side_tekst = fields.String(metadata={"description": "What the side means, in Danish"})
