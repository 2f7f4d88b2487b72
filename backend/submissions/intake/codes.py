"""Stable error and warning codes of the intake layer.

The codes are part of the API contract: the HTTP layer puts them in the problem+json
``errors`` list and clients key translations and help texts on them. Add codes, never
rename or reuse one.

All codes are Danish ASCII words, like the service's top-level codes (``ugyldig_fil``,
``foraeldet_version``): issue 14 chose one language. The English codes used until then map
one to one (``period_closed`` → ``periode_lukket``, ``required`` → ``skal_udfyldes``, …; see
the git history of this file); from here on they are stable.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every code an `IntakeIssue` can carry (errors and warnings)."""

    # --- file level (no row) ---
    FILE_TOO_LARGE = "for_stor_fil"
    EMPTY_FILE = "tom_fil"
    UNSUPPORTED_FORMAT = "ukendt_format"
    CORRUPT_FILE = "beskadiget_fil"
    ZIP_BOMB = "zip_bombe"
    EXTERNAL_LINK = "ekstern_kaede"
    MACROS = "makroer"
    UNSAFE_XML = "usikker_xml"
    ENCODING = "tegnkodning"
    DELIMITER = "skilletegn"
    INVALID_JSON = "ugyldig_json"
    INVALID_STRUCTURE = "ugyldig_struktur"
    NO_SHEET = "intet_ark"
    INVALID_HEADER = "ukendt_overskrift"
    NO_ROWS = "ingen_raekker"
    TOO_MANY_ERRORS = "for_mange_fejl"
    TOO_MANY_ROWS = "for_mange_raekker"
    TOO_MANY_COLUMNS = "for_mange_kolonner"
    TOO_SLOW = "for_lang_indlaesning"
    PERIOD_CLOSED = "periode_lukket"  # raised by the service layer, listed here for clients

    # --- header level ---
    UNKNOWN_COLUMN = "ukendt_kolonne"
    MISSING_COLUMN = "manglende_kolonne"
    DUPLICATE_COLUMN = "dobbelt_kolonne"
    UNNAMED_COLUMN = "kolonne_uden_overskrift"

    # --- cell level ---
    REQUIRED = "skal_udfyldes"
    WRONG_TYPE = "forkert_type"
    NOT_A_NUMBER = "ikke_et_tal"
    NOT_AN_INTEGER = "ikke_et_heltal"
    NEGATIVE_VALUE = "negativ_vaerdi"
    OUT_OF_RANGE = "uden_for_graenser"
    INVALID_QUARTER = "ugyldigt_kvartal"
    WRONG_QUARTER = "forkert_kvartal"
    INVALID_DATE = "ugyldig_dato"
    INVALID_BOOLEAN = "ugyldig_ja_nej"
    INVALID_PARAGRAF = "ugyldig_paragraf"
    INVALID_TILBUDSTYPE = "ugyldig_tilbudstype"
    UNKNOWN_MAALGRUPPE = "ukendt_maalgruppe"
    UNKNOWN_KOMMUNE = "ukendt_kommune"
    TEXT_TOO_LONG = "for_lang_tekst"
    CONTROL_CHARACTER = "styretegn"
    TOO_MANY_FIELDS = "for_mange_felter"
    EXCEL_ERROR = "excel_fejl"
    FORMULA_WITHOUT_VALUE = "formel_uden_vaerdi"

    # --- row level ---
    UNKNOWN_OFFER = "ukendt_tilbud"
    FOREIGN_OFFER = "fremmed_tilbud"
    DUPLICATE_ROW = "dobbelt_raekke"
    INVALID_PERIOD_RANGE = "ugyldig_periode"

    # --- warnings (never block an upload) ---
    FORMULA_CELL = "formel"
    WORKBOOK_WARNING = "projektmappe_bemaerkning"
    HIDDEN_SHEET = "skjult_ark"
    HIDDEN_ROWS = "skjulte_raekker"
    HIGH_OCCUPANCY = "hoej_belaegning"
    LOW_OCCUPANCY = "lav_belaegning"
    NORMERING_JUMP = "normering_spring"
    FORBRUG_WITHOUT_NORMERING = "forbrug_uden_normering"
    TAKST_CHANGE = "takst_aendring"
    BELAEGNINGSPROCENT_UNUSUAL = "usaedvanlig_belaegningsprocent"
    TOTAL_MISMATCH = "total_afviger"
    OFFERS_NOT_FILLED = "tilbud_ikke_udfyldt"


#: Codes that are warnings; every other code is an error.
WARNING_CODES: frozenset[Code] = frozenset(
    {
        Code.FORMULA_CELL,
        Code.WORKBOOK_WARNING,
        Code.HIDDEN_SHEET,
        Code.HIDDEN_ROWS,
        Code.HIGH_OCCUPANCY,
        Code.LOW_OCCUPANCY,
        Code.NORMERING_JUMP,
        Code.FORBRUG_WITHOUT_NORMERING,
        Code.TAKST_CHANGE,
        Code.BELAEGNINGSPROCENT_UNUSUAL,
        Code.TOTAL_MISMATCH,
        Code.OFFERS_NOT_FILLED,
    }
)
