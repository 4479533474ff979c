"""Blank (or pre-filled) LKE workbooks in the official layouts, generated from the rubric.

* ``lampiran-iii``: sheet ``LKE ZI`` laid out as Lampiran III of PermenPANRB 90/2021,
  with the official workbook's formulas (the answer-map formula in every ``Nilai`` cell,
  the ``%`` formulas over the ``Jumlah`` rows, ``AVERAGE(...)*Bobot`` per indicator and
  ``SUM`` above), so that ``lketool check`` finds no formula departures in it.
* ``portalrb-2026``: sheet ``Jawaban`` with one row per PortalRB ``soal_id`` (rows from
  ``lketool/layouts/portalrb-2026.json``), unit and TPI answer columns, and a sheet
  ``Nilai`` whose formulas score both answer columns with lketool's rules.

openpyxl writes formulas without computed values; :func:`lketool.libreoffice.recalc`
adds them (as saving in Excel would).

    from lketool.template import write_template
    write_template("LKE.xlsx", "lampiran-iii", unit="Dinas Contoh")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from lketool.layouts import LAMPIRAN_III, PORTALRB_2026
from lketool.rubric import Indicator, Input, Item, Rubric, load_rubric

LAYOUTS = (LAMPIRAN_III, PORTALRB_2026)
LKE_SHEET = "LKE ZI"
PORTALRB_SHEET = "Jawaban"
NILAI_SHEET = "Nilai"

TITLE = ("LAMPIRAN III\nPERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI "
         "REPUBLIK INDONESIA NOMOR 90 TAHUN 2021\nTENTANG\nPEMBANGUNAN DAN EVALUASI ZONA INTEGRITAS MENUJU "
         "WILAYAH BEBAS DARI KORUPSI DAN WILAYAH BIROKRASI BERSIH DAN MELAYANI DI INSTANSI PEMERINTAH")

# The official "Nilai" formula of every answer row, verbatim from the Lampiran III
# workbook (only the row number changes).  It maps the answer in K by the type in J;
# unanswered rows give "Blm Diisi", Jumlah rows "" - both skipped by AVERAGE.
STD_ANSWER_MAP = (
    'IF(J{r}="Ya/Tidak",IF(K{r}="Ya",1,IF(K{r}="Tidak",0,"Blm Diisi")),IF(J{r}="A/B/C",IF(K{r}="A",1,'
    'IF(K{r}="B",0.5,IF(K{r}="C",0,"Blm Diisi"))),IF(J{r}="A/B/C/D",IF(K{r}="A",1,IF(K{r}="B",0.67,'
    'IF(K{r}="C",0.33,IF(K{r}="D",0,"Blm Diisi")))),IF(J{r}="A/B/C/D/E",IF(K{r}="A",1,IF(K{r}="B",0.75,'
    'IF(K{r}="C",0.5,IF(K{r}="D",0.25,IF(K{r}="E",0,"Blm Diisi"))))),IF(J{r}="%",IF(K{r}="","Blm Diisi",'
    'K{r}),IF(J{r}="Jumlah",IF(K{r}="","Blm Diisi",""),IF(J{r}="Rupiah",IF(K{r}="","Blm Diisi",""),'
    'IF(J{r}="","","-"))))))))'
)

# Lampiran III columns
C_FIRST, C_TEXT, C_WEIGHT, C_CRIT, C_TYPE, C_ANS, C_SCORE, C_PCT, C_NOTE, C_EVID = (
    "B", "G", "H", "I", "J", "K", "L", "M", "O", "P")
HEADER_LAMPIRAN = {"B": "Penilaian", "H": "Bobot", "I": "Penjelasan", "J": "Pilihan Jawaban", "K": "Jawaban",
                   "L": "Nilai", "M": "%", "O": "Catatan/Keterangan/Penjelasan", "P": "Bukti Dukung (tautan)"}
# PortalRB columns: the ones the reader uses come from the layout data ("columns" of
# portalrb-2026.json, by role); the others are the template's own.
HEADER_PORTALRB_ROLES = {"text": "Pertanyaan", "type": "Pilihan Jawaban", "answer": "Jawaban Unit",
                         "note": "Catatan Unit", "evidence": "Bukti Dukung Unit", "tpi_answer": "Jawaban TPI",
                         "tpi_note": "Catatan TPI"}
HEADER_PORTALRB_FIXED = {"B": "Penilaian", "H": "Bobot", "I": "Penjelasan", "O": "Nilai Unit", "P": "Nilai TPI",
                         "R": "ID Soal"}
WIDTHS_LAMPIRAN = {"A": 3, "B": 4, "C": 4, "D": 4, "E": 5, "F": 5, "G": 55, "H": 8, "I": 60, "J": 13, "K": 12,
                   "L": 10, "M": 9, "N": 2, "O": 45, "P": 45}
WIDTHS_PORTALRB = {"A": 3, "B": 4, "C": 4, "D": 4, "E": 5, "F": 5, "G": 55, "H": 8, "I": 50, "J": 13, "K": 12,
                   "L": 35, "M": 40, "N": 12, "O": 10, "P": 10, "Q": 35, "R": 8, "S": 12, "T": 35}

# level -> (fill colour, bold, font size)
_STYLE = {"component": ("BDD7EE", True, 12), "sub": ("DDEBF7", True, 11), "area": ("E2EFDA", True, 11),
          "indicator": ("F2F2F2", True, 11), "subindicator": ("F2F2F2", True, 11), "total": ("FCE4D6", True, 12),
          "header": ("D9D9D9", True, 11)}
ANSWER_FILL = "FFF2CC"  # cells the unit types into


# ---------------------------------------------------------------- row plan

@dataclass
class _Row:
    """One planned sheet row: what it shows, and the key of the rubric node it holds."""

    kind: str  # component sub area indicator subindicator item pct input hasil total blank
    key: str | None = None
    marker: str = ""
    name: str = ""
    marker_col: str = ""
    weight: float | None = None
    obj: Any = None
    children: list[str] = field(default_factory=list)  # keys whose rows this row adds up
    row: int = 0


def _inputs_for(item: Item, layout: str) -> list[Input]:
    return [i for i in item.inputs if i.layout_only in (None, layout)]


def _lampiran_plan(rubric: Rubric) -> list[_Row]:
    """Rows of the Lampiran III sheet body, in sheet order (no row numbers yet)."""
    plan: list[_Row] = []
    plan.append(_Row("component", "comp:pengungkit", "A.", "PENGUNGKIT", "B", 60.0, children=["pengungkit"]))
    peng = next(c for c in rubric.components if c.id == "pengungkit")
    for sub in peng.subcomponents:
        plan.append(_Row("sub", sub.id, sub.marker, sub.name.split(". ", 1)[-1], "C", sub.weight,
                         children=[f"area:{sub.id}:{a.id}" for a in sub.areas]))
        for area in sub.areas:
            plan.append(_Row("area", f"area:{sub.id}:{area.id}", f"{area.number}.", area.name, "D", area.weight,
                             children=[i.id for i in area.indicators]))
            for ind in area.indicators:
                _plan_indicator(plan, ind, "E")
    plan.append(_Row("total", "pengungkit", name="TOTAL PENGUNGKIT", children=["reform", "pemenuhan"]))
    plan.append(_Row("blank"))
    hasil = next(c for c in rubric.components if c.id == "hasil")
    plan.append(_Row("component", "comp:hasil", "B.", "HASIL", "B", hasil.weight, children=["hasil"]))
    for sub in hasil.subcomponents:
        plan.append(_Row("sub", sub.id, sub.marker, sub.name.split(". ", 1)[-1], "C", sub.weight,
                         children=[i.id for i in sub.indicators]))
        for ind in sub.indicators:
            plan.append(_Row("hasil", ind.id, ind.marker, ind.items[0].text, "D", ind.weight, obj=ind.items[0]))
    plan.append(_Row("total", "hasil", name="TOTAL HASIL", children=["bersih_akuntabel", "pelayanan_prima"]))
    plan.append(_Row("blank"))
    plan.append(_Row("total", "total", name="NILAI EVALUASI ZONA INTEGRITAS", children=["pengungkit", "hasil"]))
    return plan


def _placed_plan(rubric: Rubric, header: int) -> list[_Row]:
    plan = _lampiran_plan(rubric)
    for n, p in enumerate(plan):
        p.row = header + 1 + n
    return plan


def lampiran_rows(rubric: Rubric | None = None, *, unit: str | None = None) -> dict[str, int]:
    """Rows of the Lampiran III sheet written by :func:`write_template` (with or without
    ``unit``): rubric key -> row.  Keys: item and input ids, indicator ids,
    ``area:<half>:<AREA>``, ``pemenuhan``, ``reform``, ``pengungkit`` (TOTAL PENGUNGKIT),
    ``bersih_akuntabel``, ``pelayanan_prima``, ``hasil`` (TOTAL HASIL), ``total``,
    ``comp:pengungkit``/``comp:hasil`` (the A./B. rows) and ``header``."""
    header = 3 if unit else 2
    rows = {p.key: p.row for p in _placed_plan(rubric or load_rubric(), header) if p.key}
    rows["header"] = header
    return rows


def _plan_indicator(plan: list[_Row], ind: Indicator, col: str) -> None:
    kind = "indicator" if ind.parent_id is None else "subindicator"
    plan.append(_Row(kind, ind.id, ind.marker, ind.name, col, ind.weight, obj=ind,
                     children=[c.id for c in ind.children]))
    for ch in ind.children:
        _plan_indicator(plan, ch, "E")
    for it in ind.items:
        plan.append(_Row("pct" if it.type == "pct" else "item", it.id, it.marker, it.text, "F", obj=it))
        if it.type == "pct":
            for inp in _inputs_for(it, LAMPIRAN_III):
                plan.append(_Row("input", inp.id, "", inp.text, "", obj=inp))


# ---------------------------------------------------------------- formulas

def pct_formula(item: Item, rows: Mapping[str, int]) -> str:
    """The official K formula of a ``%`` row (``rows``: input id -> sheet row)."""
    def k(role):
        inp = item.input(role)
        return f"K{rows[inp.id]}"

    if item.formula == "decrease":
        p, c, s = k("prev"), k("curr"), k("sanctioned")
        return (f'=IF(OR({p}="",{c}="",{s}=""),"Blm Diisi",IF(AND({p}=0,{c}=0),1,'
                f'IF(({p}-{c})/{p}<0,0,({p}-{c})/{p})))')
    num = k("num")
    den = k("den") if item.input("den") else k("total")
    blanks = [den, num] + ([k("in_process")] if item.input("in_process") else [])
    cond = ",".join(f'{x}=""' for x in blanks)
    return f'=IF(OR({cond}),"Blm Diisi",IF({num}/{den}>1,1,{num}/{den}))'


def total_formula(item: Item, rows: Mapping[str, int]) -> str:
    """K of a "Jumlah yang harus melaporkan" row (LHKPN, LHKASN): the sum of its parts."""
    parts = [f"K{rows[i.id]}" for i in item.inputs if i.role == "part"]
    cond = ",".join(f'{p}=""' for p in parts)
    return f'=IF(OR({cond}),"Blm Diisi",{"+".join(parts)})'


def _sum(col: str, rows: list[int]) -> str:
    return f"=SUM({','.join(f'{col}{r}' for r in rows)})"


def _rng(col: str, a: int, b: int) -> str:
    return f"{col}{a}" if a == b else f"{col}{a}:{col}{b}"


# ---------------------------------------------------------------- styling helpers

class _Styler:
    """openpyxl style objects, created once per workbook (imports stay local)."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="A6A6A6")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(horizontal="center", vertical="top", wrap_text=True)
        self.title = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.unlocked = Protection(locked=False)
        self.fills = {k: PatternFill("solid", fgColor=v[0]) for k, v in _STYLE.items()}
        self.fonts = {k: Font(bold=v[1], size=v[2]) for k, v in _STYLE.items()}
        self.answer_fill = PatternFill("solid", fgColor=ANSWER_FILL)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=12)

    def row(self, ws, r: int, kind: str, first: int, last: int) -> None:
        for c in range(first, last + 1):
            cell = ws.cell(r, c)
            cell.border = self.border
            cell.alignment = self.wrap
            if kind in self.fills:
                cell.fill = self.fills[kind]
                cell.font = self.fonts[kind]

    def answer(self, cell) -> None:
        cell.fill = self.answer_fill
        cell.protection = self.unlocked
        cell.alignment = self.center

    def free(self, cell) -> None:
        cell.protection = self.unlocked


