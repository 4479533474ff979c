"""``count-inconsistent``: Jumlah rows that disagree with each other, and the cases where
the official formula divides by zero.  The rules used for scoring are in
:func:`lketool.score.pct_value` and documented in ``docs/rubric.md``:

* more completed than required: the fraction is capped at 100 % (as the sheet does);
* required = 0 (0/0, or n/0): scored 100 % - nothing was outstanding; Excel shows #DIV/0!;
* violations last year = 0 and some this year: scored 0 % (no decrease); Excel shows #DIV/0!;
* a typed total that is not the sum of its parts (LHKASN): the typed total is what the
  sheet divides by, so it is used, and reported as an error."""
from __future__ import annotations

from lketool.checks.formulas import both
from lketool.i18n import Msg
from lketool.problems import ERROR, Problem
from lketool.score import UNDEFINED, denominator


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check(ctx) -> list[Problem]:
    out = []
    vals, entries = ctx.values, ctx.mapped.entries
    for item in ctx.rubric.items.values():
        if item.type != "pct":
            continue

        def ent(role):
            inp = item.input(role)
            return entries.get(inp.id) if inp else None

        def val(role):
            inp = item.input(role)
            return vals.get(inp.id) if inp else None

        anchor = entries.get(item.id) or next((entries[i.id] for i in item.inputs if i.id in entries), None)
        if anchor is None:
            continue
        row, col = anchor.row, anchor.answer_col
        if item.formula == "decrease":
            prev, curr = val("prev"), val("curr")
            if prev == 0 and curr is not None and curr > 0:
                out.append(ctx.problem(
                    "count-inconsistent", row, col, item.id,
                    detail=Msg("check.count-new-violations", curr=_fmt(curr))))
            continue
        total = item.input("total")
        parts = [i for i in item.inputs if i.role == "part"]
        if total is not None and total.id in entries and not total.computed:
            tv = vals.get(total.id)
            pv = [vals.get(p.id) for p in parts]
            if tv is not None and pv and all(p is not None for p in pv) and sum(pv) != tv:
                te = entries[total.id]
                out.append(ctx.problem(
                    "count-inconsistent", te.row, te.answer_col, total.id, severity=ERROR,
                    detail=Msg("check.count-total-not-sum", total=_fmt(tv), parts=" + ".join(_fmt(p) for p in pv),
                               sum=_fmt(sum(pv)))))
                cause, cause_en = both("check.cause.typed-total", total=_fmt(tv), cell=te.answer_cell,
                                       sum=_fmt(sum(pv)))
                rows = [te.row] + ([entries[item.id].row] if item.id in entries else [])
                for r in rows:
                    ctx.causes[f"row:{r}"], ctx.causes_en[f"row:{r}"] = cause, cause_en
        den, num = denominator(item, vals), val("num")
        if den is None or num is None:
            continue
        ne = ent("num")
        nrow, ncol = (ne.row, ne.answer_col) if ne else (row, col)
        if den == 0 and item.zero_rule == UNDEFINED:
            out.append(ctx.problem(
                "count-inconsistent", nrow, ncol, item.id, severity=ERROR,
                detail=Msg("check.count-zero-undefined", num=_fmt(num))))
            continue
        if den == 0:
            out.append(ctx.problem(
                "count-inconsistent", nrow, ncol, item.id,
                detail=Msg("check.count-zero-denominator", num=_fmt(num))))
            continue
        if num > den:
            out.append(ctx.problem(
                "count-inconsistent", nrow, ncol, item.id,
                detail=Msg("check.count-over", num=_fmt(num), den=_fmt(den))))
        ip = val("in_process")
        if ip is not None and num <= den and num + ip > den:
            ie = ent("in_process")
            out.append(ctx.problem(
                "count-inconsistent", ie.row, ie.answer_col, item.id,
                detail=Msg("check.count-in-process-over", ip=_fmt(ip), num=_fmt(num), den=_fmt(den))))
    return out
