"""The four upload streams: their columns and the records a valid row becomes.

A column has an ASCII key (template header alternative, JSON key, record attribute), a
Danish display label (XLSX/CSV template header), a kind (which converter validates it)
and bounds. Headers are matched on the folded key, label or aliases (see `backend.tabular.fold`), so
both "Køberkommune" and "koeberkommune" are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from backend.tabular import fold


class Kind(StrEnum):
    """How a column's cells are converted (see `validation.CellConverter`)."""

    OFFER = "offer"  # tilbud_id: text, checked against the registry per stream
    TEXT = "text"
    INFO = "info"  # information only (tilbudsnavn): read, never stored, never refused
    DECIMAL = "decimal"
    INTEGER = "integer"
    KVARTAL = "kvartal"
    KOMMUNE = "kommune"
    MAALGRUPPE = "maalgruppe"
    TILBUDSTYPE = "tilbudstype"
    PARAGRAF = "paragraf"
    BOOLEAN = "boolean"
    DATE = "date"


#: The largest values the line columns and both engines hold exactly
#: (backend/submissions/models.py): an amount is NUMERIC(16, 2), places NUMERIC(12, 4), days
#: NUMERIC(14, 4), årspladser NUMERIC(16, 6), the offer's normering NUMERIC(12, 2); SQLite
#: keeps 15 significant digits of a NUMERIC, so amounts stop at 13 digits before the comma
#: and årspladser at 9. A value beyond them is refused at upload with its row and column,
#: rather than failing in the database (PostgreSQL), being rounded or turning into a float
#: infinity (SQLite) that breaks every report built on it.
MONEY_MAX = Decimal("9999999999999.99")
PLACES_MAX = Decimal("99999999.9999")
DAYS_MAX = Decimal("9999999999.9999")
YEARS_MAX = Decimal("999999999.999999")
NORMERING_MAX = Decimal("9999999999.99")

MONEY_FORMAT = "#,##0"
PLACES_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0.0"
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: Kind
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    number_format: str | None = None
    width: int = 14
    aliases: tuple[str, ...] = ()
    help: str = ""
    percent: bool = False  # a percentage: "95 %" is read as 95
    max_length: int | None = None  # text: what the database column holds (default MAX_TEXT)

    def header_keys(self) -> tuple[str, ...]:
        """Folded header texts this column is recognised by."""
        return tuple(dict.fromkeys(fold(t) for t in (self.key, self.label, *self.aliases)))


@dataclass(frozen=True, slots=True)
class BelaegningRecord:
    """Quarterly occupancy of one offer (optionally for one køberkommune)."""

    row: int
    tilbud_id: str
    tilbudsnavn: str | None
    kvartal: int
    normering: Decimal | None
    forbrug: Decimal
    koeberkommune: str | None


@dataclass(frozen=True, slots=True)
class RegnskabRecord:
    """Annual accounts of one offer, or the operator total line (``tilbud_id`` None)."""

    row: int
    tilbud_id: str | None
    tilbudsnavn: str | None
    regnskab: Decimal
    belaegning: Decimal
    over_underskud: Decimal | None
    tillaeg: Decimal | None
    takst: Decimal | None
    prisaar: int


@dataclass(frozen=True, slots=True)
class TakstRecord:
    """Budget tariff of one offer (per takstgruppe when tariffs are differentiated)."""

    row: int
    tilbud_id: str
    tilbudsnavn: str | None
    basistakst: Decimal
    takstgruppe: str | None
    belaegningsprocent: Decimal


@dataclass(frozen=True, slots=True)
class TilbudRecord:
    """One offer of the registry; ``tilbud_id`` None for a new offer."""

    row: int
    tilbud_id: str | None
    navn: str
    tilbudsportalen_id: str | None
    maalgruppe: str
    tilbudstype: str
    sel_paragraf: str | None
    normering: Decimal
    omfattet: bool
    gyldig_fra: date
    gyldig_til: date | None


Record = BelaegningRecord | RegnskabRecord | TakstRecord | TilbudRecord


@dataclass(frozen=True, slots=True)
class Stream:
    key: str
    label: str
    sheet_title: str
    columns: tuple[Column, ...]
    record_type: type

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


def _offer(required: bool = True) -> Column:
    return Column(
        "tilbud_id",
        "Tilbuds-ID",
        Kind.OFFER,
        required=required,
        width=14,
        aliases=("tilbud", "tilbudsid", "tilbud_nr", "tilbudsnummer"),
        help="Tilbuddets ID i Rammetal (udfyldt i skabelonen).",
    )


def _navn() -> Column:
    return Column(
        "tilbudsnavn",
        "Tilbudsnavn",
        Kind.INFO,
        width=40,
        aliases=("navn",),
        help="Kun til information; ændres ikke ved indlæsning.",
    )


def _money(key: str, label: str, required: bool, signed: bool = False, help: str = "") -> Column:
    return Column(
        key,
        label,
        Kind.DECIMAL,
        required=required,
        minimum=-MONEY_MAX if signed else ZERO,
        maximum=MONEY_MAX,
        number_format=MONEY_FORMAT,
        width=16,
        help=help,
    )


