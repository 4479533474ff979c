"""An annotated copy of a checked workbook: every problem cell coloured by severity and
carrying a comment with the message(s), and a first sheet "Hasil Pemeriksaan" listing
all problems with links to their cells.

    from lketool.api import check_file
    from lketool.annotate import annotate_workbook
    annotate_workbook(check_file("LKE_unit.xlsx"), "LKE_unit-diperiksa.xlsx")

The input workbook is never modified.  The copy keeps formulas, data validations,
merged cells, protection and the other sheets (openpyxl does not keep pictures or
charts).  It is saved without computed values, with "recalculate on open" set, so
Excel or LibreOffice recompute it when it is opened."""
from __future__ import annotations

import os
import re
from collections import OrderedDict
from pathlib import Path

from lketool.problems import CATALOGUE, ERROR, INFO, SEVERITY_ORDER, WARNING, severity_label
from lketool.i18n import t

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FILLS = {ERROR: "FFC7CE", WARNING: "FFEB9C", INFO: "BDD7EE"}  # red-ish, amber, blue
# The summary sheet's words are the catalogue's annotate.summary.*; its columns annotate.col.*.
_COLS = ("no", "sheet", "cell", "finding", "severity", "details", "item", "code")


class AnnotateError(ValueError):
    """The annotated copy cannot be written; the message is one line naming the file."""


