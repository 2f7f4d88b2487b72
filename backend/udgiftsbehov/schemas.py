"""Schemas of the expected-need model runs (input in Danish field names, as the API)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.reports.states import STATUSES
from backend.udgiftsbehov.models import METHODS


class RunArgs(Schema):
    noegletal = fields.String(
        required=True, metadata={"description": "Nøgletal id, see /noegletal/definitioner"}
    )
    maalgruppe = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "Målgruppe code; null: all målgrupper"},
    )
    aar = fields.List(
        fields.Integer(validate=validate.Range(min=2000, max=2100)),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "Year(s); more than one are pooled"},
    )
    indikatorer = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "Indicator ids, see /udgiftsbehov/indikatorer"},
    )
    metode = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(METHODS),
        metadata={
            "description": "'log' (multiplicative: OLS on ln of the nøgletal), 'ols' or "
            "'ridge'. Default: 'log' when the nøgletal is over 0 for every municipality in "
            "the model and not signed, else 'ols'. 'log' is refused (422 log_model_fortegn, "
            "log_model_nul) for a signed nøgletal or one that is 0 for a municipality"
        },
    )
    k = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "Number of peers (default 5)"},
    )
    random_state = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**31 - 1))
    n_bootstrap = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=10_000),
        metadata={"description": "Bootstrap resamples (default 1.000)"},
    )
    intervalniveau = fields.Float(
        load_default=None,
        validate=validate.Range(min=0.5, max=0.99),
        metadata={"description": "Level of the prediction intervals (default 0,90)"},
    )
    vaegtet = fields.Boolean(
        load_default=None, metadata={"description": "Weight municipalities by population"}
    )
    peer_vaegte = fields.Dict(
        keys=fields.String(),
        values=fields.Float(validate=validate.Range(min=0)),
        load_default=None,
        metadata={"description": "Weight per indicator in the peer distance (default 1)"},
    )


class RunListQuery(Schema):
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Filter; reporters and viewers only ever see published runs"},
    )


class WarningSchema(Schema):
    code = fields.String()
    tekst = fields.String()


class PeerSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    afstand = fields.Float(
        metadata={"description": "Distance on standardised indicators (dimensionless)"}
    )


class IntervalSchema(Schema):
    lav = fields.Float(allow_none=True)
    hoej = fields.Float(allow_none=True)
    niveau = fields.Float()
    centrum = fields.Float(
        allow_none=True,
        metadata={
            "description": "The interval's centre: always equal to 'forventet' (for the log "
            "model its geometric centre, √(lav × hoej): the interval is exp of a symmetric "
            "interval on the ln scale)"
        },
    )
    afskaaret_ved_0 = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "True when the lower bound of a nøgletal that cannot be negative "
            "fell below 0 and was raised to 0"
        },
    )


class ContributionSchema(Schema):
    indikator = fields.String()
    bidrag = fields.Float(
        metadata={"description": "In the nøgletal's unit; a factor for the log model"}
    )


class ExplanationSchema(Schema):
    niveau = fields.Float(
        metadata={
            "description": "The other municipalities' (weighted) mean of the nøgletal; for "
            "the log model their geometric mean"
        }
    )
    sammensaetning = fields.String(
        metadata={
            "description": "'sum': niveau + Σ bidrag = forventet (bidrag in the nøgletal's "
            "unit); 'produkt' (log model): niveau × Π bidrag = forventet (bidrag are factors: "
            "1,10 is 10 % higher)"
        }
    )
    indikatorer = fields.List(
        fields.Nested(ContributionSchema),
        metadata={"description": "One contribution per indicator (see 'sammensaetning')"},
    )


class MunicipalityResultSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    aar = fields.Integer()
    faktisk = fields.Float()
    forventet = fields.Float(
        allow_none=True,
        metadata={
            "description": "What the other municipalities predict for this one (leave-one-out "
            "prediction); null when the model does not explain the differences"
        },
    )
    loo_forudsigelse = fields.Float(
        allow_none=True, metadata={"description": "Equal to 'forventet' (kept for clients)"}
    )
    tilpasset = fields.Float(
        allow_none=True,
        metadata={"description": "In-sample fitted value (contains the row itself; diagnostics)"},
    )
    interval = fields.Nested(IntervalSchema)
    bidrag = fields.Nested(
        ExplanationSchema,
        allow_none=True,
        metadata={"description": "How each indicator moves 'forventet' from the others' mean"},
    )
    leverage = fields.Float(
        allow_none=True,
        metadata={
            "description": "Hat-matrix diagonal: how far the municipality lies from the others"
        },
    )
    hoej_leverage = fields.Boolean(
        allow_none=True, metadata={"description": "leverage > 2k ÷ n ('leverage_graense')"}
    )
    ekstrapolation = fields.Boolean(
        allow_none=True,
        metadata={"description": "The municipality lies beyond every other one in the indicators"},
    )
    advarsler = fields.List(
        fields.Nested(WarningSchema),
        metadata={"description": "Warnings for this municipality (leverage, extrapolation, 0)"},
    )
    indeks = fields.Float(
        allow_none=True,
        metadata={"description": "100 × faktisk ÷ forventet; only for strictly positive nøgletal"},
    )
    forskel = fields.Float(
        allow_none=True, metadata={"description": "faktisk − forventet, in the nøgletal's unit"}
    )
    afvigende = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "Holm-adjusted p-value of the studentised residual <= 0.05 "
            "(at most 5 % chance of any flag in a run when the model is right)"
        },
    )
    justeret_p = fields.Float(
        allow_none=True, metadata={"description": "Holm-adjusted two-sided p-value"}
    )
    studentiseret_residual = fields.Float(allow_none=True)
    peers = fields.List(fields.Nested(PeerSchema))


class StructuralZeroSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    aar = fields.Integer()


class RunSummarySchema(Schema):
    id = fields.Integer()
    status = fields.String()
    noegletal = fields.String()
    noegletal_navn = fields.String()
    enhed = fields.String(allow_none=True)
    skala = fields.String(
        allow_none=True,
        metadata={"description": "'strengt positiv', 'med fortegn' or 'rate, kan være 0'"},
    )
    side = fields.String(allow_none=True, metadata={"description": "'driftsherre' or 'køber'"})
    indeks_vises = fields.Boolean(
        metadata={"description": "False for signed nøgletal and rates with zeros: no index"}
    )
    strukturelle_nuller = fields.List(
        fields.Nested(StructuralZeroSchema),
        metadata={"description": "Municipalities that run nothing in the målgruppe: left out"},
    )
    maalgruppe = fields.String(allow_none=True)
    prisaar = fields.Integer(
        allow_none=True,
        metadata={"description": "The one price year of every amount (pooled years restated)"},
    )
    aarseffekt = fields.List(
        fields.String(),
        metadata={"description": "Year dummies of a pooled run (one level per year)"},
    )
    aar = fields.List(fields.Integer())
    metode = fields.String(metadata={"description": "'log', 'ols' or 'ridge'"})
    standardmetode = fields.Boolean(
        allow_none=True,
        metadata={"description": "True when the method was the default (not requested)"},
    )
    varians_antagelse = fields.String(
        allow_none=True,
        metadata={"description": "What the method assumes of the spread, in Danish"},
    )
    bidrag_forklaring = fields.String(
        allow_none=True,
        metadata={"description": "What the indicator contributions ('bidrag') mean, in Danish"},
    )
    indikatorer = fields.List(fields.String())
    n = fields.Integer()
    r2 = fields.Float()
    loo_r2 = fields.Float()
    rmse = fields.Float()
    loo_rmse = fields.Float()
    alpha = fields.Float(allow_none=True)
    forklarer = fields.Boolean(
        metadata={
            "description": "False when leave-one-out R² ≤ 0: no expected values, indices or "
            "flags are shown, and the run cannot be published"
        }
    )
    interval_centrum = fields.String(
        allow_none=True,
        metadata={
            "description": "'loo_prediction': expected value and interval share it; "
            "'exp_loo_log_prediction' (log model): both are exp of the ln-scale "
            "leave-one-out prediction and its interval"
        },
    )
    leverage_graense = fields.Float(
        allow_none=True, metadata={"description": "2k ÷ n, the high-leverage threshold"}
    )
    markering = fields.String(
        allow_none=True, metadata={"description": "How 'afvigende' is decided, in Danish"}
    )
    konklusion = fields.String(
        allow_none=True,
        metadata={"description": "'Modellen forklarer ikke forskellene mellem kommunerne …'"},
    )
    advarsler = fields.List(fields.Nested(WarningSchema))
    forbehold = fields.String()
    inputs_sha256 = fields.String()
    created_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "When a published run was withdrawn (status tilbagetrukket)"},
    )
    withdrawn_by = fields.Integer(allow_none=True)


class CoefficientSchema(Schema):
    indikator = fields.String()
    standardiseret = fields.Float()
    original = fields.Float()
    standardiseret_interval = fields.List(fields.Float(), allow_none=True)
    original_interval = fields.List(fields.Float(), allow_none=True)
    robust_se = fields.Float(
        allow_none=True,
        metadata={
            "description": "Robust standard error per unit of the indicator (OLS and log; "
            "null for ridge): HC3, or for pooled years clustered by municipality (CR1); "
            "see the run's 'robust_se_metode'"
        },
    )
    robust_se_standardiseret = fields.Float(
        allow_none=True, metadata={"description": "The same per SD of the indicator"}
    )


class RunSchema(RunSummarySchema):
    parametre = fields.Dict()
    skaering = fields.Float(metadata={"description": "Intercept in the nøgletal's unit"})
    koefficienter = fields.List(fields.Nested(CoefficientSchema))
    ci_niveau = fields.Float()
    n_bootstrap = fields.Integer()
    random_state = fields.Integer()
    interval_metode = fields.String()
    loo_enhed = fields.String(
        metadata={
            "description": "What leave-one-out leaves out: 'row' (one municipality), or for "
            "pooled years 'area' (the municipality with all its years)"
        }
    )
    robust_se_metode = fields.String(
        allow_none=True,
        metadata={
            "description": "'HC3', 'CR1_area' (pooled years: clustered by municipality) or "
            "null (ridge: bootstrap intervals only)"
        },
    )
    log_skala = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        allow_none=True,
        metadata={
            "description": "Log model: R², leave-one-out R², RMSE and leave-one-out RMSE on "
            "ln of the nøgletal (the top-level ones compare the nøgletal with exp of the "
            "predictions)"
        },
    )
    smearing_faktor = fields.Float(
        allow_none=True,
        metadata={
            "description": "Log model: Duan's smearing factor mean(exp(residual)); the mean of "
            "municipalities like this one is about this factor × 'forventet' (the median). "
            "Reported, not applied"
        },
    )
    degenererede_gentraekninger = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Bootstrap resamples in which an indicator was constant (its "
            "coefficient set to 0 there, as scikit-learn does)"
        },
    )
    versioner = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Python, numpy, scipy, pandas and scikit-learn of the run"},
    )
    peers = fields.Dict(
        metadata={"description": "k, year, indicators and weights of the peer groups"}
    )
    indikator_definitioner = fields.List(fields.Dict())
    kommuner = fields.List(fields.Nested(MunicipalityResultSchema))
    inputs = fields.List(
        fields.Dict(), metadata={"description": "The rows the model was fitted on"}
    )


class MunicipalityViewSchema(MunicipalityResultSchema):
    alle_aar = fields.List(fields.Nested(MunicipalityResultSchema))
    koersel = fields.Nested(RunSummarySchema)


class IndicatorSchema(Schema):
    kode = fields.String()
    navn = fields.String()
    definition = fields.String()
    enhed = fields.String()
    kilde = fields.String()
    type = fields.String(
        metadata={"description": "'uploadet' (the secretariat's) or 'afledt' (from population)"}
    )
    aar = fields.List(
        fields.Integer(), metadata={"description": "Years with a value for every municipality"}
    )
