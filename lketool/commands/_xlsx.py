"""``check``/``score --format xlsx -o FILE``: one workbook for coordinators who live in
Excel.  ``check`` writes one row per finding (and a sheet with one row per file),
``score`` one row per file; every sheet has a frozen header and an autofilter.

Workbook text (unit names, messages, answers) is written with
:func:`lketool.cells.xlsxwriter_text`, so it is always a string, never a formula; numbers
stay numbers at full precision.  The file is written atomically."""
from __future__ import annotations

from pathlib import Path

from lketool.atomic import atomic_path
from lketool.cells import sheet_name, xlsxwriter_text
from lketool.i18n import t


def write_results(results, output: str | Path, lang: str, *, scores: bool) -> Path:
    """Write the xlsx for ``check`` (``scores=False``) or ``score``."""
    import xlsxwriter

    from lketool.commands import _common as c

    with atomic_path(output) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        try:
            taken: set[str] = set()
            if scores:
                cols, rows = c.score_rows_table(results, lang)
                _sheet(wb, sheet_name(t("xlsx.sheet.scores", lang), taken), cols, rows, lang)
            else:
                cols, rows = c.finding_rows(results, lang)
                _sheet(wb, sheet_name(t("xlsx.sheet.findings", lang), taken), cols, rows, lang)
                _sheet(wb, sheet_name(t("xlsx.sheet.files", lang), taken), *_file_rows(results, lang), lang)
        finally:
            wb.close()
    return Path(output)


def _file_rows(results, lang: str):
    from lketool import csvout
    from lketool.problems import ERROR, INFO, WARNING

    cols = csvout.cols("files", "file", "unit", "layout", "root_errors", "root_warnings", "derived", "errors",
                       "warnings", "error")
    rows = []
    for r in results:
        roots = [p for p in r.problems if not p.caused_by and p.severity != INFO]
        rows.append({"file": r.file, "unit": r.unit, "layout": r.layout,
                     "root_errors": sum(p.severity == ERROR for p in roots),
                     "root_warnings": sum(p.severity == WARNING for p in roots),
                     "derived": sum(1 for p in r.problems if p.caused_by),
                     "errors": r.counts[ERROR], "warnings": r.counts[WARNING],
                     "error": r.error.message(lang) if r.error is not None else None})
    return cols, rows


def _sheet(wb, name: str, columns, rows: list[dict], lang: str) -> None:
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                          "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    widths = [max(8, min(60, len(col.header(lang)) + 2)) for col in columns]
    for j, col in enumerate(columns):
        xlsxwriter_text(ws, 0, j, col.header(lang), bold)
    for i, row in enumerate(rows, start=1):
        for j, col in enumerate(columns):
            v = row.get(col.key)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v, top)  # Excel shows it in its own language (BENAR/SALAH)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v, top)
            else:
                xlsxwriter_text(ws, i, j, v, wrap if col.key == "message" else top)
                widths[j] = max(widths[j], min(60 if col.key != "message" else 90, len(str(v)) + 2))
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(rows)), len(columns) - 1)
