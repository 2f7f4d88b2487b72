"""Demo data from the published 2017 tables: the belægning behind table A.

Table A prints belægning with one decimal (the Hovedtotal as an integer), regnskab in
1.000 kr. and the gennemsnitspris in kr. The printed price is *not* printed regnskab ÷
printed belægning (Favrskov 2016: 108.672.000 ÷ 287,9 = 377.464, printed 377.520), because
the source divided unrounded numbers. What reproduces every printed digit:

    belægning = printed regnskab (1.000 kr. × 1000) ÷ printed gennemsnitspris

(unrounded). For every row of both years this rounds to the printed belægning, gives the
printed price exactly, the printed takstudvikling (incl. Ikast-Brande 3,2 %, which printed
regnskab ÷ printed belægning would give as 3,1 %), and for the Hovedtotal Σbelægning
11.852 / 10.620 and prices 391.918 / 396.729 and 1,2 % (printed belægning would give
391.912). Where no price is printed (belægning 0) the printed belægning is used.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext


def reconstruct_belaegning(
    regnskab_kr: Decimal, printed_price_kr: Decimal | None, printed_belaegning: Decimal
) -> Decimal:
    """Belægning (årspladser) consistent with a printed row of table A.

    Formula: regnskab_kr ÷ printed_price_kr when a positive price is printed, otherwise
    ``printed_belaegning``. Raises ``ValueError`` when the result does not round (half up,
    to the printed number of decimals) to ``printed_belaegning``.
    """
    if printed_price_kr is None or printed_price_kr == 0:
        return printed_belaegning
    with localcontext() as ctx:
        ctx.prec = 34
        belaegning = regnskab_kr / printed_price_kr
    exponent = Decimal(1).scaleb(printed_belaegning.as_tuple().exponent)  # type: ignore[arg-type]
    if belaegning.quantize(exponent, rounding=ROUND_HALF_UP) != printed_belaegning:
        raise ValueError(
            f"belægning {belaegning} afrundes ikke til den trykte {printed_belaegning}"
        )
    return belaegning
