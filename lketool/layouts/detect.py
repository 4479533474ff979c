"""Find the LKE sheet of a workbook, pick its layout, and find the unit's name."""
from __future__ import annotations

import re
from pathlib import Path

from lketool.errors import WorkbookError
from lketool.layouts import LAMPIRAN_III, MappedSheet, editions, layouts_for, lampiran_iii, portalrb
from lketool.reader import WorkbookFile
from lketool.rubric import Rubric
from lketool.text import norm

_UNIT_LABEL = re.compile(r"^(?:nama\s+)?(?:unit(?:\s+kerja)?|satuan\s+kerja|satker|nama\s+unit)\s*[:=]?\s*(.*)$", re.I)
_TITLE = re.compile(r"(?:lke|lembar kerja evaluasi)[^\n]*?(?:wbk\s*/\s*wbbm|wbbm|wbk)\s+(.+?)(?:\s+tahun\s+\d{4})?\s*$",
                    re.I | re.S)


def _order(names: list[str], hidden: set[str]) -> list[str]:
    def rank(n):
        k = norm(n)
        return (0 if k in ("lke zi", "lke") else 1 if "lke" in k else 2 if k == "jawaban" else 3,
                n in hidden)
    return sorted(names, key=rank)


def map_workbook(wb: WorkbookFile, rubric: Rubric) -> MappedSheet:
    """The mapped LKE sheet of ``wb``; :class:`WorkbookError` when there is none.

    A ``Jawaban`` sheet is mapped with each fixed-row (PortalRB) layout that claims the
    rubric's edition, other sheets by labels (Lampiran III)."""
    claiming = layouts_for(rubric.edition)
    row_layouts = [lay for lay in claiming if lay.spec_file is not None]
    by_labels = any(lay.name == LAMPIRAN_III for lay in claiming)
    any_data = False
    partial = None  # (entries, sheet, grid): Lampiran III columns but too few ZI items
    for name in _order(wb.sheet_names, wb._hidden):
        grid = wb.grid(name, details=False)
        if any(v not in ("", None) for row in grid.rows for v in row):
            any_data = True
        else:
            continue
        if portalrb.looks_like(grid):
            found = None
            for lay in row_layouts:
                mapped = portalrb.map_sheet(wb.grid(name), rubric, lay.spec())
                if len(mapped.entries) >= len(rubric.by_soal) // 2:
                    found = mapped
                    break
            if found is not None:
                break
            continue
        mapped = lampiran_iii.map_sheet(wb.grid(name), rubric) if by_labels else None
        if mapped is not None and len(mapped.entries) >= 20:
            if editions.is_pre_2021(mapped.grid):
                raise editions.refuse_pre_2021(wb.path, name)
            break
        if mapped is not None and (partial is None or len(mapped.entries) > partial[0]):
            partial = (len(mapped.entries), name, mapped.grid)
    else:
        if partial is not None:
            n, sheet, grid = partial
            if not editions.looks_like_pmprb(grid) and editions.is_pre_2021(grid):
                raise editions.refuse_pre_2021(wb.path, sheet)
            raise editions.refuse_other_lke(wb.path, sheet, n, len(rubric.by_soal), grid)
        if not any_data:
            raise WorkbookError("workbook-empty", str(wb.path), key="file.no-data")
        # the catalogue's one text for sheet-missing, with the file name in front
        raise WorkbookError("sheet-missing", str(wb.path))
    mapped.unit = find_unit(mapped, wb)
    return mapped


def find_unit(mapped: MappedSheet, wb: WorkbookFile) -> str:
    """Unit name from a 'Unit Kerja' cell, else a title row, else the file name."""
    grid = mapped.grid
    top = (mapped.header_row or 1)
    for r in range(1, min(top, 12) + 1):
        row = grid.rows[r - 1] if r <= grid.nrows else []
        for c, v in enumerate(row, start=1):
            if not isinstance(v, str):
                continue
            m = _UNIT_LABEL.match(v.strip())
            if not m:
                continue
            if m.group(1).strip():
                return m.group(1).strip()
            rest = [grid.text(r, cc) for cc in range(c + 1, len(row) + 1)]
            nxt = next((x for x in rest if x), "")
            if nxt:
                return nxt
    for r in range(1, min(top, 6) + 1):
        for v in grid.rows[r - 1] if r <= grid.nrows else []:
            if isinstance(v, str):
                m = _TITLE.search(v.strip())
                if m and "peraturan" not in v.lower():
                    return re.sub(r"\s+", " ", m.group(1)).strip(" -:")
    return unit_from_filename(wb.path)


def unit_from_filename(path: Path) -> str:
    """'LKE_ZI_Dinas Kesehatan-1234.xlsx' -> 'Dinas Kesehatan' (PortalRB names copies
    '<nama unit>-<unit_id>.xlsx')."""
    stem = re.sub(r"-\d+$", "", path.stem)
    stem = re.sub(r"^(?:lke[\s_-]*(?:zi)?[\s_-]*)", "", stem, flags=re.I)
    stem = stem.replace("_", " ").strip(" -")
    return stem or path.stem