class _Validations:
    """Collects answer cells per answer type and adds one data validation per type."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self.cells: dict[str, list[str]] = {}

    def add(self, kind: str, cell: str) -> None:
        self.cells.setdefault(kind, []).append(cell)

    def apply(self, ws) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        for kind, cells in self.cells.items():
            if kind == "count":
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                    errorTitle="Jumlah tidak sah", error="Isi dengan bilangan bulat 0 atau lebih.")
            elif kind == "survey":
                dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="4", allow_blank=True,
                                    errorTitle="Nilai survei tidak sah", error="Isi dengan angka 0 sampai 4 (mis. 3,65).")
            else:
                opts = list(self.rubric.options(kind))
                dv = DataValidation(type="list", formula1='"' + ",".join(opts) + '"', allow_blank=True,
                                    errorTitle="Jawaban tidak sah", error="Pilih salah satu: " + ", ".join(opts) + ".")
            dv.showErrorMessage = True
            for c in cells:
                dv.add(c)
            ws.add_data_validation(dv)


def _protect(ws) -> None:
    # Protection WITHOUT a password: it guards formulas against slips, not against
    # a coordinator who knows what they are doing (Review > Unprotect Sheet).
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.formatCells = False
    p.autoFilter = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _page(ws, header_row: int) -> None:
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# ---------------------------------------------------------------- Lampiran III

def _build_lampiran(wb, rubric: Rubric, unit: str | None, answers, evidence, notes) -> None:
    from openpyxl.utils import column_index_from_string as ci

    st = _Styler()
    ws = wb.active
    ws.title = LKE_SHEET
    for col, w in WIDTHS_LAMPIRAN.items():
        ws.column_dimensions[col].width = w
    ws["B1"] = TITLE
    ws["B1"].font = st.title_font
    ws["B1"].alignment = st.title
    ws.merge_cells("B1:P1")
    ws.row_dimensions[1].height = 80
    r = 2
    if unit:
        ws["B2"] = "Unit Kerja"
        ws["B2"].font = st.bold
        _put_text(ws["C2"], unit)
        ws["C2"].font = st.bold
        st.free(ws["C2"])
        r = 3
    header = r
    for col, label in HEADER_LAMPIRAN.items():
        ws[f"{col}{header}"] = label
    ws.merge_cells(f"B{header}:G{header}")
    st.row(ws, header, "header", 2, ci("P"))
    for col in HEADER_LAMPIRAN:
        ws[f"{col}{header}"].alignment = st.title

    plan = _placed_plan(rubric, header)
    rows = {p.key: p.row for p in plan if p.key}
    # the last row of each indicator: items and their Jumlah rows
    span_end: dict[str, int] = {}
    for p in plan:
        if p.kind in ("item", "pct"):
            span_end[p.obj.indicator_id] = p.row
        elif p.kind == "input":
            span_end[rubric.items[p.obj.item_id].indicator_id] = p.row

    dv = _Validations(rubric)
    last_col = ci("P")
    for p in plan:
        rr = p.row
        if p.kind == "blank":
            continue
        st.row(ws, rr, "" if p.kind in ("item", "pct", "input", "hasil") else p.kind, 2, last_col)
        if p.kind in ("component", "sub", "area", "indicator", "subindicator"):
            mc = ci(p.marker_col)
            ws.cell(rr, mc, p.marker)
            ws.cell(rr, mc + 1, p.name)
            ws.merge_cells(start_row=rr, start_column=mc + 1, end_row=rr, end_column=ci("G"))
            ws[f"H{rr}"] = p.weight
            if p.kind == "component":
                ws[f"L{rr}"] = f"=L{rows[p.children[0]]}"
            elif p.kind in ("indicator", "subindicator") and not p.children:
                ind: Indicator = p.obj
                first = rows[ind.items[0].id]
                ws[f"L{rr}"] = f"=AVERAGE({_rng('L', first, span_end[ind.id])})*H{rr}"
            else:
                ws[f"L{rr}"] = _sum("L", [rows[k] for k in p.children])
            ws[f"M{rr}"] = f"=L{rr}/H{rr}"
        elif p.kind == "total":
            ws[f"B{rr}"] = p.name
            ws.merge_cells(f"B{rr}:G{rr}")
            ws[f"L{rr}"] = _sum("L", [rows[k] for k in p.children])
        elif p.kind in ("item", "pct", "hasil"):
            item: Item = p.obj
            if p.kind == "hasil":
                ws[f"D{rr}"] = p.marker
                ws[f"E{rr}"] = item.text
                ws.merge_cells(f"E{rr}:G{rr}")
                ws[f"H{rr}"] = p.weight
                ws[f"M{rr}"] = f"=L{rr}/H{rr}"
                for c in range(2, ci("H")):
                    ws.cell(rr, c).font = st.bold
            else:
                ws[f"F{rr}"] = item.marker
                ws[f"G{rr}"] = item.text
            ws[f"I{rr}"] = item.criteria
            ws[f"J{rr}"] = rubric.type_label(item.type)
            ws[f"J{rr}"].alignment = st.center
            if item.type == "pct":
                ws[f"K{rr}"] = pct_formula(item, rows)
                ws[f"K{rr}"].number_format = "0.00%"
                ws[f"K{rr}"].alignment = st.center
            else:
                st.answer(ws[f"K{rr}"])
                dv.add(item.type, f"K{rr}")
            if item.type == "survey":
                ws[f"L{rr}"] = f'=IF(K{rr}="","Blm Diisi",K{rr}/4)*H{rr}'
            elif p.kind == "hasil":
                ws[f"L{rr}"] = "=" + STD_ANSWER_MAP.format(r=rr) + f"*H{rr}"
            else:
                ws[f"L{rr}"] = "=" + STD_ANSWER_MAP.format(r=rr)
            st.free(ws[f"O{rr}"])
            st.free(ws[f"P{rr}"])
        elif p.kind == "input":
            inp: Input = p.obj
            item = rubric.items[inp.item_id]
            ws[f"G{rr}"] = f"- {inp.text}"
            ws[f"J{rr}"] = rubric.type_label("count")
            ws[f"J{rr}"].alignment = st.center
            if inp.role == "total":
                # lketool's form computes every "harus melaporkan" total from its parts, as the
                # regulation's example defines it (90/2021 Lampiran III lines 4029-4053)
                ws[f"K{rr}"] = total_formula(item, rows)
                ws[f"K{rr}"].alignment = st.center
            else:
                st.answer(ws[f"K{rr}"])
                dv.add("count", f"K{rr}")
            ws[f"L{rr}"] = "=" + STD_ANSWER_MAP.format(r=rr)
            st.free(ws[f"O{rr}"])
            st.free(ws[f"P{rr}"])
        if p.kind not in ("blank",):
            ws[f"L{rr}"].number_format = "0.00"
            ws[f"M{rr}"].number_format = "0.00%"
    ws.row_dimensions[header].height = 30
    for p in plan:
        if p.kind != "blank":
            fit_row_height(ws, p.row, {"G": WIDTHS_LAMPIRAN["G"], "I": WIDTHS_LAMPIRAN["I"]})
    dv.apply(ws)

    computed = {i.id for i in rubric.inputs.values() if i.role == "total"}
    _fill(ws, rows, answers, "K", rubric, what="answers", ignore=computed)
    _fill(ws, rows, notes, "O", rubric, what="notes")
    _fill(ws, rows, evidence, "P", rubric, what="evidence")
    _page(ws, header)
    _protect(ws)


def _fill(ws, rows: Mapping[str, int], values: Mapping[str, Any] | None, col: str, rubric: Rubric, *,
          what: str, ignore=frozenset()) -> None:
    """Write ``values`` (id -> value) into column ``col``.  Answers go to answer cells
    only (entry ids); notes and evidence may also name a % item."""
    allowed = set(rubric.entry_ids())
    if what in ("notes", "evidence"):
        allowed |= set(rubric.items)
    for eid, v in (values or {}).items():
        if eid in ignore:
            continue
        if eid not in allowed:
            known = eid in rubric.items or eid in rubric.inputs or eid in rubric.indicators
            raise ValueError(f"{what}: {eid!r} " + ("is not an answer cell" if known else "is not a rubric id"))
        if eid not in rows:
            raise ValueError(f"{what}: {eid!r} has no cell in this layout")
        if what in ("notes", "evidence"):
            _put_text(ws[f"{col}{rows[eid]}"], v)
        else:
            ws[f"{col}{rows[eid]}"] = v


def _put_text(cell, value) -> None:
    """Write text that must stay text: openpyxl would store '=…' as a formula (a unit
    named '=Dinas' or evidence '=HYPERLINK(…)' from a user is data, not a formula)."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


