"""How numbers are shown to people: one set of rules for the terminal, the recap, the
reports and the e-mails.

Scores are kept at full precision everywhere; only what people read is rounded, and it
is rounded the way a reader rounds by hand (half up on the number's shortest decimal
form: 19.875 -> 19,88).  Indonesian writes a decimal comma and ``.`` between thousands
(``1.234,50``); English the other way round.  A value that misses a minimum is never
shown equal to it ("75,00 < 75" for 74.999): it gets as many decimals as it takes."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

MAX_DIGITS = 6
HUGE = Decimal(10) ** 15  # shown in scientific notation from here on


def _rounded(x: float, digits: int) -> Decimal:
    d = Decimal(repr(float(x)))
    if not d.is_finite():
        return d
    # Enough precision for every digit of the number (1e308 has 309): the default 28
    # digits make quantize raise InvalidOperation on a huge value read from a workbook.
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + digits + 2)
        return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def number(x: float, digits: int = 2, lang: str = "id", *, thousands: bool = False,
           signed: bool = False) -> str:
    """``95.5833`` -> ``"95,58"`` (``"95.58"`` in English); ``thousands``: ``1.234,50``;
    ``signed``: ``+0,32`` / ``-0,13``.  Never ``-0,00``."""
    q = _rounded(x, digits)
    if not q.is_finite():
        return "-" if q.is_nan() else ("-∞" if q < 0 else "∞")
    if abs(q) >= HUGE:  # a typing slip such as 1e308: short, in scientific notation
        s = f"{float(x):{'+' if signed else ''}.{digits}e}"
        return s if lang == "en" else s.replace(".", ",")
    if q == 0:
        q = abs(q)
    s = f"{q:{'+' if signed and q != 0 else ''}{',' if thousands else ''}.{digits}f}"
    if lang == "en":
        return s
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def minimum(x: float, lang: str = "id") -> str:
    """A threshold as short as it is exact: ``75``, ``18,25``, ``15,75``."""
    if not math.isfinite(float(x)) or float(x).is_integer():
        return number(x, 0, lang)
    for d in range(1, MAX_DIGITS + 1):
        if float(_rounded(x, d)) == float(x):
            return number(x, d, lang)
    return number(x, MAX_DIGITS, lang)


def number_below(value: float, limit: float, digits: int = 2, lang: str = "id") -> str:
    """``value`` (which is below ``limit``) with ``digits`` decimals, or more until the
    shown number is below the limit too: 74.999 against 75 -> ``74,999``."""
    for d in range(digits, MAX_DIGITS + 1):
        if float(_rounded(value, d)) < limit:
            return number(value, d, lang)
    if not math.isfinite(value):
        return number(value, digits, lang)
    return number(math.floor(value * 10 ** MAX_DIGITS) / 10 ** MAX_DIGITS, MAX_DIGITS, lang)


def percent(share: float, digits: int = 1, lang: str = "id") -> str:
    """A 0..1 share as a percentage: ``0.9558`` -> ``"95,6%"``."""
    return number(float(share) * 100, digits, lang) + "%"


def percent_below(share: float, limit: float, digits: int = 0, lang: str = "id") -> str:
    """Like :func:`number_below` for shares: 0.5996 against 0.6 -> ``59,96%``."""
    return number_below(share * 100, round(limit * 100, 9), digits, lang) + "%"


def difference(d: float, digits: int = 2, lang: str = "id") -> str:
    """A signed difference that is not zero shown as not zero: -0.001 -> ``-0,001``."""
    for k in range(digits, MAX_DIGITS + 1):
        if d == 0 or _rounded(d, k) != 0:
            return number(d, k, lang, signed=True)
    return number(d, MAX_DIGITS, lang, signed=True)