def _top_left(ws, coord: str) -> str:
    """The writable cell for ``coord``: the top-left cell of a merged range holding it."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return rng.start_cell.coordinate
    return coord


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def annotate_workbook(result, out: str | Path, lang: str = "id") -> Path:
    """Write an annotated copy of ``result.file`` (a :class:`lketool.api.FileResult`) to
    ``out`` atomically and return its path.

    Each problem cell gets a fill by its most severe problem (error red, warning amber,
    info blue) and one comment listing all its messages; a first sheet lists every
    problem (sheet, cell, code, severity, message) with an internal link to its cell.
    Problems without a cell appear on that sheet only.  ``lang``: ``id`` or ``en``."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from lketool.template import save_atomic

    if result.error is not None:
        raise AnnotateError(t("annotate.unreadable", lang, file=result.file, code=result.error.code))
    src, out = Path(result.file), Path(out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AnnotateError(t("annotate.out-suffix", lang, out=out))
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AnnotateError(t("annotate.in-suffix", lang, file=src))
    if out.resolve() == src.resolve() or (out.exists() and out.samefile(src)):
        raise AnnotateError(t("annotate.same-as-input", lang, out=out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise AnnotateError(t("annotate.no-folder", lang, out=out, folder=folder))
    if not os.access(folder, os.W_OK):
        raise AnnotateError(t("annotate.folder-not-writable", lang, out=out, folder=folder))
    # macros survive only into an .xlsm copy (an .xlsx holding macros does not open in Excel)
    keep_vba = src.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
    try:
        wb = load_workbook(src, keep_vba=keep_vba)
    except Exception as exc:  # openpyxl reads every sheet, damaged ones too; check read only the LKE sheet
        raise AnnotateError(t("annotate.damaged", lang, file=src, reason=_reason(exc, lang))) from None

    by_cell: "OrderedDict[tuple[str, str], list]" = OrderedDict()
    rows = []
    for p in result.problems:
        loc = p.location
        target = None
        if loc.cell and loc.sheet in wb.sheetnames:
            target = (loc.sheet, _top_left(wb[loc.sheet], loc.cell))
            by_cell.setdefault(target, []).append(p)
        rows.append((p, target))

    fills = {sev: PatternFill("solid", fgColor=color) for sev, color in FILLS.items()}
    for (sheet, coord), problems in by_cell.items():
        cell = wb[sheet][coord]
        worst = min((p.severity for p in problems), key=lambda s: SEVERITY_ORDER.get(s, 9))
        cell.fill = fills.get(worst, fills[INFO])
        lines = [t("annotate.summary.comment_head", lang)]
        for p in problems:
            lines.append(f"- [{severity_label(p.severity, lang)}] {_title(p, lang)}: {_detail(p, result, lang)}")
        if cell.comment is not None and cell.comment.text:
            lines += ["", t("annotate.summary.previous", lang), cell.comment.text]
        # messages quote workbook text: drop the characters XML 1.0 (and so Excel) refuses
        text = _XML_BAD.sub("", "\n".join(lines))
        comment = Comment(text, "lketool")
        comment.width = 420
        comment.height = min(600, 40 + 18 * sum(1 + len(line) // 60 for line in lines))
        cell.comment = comment

    _summary_sheet(wb, result, rows, lang)
    # no cached values survive openpyxl: ask Excel/LibreOffice to recalculate on open
    if wb.calculation is not None:
        wb.calculation.fullCalcOnLoad = True
    try:
        return save_atomic(wb, out)
    except OSError as exc:
        raise AnnotateError(t("annotate.write-failed", lang, out=out, reason=exc.strerror or exc)) from None
    except Exception as exc:  # e.g. a damaged part that openpyxl read but cannot write back
        raise AnnotateError(t("annotate.write-failed", lang, out=out, reason=_reason(exc, lang))) from None


def _reason(exc: Exception, lang: str) -> str:
    """A plain reason for a workbook openpyxl cannot load or write (parser internals are
    left out of the message)."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    text = str(exc)
    if isinstance(exc, (zlib.error, zipfile.BadZipFile, EOFError)) or "CRC" in text:
        return t("annotate.reason-zip", lang)
    if isinstance(exc, KeyError) and "[Content_Types].xml" in text:
        return t("annotate.reason-content-types", lang)
    if isinstance(exc, KeyError):
        return t("annotate.reason-missing-part", lang)
    if isinstance(exc, ParseError) or type(exc).__name__ in ("XMLSyntaxError", "ExpatError"):
        return t("annotate.reason-xml", lang)
    if type(exc).__name__ == "IllegalCharacterError" or "XML compatible" in text:
        return t("annotate.reason-control", lang)
    return t("annotate.reason-unknown", lang)


WIDTHS = (5, 12, 8, 22, 11, 70, 12, 18)  # columns of the summary sheet, in characters


def _lines(text: str, width: int) -> int:
    """Lines ``text`` takes in a wrapped column ``width`` characters wide (a little
    narrower in practice: proportional fonts, word breaks)."""
    import math

    per_line = max(int(width * 1.05) - 2, 8)
    return max(1, sum(math.ceil(max(len(part), 1) / per_line) for part in str(text).split("\n")))


def _title(p, lang: str) -> str:
    return CATALOGUE[p.code].title(lang)


def _detail(p, result, lang: str) -> str:
    """The message without repeating the title: for an unanswered item, the item's whole
    question (the title already says the answer is missing); otherwise the message, with
    the whole question text where the message quotes one."""
    import dataclasses

    full = ""
    if p.location.item and "text" in p.params:
        rb = result.rubric
        obj = rb.items.get(p.location.item) or rb.inputs.get(p.location.item)
        full = " ".join(str(getattr(obj, "text", "") or "").split())
    if p.code == "answer-missing" and full:
        return full
    if full:
        p = dataclasses.replace(p, params={**p.params, "text": full})
    return p.message(lang)


def _summary_sheet(wb, result, rows, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    from lketool.cells import openpyxl_text

    def word(key: str) -> str:
        return t(f"annotate.summary.{key}", lang)

    name = word("name")  # the summary sheet's own name
    base, n = name, 2
    while name in wb.sheetnames:
        name = f"{base} ({n})"
        n += 1
    ws = wb.create_sheet(name, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    ws["A1"] = word("title")
    ws["A1"].font = Font(bold=True, size=14)
    # Every text that came from the workbook (unit name, file and sheet names, messages
    # quoting cells) goes in through openpyxl_text: always a string, never a formula.
    info = [(word("unit"), result.unit or ""), (word("file"), Path(result.file).name),
            (word("sheet"), result.sheet or "")]
    counts = result.counts
    info.append((word("counts"), ", ".join(f"{severity_label(k, lang)} {counts.get(k, 0)}"
                                           for k in (ERROR, WARNING, INFO))))
    if result.scores is not None:
        info.append((word("score"), round(result.scores.total, 2)))
    wbs = (result.workbook_scores or {}).get("total") if result.workbook_scores else None
    info.append((word("wb_score"), round(wbs, 2) if isinstance(wbs, (int, float)) else "-"))
    r = 2
    for label, value in info:
        ws.cell(r, 1, label).font = bold
        cell = ws.cell(r, 3)
        if isinstance(value, (int, float)):
            cell.value = value
            cell.number_format = "0.00"
            cell.alignment = Alignment(horizontal="left")
        else:
            openpyxl_text(cell, value)
        r += 1
    legend = ws.cell(r, 1, word("legend"))
    legend.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(_COLS))
    ws.row_dimensions[r].height = 30
    r += 2
    header = r
    for c, col in enumerate(_COLS, start=1):
        cell = ws.cell(header, c, t(f"annotate.col.{col}", lang))
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = wrap
    fills = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    link_font = Font(color="0563C1", underline="single")
    for i, (p, target) in enumerate(rows, start=1):
        r = header + i
        loc = p.location
        ws.cell(r, 1, i).alignment = top
        openpyxl_text(ws.cell(r, 2), loc.sheet or "")
        cell = ws.cell(r, 3)
        openpyxl_text(cell, loc.cell or "")
        if target is not None:
            sheet, coord = target
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quote(sheet)}!{coord}",
                                       display=loc.cell)
            cell.font = link_font
        openpyxl_text(ws.cell(r, 4), _title(p, lang))
        sc = ws.cell(r, 5, severity_label(p.severity, lang))
        if p.severity in fills:
            sc.fill = fills[p.severity]
        msg = ws.cell(r, 6)
        openpyxl_text(msg, _detail(p, result, lang))
        openpyxl_text(ws.cell(r, 7), loc.item or "")
        openpyxl_text(ws.cell(r, 8), p.code)
        for c in range(1, 9):
            ws.cell(r, c).alignment = wrap if c in (4, 6) else top
        # Wrapped rows get their height here: Excel grows a row only when it edits it,
        # and LibreOffice keeps the height stored, so long messages would overlap.
        lines = max(_lines(_title(p, lang), WIDTHS[3]), _lines(msg.value or "", WIDTHS[5]))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
    last = header + max(len(rows), 1)
    if not rows:
        ws.cell(header + 1, 1, word("none"))
    else:
        ws.auto_filter.ref = f"A{header}:H{last}"
    ws.freeze_panes = f"A{header + 1}"
    for col, width in zip("ABCDEFGH", WIDTHS):
        ws.column_dimensions[col].width = width
    # Printed: landscape A4, one page wide, the header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:H{last}"
    ws.page_margins.left = ws.page_margins.right = 0.5
