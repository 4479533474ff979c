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
    any_data = False
    partial = None  # (entries, sheet, grid): Lampiran III columns but too few ZI items
    order = _order(wb.sheet_names, wb._hidden)
    for n, name in enumerate(order):
        mapped, has_data, part = _try_sheet(wb, name, rubric)
        any_data = any_data or has_data
        if mapped is not None:
            break
        if part is not None and (partial is None or part[0] > partial[0]):
            partial = part
    else:
        if partial is not None:
            found, sheet, grid = partial
            if not editions.looks_like_pmprb(grid) and editions.is_pre_2021(grid):
                raise editions.refuse_pre_2021(wb.path, sheet)
            raise editions.refuse_other_lke(wb.path, sheet, found, len(rubric.by_soal), grid)
        if not any_data:
            raise WorkbookError("workbook-empty", str(wb.path), key="file.no-data")
        # the catalogue's one text for sheet-missing, with the file name in front
        raise WorkbookError("sheet-missing", str(wb.path))
    mapped.unit = find_unit(mapped, wb)
    # Another sheet named like an LKE that holds one too ('LKE ZI' and 'LKE ZI (2)'): which
    # one was read is said out loud (see checks.structure).
    for name in order[n + 1:]:
        if _named_like_lke(name):
            try:
                other, _, _ = _try_sheet(wb, name, rubric)
            except WorkbookError:
                continue  # a damaged or other-edition extra sheet does not stop reading the one found
            if other is not None:
                mapped.other_lke_sheets.append(name)
    return mapped


def _named_like_lke(name: str) -> bool:
    k = norm(name)
    return "lke" in k or k == "jawaban"


def _try_sheet(wb: WorkbookFile, name: str, rubric: Rubric):
    """(the mapped sheet if ``name`` holds an LKE, whether it holds any data, and
    ``(items found, name, grid)`` when it has the Lampiran III columns but too few ZI items).
    A pre-2021 LKE ZI is refused here (:mod:`lketool.layouts.editions`)."""
    claiming = layouts_for(rubric.edition)
    grid = wb.grid(name, details=False)
    if not any(v not in ("", None) for row in grid.rows for v in row):
        return None, False, None
    if portalrb.looks_like(grid):
        for lay in (lay for lay in claiming if lay.spec_file is not None):
            mapped = portalrb.map_sheet(wb.grid(name), rubric, lay.spec())
            if len(mapped.entries) >= len(rubric.by_soal) // 2:
                return mapped, True, None
        return None, True, None
    if not any(lay.name == LAMPIRAN_III for lay in claiming):
        return None, True, None
    mapped = lampiran_iii.map_sheet(wb.grid(name), rubric)
    if mapped is not None and len(mapped.entries) >= 20:
        if editions.is_pre_2021(mapped.grid):
            raise editions.refuse_pre_2021(wb.path, name)
        return mapped, True, None
    return None, True, (len(mapped.entries), name, mapped.grid) if mapped is not None else None


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
