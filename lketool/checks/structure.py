"""``item-unmapped``: rubric items the sheet does not hold, and sheet rows the rubric
does not know; ``sheet-ambiguous``: another sheet holds an LKE too; ``hidden-content``:
the LKE sheet, answer rows or answer columns are hidden (what Excel shows the reviewer
is not all that is scored)."""
from __future__ import annotations

from lketool.problems import Problem

ANSWER_ROLES = frozenset({"answer", "tpi_answer"})


def check(ctx) -> list[Problem]:
    out = []
    for u in ctx.mapped.unmapped:
        if u.rubric_id:
            out.append(ctx.problem("item-unmapped", item=u.rubric_id,
                                   detail=f"Butir rubrik {u.rubric_id} tidak ditemukan di sheet: '{u.text[:80]}'",
                                   detail_en=f"Rubric item {u.rubric_id} was not found on the sheet: '{u.text[:80]}'"))
        else:
            col = ctx.mapped.columns.get("answer")
            out.append(ctx.problem("item-unmapped", row=u.row, col=col, severity="warning",
                                   detail=f"Baris {u.row} berisi isian yang tidak dikenali rubrik: '{u.text[:80]}'",
                                   detail_en=f"Row {u.row} holds an entry the rubric does not know: '{u.text[:80]}'"))
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
        out.append(ctx.problem("hidden-content",
                               detail=f"Sheet LKE '{m.sheet}' disembunyikan (hidden) di workbook ini",
                               detail_en=f"The LKE sheet '{m.sheet}' is hidden in this workbook"))
    if grid.hidden_rows:
        rows = sorted({e.row for e in m.entries.values()} & grid.hidden_rows)
        if rows:
            shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
            out.append(ctx.problem("hidden-content", row=rows[0], col=m.columns.get("answer"),
                                   detail=f"{len(rows)} baris jawaban disembunyikan (baris {shown}); "
                                          "isinya tetap dinilai",
                                   detail_en=f"{len(rows)} answer rows are hidden (rows {shown}); "
                                             "they are still scored"))
    if grid.hidden_cols:
        from lketool.reader import col_letter

        # Only the answer columns: the official template itself hides helper columns
        # (the real workbook hides J, 'Pilihan Jawaban').
        cols = sorted({c for role, c in m.columns.items() if c and role in ANSWER_ROLES} & grid.hidden_cols)
        if cols:
            shown = ", ".join(col_letter(c) for c in cols)
            out.append(ctx.problem("hidden-content",
                                   detail=f"Kolom jawaban {shown} disembunyikan; isinya tetap dinilai",
                                   detail_en=f"Answer column {shown} is hidden; it is still scored"))
    return out