# ---------------------------------------------------------------- PortalRB 2026

def _portalrb_headings(rubric: Rubric) -> list[tuple[str, int, list[_Row]]]:
    """For each soal in sheet order: (entry id, soal_id, heading rows that belong before it)."""
    out = []
    seen: set[str] = set()

    def need(p: _Row, acc: list[_Row]):
        if p.key not in seen:
            seen.add(p.key)
            acc.append(p)

    spec = _spec()
    soal_rows = sorted(((int(k), v) for k, v in spec["rows"].items()), key=lambda kv: kv[1])
    for soal, _row in soal_rows:
        obj = rubric.by_soal[soal]
        acc: list[_Row] = []
        item = obj if isinstance(obj, Item) else rubric.items[obj.item_id]
        ind = rubric.indicators[item.indicator_id]
        chain = [ind]
        while chain[0].parent_id:
            chain.insert(0, rubric.indicators[chain[0].parent_id])
        if ind.half == "hasil":
            need(_Row("component", "comp:hasil", "B.", "HASIL", "B", 40.0), acc)
            sub = next(s for c in rubric.components for s in c.subcomponents if ind in s.indicators)
            need(_Row("sub", sub.id, sub.marker, sub.name.split(". ", 1)[-1], "C", sub.weight), acc)
        else:
            need(_Row("component", "comp:pengungkit", "A.", "PENGUNGKIT", "B", 60.0), acc)
            sub = rubric.subcomponent(ind.half)
            need(_Row("sub", sub.id, sub.marker, sub.name.split(". ", 1)[-1], "C", sub.weight), acc)
            area = next(a for a in sub.areas if a.id == ind.area_id)
            need(_Row("area", f"area:{ind.half}:{area.id}", f"{area.number}.", area.name, "D", area.weight), acc)
            for level, x in enumerate(chain):
                need(_Row("indicator" if level == 0 else "subindicator", x.id, x.marker, x.name, "E", x.weight), acc)
            if item.type == "pct":
                need(_Row("pct", item.id, item.marker, item.text, "F", obj=item), acc)
        out.append((obj.id, soal, acc))
    return out


