"""Answer cells: normalise them into values for scoring, and report ``answer-missing``,
``answer-invalid``, ``answer-as-text``, ``answer-type-altered``, ``count-invalid`` and
``survey-out-of-range``.

Options are compared case-folded ('ya' is accepted: Excel's own ``=`` comparison ignores
case too) but not trimmed: the official Nilai formula compares ``K="A"``, so 'A ' or ' B'
is no answer to it.  Such a cell reads as blank, as the workbook scores it, and is
reported as ``answer-spaces`` with the fix."""
from __future__ import annotations

import math
import re
from typing import Any

from lketool.checks.formulas import both
from lketool.i18n import Msg
from lketool.problems import Problem
from lketool.text import norm_type_label

_NUM_TEXT = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*%?\s*$")


MAX_COUNT = 1_000_000_000  # a count above this is a typing slip (or an attack), never data


def parse_number(raw: Any) -> tuple[float | None, bool]:
    """(number, was_text).  '3,65' and '3.65' read as 3.65; '60%' as 60."""
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, (int, float)):
        return float(raw), False
    if isinstance(raw, str) and _NUM_TEXT.match(raw):
        return float(raw.strip().rstrip("%").strip().replace(",", ".")), True
    return None, False


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def choice_key(options: dict[str, float], raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    folded = raw.strip().casefold()
    return next((k for k in options if k.casefold() == folded), None)


def normalise(ctx) -> list[Problem]:
    """Fill ``ctx.values`` from the unit's answers and yield problems about them."""
    out: list[Problem] = []
    rubric, entries = ctx.rubric, ctx.mapped.entries
    for item in rubric.items.values():
        e = entries.get(item.id)
        if item.type == "pct":
            if e is not None:
                out += _type_altered(ctx, e, "%", item.id)
                _typed_pct(ctx, e, item)
            # a computed total follows its parts, so read the parts first
            for inp in sorted(item.inputs, key=lambda i: i.role == "total"):
                ie = entries.get(inp.id)
                if ie is None:
                    continue
                out += _type_altered(ctx, ie, "Jumlah", inp.id)
                out += _count(ctx, ie, inp)
            continue
        if e is None:
            continue
        out += _type_altered(ctx, e, rubric.type_label(item.type), item.id)
        if item.type == "survey":
            out += _survey(ctx, e, item)
            continue
        opts = rubric.options(item.type)
        raw = e.raw
        if blank(raw):
            out.append(ctx.problem("answer-missing", e.row, e.answer_col, item.id, text=item.text))
            continue
        key = choice_key(opts, raw)
        if key is None:
            out.append(ctx.problem("answer-invalid", e.row, e.answer_col, item.id, value=_show(raw),
                                   allowed="/".join(opts)))
        elif raw != raw.strip():
            out.append(ctx.problem("answer-spaces", e.row, e.answer_col, item.id, value=repr(raw), answer=key))
            key = None
        ctx.values[item.id] = key
    return out


def normalise_tpi(ctx) -> dict[str, Any]:
    """The TPI's answers as values (no problems: the unit cannot fix the TPI's column)."""
    if not ctx.mapped.has_tpi:
        return {}
    vals: dict[str, Any] = {}
    rubric = ctx.rubric
    for eid, e in ctx.mapped.entries.items():
        if e.tpi_col is None or blank(e.tpi_raw):
            continue
        item = rubric.items.get(eid)
        if item is None:  # a Jumlah input
            num, _ = parse_number(e.tpi_raw)
            if num is not None and num >= 0:
                vals[eid] = num
        elif item.type == "survey":
            num, _ = parse_number(e.tpi_raw)
            if num is not None:
                vals[eid] = num
        elif item.type != "pct":
            raw = e.tpi_raw
            # 'A ' is no answer to the official formula (see answer-spaces)
            vals[eid] = choice_key(rubric.options(item.type), raw) if raw == str(raw).strip() else None
    # a computed total (LHKPN) follows its parts in the TPI column as well
    for inp in rubric.inputs.values():
        if inp.role == "total" and inp.computed and inp.id in ctx.mapped.entries:
            vals[inp.id] = _sum_parts(rubric, inp, vals)
    return vals


def _show(raw: Any) -> str:
    s = str(raw)
    return s if len(s) <= 40 else s[:37] + "..."


def _type_altered(ctx, e, expected: str, item_id: str) -> list[Problem]:
    if e.type_text is None or e.type_col is None:
        return []
    if norm_type_label(e.type_text) == norm_type_label(expected):
        return []
    ctx.causes[f"row:{e.row}"], ctx.causes_en[f"row:{e.row}"] = both("check.cause.type-edited", found=repr(e.type_text),
                                                                    expected=repr(expected))
    return [ctx.problem("answer-type-altered", e.row, e.type_col, item_id, value=e.type_text or Msg("check.blank"),
                        expected=expected)]


def _typed_pct(ctx, e, item) -> None:
    # The % cell holds a formula over its Jumlah rows; a typed number there is what the
    # workbook uses once the formula is gone.  60 and 0.6 both mean 60 %.
    if e.formula is not None or blank(e.raw):
        return
    num, _ = parse_number(e.raw)
    if num is None:
        return
    ctx.values[item.id] = num / 100 if num > 1 else num


def _survey(ctx, e, item) -> list[Problem]:
    raw = e.raw
    if blank(raw):
        return [ctx.problem("answer-missing", e.row, e.answer_col, item.id, text=item.text)]
    num, was_text = parse_number(raw)
    out = []
    if num is None:
        return [ctx.problem("answer-invalid", e.row, e.answer_col, item.id, value=_show(raw),
                            allowed=Msg("check.allowed-survey"))]
    if was_text:
        out.append(ctx.problem("answer-as-text", e.row, e.answer_col, item.id, value=_show(raw), number=num))
    if not 0 <= num <= 4:
        used = min(max(num, 0.0), 4.0)
        out.append(ctx.problem("survey-out-of-range", e.row, e.answer_col, item.id, value=num, used=used))
    ctx.values[item.id] = num
    return out


def _count(ctx, e, inp) -> list[Problem]:
    if inp.role == "total" and (inp.computed or blank(e.raw) and e.formula is not None):
        # computed by the sheet (K = sum of the parts); typed over, it is what Excel uses
        if e.formula is None and not blank(e.raw):
            num, _ = parse_number(e.raw)
            ctx.values[inp.id] = num
        else:
            ctx.values[inp.id] = _sum_parts(ctx.rubric, inp, ctx.values)
        return []
    raw = e.raw
    if blank(raw):
        return [ctx.problem("answer-missing", e.row, e.answer_col, inp.id, text=inp.text)]
    num, was_text = parse_number(raw)
    if num is None:
        return [ctx.problem("count-invalid", e.row, e.answer_col, inp.id, value=_show(raw),
                            reason=Msg("check.reason-not-number"))]
    out = []
    if was_text:
        out.append(ctx.problem("answer-as-text", e.row, e.answer_col, inp.id, value=_show(raw), number=num))
    if num < 0:
        return out + [ctx.problem("count-invalid", e.row, e.answer_col, inp.id, value=num,
                                  reason=Msg("check.reason-negative"))]
    if not math.isfinite(num) or num > MAX_COUNT:
        # 1e308 is a whole number to Python, but no office counts that many of anything,
        # and sums and ratios of it overflow.
        return out + [ctx.problem("count-invalid", e.row, e.answer_col, inp.id, value=num,
                                  reason=Msg("check.reason-too-large", limit=f"{MAX_COUNT:,}".replace(",", ".")))]
    if not float(num).is_integer():
        out.append(ctx.problem("count-invalid", e.row, e.answer_col, inp.id, value=num,
                               reason=Msg("check.reason-not-integer")))
    ctx.values[inp.id] = num
    return out


def _sum_parts(rubric, total_inp, values) -> float | None:
    item = rubric.items[total_inp.item_id]
    parts = [values.get(i.id) for i in item.inputs if i.role == "part"]
    return None if not parts or any(p is None for p in parts) else sum(parts)
