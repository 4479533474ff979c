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

from collections import OrderedDict
from pathlib import Path

from lketool.problems import CATALOGUE, ERROR, INFO, SEVERITY_ORDER, WARNING, severity_label

SUMMARY_SHEET = {"id": "Hasil Pemeriksaan", "en": "Check Results"}
FILLS = {ERROR: "FFC7CE", WARNING: "FFEB9C", INFO: "BDD7EE"}  # red-ish, amber, blue
SEVERITY_LABEL = {lang: {sev: severity_label(sev, lang) for sev in (ERROR, WARNING, INFO)}
                  for lang in ("id", "en")}  # the catalogue's one severity table
_TEXT = {
    "id": {"title": "Hasil Pemeriksaan LKE", "unit": "Unit kerja", "file": "Berkas", "sheet": "Sheet",
           "counts": "Jumlah temuan", "score": "Nilai hitung ulang lketool", "wb_score": "Nilai di workbook",
           "legend": "Warna sel: merah = kesalahan, kuning = peringatan, biru = info. Klik alamat sel untuk "
                     "menuju selnya; arahkan kursor ke sel untuk membaca komentarnya.",
           "cols": ("No", "Sheet", "Sel", "Kode", "Tingkat", "Pesan", "Butir"),
           "none": "Tidak ada temuan.", "na": "-", "comment_head": "Hasil pemeriksaan lketool:",
           "previous": "Komentar sebelumnya:"},
    "en": {"title": "LKE Check Results", "unit": "Unit", "file": "File", "sheet": "Sheet",
           "counts": "Findings", "score": "lketool recomputed score", "wb_score": "Workbook score",
           "legend": "Cell colours: red = error, amber = warning, blue = info. Click a cell address to go to "
                     "the cell; hover over the cell to read its comment.",
           "cols": ("No", "Sheet", "Cell", "Code", "Severity", "Message", "Item"),
           "none": "No findings.", "na": "-", "comment_head": "lketool check results:",
           "previous": "Earlier comment:"},
}


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
        raise ValueError(f"{result.file}: cannot annotate a workbook that could not be read "
                         f"({result.error.code})")
    lang = "en" if lang == "en" else "id"
    src, out = Path(result.file), Path(out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError("the annotated copy must be an .xlsx or .xlsm file")
    if out.exists() and out.resolve() == src.resolve():
        raise ValueError("the annotated copy must not overwrite the input workbook")
    # macros survive only into an .xlsm copy (an .xlsx holding macros does not open in Excel)
    keep_vba = src.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
    wb = load_workbook(src, keep_vba=keep_vba)

    severities = SEVERITY_LABEL[lang]
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
        lines = [_TEXT[lang]["comment_head"]]
        for p in problems:
            title = CATALOGUE[p.code].title_en if lang == "en" else CATALOGUE[p.code].title_id
            lines.append(f"- [{severities.get(p.severity, p.severity)}] {title}: {p.message(lang)}")
        if cell.comment is not None and cell.comment.text:
            lines += ["", _TEXT[lang]["previous"], cell.comment.text]
        text = "\n".join(lines)
        comment = Comment(text, "lketool")
        comment.width = 420
        comment.height = min(600, 40 + 18 * sum(1 + len(line) // 60 for line in lines))
        cell.comment = comment

    _summary_sheet(wb, result, rows, lang)
    # no cached values survive openpyxl: ask Excel/LibreOffice to recalculate on open
    if wb.calculation is not None:
        wb.calculation.fullCalcOnLoad = True
    return save_atomic(wb, out)


def _summary_sheet(wb, result, rows, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    t = _TEXT[lang]
    name = SUMMARY_SHEET[lang]
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
    ws["A1"] = t["title"]
    ws["A1"].font = Font(bold=True, size=14)
    info = [(t["unit"], result.unit or ""), (t["file"], Path(result.file).name), (t["sheet"], result.sheet or "")]
    counts = result.counts
    sev = SEVERITY_LABEL[lang]
    info.append((t["counts"], ", ".join(f"{sev[k]} {counts.get(k, 0)}" for k in (ERROR, WARNING, INFO))))
    if result.scores is not None:
        info.append((t["score"], round(result.scores.total, 2)))
    wbs = (result.workbook_scores or {}).get("total") if result.workbook_scores else None
    info.append((t["wb_score"], round(wbs, 2) if isinstance(wbs, (int, float)) else t["na"]))
    r = 2
    for label, value in info:
        ws.cell(r, 1, label).font = bold
        ws.cell(r, 3, value)
        r += 1
    ws.cell(r, 1, t["legend"]).alignment = Alignment(wrap_text=False)
    r += 2
    header = r
    for c, label in enumerate(t["cols"], start=1):
        cell = ws.cell(header, c, label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    fills = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    link_font = Font(color="0563C1", underline="single")
    for i, (p, target) in enumerate(rows, start=1):
        r = header + i
        loc = p.location
        ws.cell(r, 1, i)
        ws.cell(r, 2, loc.sheet or "")
        cell = ws.cell(r, 3, loc.cell or "")
        if target is not None:
            sheet, coord = target
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quote(sheet)}!{coord}",
                                       display=loc.cell)
            cell.font = link_font
        ws.cell(r, 4, p.code)
        sc = ws.cell(r, 5, sev.get(p.severity, p.severity))
        if p.severity in fills:
            sc.fill = fills[p.severity]
        ws.cell(r, 6, p.message(lang)).alignment = wrap
        ws.cell(r, 7, loc.item or "")
    if not rows:
        ws.cell(header + 1, 1, t["none"])
    else:
        ws.auto_filter.ref = f"A{header}:G{header + len(rows)}"
    ws.freeze_panes = f"A{header + 1}"
    for col, width in zip("ABCDEFG", (6, 14, 9, 22, 12, 90, 16)):
        ws.column_dimensions[col].width = width
