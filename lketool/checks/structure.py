"""``item-unmapped``: rubric items the sheet does not hold, and sheet rows the rubric
does not know; ``sheet-ambiguous``: another sheet holds an LKE too; ``hidden-content``:
the LKE sheet, answer rows or answer columns are hidden (what Excel shows the reviewer
is not all that is scored)."""
from __future__ import annotations

from lketool.i18n import Msg
from lketool.problems import Problem

ANSWER_ROLES = frozenset({"answer", "tpi_answer"})


def check(ctx) -> list[Problem]:
    out = []
    for u in ctx.mapped.unmapped:
        if u.rubric_id:
            out.append(ctx.problem("item-unmapped", item=u.rubric_id,
                                   detail=Msg("check.item-not-on-sheet", item=u.rubric_id, text=u.text)))
        else:
            col = ctx.mapped.columns.get("answer")
            out.append(ctx.problem("item-unmapped", row=u.row, col=col, severity="warning",
                                   detail=Msg("check.row-not-in-rubric", row=u.row, text=u.text)))
    return out + _ambiguity(ctx) + _hidden(ctx)


def _ambiguity(ctx) -> list[Problem]:
    others = ctx.mapped.other_lke_sheets
    if not others:
        return []
    return [ctx.problem("sheet-ambiguous", sheet=ctx.mapped.sheet, others=", ".join(f"'{o}'" for o in others))]


def _hidden(ctx) -> list[Problem]:
    m = ctx.mapped
    grid = m.grid
    out = []
    if grid.hidden:
        out.append(ctx.problem("hidden-content", detail=Msg("check.hidden-sheet", sheet=m.sheet)))
    if grid.hidden_rows:
        rows = sorted({e.row for e in m.entries.values()} & grid.hidden_rows)
        if rows:
            shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
            out.append(ctx.problem("hidden-content", row=rows[0], col=m.columns.get("answer"),
                                   detail=Msg("check.hidden-rows", n=len(rows), rows=shown)))
    if grid.hidden_cols:
        from lketool.reader import col_letter

        # Only the answer columns: the official template itself hides helper columns
        # (the real workbook hides J, 'Pilihan Jawaban').
        cols = sorted({c for role, c in m.columns.items() if c and role in ANSWER_ROLES} & grid.hidden_cols)
        if cols:
            shown = ", ".join(col_letter(c) for c in cols)
            out.append(ctx.problem("hidden-content", detail=Msg("check.hidden-cols", cols=shown)))
    return out
