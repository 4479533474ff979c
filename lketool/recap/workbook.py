"""The recap workbook, written with xlsxwriter in constant-memory mode.

Sheets: Ringkasan (a title block, then one row per unit, ranked), Area and Indikator
(heat maps), Unit vs TPI and Beda TPI, Temuan (every finding), Gagal dibaca, Grafik
(native charts).  Every sheet prints as a document: landscape A4, one page wide, the
header row repeated on each page, the instansi and date in the page header and
"Halaman X dari Y" in the footer.
Numbers are written at full precision (every digit of the double, see
:class:`_ExactWorksheet`) and shown with two decimals by number formats.
Text from the units goes through ``write_string``, so it can never become a formula.
The file is written beside the output under a temporary name and renamed at the end."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lketool.recap.atomic import atomic_path
from lketool.recap.collect import Collection, ProgressFn, column
from lketool.recap.labels import t
from lketool.recap.rowstore import RANK, ROW, RowStore, context_digest, decode, encode, unit_digest
from lketool.cells import EXCEL_MAX_ROWS, cell_text, sheet_name
from lketool.recap.tables import (
    Column, answer_text, area_columns, cell_value, failure_message, finding_rows, indicator_values, rank_units,
    summary_columns, thresholds,
)
from lketool.display import minimum as show_limit
from lketool.rubric import Rubric, load_rubric
from lketool.verdict import MET, NOT_MET, word

GREEN = {"bg_color": "#C6EFCE", "font_color": "#006100"}
AMBER = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
NUM_FORMATS = {"points": "0.00", "share": "0.00%", "int": "0"}
# Ringkasan on paper: numbers in narrow columns under wrapped headers, and the detail
# columns (file format, area points, completeness) grouped and collapsed - one click on
# the outline's "+" shows them; they are not printed.
SUMMARY_WIDTHS = {"points": 8.5, "share": 8.5, "int": 8.5, "yesno": 8.5, "missed": 36}
SUMMARY_DETAIL = ("layout", "completeness")
MAX_LISTED_DIFFS = 30
SUMMARY_HEADER_ROW = 3  # 0-based: the title block takes rows 1-3 of Ringkasan
CHART_ALL_UNITS = 40  # above this many units the totals chart shows the top and bottom halves of it
LINE_HEIGHT = 15.0  # points per line of wrapped Calibri 11


class _RankCell:
    """The value of a rank cell in a row rendered as a template: the rank is filled in
    when the row is written (it depends on the other units)."""

    def __repr__(self) -> str:
        return "RANK_CELL"


RANK_CELL = _RankCell()


def _exact_worksheet_class():
    import re

    from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
    from xlsxwriter.worksheet import Worksheet

    _COLS = [xl_col_to_name(c) for c in range(256)]

    needs_care = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")

    class _ExactWorksheet(Worksheet):
        """xlsxwriter writes numbers with 16 significant digits ('%.16G'), which changes
        about a third of the scores in their last digit (20.343363095238097 is stored as
        20.3433630952381).  Scores must equal lketool's (and the official formulas')
        exactly, so numbers are written with Python's shortest exact repr (at most 17
        digits), as Excel itself does.  Subclassing the worksheet is xlsxwriter's own
        extension point (Workbook.worksheet_class).

        Plain numbers and strings also take a shorter path to XML than xlsxwriter's
        general cell writer (the recap writes hundreds of thousands of them); anything
        unusual - control characters, '_xHHHH_' look-alikes, leading or trailing
        spaces, other cell types - goes through xlsxwriter's own code, so the XML is the
        same byte for byte (tests/test_recap_print.py compares both)."""

        def _xml_number_element(self, number, attributes=[]):  # noqa: B006 (xlsxwriter's signature)
            # r is a cell reference and s a format index: nothing to escape
            attr = "".join([f' {k}="{v}"' for k, v in attributes])
            v = number if type(number) in (int, float) else float(number)
            self.fh.write(f"<c{attr}><v>{v!r}</v></c>")

        def _write_cell(self, row, col, cell):
            kind = type(cell).__name__
            if kind not in ("Number", "String") or not self.constant_memory:
                return super()._write_cell(row, col, cell)
            if kind == "String":
                text = cell.string
                if (not isinstance(text, str) or needs_care.search(text) is not None
                        or text[:1].isspace() or text[-1:].isspace() or text.startswith("<r>")):
                    return super()._write_cell(row, col, cell)
            fmt = cell.format
            if fmt:
                style = f' s="{fmt._get_xf_index()}"'
            elif row in self.row_info and self.row_info[row].row_format:
                style = f' s="{self.row_info[row].row_format._get_xf_index()}"'
            elif col in self.col_info and self.col_info[col].column_format is not None:
                style = f' s="{self.col_info[col].column_format._get_xf_index()}"'
            else:
                style = ""
            ref = xl_rowcol_to_cell_fast(row, col)
            if kind == "Number":
                v = cell.number if type(cell.number) in (int, float) else float(cell.number)
                self.fh.write(f'<c r="{ref}"{style}><v>{v!r}</v></c>')
                return None
            if "&" in text or "<" in text or ">" in text:
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.fh.write(f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>')
            return None

        def fast_row(self, row, cells, height=None):
            """Write one whole row of ``cells`` - ``(col, value, format)`` in column order,
            value a str, int, float or None (blank) - straight to the sheet XML, as
            xlsxwriter's constant-memory writer would, without its per-cell bookkeeping.
            Rows it cannot write exactly so (strings that need escaping beyond &<>, a row
            already holding cells) go through the ordinary ``write_*`` calls."""
            # put_templates refuses rows that are not free (already holding cells, behind the writer)
            tpl = self.row_template(cells, height) if self.constant_memory else None
            if tpl is None or self.put_templates(row, [tpl], cells[0][0], cells[-1][0]) is None:
                return self._slow_row(row, cells, height)
            return None

        def row_template(self, cells, height=None):
            """The XML of one row of ``cells`` with its row number left as the
            placeholder :data:`~lketool.recap.rowstore.ROW` (and a rank cell, value
            :data:`RANK_CELL`, as :data:`~lketool.recap.rowstore.RANK`), or None when
            the row cannot be written this way (see :meth:`fast_row`)."""
            if not cells:
                return None
            out = [self._row_tag(height)]
            for col, v, fmt in cells:
                if fmt:
                    style = f' s="{fmt._get_xf_index()}"'
                elif col in self.col_info and self.col_info[col].column_format is not None:
                    style = f' s="{self.col_info[col].column_format._get_xf_index()}"'
                else:
                    style = ""
                ref = _COLS[col] + ROW if col < len(_COLS) else xl_col_to_name(col) + ROW
                if v is None:
                    if fmt is None:
                        return None
                    out.append(f'<c r="{ref}"{style}/>')
                elif type(v) is str:
                    if (not v or needs_care.search(v) is not None or v[:1].isspace() or v[-1:].isspace()
                            or v.startswith("<r>") or len(v) > 16000):
                        return None
                    if "&" in v or "<" in v or ">" in v:
                        v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{v}</t></is></c>')
                elif type(v) in (int, float):
                    out.append(f'<c r="{ref}"{style}><v>{v!r}</v></c>')
                elif v is RANK_CELL:
                    out.append(f'<c r="{ref}"{style}><v>{RANK}</v></c>')
                else:
                    return None
            out.append("</row>")
            return "".join(out)

        def _row_tag(self, height):
            # The <row> start tag exactly as xlsxwriter writes it for a row of this height
            # (made once per height by xlsxwriter itself, the row number a placeholder).
            tags = self.__dict__.setdefault("_row_tags", {})
            tag = tags.get(height)
            if tag is None:
                import io

                from xlsxwriter.worksheet import RowInfo

                saved, self.fh = self.fh, io.StringIO()
                try:
                    info = None if height is None else RowInfo(height=int(height * 4.0 / 3.0 + 0.5))
                    self._write_row(0, None, info)
                    tag = self.fh.getvalue()
                finally:
                    self.fh = saved
                if not tag.startswith('<row r="1"'):
                    raise RuntimeError(f"unexpected row tag from xlsxwriter: {tag!r}")
                tag = tags[height] = f'<row r="{ROW}"' + tag[len('<row r="1"'):]
            return tag

        def put_templates(self, row, templates, min_col, max_col, rank=None):
            """Write rows ``row``, ``row + 1``, ... from ``templates`` (see
            :meth:`row_template`), filling in the row numbers and ``rank``.  None (and
            nothing written) when those rows cannot take them (outside the sheet, or
            already holding cells)."""
            last = row + len(templates) - 1
            if (not templates or row < self.previous_row or self.table.get(row) or row in self.row_info
                    or row in self.comments or self._check_dimensions(row, min_col)
                    or self._check_dimensions(last, max_col)):
                return None
            if row > self.previous_row:
                self._write_single_row(row)  # flush the pending row; ``row`` becomes the current one
            if len(templates) == 1:
                text = templates[0].replace(ROW, str(row + 1))
            else:
                text = "".join([tpl.replace(ROW, str(r)) for r, tpl in enumerate(templates, start=row + 1)])
            if rank is not None:
                text = text.replace(RANK, str(int(rank)))
            self.fh.write(text)
            self.previous_row = last
            return len(templates)

        def _write_optimized_sheet_data(self):
            # xlsxwriter copies the constant-memory row data into the sheet XML through
            # text file objects, decoding and encoding every byte; the recap's rows are
            # tens of MB, so they are copied as bytes (the same bytes: both files UTF-8).
            fh, src = self.fh, self.row_data_fh
            if self.dim_rowmin is None or not hasattr(fh, "buffer") or not hasattr(src, "buffer"):
                return super()._write_optimized_sheet_data()
            import shutil

            self._xml_start_tag("sheetData")
            fh.flush()
            src.flush()
            src.buffer.seek(0)
            shutil.copyfileobj(src.buffer, fh.buffer, 1 << 20)
            src.close()
            os.unlink(self.row_data_filename)
            self._xml_end_tag("sheetData")

        def _slow_row(self, row, cells, height):
            if height is not None:
                self.set_row(row, height)
            for col, v, fmt in cells:
                if v is None:
                    self.write_blank(row, col, None, fmt)
                elif isinstance(v, str):
                    self.write_string(row, col, v, fmt)
                else:
                    self.write_number(row, col, v, fmt)

    return _ExactWorksheet


def _plain_worksheet_class():
    """The same exact-number worksheet without the fast cell path (tests compare the two)."""
    fast = _exact_worksheet_class()

    class _Plain(fast):
        def _write_cell(self, row, col, cell):
            from xlsxwriter.worksheet import Worksheet
            return Worksheet._write_cell(self, row, col, cell)

        def fast_row(self, row, cells, height=None):
            return self._slow_row(row, cells, height)

    return _Plain


def write_workbook(coll: Collection, output: str | Path, *, rubric: Rubric | None = None,
                   progress: ProgressFn | None = None, instansi: str | None = None,
                   date: str | None = None, rows_dir: str | Path | None = None) -> Path:
    """Write the recap of ``coll`` to ``output`` (.xlsx) atomically; returns the path.
    ``instansi`` and ``date`` (text, e.g. "30 November 2026") go into the title block of
    Ringkasan and the page header of every sheet.  With ``rows_dir`` (a folder of the
    cache) every unit's rendered rows are kept there and the next recap renders only
    the units that changed (:mod:`lketool.recap.rowstore`); the file is the same."""
    output = Path(output)
    rubric = rubric or load_rubric(coll.options.rubric)
    rows = None
    if rows_dir is not None:
        import xlsxwriter


        rows = RowStore(rows_dir, context_digest(xlsxwriter.__version__, coll.options.lang, rubric.edition))
    try:
        with atomic_path(output) as tmp:
            _Writer(coll, tmp, rubric, progress, instansi=(instansi or "").strip(), date=date or "",
                    rows=rows).write()
    except BaseException:
        if rows is not None:
            rows.abort()
        raise
    if rows is not None:
        rows.commit()
    return output


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide (word
    wrap, explicit line breaks kept; a little narrower than the column, as fonts are)."""
    per_line = max(4, int(width * 1.05) - 2)
    lines = 0
    for part in str(text).split("\n"):
        n, used = 1, 0
        for token in part.split(" "):
            w = len(token)
            if used and used + 1 + w > per_line:
                n, used = n + 1, 0
            used += (1 if used else 0) + w
            while used > per_line:  # a word longer than the line
                n, used = n + 1, used - per_line
        lines += n
    return max(1, lines)


