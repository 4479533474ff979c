"""PortalRB layouts: sheet ``Jawaban``, one row per soal as in PortalRB's question list,
columns and rows from a layout data file (``portalrb-2026.json``: K unit answer, L unit
note, M evidence, N TPI answer, Q TPI note).  The reader takes the layout data as a
parameter, so another year's file maps with the same code.  When the sheet carries the
question text, a row whose text does not match its soal is looked up by text instead, so
inserted rows still map."""
from __future__ import annotations

from pathlib import Path

from lketool.evidence import find_urls, looks_like_path
from lketool.layouts import PORTALRB_2026, EvidenceCell, Entry, MappedSheet, Unmapped, _read_spec, get_layout
from lketool.reader import SheetGrid, col_index
from lketool.rubric import Rubric
from lketool.text import norm, similarity, tokens

LAYOUT = PORTALRB_2026


def layout_spec(layout: str | Path | dict | None = None) -> dict:
    """The layout data: a registered layout name (default ``portalrb-2026``), a path to a
    layout JSON file, or the data itself."""
    if isinstance(layout, dict):
        return layout
    if layout is None or (isinstance(layout, str) and not layout.endswith(".json")):
        spec = get_layout(layout or LAYOUT).spec()
        if spec is None:
            raise ValueError(f"layout {layout!r} has no layout data file")
        return spec
    return _read_spec(str(Path(layout)))


def looks_like(grid: SheetGrid) -> bool:
    """A ``Jawaban`` sheet, or a header naming the unit/TPI answer columns."""
    head = " ".join(norm(v) for r in grid.rows[:3] for v in r if isinstance(v, str))
    if "jawaban unit" in head or "jawaban tpi" in head or "bukti dukung unit" in head:
        return True
    return norm(grid.name) == "jawaban" and "nilai" not in head.split()


def map_sheet(grid: SheetGrid, rubric: Rubric, layout: str | Path | dict | None = None) -> MappedSheet:
    """Map a ``Jawaban`` sheet with the layout data ``layout`` (see :func:`layout_spec`)."""
    spec = layout_spec(layout)
    cols = {k: col_index(v) for k, v in spec["columns"].items()}
    mapped = MappedSheet(layout=spec.get("layout", LAYOUT), sheet=grid.name, grid=grid, unit=None, entries={}, aggregates={},
                         unmapped=[], columns=cols, header_row=spec["header_row"])
    text_col = cols["text"]
    has_text = any(grid.text(r, text_col) for r in range(1, min(grid.nrows, 40) + 1))
    row_tokens = {r: tokens(grid.text(r, text_col)) for r in range(1, grid.nrows + 1)} if has_text else {}
    used: set[int] = set()
    for soal, row in sorted(((int(k), v) for k, v in spec["rows"].items()), key=lambda kv: kv[1]):
        obj = rubric.by_soal.get(soal)
        if obj is None:
            continue
        text = getattr(obj, "portalrb_text", "") or obj.text
        if has_text:
            row = _locate(row, tokens(text), row_tokens, used)
            if row is None:
                mapped.unmapped.append(Unmapped(obj.id, None, text))
                continue
        used.add(row)
        mapped.entries[obj.id] = _entry(grid, obj.id, row, cols)
    mapped.has_tpi = any(e.tpi_raw not in ("", None) for e in mapped.entries.values())
    return mapped


def _locate(row: int, toks, row_tokens: dict, used: set[int]) -> int | None:
    if row not in used and similarity(toks, row_tokens.get(row, frozenset())) >= 0.6:
        return row
    best = max(((similarity(toks, t), r) for r, t in row_tokens.items() if r not in used), default=(0, None))
    return best[1] if best[0] >= 0.6 else None


def _entry(grid: SheetGrid, eid: str, row: int, cols: dict[str, int]) -> Entry:
    e = Entry(id=eid, row=row, answer_col=cols["answer"], raw=grid.value(row, cols["answer"]),
              formula=grid.formulas.get((row, cols["answer"])), tpi_raw=grid.value(row, cols["tpi_answer"]),
              tpi_col=cols["tpi_answer"], note=grid.text(row, cols["note"]), tpi_note=grid.text(row, cols["tpi_note"]))
    if cols.get("type"):
        e.type_text = grid.text(row, cols["type"]) or None
        e.type_col = cols["type"]
    ev_col = cols["evidence"]
    text = grid.text(row, ev_col)
    href = grid.hyperlinks.get((row, ev_col))
    if text or href:
        links = find_urls(text) or ([text] if looks_like_path(text) else [])
        if href and href not in links:
            links.append(href)
        e.evidence.append(EvidenceCell(row, ev_col, text, links, True))
    for (r, c), h in grid.hyperlinks.items():
        if r == row and c != ev_col:
            e.evidence.append(EvidenceCell(r, c, grid.text(r, c), [h], True))
    return e
