"""``item-unmapped``: rubric items the sheet does not hold, and sheet rows the rubric
does not know."""
from __future__ import annotations

from lketool.i18n import Msg
from lketool.problems import Problem


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
    return out