def _print_width(col: Column) -> float:
    """The width of a Ringkasan column (narrower than on the other sheets, for paper),
    never narrower than the longest word of its header, which would break mid-word."""
    longest = max((len(w) for w in col.header.split()), default=0)
    return max(SUMMARY_WIDTHS.get(col.kind, min(col.width, 28)), longest * 1.1 + 1.5)


def _header_footer_text(text: str, limit: int = 70) -> str:
    # '&' starts a header/footer code in Excel; the whole header must stay under 255 chars
    text = text if len(text) <= limit else text[:limit - 1] + "\u2026"
    text = text.replace("&", "&&")
    # after a font-size code (&8) a leading digit would be read as part of the size
    return " " + text if text[:1].isdigit() else text


class _Sheet:
    """A worksheet written top to bottom (constant-memory mode needs rows in order)."""

    def __init__(self, writer: "_Writer", key: str, columns: list[Column] | None = None):
        self.w = writer
        self.ws = writer.wb.add_worksheet(sheet_name(t(key, writer.lang), writer.sheet_names))
        self.columns = columns or []
        self.row = 0
        self.header_row = 0
        self.sink: list | None = None  # rows rendered but not written (see put)
        writer.page_setup(self.ws, t(key, writer.lang))

    def header(self, columns: list[Column] | None = None, height: float | None = None,
               fmt: Any = None) -> None:
        if columns is not None:
            self.columns = columns
        if height:
            self.ws.set_row(self.row, height)
        for c, col in enumerate(self.columns):
            self.ws.set_column(c, c, col.width)
            self.ws.write_string(self.row, c, cell_text(col.header),
                                 fmt if fmt is not None and c >= 2 else self.w.fmt["header"])
        self.ws.freeze_panes(self.row + 1, min(2, len(self.columns)))
        self.ws.repeat_rows(self.row)  # printed at the top of every page
        self.header_row = self.row
        self.row += 1

    def put(self, values: list[Any], formats: list[Any] | None = None, height: float | None = None) -> None:
        """One row; each value is written by its Python type (text always as text).
        While :attr:`sink` is a list the row is added to it instead, not written."""
        cells = []
        for c, v in enumerate(values):
            fmt = formats[c] if formats else None
            if v is None or v == "":
                if fmt is not None:
                    cells.append((c, None, fmt))
            elif isinstance(v, bool):
                cells.append((c, t("yes" if v else "no", self.w.lang), fmt))
            elif isinstance(v, (int, float)) or v is RANK_CELL:
                cells.append((c, v, fmt))
            else:
                cells.append((c, cell_text(v), fmt))
        if self.sink is not None:
            self.sink.append((cells, height))
            return
        self.write_cells(cells, height)

    def write_cells(self, cells: list, height: float | None = None) -> None:
        if cells:
            self.ws.fast_row(self.row, cells, height)
        elif height is not None:
            self.ws.set_row(self.row, height)
        self.row += 1

    def room(self) -> int:
        """How many more rows fit (the last row of the sheet is kept for a note)."""
        return max(0, EXCEL_MAX_ROWS - 1 - self.row)

    def put_templates(self, rows: tuple[int, int, list[str]], rank: int | None = None) -> int:
        """Write the rows of one unit from their templates (as many as fit); returns how
        many did not fit."""
        lo, hi, templates = rows
        fit = templates[:self.room()]
        if fit:
            if self.ws.put_templates(self.row, fit, lo, hi, rank) is None:
                raise RuntimeError(f"rows {self.row}+ of {self.ws.name!r} cannot be written")
            self.row += len(fit)
        return len(templates) - len(fit)

    def note(self, text: str) -> None:
        self.ws.write_string(self.row, 0, cell_text(text), self.w.fmt["note"])
        self.row += 1

    def filter(self, first_row: int | None = None) -> None:
        """Autofilter over the header and the data rows written so far."""
        first_row = self.header_row if first_row is None else first_row
        if self.columns:
            self.ws.autofilter(first_row, 0, max(first_row, self.row - 1), len(self.columns) - 1)

    def full(self) -> bool:
        return self.row >= EXCEL_MAX_ROWS - 1


