"""Offer input and output schemas (Danish domain field names in ASCII)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.fields import Integer, Text
from backend.offers.states import TILBUDSTYPER

_NORMERING = fields.Decimal(
    required=True,
    places=2,
    as_string=False,
    validate=validate.Range(min=0, max=100000),
    metadata={"description": "Places the offer is dimensioned for (may be fractional)"},
)


class OfferYearSchema(Schema):
    aar = Integer(required=True, validate=validate.Range(min=2000, max=2100))
    normering = _NORMERING
    omfattet = fields.Boolean(
        load_default=True,
        metadata={
            "description": "Covered by the agreement that year (> 5 % used by other municipalities)"
        },
    )


class _OfferFields(Schema):
    navn = Text(validate=validate.Length(min=1, max=300))
    tilbudsportalen_id = Text(allow_none=True, validate=validate.Length(max=50))
    maalgruppe = fields.String(
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Målgruppe code, see /maalgrupper"},
    )
    tilbudstype = fields.String(
        validate=validate.OneOf(TILBUDSTYPER),
        metadata={"description": "dag, doegn; secure institutions also aaben, sikret"},
    )
    sel_paragraf = Text(allow_none=True, validate=validate.Length(max=30))
    gyldig_fra = fields.Date(allow_none=True)
    gyldig_til = fields.Date(allow_none=True)
    note = Text(allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def _period(self, data: dict, **_: object) -> None:
        fra, til = data.get("gyldig_fra"), data.get("gyldig_til")
        if fra and til and til < fra:
            raise ValidationError("Gyldig til ligger før gyldig fra.", field_name="gyldig_til")


class OfferCreateSchema(_OfferFields):
    class Meta:
        fields_required = ("navn", "maalgruppe", "tilbudstype")

    historik = fields.List(
        fields.Nested(OfferYearSchema),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Normering and coverage per year (at least one year)"},
    )

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        if field_name in self.Meta.fields_required:
            field_obj.required = True


class OfferUpdateSchema(_OfferFields):
    historik = fields.List(
        fields.Nested(OfferYearSchema),
        validate=validate.Length(max=100),
        metadata={"description": "Years to add or correct; other years are kept"},
    )


class OfferSchema(_OfferFields):
    id = fields.UUID()
    organisation = fields.String(
        attribute="org_kode", metadata={"description": "Driftsherre's code"}
    )
    version = Integer()
    historik = fields.List(fields.Nested(OfferYearSchema), attribute="years")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OfferQuerySchema(Schema):
    aar = Integer(
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "Only offers with values for this year"},
    )
    maalgruppe = fields.String()
    tilbudstype = fields.String(validate=validate.OneOf(TILBUDSTYPER))
    organisation = fields.String(metadata={"description": "Driftsherre's code (secretariat)"})
    limit = Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = Integer(load_default=0, validate=validate.Range(min=0))


class OfferPageSchema(Schema):
    total = Integer()
    limit = Integer()
    offset = Integer()
    items = fields.List(fields.Nested(OfferSchema))