BELAEGNING = Stream(
    key="belaegning",
    label="Kvartalsvis belægning",
    sheet_title="Belægning",
    columns=(
        _offer(),
        _navn(),
        Column("kvartal", "Kvartal", Kind.KVARTAL, width=9, help="1-4; tom = periodens kvartal."),
        Column(
            "normering",
            "Normering (pladser)",
            Kind.DECIMAL,
            minimum=ZERO,
            maximum=PLACES_MAX,
            number_format=PLACES_FORMAT,
            aliases=("pladser",),
            help="Antal pladser tilbuddet er normeret til.",
        ),
        Column(
            "forbrug",
            "Forbrug (dage)",
            Kind.DECIMAL,
            required=True,
            minimum=ZERO,
            maximum=DAYS_MAX,
            number_format=PLACES_FORMAT,
            aliases=("forbrugte_dage", "belagte_dage"),
            help="Belagte pladsdage i kvartalet.",
        ),
        Column(
            "koeberkommune",
            "Køberkommune",
            Kind.KOMMUNE,
            width=16,
            aliases=("kommune", "kommunekode"),
            help="Kommunekode eller navn på køberkommunen (valgfri).",
        ),
    ),
    record_type=BelaegningRecord,
)

REGNSKAB = Stream(
    key="regnskab",
    label="Regnskab",
    sheet_title="Regnskab",
    columns=(
        _offer(required=False),
        _navn(),
        _money("regnskab", "Årets omkostninger (kr.)", True, help="Regnskab i kr."),
        Column(
            "belaegning",
            "Belægning (årspladser)",
            Kind.DECIMAL,
            required=True,
            minimum=ZERO,
            maximum=YEARS_MAX,
            number_format=PLACES_FORMAT,
            aliases=("aarspladser",),
        ),
        _money(
            "over_underskud",
            "Over-/underskud (kr.)",
            False,
            signed=True,
            help="Overskud positivt, underskud negativt.",
        ),
        _money(
            "tillaeg",
            "Tillægsydelser (kr.)",
            False,
            help="Tillægsydelser inkl. indskrivning over 100 %.",
        ),
        Column(
            "takst",
            "Takst (kr. pr. døgn)",
            Kind.DECIMAL,
            minimum=ZERO,
            maximum=MONEY_MAX,
            number_format=MONEY_FORMAT,
            width=16,
        ),
        Column(
            "prisaar",
            "Prisår",
            Kind.INTEGER,
            minimum=Decimal(2000),
            maximum=Decimal(2100),
            width=9,
            help="Tom = periodens år.",
        ),
    ),
    record_type=RegnskabRecord,
)

TAKSTER = Stream(
    key="takster",
    label="Takster",
    sheet_title="Takster",
    columns=(
        _offer(),
        _navn(),
        _money(
            "basistakst", "Basistakst (kr.)", True, help="Kr. pr. døgn (dagtilbud: kr. pr. år)."
        ),
        Column("takstgruppe", "Takstgruppe", Kind.TEXT, width=18, max_length=200),
        Column(
            "belaegningsprocent",
            "Belægningsprocent",
            Kind.DECIMAL,
            required=True,
            minimum=ZERO,
            maximum=Decimal(200),
            number_format=PERCENT_FORMAT,
            aliases=("belaegningspct", "forudsat_belaegning"),
            help="Den belægning taksten er beregnet med, i %.",
            percent=True,
        ),
    ),
    record_type=TakstRecord,
)

TILBUD = Stream(
    key="tilbud",
    label="Tilbudsoversigt",
    sheet_title="Tilbud",
    columns=(
        _offer(required=False),
        Column("navn", "Navn", Kind.TEXT, required=True, width=40, aliases=("tilbudsnavn",)),
        Column("tilbudsportalen_id", "Tilbudsportalen-ID", Kind.TEXT, width=18, max_length=50),
        Column("maalgruppe", "Målgruppe", Kind.MAALGRUPPE, required=True, width=45),
        Column("tilbudstype", "Tilbudstype", Kind.TILBUDSTYPE, required=True, width=12),
        Column(
            "sel_paragraf", "SEL-paragraf", Kind.PARAGRAF, width=12, aliases=("paragraf", "sel")
        ),
        Column(
            "normering",
            "Normering (pladser)",
            Kind.DECIMAL,
            required=True,
            minimum=ZERO,
            maximum=NORMERING_MAX,
            number_format=PLACES_FORMAT,
            aliases=("pladser",),
        ),
        Column(
            "omfattet",
            "Omfattet af rammeaftalen",
            Kind.BOOLEAN,
            required=True,
            width=12,
            aliases=("omfattet_af_rammeaftalen",),
        ),
        Column("gyldig_fra", "Gyldig fra", Kind.DATE, required=True, width=12),
        Column("gyldig_til", "Gyldig til", Kind.DATE, width=12),
    ),
    record_type=TilbudRecord,
)

STREAMS: dict[str, Stream] = {s.key: s for s in (BELAEGNING, REGNSKAB, TAKSTER, TILBUD)}


def get_stream(key: str) -> Stream:
    """The stream definition by key (belaegning, regnskab, takster, tilbud)."""
    try:
        return STREAMS[key]
    except KeyError:
        raise ValueError(f"unknown stream {key!r}; expected one of {sorted(STREAMS)}") from None