def _spec() -> dict:
    from lketool.layouts import get_layout

    return get_layout(PORTALRB_2026).spec()


def portalrb_columns(spec: dict | None = None) -> dict[str, str]:
    """Column letter by role (answer, note, evidence, tpi_answer, tpi_note, text, type)
    of the PortalRB layout data."""
    return dict((spec or _spec())["columns"])


def portalrb_header(spec: dict | None = None) -> dict[str, str]:
    """Header label by column letter of the ``Jawaban`` sheet, in column order."""
    cols = portalrb_columns(spec)
    head = dict(HEADER_PORTALRB_FIXED)
    head.update({cols[role]: label for role, label in HEADER_PORTALRB_ROLES.items() if role in cols})
    return dict(sorted(head.items(), key=lambda kv: (len(kv[0]), kv[0])))


def portalrb_rows(rubric: Rubric) -> dict[str, int]:
    """Entry id -> row on the ``Jawaban`` sheet."""
    spec = _spec()
    return {rubric.by_soal[int(k)].id: v for k, v in spec["rows"].items() if int(k) in rubric.by_soal}


def _build_portalrb(wb, rubric: Rubric, unit: str | None, answers, evidence, notes, tpi_answers) -> None:
    from openpyxl.utils import column_index_from_string as ci

    st = _Styler()
    ws = wb.active
    ws.title = PORTALRB_SHEET
    for col, w in WIDTHS_PORTALRB.items():
        ws.column_dimensions[col].width = w
    spec = _spec()
    header = spec["header_row"]
    c = portalrb_columns(spec)
    head = portalrb_header(spec)
    for col, label in head.items():
        ws[f"{col}{header}"] = label
    ws.merge_cells(f"B{header}:F{header}")
    st.row(ws, header, "header", 2, ci("R"))
    for col in head:
        ws[f"{col}{header}"].alignment = st.title
    ws.row_dimensions[header].height = 30
    ws["S1"] = "Unit Kerja"
    ws["S1"].font = st.bold
    _put_text(ws["T1"], unit or None)
    ws["T1"].font = st.bold
    st.answer(ws["T1"])

    entry_rows = portalrb_rows(rubric)
    nilai_rows = _build_nilai(wb, rubric, entry_rows, c)
    dv = _Validations(rubric)
    last_col = ci("R")
    prev_row = header
    last_pengungkit_row = 0
    heading_rows: dict[str, int] = {}
    for eid, soal, headings in _portalrb_headings(rubric):
        row = entry_rows[eid]
        free = list(range(prev_row + 1, row))
        # most specific headings sit next to their question; ones that do not fit are left out
        place = headings[-len(free):] if free else []
        for hr, h in zip(free[len(free) - len(place):], place):
            heading_rows[h.key] = hr
            style = "" if h.kind == "pct" else h.kind
            st.row(ws, hr, style, 2, last_col)
            if h.kind == "pct":
                item: Item = h.obj
                ws[f"F{hr}"] = item.marker
                ws[f"{c['text']}{hr}"] = item.text
                ws[f"I{hr}"] = item.criteria
                ws[f"{c['type']}{hr}"] = rubric.type_label("pct")
                ws[f"{c['type']}{hr}"].alignment = st.center
                for col, src in (("O", "C"), ("P", "D")):
                    ws[f"{col}{hr}"] = f"={NILAI_SHEET}!{src}{nilai_rows['item:' + item.id]}"
                    ws[f"{col}{hr}"].number_format = "0.00%"
            else:
                mc = ci(h.marker_col)
                ws.cell(hr, mc, h.marker)
                ws.cell(hr, mc + 1, h.name)
                ws.merge_cells(start_row=hr, start_column=mc + 1, end_row=hr, end_column=ci(c["text"]))
                ws[f"H{hr}"] = h.weight
                key = h.key[len("comp:"):] if h.key.startswith("comp:") else h.key
                if key in nilai_rows:
                    for col, src in (("O", "C"), ("P", "D")):
                        ws[f"{col}{hr}"] = f"={NILAI_SHEET}!{src}{nilai_rows[key]}"
                        ws[f"{col}{hr}"].number_format = "0.00"
        obj = rubric.items.get(eid) or rubric.inputs[eid]
        st.row(ws, row, "", 2, last_col)
        if isinstance(obj, Item):
            kind = obj.type
            ws[f"F{row}"] = obj.marker
            ws[f"{c['text']}{row}"] = obj.text
            ind = rubric.indicators[obj.indicator_id]
            # a Hasil question is its own indicator: show its weight and weighted score
            is_hasil = ind.half == "hasil"
            if is_hasil:
                ws[f"H{row}"] = ind.weight
            ws[f"I{row}"] = obj.criteria
            ws[f"{c['type']}{row}"] = rubric.type_label(obj.type)
            key = ind.id if is_hasil else "item:" + obj.id
            for col, src in (("O", "C"), ("P", "D")):
                ws[f"{col}{row}"] = f"={NILAI_SHEET}!{src}{nilai_rows[key]}"
                ws[f"{col}{row}"].number_format = "0.00"
        else:
            kind = "count"
            ws[f"{c['text']}{row}"] = f"- {obj.portalrb_text or obj.text}"
            ws[f"{c['type']}{row}"] = rubric.type_label("count")
        ws[f"{c['type']}{row}"].alignment = st.center
        ws[f"R{row}"] = soal
        ws[f"R{row}"].alignment = st.center
        for col in (c["answer"], c["tpi_answer"]):
            st.answer(ws[f"{col}{row}"])
            dv.add(kind, f"{col}{row}")
        for col in (c["note"], c["evidence"], c["tpi_note"]):
            st.free(ws[f"{col}{row}"])
        if not last_pengungkit_row and obj.id.startswith("H."):
            last_pengungkit_row = max(r for r in range(header + 1, row) if ws[f"R{r}"].value is not None)
        prev_row = row
    # totals where there is room: after the last pengungkit question, and below the sheet
    totals = [(prev_row + 2, "TOTAL HASIL", "hasil"), (prev_row + 3, "NILAI EVALUASI ZONA INTEGRITAS", "total")]
    if last_pengungkit_row and not any(ws.cell(last_pengungkit_row + 1, c).value for c in range(2, last_col + 1)):
        totals.insert(0, (last_pengungkit_row + 1, "TOTAL PENGUNGKIT", "pengungkit"))
    for tr, label, key in totals:
        ws[f"B{tr}"] = label
        ws.merge_cells(f"B{tr}:G{tr}")
        st.row(ws, tr, "total", 2, last_col)
        for col, src in (("O", "C"), ("P", "D")):
            ws[f"{col}{tr}"] = f"={NILAI_SHEET}!{src}{nilai_rows[key]}"
            ws[f"{col}{tr}"].number_format = "0.00"
    for r in range(header + 1, prev_row + 1):
        fit_row_height(ws, r, {c["text"]: WIDTHS_PORTALRB.get(c["text"], 55), "I": WIDTHS_PORTALRB["I"]})
    dv.apply(ws)

    # a % item has no soal of its own: its evidence/notes go on its first Jumlah row
    fill_rows = dict(entry_rows)
    for it in rubric.items.values():
        if it.type == "pct":
            first = next((i for i in _inputs_for(it, PORTALRB_2026) if i.id in entry_rows), None)
            if first is not None:
                fill_rows[it.id] = entry_rows[first.id]
    lampiran_only = {i.id for i in rubric.inputs.values() if i.layout_only not in (None, PORTALRB_2026)}
    _fill(ws, entry_rows, answers, c["answer"], rubric, what="answers", ignore=lampiran_only)
    _fill(ws, entry_rows, tpi_answers, c["tpi_answer"], rubric, what="answers", ignore=lampiran_only)
    _fill(ws, fill_rows, notes, c["note"], rubric, what="notes", ignore=lampiran_only)
    _fill(ws, fill_rows, evidence, c["evidence"], rubric, what="evidence", ignore=lampiran_only)
    _page(ws, header)
    _protect(ws)


