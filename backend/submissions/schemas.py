"""Submission input and output schemas; the lines have one schema per stream."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from backend.fields import MAX_COMMENT, Integer
from backend.periods.models import STREAMS
from backend.submissions.states import API_STATUSES, SubmissionStatus

_STREAM = validate.OneOf(STREAMS, error="Skal være en af: {choices}.")
_STATUS = validate.OneOf(API_STATUSES, error="Skal være en af: {choices}.")


class ApiStatus(fields.String):
    """A submission's status in the API's documented words (``draft``, ``submitted``,
    ``approved``, ``rejected``); the database stores the Danish value (see
    ``backend.submissions.states``)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else SubmissionStatus(value).api

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        word = super()._deserialize(value, attr, data, **kwargs)
        self._validate_all(word)  # the documented words, before translating
        return SubmissionStatus.from_api(word)

    def _validate(self, value: Any) -> None:
        """Validated in :meth:`_deserialize`, on the API's word."""


class PlainDecimal(fields.Decimal):
    """A Decimal as text without exponent or trailing zeros ("905.5", "3000000"), the same on
    PostgreSQL (exact) and SQLite (scale-padded); text keeps JSON clients from going float."""

    def _serialize(
        self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        if value is None:
            return None
        text = format(Decimal(value).normalize(), "f")
        return "0" if text in ("-0", "") else text


def _amount(description: str) -> PlainDecimal:
    return PlainDecimal(allow_none=True, metadata={"description": description, "type": "string"})


class IssueSchema(Schema):
    code = fields.String(metadata={"description": "Stable code, e.g. hoej_belaegning"})
    message = fields.String(metadata={"description": "Danish text for the user"})
    sheet = fields.String()
    row = Integer(metadata={"description": "1-based, the header is row 1"})
    column = fields.String(metadata={"description": "Excel column letter"})
    field = fields.String(metadata={"description": "ASCII column key"})
    header = fields.String()
    value = fields.String()


class SubmissionSchema(Schema):
    id = fields.UUID()
    organisation = fields.String(
        attribute="org_kode", metadata={"description": "Organisation code"}
    )
    period_id = Integer()
    stream = fields.String()
    version = Integer(metadata={"description": "1, 2, … per organisation × period × stream"})
    status = ApiStatus(metadata={"description": "draft, submitted, approved or rejected"})
    file_name = fields.String()
    file_sha256 = fields.String(metadata={"description": "SHA-256 of the original bytes (hex)"})
    file_size = Integer()
    file_format = fields.String(metadata={"description": "xlsx, csv or json"})
    encoding = fields.String(allow_none=True)
    row_count = Integer(metadata={"description": "Number of lines stored"})
    warnings = fields.List(
        fields.Nested(IssueSchema),
        metadata={"description": "Plausibility warnings that did not block"},
    )
    note = fields.String(
        allow_none=True, metadata={"description": "e.g. 'afledt' for derived data"}
    )
    uploaded_by = Integer(allow_none=True, metadata={"description": "User id; null for the CLI"})
    uploaded_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    decided_by = Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    kommentar = fields.String(
        attribute="decision_comment",
        allow_none=True,
        metadata={"description": "The secretariat's comment on the decision"},
    )


class SubmissionQuerySchema(Schema):
    period_id = Integer()
    stream = fields.String(validate=_STREAM)
    organisation = fields.String(metadata={"description": "Organisation code (secretariat)"})
    status = ApiStatus(validate=_STATUS)
    limit = Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = Integer(load_default=0, validate=validate.Range(min=0))


class SubmissionPageSchema(Schema):
    total = Integer()
    limit = Integer()
    offset = Integer()
    items = fields.List(fields.Nested(SubmissionSchema))


class LineQuerySchema(Schema):
    limit = Integer(load_default=1000, validate=validate.Range(min=1, max=10000))
    offset = Integer(load_default=0, validate=validate.Range(min=0))


class _LineSchema(Schema):
    line_no = Integer(metadata={"description": "Row number in the uploaded file"})
    tilbud_id = fields.UUID(attribute="offer_id", allow_none=True)


class BelaegningLineSchema(_LineSchema):
    kvartal = Integer()
    normering = _amount("Places")
    forbrug = _amount("Occupied place-days")
    koeberkommune = fields.String(allow_none=True, metadata={"description": "Kommunekode"})


class RegnskabLineSchema(_LineSchema):
    regnskab = _amount("Årets omkostninger, kr.")
    belaegning = _amount("Årspladser")
    over_underskud = _amount("kr., surplus positive")
    tillaeg = _amount("Tillægsydelser, kr.")
    takst = _amount("kr. per døgn")
    prisaar = Integer()


class TakstLineSchema(_LineSchema):
    basistakst = _amount("kr. per døgn (day offers: per year)")
    takstgruppe = fields.String(allow_none=True)
    belaegningsprocent = _amount("Assumed occupancy, %")


class TilbudLineSchema(_LineSchema):
    navn = fields.String()
    tilbudsportalen_id = fields.String(allow_none=True)
    maalgruppe = fields.String()
    tilbudstype = fields.String()
    sel_paragraf = fields.String(allow_none=True)
    normering = _amount("Places")
    omfattet = fields.Boolean()
    gyldig_fra = fields.Date()
    gyldig_til = fields.Date(allow_none=True)


LINE_SCHEMAS: dict[str, Schema] = {
    "belaegning": BelaegningLineSchema(),
    "regnskab": RegnskabLineSchema(),
    "takster": TakstLineSchema(),
    "tilbud": TilbudLineSchema(),
}


class LinePageSchema(Schema):
    stream = fields.String()
    total = Integer()
    limit = Integer()
    offset = Integer()
    items = fields.List(
        fields.Dict(),
        metadata={
            "description": "Lines in file order; the fields depend on the stream (see the *Line schemas)"
        },
    )


class DecisionSchema(Schema):
    kommentar = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_COMMENT),
        metadata={"description": "Required when rejecting"},
    )


class RejectSchema(Schema):
    kommentar = fields.String(required=True, validate=validate.Length(min=1, max=MAX_COMMENT))


class TemplateQuerySchema(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
    organisation = fields.String(metadata={"description": "Organisation code (secretariat only)"})
