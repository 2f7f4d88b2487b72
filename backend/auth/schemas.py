"""Auth input and output schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.fields import MAX_EMAIL, MAX_PASSWORD, Integer


class LoginSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=MAX_EMAIL))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD)
    )


class IssuedTokenSchema(Schema):
    id = Integer()
    token = fields.String(
        metadata={"description": "The bearer token. Shown once; only its hash is stored."}
    )
    prefix = fields.String()
    expires_at = fields.DateTime(allow_none=True)


class TokenSchema(Schema):
    id = Integer()
    navn = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class MeOrganisationSchema(Schema):
    id = Integer()
    kode = fields.String()
    navn = fields.String()
    type = fields.String()


class MeSchema(Schema):
    id = Integer()
    email = fields.String()
    navn = fields.String()
    role = fields.String()
    organisation = fields.Nested(MeOrganisationSchema)
    laeseadgang = fields.List(
        fields.String(),
        metadata={
            "description": "Codes of the organisations whose raw data this principal may read"
        },
    )