# ---------------------------------------------------------------- the Nilai sheet

def _choice_value(rubric: Rubric, item: Item, ref: str) -> str:
    """Option -> multiplier, '' when blank or not an option (so AVERAGE skips it)."""
    expr = '""'
    for key, val in reversed(list(rubric.options(item.type).items())):
        expr = f'IF(TRIM({ref})="{key}",{val},{expr})'
    return "=" + expr


def _pct_value(item: Item, refs: Mapping[str, str]) -> str:
    """lketool's % rules (see lketool.score.pct_value): the official fraction, with 0/0
    and n/0 scored 100 % and a rise from zero violations scored 0 % instead of #DIV/0!."""
    def ok(x):
        return f"ISNUMBER({x}),{x}>=0"

    if item.formula == "decrease":
        p, c, s = refs["prev"], refs["curr"], refs["sanctioned"]
        return (f'=IF(AND({ok(p)},{ok(c)},{ok(s)}),IF(AND({p}=0,{c}=0),1,IF({p}=0,0,'
                f'MAX(0,({p}-{c})/{p}))),"")')
    num = refs["num"]
    if "den" in refs:
        den, conds = refs["den"], [ok(refs["den"])]
    else:  # the required count is the sum of the parts
        parts = [v for k, v in refs.items() if k.startswith("part")]
        den, conds = "(" + "+".join(parts) + ")", [ok(x) for x in parts]
    conds.append(ok(num))
    if "in_process" in refs:
        conds.append(ok(refs["in_process"]))
    return f'=IF(AND({",".join(conds)}),IF({den}=0,1,MIN(1,{num}/{den})),"")'


