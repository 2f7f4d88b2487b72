"""Reference-data schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.fields import Integer
from backend.reference.service import POPULATION_FORMATS


class ImportSchema(Schema):
    id = Integer()
    kind = fields.String()
    kilde = fields.String()
    file_name = fields.String(allow_none=True)
    file_sha256 = fields.String()
    rows = Integer()
    imported_at = fields.DateTime()


class PopulationImportArgs(Schema):
    format = fields.String(
        load_default="folk1a",
        validate=validate.OneOf(POPULATION_FORMATS),
        metadata={"description": "folk1a (OMRÅDE;ALDER;TID;INDHOLD), totaler or aldersgrupper"},
    )
    aar = Integer(
        validate=validate.Range(min=1900, max=2100),
        metadata={"description": "Year of an age-band file (it does not state one)"},
    )
    kilde = fields.String(
        load_default="Danmarks Statistik, FOLK1A", validate=validate.Length(max=300)
    )


class SourceArgs(Schema):
    kilde = fields.String(required=True, validate=validate.Length(min=1, max=300))


class StatbankArgs(Schema):
    omraader = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Statistics Denmark area codes, e.g. 751, 082"},
    )
    aar = fields.List(
        Integer(validate=validate.Range(min=2007, max=2100)),
        required=True,
        validate=validate.Length(min=1, max=30),
    )


class PopulationQuery(Schema):
    aar = fields.List(Integer(), metadata={"description": "Years (repeat the parameter)"})
    omraade = fields.List(fields.String(), metadata={"description": "Area codes"})


class PopulationSchema(Schema):
    omraade_kode = fields.String()
    aar = Integer()
    aldersgruppe = fields.String()
    antal = Integer()
    import_id = Integer()


class PlIndexSchema(Schema):
    aar = Integer()
    indeks = fields.Decimal(as_string=True)
    import_id = Integer()


class IndicatorQuery(Schema):
    aar = fields.List(Integer())
    indikator = fields.List(fields.String())


class IndicatorValueSchema(Schema):
    omraade_kode = fields.String()
    aar = Integer()
    indikator = fields.String()
    vaerdi = fields.Decimal(as_string=True, allow_none=True)


class IndicatorDefinitionSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    definition = fields.String()
    enhed = fields.String()
    kilde = fields.String()