class _Writer:
    def __init__(self, coll: Collection, path: Path, rubric: Rubric, progress: ProgressFn | None, *,
                 instansi: str = "", date: str = "", rows=None):
        import xlsxwriter

        self.coll, self.rubric, self.progress, self.rows = coll, rubric, progress, rows
        self.instansi, self.date = instansi, date
        self.lang = coll.options.lang
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": True, "tmpdir": str(path.parent)})
        self.wb.set_properties({"title": "Rekap LKE Zona Integritas", "subject": rubric.title,
                                "comments": f"lketool recap, {rubric.edition}"})
        self.wb.worksheet_class = _exact_worksheet_class()
        self.sheet_names: set[str] = set()
        f = self.wb.add_format
        self.fmt = {
            "header": f({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}),
            "note": f({"italic": True, "font_color": "#595959"}),
            "title": f({"bold": True, "font_size": 14}),
            "subtitle": f({"font_color": "#404040"}),
            "warn": f({"bold": True, "font_color": "#9C5700"}),
            "dup": f({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "dup_wrap": f({"bg_color": "#FFEB9C", "font_color": "#9C5700", "text_wrap": True, "valign": "top"}),
            "header_ind": f({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                             "valign": "bottom", "rotation": 90, "font_size": 9}),
            "wrap": f({"text_wrap": True, "valign": "top"}),
            "top": f({"valign": "top"}),
            "green": f(GREEN), "amber": f(AMBER), "red": f(RED),
            "yesno": f({"align": "center", "valign": "top"}),
        }
        for kind, num in NUM_FORMATS.items():
            self.fmt[kind] = f({"num_format": num, "valign": "top"})
            self.fmt[f"{kind}_total"] = f({"num_format": num, "bold": True, "top": 1})
        self.fmt["text_total"] = f({"bold": True, "top": 1})
        # Style indexes fixed now, in this order, not by first use: a row rendered in an
        # earlier run (lketool.recap.rowstore) names its styles by index.
        for fmt in self.fmt.values():
            fmt._get_xf_index()
        self.units = rank_units(list(coll.units))
        self.limits = thresholds(rubric)
        self.duplicates = _duplicate_units(self.units)
        self.sheets: dict[str, _Sheet] = {}
        self._row_keys: dict[int, str | None] = {}  # id(row) -> its key in the row store (rows stay alive)

    def page_setup(self, ws, title: str) -> None:
        """Print setup shared by every sheet: landscape A4, one page wide (as many pages
        tall as needed), small margins, instansi / title / date in the header and the
        page number in the footer."""
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6, )
        ws.set_header(f"&L&8{_header_footer_text(self.instansi)}"
                      f"&C&8{_header_footer_text(t('title.recap', self.lang) + ': ' + title)}"
                      f"&R&8{_header_footer_text(self.date, 40)}", {"margin": 0.3})
        ws.set_footer(f"&R&8{t('page.n_of', self.lang)}", {"margin": 0.3})

    # ------------------------------------------------------------------ driver
    def write(self) -> None:
        lang, units = self.lang, self.units
        summ = _Sheet(self, "sheet.summary", summary_columns(self.rubric, lang))
        area = _Sheet(self, "sheet.areas", area_columns(self.rubric, lang))
        inds = list(self.rubric.walk_indicators())
        ind_cols = [Column("rank", t("col.rank", lang), "int", 9), Column("unit", t("col.unit", lang), "text", 34)]
        # the long names are printed vertically (rotated headers), two lines per narrow column
        ind_cols += [Column(i.id, f"{i.id} {i.name}", "share", 7) for i in inds]
        indi = _Sheet(self, "sheet.indicators", ind_cols)
        tpi = _Sheet(self, "sheet.tpi", self._tpi_columns())
        diff = _Sheet(self, "sheet.tpi_items", self._diff_columns())
        find = _Sheet(self, "sheet.findings", self._finding_columns())
        fail = _Sheet(self, "sheet.failures", [Column("file", t("col.file", lang), "text", 60),
                                               Column("code", t("col.code", lang), "text", 18),
                                               Column("message", t("col.reason", lang), "text", 90)])
        chart = _Sheet(self, "sheet.charts")

        self._title_block(summ)
        summ.header(height=45)
        self._summary_widths(summ)
        area.header(height=30)
        longest = max((len(c.header) for c in ind_cols[2:]), default=10)
        indi.header(height=min(409, 6.2 * min(longest, 60) + 10), fmt=self.fmt["header_ind"])
        tpi.header(height=30)
        diff.header()
        find.header()
        fail.header()

        # Pass 1, in rank order: everything keyed by unit.
        self.sheets = {"summ": summ, "area": area, "indi": indi, "tpi": tpi, "diff": diff, "find": find}
        self._ind_ids = [i.id for i in inds]
        self._share_fmts = [None, None] + [self.fmt["share"]] * len(inds)
        self._area_fmts = [self._fmt(c) for c in area.columns]
        pass1 = ("summ", "area", "indi", "tpi", "diff")
        tpi_units = 0
        diff_more = 0
        n = len(units)
        for k, row in enumerate(units):
            if row.get("has_tpi"):
                tpi_units += 1
            diff_more += self._unit(row, "a", pass1, self._render_unit)["diff"]
            if self.progress:
                self.progress("write", k + 1, n)
        self._summary_footer(summ)
        self._heat(area, 3, len(area.columns) - 1)
        self._heat(indi, 2, len(ind_cols) - 1)
        if tpi_units:
            tpi.filter()
            keys = [c.key for c in tpi.columns]
            for key, rule in (("inflated", {"criteria": "==", "value": f'"{t("yes", lang)}"'}),
                              ("total_diff", {"criteria": ">", "value": 0})):
                c = keys.index(key)
                tpi.ws.conditional_format(1, c, tpi.row - 1, c, {"type": "cell", **rule, "format": self.fmt["red"]})
        else:
            tpi.note(t("none.tpi", lang))
            diff.note(t("none.tpi", lang))
        if diff.row > 1 and tpi_units:
            diff.filter()
        if diff_more:
            diff.note(t("truncated.rows", lang, n=diff_more))

        # Pass 2, in file order: the findings (the bulk of the cells).
        more = 0
        self._sev_text = {sev: t(f"severity.{sev}", lang) for sev in ("error", "warning", "info")}
        for row in self.coll.units:
            more += self._unit(row, "b", ("find",), self._render_findings)["find"]
        if find.row > 1:
            find.filter()
            sev = 4
            find.ws.conditional_format(1, sev, find.row - 1, sev, {
                "type": "cell", "criteria": "==", "value": f'"{t("severity.error", lang)}"',
                "format": self.fmt["red"]})
            find.ws.conditional_format(1, sev, find.row - 1, sev, {
                "type": "cell", "criteria": "==", "value": f'"{t("severity.warning", lang)}"',
                "format": self.fmt["amber"]})
        else:
            find.note(t("none.findings", lang))
        if more:
            find.note(t("truncated.rows", lang, n=more))

        for fl in self.coll.failures:
            fail.put([fl["file"], fl["code"], failure_message(fl)])
        if self.coll.failures:
            fail.filter()
        else:
            fail.note(t("none.failures", lang))

        self._charts(chart)
        from lketool.recap.zipping import compressing

        with compressing():
            self.wb.close()

    # ------------------------------------------------------------------ one unit
    def _render_unit(self, row: dict) -> None:
        """Pass 1 rows of one unit: Ringkasan, Area, Indikator and, with TPI answers,
        Unit vs TPI and Beda TPI."""
        s, lang = self.sheets, self.lang
        self._summary_row(s["summ"], row)
        s["area"].put([cell_value(row, c, lang) for c in s["area"].columns], self._area_fmts)
        shares = indicator_values(row, self._ind_ids, lambda: self.coll.result(row, problems=False))
        s["indi"].put([row["rank"], row["unit"]] + shares, self._share_fmts)
        if row.get("has_tpi"):
            diffs = self.coll.result(row, problems=False).get("tpi_differences") or []
            self._tpi_row(s["tpi"], row, diffs)
            wrap = self.fmt["wrap"]
            for d in diffs:
                s["diff"].put([row["unit"], row["file"], d["item"], d.get("cell") or "", d.get("text") or "",
                               answer_text(d.get("unit")), answer_text(d.get("tpi"))],
                              [None, None, None, None, wrap, None, None])

    def _render_findings(self, row: dict) -> None:
        """Every finding of one unit on Temuan, the file and message wrapped and the row
        as tall as the longer of them: printed, nothing is cut."""
        find = self.sheets["find"]
        wrap, top = self.fmt["wrap"], self.fmt["top"]
        file_w, msg_w = find.columns[0].width, find.columns[5].width
        file = cell_text(row["file"])
        file_lines = wrapped_lines(file, file_w)
        for p in finding_rows(self.coll.problems(row)):
            message = p.get("message") or ""
            lines = max(file_lines, wrapped_lines(message, msg_w))
            cells = [(0, file, wrap)]
            for c, v in ((1, p.get("sheet")), (2, p.get("cell")), (3, p["code"]),
                         (4, self._sev_text.get(p["severity"], p["severity"])), (5, message),
                         (6, p.get("item"))):
                if v:
                    cells.append((c, cell_text(v), wrap if c == 5 else top))
            find.sink.append((cells, LINE_HEIGHT * lines + 2 if lines > 1 else None))

    def _unit(self, row: dict, part: str, names: tuple[str, ...], render) -> dict[str, int]:
        """Write one unit's rows on the sheets ``names`` with ``render``: from the rows
        kept by an earlier run when nothing they were made from changed, else rendered
        now (and kept).  Returns, per sheet, how many rows did not fit on it."""
        sheets = {n: self.sheets[n] for n in names}
        more = dict.fromkeys(names, 0)
        key = None
        if self.rows is not None and row["unit"].casefold() not in self.duplicates \
                and type(row.get("rank")) is int:
            key = self._row_keys.get(id(row))
            if key is None:
                key = self._row_keys[id(row)] = unit_digest(row, self.rows.context)
        templates = None
        if key is not None:
            blob = self.rows.get(key, part)
            if blob is not None:
                templates = decode(blob)
            else:
                templates = self._templates(row, sheets, render)
                if templates is not None:
                    self.rows.put(key, part, encode(templates))
        if templates is not None:
            for name, sheet in sheets.items():
                if name in templates:
                    more[name] += sheet.put_templates(templates[name], row.get("rank"))
            return more
        for name, rendered in self._rendered(row, sheets, render).items():
            sheet = sheets[name]
            for cells, height in rendered:
                if sheet.room() == 0:
                    more[name] += 1
                else:
                    sheet.write_cells(cells, height)
        return more

    def _rendered(self, row: dict, sheets: dict[str, _Sheet], render) -> dict[str, list]:
        for sheet in sheets.values():
            sheet.sink = []
        try:
            render(row)
            return {name: sheet.sink for name, sheet in sheets.items()}
        finally:
            for sheet in sheets.values():
                sheet.sink = None

    def _templates(self, row: dict, sheets: dict[str, _Sheet], render) -> dict | None:
        """The unit's rows as templates (row number and rank left open), or None when a
        row cannot be one (e.g. text that needs xlsxwriter's own escaping)."""
        rank = row["rank"]
        row["rank"] = RANK_CELL
        try:
            rendered = self._rendered(row, sheets, render)
        finally:
            row["rank"] = rank
        out = {}
        for name, rows in rendered.items():
            if not rows:
                continue
            ws = sheets[name].ws
            lo, hi, tpls = 1 << 30, -1, []
            for cells, height in rows:
                tpl = ws.row_template(cells, height) if cells else None
                if tpl is None:
                    return None
                tpls.append(tpl)
                lo, hi = min(lo, cells[0][0]), max(hi, cells[-1][0])
            out[name] = (lo, hi, tpls)
        return out

    # ------------------------------------------------------------------ Ringkasan
    def _fmt(self, col: Column):
        return self.fmt.get(col.kind)

    def _summary_row(self, sheet: _Sheet, row: dict) -> None:
        cols = sheet.columns
        values = [cell_value(row, c, self.lang) for c in cols]
        lines = 1
        for k, c in enumerate(cols):
            if c.kind == "missed" and values[k]:
                values[k] = values[k].replace("; ", "\n")  # one criterion per line
            if c.kind in ("missed", "verdict", "basis") or c.key in ("unit", "file"):
                # the row tall enough for every line of its wrapped cells: nothing overlaps
                lines = max(lines, wrapped_lines(values[k] or "", _print_width(c)))
        fmts = [self.fmt["wrap"] if c.kind in ("missed", "verdict", "basis") or c.key in ("unit", "file") else self._fmt(c)
                for c in cols]
        if row["unit"].casefold() in self.duplicates:
            fmts = [self.fmt["dup_wrap"] if c.key == "unit" else f for c, f in zip(cols, fmts)]
        sheet.put(values, fmts, LINE_HEIGHT * lines + 2 if lines > 1 else None)

    def _summary_widths(self, sheet: _Sheet) -> None:
        for c, col in enumerate(sheet.columns):
            width = _print_width(col)
            detail = col.key in SUMMARY_DETAIL or col.key.endswith("_value")
            sheet.ws.set_column(c, c, width, None, {"level": 1, "hidden": True} if detail else {})
        sheet.ws.outline_settings(True, False, True, False)  # outline symbols above/left of the details

    def _title_block(self, sheet: _Sheet) -> None:
        """Rows 1-3 of Ringkasan: the title with instansi and date, what the recap
        covers, and a warning when a unit name appears in more than one file."""
        lang, ws = self.lang, sheet.ws
        title = " \u2014 ".join(x for x in (t("title.recap", lang), self.instansi, self.date) if x)
        ws.set_row(0, 24)
        ws.write_string(0, 0, cell_text(title), self.fmt["title"])
        ws.write_string(1, 0, cell_text(t("title.covers", lang, units=len(self.units),
                                          failed=len(self.coll.failures), rubric=self.rubric.title)),
                        self.fmt["subtitle"])
        if self.duplicates:
            ws.write_string(2, 0, cell_text(t("dup.warning", lang, n=len(self.duplicates))), self.fmt["warn"])
        sheet.row = SUMMARY_HEADER_ROW

    def _summary_footer(self, sheet: _Sheet) -> None:
        lang, cols, n = self.lang, sheet.columns, len(self.units)
        if n == 0:
            sheet.note(t("none.units", lang))
            return
        sheet.filter()
        ws = sheet.ws
        h = sheet.header_row
        first, last = h + 1, h + n  # the data rows (0-based)
        for c, col in enumerate(cols):
            if col.criterion and col.criterion in self.limits:
                wbk, wbbm = self.limits[col.criterion]
                rng = (first, c, last, c)
                ws.conditional_format(*rng, {"type": "cell", "criteria": ">=", "value": wbbm,
                                             "format": self.fmt["green"]})
                ws.conditional_format(*rng, {"type": "cell", "criteria": "between", "minimum": wbk,
                                             "maximum": wbbm, "format": self.fmt["amber"]})
                ws.conditional_format(*rng, {"type": "cell", "criteria": "<", "value": wbk,
                                             "format": self.fmt["red"]})
            elif col.kind == "verdict":
                met, missed = word(MET, lang), word(NOT_MET, lang)
                ws.conditional_format(first, c, last, c, {"type": "text", "criteria": "begins with",
                                                          "value": met, "format": self.fmt["green"]})
                ws.conditional_format(first, c, last, c, {"type": "text", "criteria": "begins with",
                                                          "value": missed, "format": self.fmt["red"]})
            elif col.kind == "yesno":
                ws.conditional_format(first, c, last, c, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("yes", lang)}"', "format": self.fmt["green"]})
                ws.conditional_format(first, c, last, c, {"type": "cell", "criteria": "==",
                                                          "value": f'"{t("no", lang)}"', "format": self.fmt["red"]})
        # One blank row, then averages/counts of the rows the autofilter leaves visible
        # (SUBTOTAL, and SUBTOTAL inside SUMPRODUCT for the "Ya" counts), as the label
        # says; each cached with its value for the whole table so readers without Excel
        # see it too.
        r = last + 2
        from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

        for c, col in enumerate(cols):
            rng = xl_range(first, c, last, c)
            # the cached values need the column only for these kinds (5,000 units x 33 columns adds up)
            vals = column(self.units, col.key) if col.kind in ("points", "share", "int", "verdict",
                                                                         "yesno") and col.key != "rank" else []
            if col.key == "unit":
                ws.write_string(r, c, t("row.total", lang), self.fmt["text_total"])
            elif col.key == "rank":
                ws.write_formula(r, c, f"=SUBTOTAL(103,{xl_range(first, 1, last, 1)})", self.fmt["int_total"], n)
            elif col.kind in ("points", "share"):
                nums = [v for v in vals if isinstance(v, (int, float))]
                avg = sum(nums) / len(nums) if nums else 0
                ws.write_formula(r, c, f"=SUBTOTAL(101,{rng})", self.fmt[f"{col.kind}_total"], avg)
            elif col.kind == "int":
                ws.write_formula(r, c, f"=SUBTOTAL(109,{rng})", self.fmt["int_total"], sum(vals))
            elif col.kind == "verdict":
                top = xl_rowcol_to_cell(first, c, row_abs=True, col_abs=True)
                visible = f"SUBTOTAL(103,OFFSET({top},ROW({rng})-ROW({top}),0))"
                met = word(MET, lang).replace('"', '""')
                ws.write_formula(r, c, f'=SUMPRODUCT({visible},--(LEFT({rng},LEN("{met}"))="{met}"))',
                                 self.fmt["int_total"], sum(1 for v in vals if v and v[0] == MET))
            elif col.kind == "yesno":
                top = xl_rowcol_to_cell(first, c, row_abs=True, col_abs=True)
                visible = f"SUBTOTAL(103,OFFSET({top},ROW({rng})-ROW({top}),0))"
                ws.write_formula(r, c, f'=SUMPRODUCT({visible},--({rng}="{t("yes", lang)}"))',
                                 self.fmt["int_total"], sum(1 for v in vals if v))
            else:
                ws.write_blank(r, c, None, self.fmt["text_total"])
        sheet.row = r + 1
        if self.duplicates:
            sheet.row += 1
            ws.write_string(sheet.row, 1, t("dup.title", lang), self.fmt["warn"])
            sheet.row += 1
            for key, rows in self.duplicates.items():
                ws.write_string(sheet.row, 1, cell_text(rows[0]["unit"]), self.fmt["dup"])
                ws.write_string(sheet.row, 2, cell_text("; ".join(u["file"] for u in rows)))
                sheet.row += 1

    def _heat(self, sheet: _Sheet, first_col: int, last_col: int) -> None:
        n = len(self.units)
        if n == 0:
            sheet.note(t("none.units", self.lang))
            return
        sheet.filter()
        mid = self.limits.get("area", (0.6, 0.75))[0]
        h = sheet.header_row
        sheet.ws.conditional_format(h + 1, first_col, h + n, last_col, {
            "type": "3_color_scale", "min_type": "num", "min_value": 0, "min_color": "#F8696B",
            "mid_type": "num", "mid_value": mid, "mid_color": "#FFEB84",
            "max_type": "num", "max_value": 1, "max_color": "#63BE7B"})

    # ------------------------------------------------------------------ TPI
    def _tpi_columns(self) -> list[Column]:
        lang = self.lang
        return [Column("rank", t("col.rank", lang), "int", 9), Column("unit", t("col.unit", lang), "text", 34),
                Column("file", t("col.file", lang), "text", 30),
                Column("total", t("col.total_unit", lang), "points", 10),
                Column("tpi_total", t("col.total_tpi", lang), "points", 10),
                Column("total_diff", t("col.total_diff", lang), "points", 12),
                Column("pengungkit", t("col.pengungkit_unit", lang), "points", 11),
                Column("tpi_pengungkit", t("col.pengungkit_tpi", lang), "points", 11),
                Column("hasil", t("col.hasil_unit", lang), "points", 10),
                Column("tpi_hasil", t("col.hasil_tpi", lang), "points", 10),
                Column("unit_wbk", t("col.wbk_unit", lang), "verdict", 16),
                Column("tpi_wbk", t("col.wbk_tpi", lang), "verdict", 16),
                Column("tpi_differences", t("col.n_diff", lang), "int", 10),
                Column("inflated", t("col.inflated", lang), "yesno", 14),
                Column("diff_items", t("col.diff_items", lang), "text", 70)]

    def _tpi_row(self, sheet: _Sheet, row: dict, diffs: list[dict]) -> None:
        listed = "; ".join(f"{d['item']} ({_short(d.get('unit'))} \u2192 {_short(d.get('tpi'))})"
                           for d in diffs[:MAX_LISTED_DIFFS])
        if len(diffs) > MAX_LISTED_DIFFS:
            listed += "; " + t("more", self.lang, n=len(diffs) - MAX_LISTED_DIFFS)
        vals = {**row, "total_diff": row["total"] - row["tpi_total"], "inflated": row["total"] > row["tpi_total"],
                "diff_items": listed}
        sheet.put([vals.get(c.key) for c in sheet.columns],
                  [self.fmt["wrap"] if c.key == "diff_items" else self._fmt(c) for c in sheet.columns])

    def _diff_columns(self) -> list[Column]:
        lang = self.lang
        return [Column("unit", t("col.unit", lang), "text", 30), Column("file", t("col.file", lang), "text", 30),
                Column("item", t("col.item", lang), "text", 12), Column("cell", t("col.cell", lang), "text", 12),
                Column("question", t("col.question", lang), "text", 70),
                Column("unit_answer", t("col.answer_unit", lang), "text", 13),
                Column("tpi_answer", t("col.answer_tpi", lang), "text", 13)]

    def _finding_columns(self) -> list[Column]:
        lang = self.lang
        return [Column("file", t("col.file", lang), "text", 30), Column("sheet", t("col.sheet", lang), "text", 12),
                Column("cell", t("col.cell", lang), "text", 8), Column("code", t("col.code", lang), "text", 22),
                Column("severity", t("col.severity", lang), "text", 12),
                Column("message", t("col.message", lang), "text", 90),
                Column("item", t("col.item", lang), "text", 12)]

    # ------------------------------------------------------------------ Grafik
    def _charts(self, sheet: _Sheet) -> None:
        """Totals as sorted horizontal bars coloured by the WBK/WBBM minimums of the total
        (all units up to :data:`CHART_ALL_UNITS`, else the top and bottom halves of that
        many, with a note), and the area profile as a radar."""
        lang, units, ws = self.lang, self.units, sheet.ws
        n = len(units)
        if n == 0:
            sheet.note(t("none.units", lang))
            return
        wbk_total, wbbm_total = self.limits.get("total", (75.0, 85.0))
        wbk_area, wbbm_area = self.limits.get("area", (0.6, 0.75))
        areas = self.rubric.areas("pemenuhan")
        avg = {a.id: sum(column(units, f"area_{a.id}_share")) / n for a in areas}
        shown = units
        if n > CHART_ALL_UNITS:
            k = CHART_ALL_UNITS // 2
            shown = units[:k] + units[-k:]
        lims = {"wbk": show_limit(wbk_total, lang), "wbbm": show_limit(wbbm_total, lang)}
        bands = [t("chart.band_wbbm", lang, **lims), t("chart.band_wbk", lang, **lims), t("chart.band_low", lang, **lims)]
        head = [t("col.unit", lang), t("col.total", lang), *bands, "",
                t("col.area", lang), t("col.average", lang), t("col.wbk_min", lang), t("col.wbbm_min", lang)]
        ws.set_row(0, 45)
        for c, h in enumerate(head):
            if h:
                ws.write_string(0, c, cell_text(h), self.fmt["header"])
        ws.set_column(0, 0, 30)
        ws.set_column(2, 4, 11)
        ws.set_column(6, 6, 38)
        for k, u in enumerate(shown, start=1):
            total = u["total"]
            ws.write_string(k, 0, cell_text(f"{u['rank']}. {u['unit']}"))
            ws.write_number(k, 1, total, self.fmt["points"])
            band = 2 if total >= wbbm_total else 3 if total >= wbk_total else 4
            ws.write_number(k, band, total, self.fmt["points"])
            if k <= len(areas):
                self._area_data_row(ws, k, areas[k - 1], avg, wbk_area, wbbm_area)
        for k in range(len(shown) + 1, len(areas) + 1):  # fewer units than areas
            self._area_data_row(ws, k, areas[k - 1], avg, wbk_area, wbbm_area)
        m = len(shown)
        if n > m:
            ws.write_string(max(m, len(areas)) + 2, 0, t("chart.top_bottom", lang, k=m // 2, n=n), self.fmt["note"])

        name = sheet.ws.name
        bar = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for col, color in ((2, "#63BE7B"), (3, "#FFC000"), (4, "#F8696B")):
            bar.add_series({"name": [name, 0, col], "categories": [name, 1, 0, m, 0],
                            "values": [name, 1, col, m, col], "fill": {"color": color},
                            "border": {"none": True}, "gap": 40,
                            "data_labels": {"value": True, "num_format": "0.00", "position": "inside_end",
                                            "font": {"size": 8}}})
        title = t("chart.totals", lang) + (t("chart.top_bottom_title", lang, k=m // 2, n=n) if n > m else "")
        bar.set_title({"name": title, "name_font": {"size": 12}})
        # in a bar chart xlsxwriter's x axis is the (horizontal) value axis
        bar.set_x_axis({"name": t("chart.score", lang), "min": 0, "max": 100, "major_unit": 10,
                        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        bar.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        bar.set_legend({"position": "top"})
        height = min(max(300, 22 * m + 140), 1100)
        bar.set_size({"width": 760, "height": height})
        ws.insert_chart(1, 11, bar)

        am = len(areas)
        radar = self.wb.add_chart({"type": "radar", "subtype": "marker"})
        for col, color in ((7, "#4472C4"), (8, "#ED7D31"), (9, "#70AD47")):
            radar.add_series({"name": [name, 0, col], "categories": [name, 1, 6, am, 6],
                              "values": [name, 1, col, am, col], "line": {"color": color, "width": 2}})
        radar.set_title({"name": t("chart.areas", lang)})
        radar.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
        radar.set_legend({"position": "bottom"})
        radar.set_size({"width": 720, "height": 480})
        ws.insert_chart(2 + height // 20 + 1, 11, radar)  # below the bars: the page stays narrow

    def _area_data_row(self, ws, k: int, a, avg: dict, wbk: float, wbbm: float) -> None:
        ws.write_string(k, 6, cell_text(f"{a.id} {a.name}"))
        ws.write_number(k, 7, avg[a.id], self.fmt["share"])
        ws.write_number(k, 8, wbk, self.fmt["share"])
        ws.write_number(k, 9, wbbm, self.fmt["share"])


_SEVERITIES = {"severity.error", "severity.warning", "severity.info"}


def _duplicate_units(units: list[dict]) -> dict[str, list[dict]]:
    """Unit names (case-folded) that more than one file carries -> their rows."""
    by_name: dict[str, list[dict]] = {}
    for u in units:
        by_name.setdefault(u["unit"].casefold(), []).append(u)
    return {k: v for k, v in by_name.items() if len(v) > 1}


def _short(v: Any) -> str:
    if v is None or v == "":
        return "-"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