def _item_formula(rubric: Rubric, item: Item, col: str, entry_rows: Mapping[str, int]) -> str:
    sheet = PORTALRB_SHEET
    if item.type == "pct":
        refs = {}
        for inp in _inputs_for(item, PORTALRB_2026):
            role = inp.role if inp.role != "part" else f"part{inp.id}"
            refs[role] = f"{sheet}!{col}{entry_rows[inp.id]}"
        return _pct_value(item, refs)
    ref = f"{sheet}!{col}{entry_rows[item.id]}"
    if item.type == "survey":
        return f'=IF(ISNUMBER({ref}),MIN(MAX({ref},0),4)/4,"")'
    return _choice_value(rubric, item, ref)


def _build_nilai(wb, rubric: Rubric, entry_rows: Mapping[str, int], cols: Mapping[str, str]) -> dict[str, int]:
    """Sheet ``Nilai``: key (A), label (B), unit score (C), TPI score (D), weight (E)."""
    st = _Styler()
    ws = wb.create_sheet(NILAI_SHEET)
    for col, w in {"A": 26, "B": 70, "C": 13, "D": 13, "E": 9}.items():
        ws.column_dimensions[col].width = w
    for col, label in zip("ABCDE", ("Kunci", "Uraian", "Nilai Unit", "Nilai TPI", "Bobot")):
        ws[f"{col}1"] = label
    st.row(ws, 1, "header", 1, 5)
    areas = [(h, a) for h in ("pemenuhan", "reform") for a in rubric.areas(h)]
    summary = [("total", "NILAI EVALUASI ZONA INTEGRITAS", 100.0), ("pengungkit", "Total pengungkit", 60.0),
               ("pemenuhan", "I. Pemenuhan", 30.0), ("reform", "II. Reform", 30.0), ("hasil", "Total hasil", 40.0),
               ("bersih_akuntabel", "I. Birokrasi yang bersih dan akuntabel", 22.5),
               ("pelayanan_prima", "II. Pelayanan publik yang prima", 17.5)]
    summary += [(f"area:{h}:{a.id}", f"{h.title()} - {a.number}. {a.title}", a.weight) for h, a in areas]
    rows: dict[str, int] = {}
    r = 2
    for key, label, _w in summary:
        rows[key] = r
        r += 1
    r += 1
    ws[f"B{r}"] = "Rincian per indikator dan butir (nilai butir 0-1)"
    ws[f"B{r}"].font = st.bold
    r += 1
    detail: list[tuple[str, str, Any, str]] = []  # key, label, weight, kind
    for ind in rubric.walk_indicators():
        rows[ind.id] = r
        detail.append((ind.id, f"{ind.marker} {ind.name}".strip(), ind.weight, "indicator"))
        r += 1
        if not ind.children:
            for it in ind.items:
                rows["item:" + it.id] = r
                detail.append(("item:" + it.id, f"   {it.marker} {it.text}", None, "item"))
                r += 1
    kids = {"total": ["pengungkit", "hasil"], "pengungkit": ["reform", "pemenuhan"],
            "hasil": ["bersih_akuntabel", "pelayanan_prima"],
            "bersih_akuntabel": [rubric.metric_indicator("ipak").id, rubric.metric_indicator("capaian_kinerja").id],
            "pelayanan_prima": [rubric.metric_indicator("ipkp").id]}
    for h in ("pemenuhan", "reform"):
        kids[h] = [f"area:{h}:{a.id}" for a in rubric.areas(h)]
        for a in rubric.areas(h):
            kids[f"area:{h}:{a.id}"] = [i.id for i in a.indicators]
    for key, label, w in summary:
        rr = rows[key]
        ws[f"A{rr}"], ws[f"B{rr}"], ws[f"E{rr}"] = key, label, w
        for col in "CD":
            # '+' rather than SUM keeps the order of lketool's own sums (same floats)
            ws[f"{col}{rr}"] = "=" + "+".join(f"{col}{rows[k]}" for k in kids[key])
        st.row(ws, rr, "total" if key == "total" else "area" if key.startswith("area:") else "sub", 1, 5)
    for key, label, w, kind in detail:
        rr = rows[key]
        ws[f"A{rr}"], ws[f"B{rr}"], ws[f"E{rr}"] = key, label, w
        if kind == "indicator":
            ind = rubric.indicators[key]
            st.row(ws, rr, "indicator", 1, 5)
            for col in "CD":
                if ind.children:
                    ws[f"{col}{rr}"] = _sum(col, [rows[c.id] for c in ind.children])
                else:
                    rng = _rng(col, rr + 1, rr + len(ind.items))
                    ws[f"{col}{rr}"] = f"=IF(COUNT({rng})=0,0,AVERAGE({rng}))*E{rr}"
        else:
            item = rubric.items[key[len("item:"):]]
            for col, src in (("C", cols["answer"]), ("D", cols["tpi_answer"])):
                ws[f"{col}{rr}"] = _item_formula(rubric, item, src, entry_rows)
        for col in "CD":
            ws[f"{col}{rr}"].number_format = "0.0000"
    for key in [k for k, _, _ in summary]:
        for col in "CD":
            ws[f"{col}{rows[key]}"].number_format = "0.0000"
    ws.freeze_panes = "C2"
    _protect(ws)
    return rows


