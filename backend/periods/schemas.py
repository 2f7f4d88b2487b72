"""Reporting period input and output schemas. The quarter/year rule lives in the service."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.fields import Integer
from backend.periods.models import STREAMS
from backend.periods.states import STATUSES

_STREAM = validate.OneOf(STREAMS, error="Skal være en af: {choices}.")
_STATUS = validate.OneOf(STATUSES, error="Skal være en af: {choices}.")
_AAR = validate.Range(min=2000, max=2100, error="Skal være mellem {min} og {max}.")


class PeriodCreateSchema(Schema):
    stream = fields.String(
        required=True,
        validate=_STREAM,
        metadata={"description": "belaegning (quarterly); regnskab, takster, tilbud (yearly)"},
    )
    aar = Integer(required=True, validate=_AAR)
    kvartal = Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=4, error="Skal være mellem {min} og {max}."),
        metadata={"description": "1-4 for belaegning; null (or absent) for the yearly streams"},
    )
    frist = fields.Date(required=True, metadata={"description": "Deadline for reporting"})


class PeriodUpdateSchema(Schema):
    frist = fields.Date()
    status = fields.String(
        validate=_STATUS,
        metadata={"description": "lukket closes the period (sets closed_at); aaben reopens it"},
    )


class PeriodSchema(Schema):
    id = Integer()
    stream = fields.String()
    aar = Integer()
    kvartal = Integer(
        attribute="kvartal_or_none",
        allow_none=True,
        metadata={"description": "1-4, or null for a whole year"},
    )
    frist = fields.Date()
    status = fields.String(metadata={"description": "aaben or lukket"})
    version = Integer()
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class PeriodQuerySchema(Schema):
    aar = Integer(validate=_AAR)
    stream = fields.String(validate=_STREAM)
    status = fields.String(validate=_STATUS)


class OrganisationStatusSchema(Schema):
    organisation = fields.String(metadata={"description": "Kommunekode or regionskode"})
    navn = fields.String()
    status = fields.String(
        metadata={
            "description": "ingen, kladde, indsendt, godkendt, afvist; "
            "for_sent when the deadline has passed without a submission"
        }
    )
    version = Integer(allow_none=True)
    indberettet = fields.DateTime(
        allow_none=True, metadata={"description": "Upload time of the latest version"}
    )
    for_sent = fields.Boolean(
        metadata={"description": "The deadline passed before the organisation submitted"}
    )


class PeriodStatusSchema(Schema):
    periode = fields.Nested(PeriodSchema)
    organisationer = fields.List(fields.Nested(OrganisationStatusSchema))
