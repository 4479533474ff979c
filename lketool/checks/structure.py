"""``item-unmapped``: rubric items the sheet does not hold, and sheet rows the rubric
does not know."""
from __future__ import annotations

from lketool.problems import Problem


def check(ctx) -> list[Problem]:
    out = []
    for u in ctx.mapped.unmapped:
        if u.rubric_id:
            out.append(ctx.problem("item-unmapped", item=u.rubric_id,
                                   detail=f"Butir rubrik {u.rubric_id} tidak ditemukan di sheet: '{u.text}'",
                                   detail_en=f"Rubric item {u.rubric_id} was not found on the sheet: '{u.text}'"))
        else:
            col = ctx.mapped.columns.get("answer")
            out.append(ctx.problem("item-unmapped", row=u.row, col=col, severity="warning",
                                   detail=f"Baris {u.row} berisi isian yang tidak dikenali rubrik: '{u.text}'",
                                   detail_en=f"Row {u.row} holds an entry the rubric does not know: '{u.text}'"))
    return out