# ---------------------------------------------------------------- entry point

def write_template(path: str | Path, layout: str = LAMPIRAN_III, *, unit: str | None = None,
                   answers: Mapping[str, Any] | None = None, evidence: Mapping[str, str] | None = None,
                   notes: Mapping[str, str] | None = None, tpi_answers: Mapping[str, Any] | None = None,
                   rubric: Rubric | None = None) -> Path:
    """Write an LKE workbook in ``layout`` to ``path`` (atomically) and return the path.

    ``answers``/``tpi_answers`` map entry ids (``rubric.entry_ids()``) to option keys or
    numbers; ``evidence``/``notes`` map item or entry ids to text.  Answers are written
    as given (so test data may hold invalid answers); the unit name, notes and evidence
    are always written as text, even when they start with ``=``.  The computed LHKPN total of
    Lampiran III keeps its formula (an answer for it is ignored); ids with no cell in the
    layout are ignored when the other layout has them, and raise ``ValueError`` when
    unknown.  ``tpi_answers`` exist only in ``portalrb-2026``."""
    from openpyxl import Workbook

    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    rubric = rubric or load_rubric()
    wb = Workbook()
    if layout == LAMPIRAN_III:
        if tpi_answers:
            raise ValueError("tpi_answers are only supported by the portalrb-2026 layout")
        _build_lampiran(wb, rubric, unit, answers, evidence, notes)
    else:
        _build_portalrb(wb, rubric, unit, answers, evidence, notes, tpi_answers)
    wb.properties.title = "LKE Zona Integritas"
    wb.properties.creator = "lketool"
    return save_atomic(wb, path)


def _text_lines(text: str | None, width: float) -> int:
    """Rough number of wrapped lines of ``text`` in a column ``width`` characters wide."""
    if not text:
        return 1
    per = max(1.0, width * 1.15)
    return sum(max(1, -(-len(line) // int(per))) for line in str(text).split("\n"))


def fit_row_height(ws, row: int, columns: Mapping[str, float]) -> None:
    """Set a row height that shows its wrapped text (openpyxl cannot auto-fit)."""
    lines = max(_text_lines(ws[f"{c}{row}"].value if not str(ws[f"{c}{row}"].value or "").startswith("=")
                            else None, w) for c, w in columns.items())
    if lines > 1:
        ws.row_dimensions[row].height = min(409, 15 * lines + 3)


def save_atomic(wb, path: str | Path) -> Path:
    """Save an openpyxl workbook through a temporary file in the same folder."""
    from lketool.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def refreeze(path: str | Path, panes: dict[str, str]) -> Path:
    """Put frozen panes (``{sheet title: top-left cell}``, e.g. ``{"LKE ZI": "A3"}``) back
    into ``path`` by editing the sheet XML in place of the zip (atomically).

    LibreOffice's headless recalculation drops the frozen header rows; reloading with
    openpyxl to restore them would drop the values just computed, so the XML is patched."""
    import re
    import zipfile

    from lketool.atomic import atomic_path

    path = Path(path)
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = {}
        for m in re.finditer(r"<sheet\b[^>]*?/>", book):
            tag = m.group(0)
            name = re.search(r'name="([^"]*)"', tag)
            rid = re.search(r'r:id="([^"]*)"', tag)
            if not (name and rid):
                continue
            title = name.group(1).replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            rel = re.search(r'<Relationship\b[^>]*Id="%s"[^>]*/>' % re.escape(rid.group(1)), rels)
            target = re.search(r'Target="([^"]*)"', rel.group(0)).group(1) if rel else None
            if target and title in panes:
                targets["xl/" + target.lstrip("/").removeprefix("xl/")] = panes[title]
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                data = z.read(info.filename)
                if info.filename in targets:
                    data = _freeze_xml(data.decode("utf-8"), targets[info.filename]).encode("utf-8")
                out.writestr(info, data)
    return path


def _freeze_xml(xml: str, cell: str) -> str:
    import re

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    col, row = coordinate_from_string(cell)
    xs, ys = column_index_from_string(col) - 1, row - 1
    attrs = (f' xSplit="{xs}"' if xs else "") + (f' ySplit="{ys}"' if ys else "")
    active = "bottomRight" if xs and ys else "bottomLeft" if ys else "topRight"
    pane = f'<pane{attrs} topLeftCell="{cell}" activePane="{active}" state="frozen"/>'
    xml = re.sub(r"<pane\b[^>]*/>", "", xml)
    m = re.search(r"<sheetView\b[^>]*?(/?)>", xml)
    if m is None:
        return xml.replace("<sheetFormatPr", f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView>'
                           "</sheetViews><sheetFormatPr", 1)
    if m.group(1):  # <sheetView .../>
        open_tag = m.group(0)[:-2] + ">"
        return xml[:m.start()] + open_tag + pane + "</sheetView>" + xml[m.end():]
    # selections must name the pane they belong to
    xml = xml[:m.end()] + pane + xml[m.end():]
    return re.sub(r'<selection\b(?![^>]*\bpane=)', f'<selection pane="{active}"', xml)
