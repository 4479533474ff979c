"""Where the rubric sits on a sheet.  A layout module maps a :class:`SheetGrid` to a
:class:`MappedSheet`: for each rubric item or input, its row and cells; for each
aggregate (indicator, area, totals), the cell holding the workbook's own score.

Two layouts: ``lampiran-iii`` (the official LKE ZI workbook of PermenPANRB 90/2021,
found by labels and hierarchy markers) and ``portalrb-2026`` (PortalRB's ``Jawaban``
sheet, rows as in its question list).  Both sit in :data:`REGISTRY` (name ->
:class:`Layout`); code names them by the constants :data:`LAMPIRAN_III` and
:data:`PORTALRB_2026`, never by string literals."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

from lketool.reader import Formula, SheetGrid, cell_ref


@dataclass
class EvidenceCell:
    """A non-empty cell (or hyperlink) that may carry evidence for an entry."""

    row: int
    col: int
    text: str
    links: list[str]  # URLs or paths found in the text or the cell hyperlink
    link_column: bool  # the column holds links elsewhere too (not a description column)

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class Entry:
    """One answer row: a scored item or a Jumlah input of a % item."""

    id: str
    row: int
    answer_col: int
    raw: Any = ""
    formula: Formula | None = None  # formula in the answer cell (% rows, computed totals)
    type_text: str | None = None  # the Pilihan Jawaban cell (Lampiran III)
    type_col: int | None = None
    tpi_raw: Any = None
    tpi_col: int | None = None
    note: str = ""
    tpi_note: str = ""
    evidence: list[EvidenceCell] = field(default_factory=list)
    # Cells of a description column (a narrative list of the documents, next to the
    # column of links): kept as a note, never checked as evidence.
    descriptions: list[EvidenceCell] = field(default_factory=list)
    score_col: int | None = None
    cached_score: Any = None
    score_formula: Formula | None = None

    @property
    def answer_cell(self) -> str:
        return cell_ref(self.row, self.answer_col)

    @property
    def links(self) -> list[str]:
        out = []
        for ev in self.evidence:
            for link in ev.links:
                if link not in out:
                    out.append(link)
        return out


@dataclass
class Aggregate:
    """A cell holding the workbook's own score for an indicator, area or total."""

    key: str  # indicator id, 'area:pemenuhan:MP', 'pemenuhan', 'pengungkit', 'hasil', 'total', ...
    row: int
    col: int
    cached: Any
    formula: Formula | None
    children_rows: list[int] = field(default_factory=list)

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class Unmapped:
    """A rubric id not found on the sheet, or a sheet row not matched to the rubric."""

    rubric_id: str | None
    row: int | None
    text: str


@dataclass
class MappedSheet:
    layout: str
    sheet: str
    grid: SheetGrid
    unit: str | None
    entries: dict[str, Entry]
    aggregates: dict[str, Aggregate]
    unmapped: list[Unmapped]
    has_tpi: bool = False
    columns: dict[str, int] = field(default_factory=dict)
    header_row: int | None = None
    other_lke_sheets: list[str] = field(default_factory=list)  # further sheets that also hold an LKE (not read)


# ---------------------------------------------------------------- the registry

LAMPIRAN_III = "lampiran-iii"
PORTALRB_2026 = "portalrb-2026"


@lru_cache(maxsize=None)
def _read_spec(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Layout:
    """A registered layout: its name, the module that maps a sheet, the editions it
    claims, and (for fixed-row layouts) its data file.

    A layout with a data file (``spec_file``) lists its editions there (``"editions"``);
    a layout found by labels lists them in ``editions``."""

    name: str
    module: str  # import path of the reader module (has ``map_sheet``)
    spec_file: Path | None = None
    editions: tuple[str, ...] = ()

    def spec(self) -> dict | None:
        """The layout data (rows, columns), or None for a layout found by labels."""
        return _read_spec(str(self.spec_file)) if self.spec_file else None

    def claimed_editions(self) -> tuple[str, ...]:
        spec = self.spec()
        if spec is None:
            return self.editions
        eds = spec.get("editions", spec.get("edition", ()))
        return (eds,) if isinstance(eds, str) else tuple(eds)

    def reader(self):
        """The module that maps a sheet in this layout."""
        return import_module(self.module)

    def missing_rows(self, rubric) -> list[str]:
        """Rubric entries this layout has no row for, and layout rows naming no rubric
        entry: one line each, naming the id (empty when the layout covers the rubric)."""
        spec = self.spec()
        if spec is None:
            return []
        return spec_gaps(self.name, spec, rubric)


def spec_gaps(name: str, spec: dict, rubric) -> list[str]:
    """What a fixed-row layout ``spec`` (rows keyed by PortalRB ``soal_id``) lacks for
    ``rubric``: every scored item that is not a % row and every input meant for this
    layout needs a row; every row must name a soal of the rubric, one soal a row."""
    out = []
    rows = {str(k): v for k, v in spec.get("rows", {}).items()}
    wanted = [it for it in rubric.items.values() if it.type != "pct"]
    wanted += [i for i in rubric.inputs.values() if i.layout_only in (None, name)]
    for obj in wanted:
        if obj.soal_id is None:
            out.append(f"{obj.id}: no soal_id, so no row in layout {name!r}")
        elif str(obj.soal_id) not in rows:
            out.append(f"{obj.id}: soal_id {obj.soal_id} has no row in layout {name!r} "
                       f"(add the row, or give the edition a layout of its own)")
    for k in rows:
        if not k.isdigit() or int(k) not in rubric.by_soal:
            out.append(f"layout {name!r} row {rows[k]} names soal {k!r}, which the rubric does not have")
    seen: dict[int, str] = {}
    for k, r in rows.items():
        if r in seen:
            out.append(f"layout {name!r} row {r} is given to soal {seen[r]} and soal {k}")
        seen[r] = k
    return out


REGISTRY: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    """Add (or replace) a layout in :data:`REGISTRY`."""
    REGISTRY[layout.name] = layout
    return layout


def get_layout(name: str) -> Layout:
    """The registered layout ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown layout {name!r}; use one of {', '.join(REGISTRY)}") from None


def layout_names() -> tuple[str, ...]:
    """Names of the registered layouts, in registration order."""
    return tuple(REGISTRY)


def layouts_for(edition: str) -> list[Layout]:
    """The registered layouts that claim rubric ``edition``; every registered layout when
    none does (a rubric built in a test, or a new edition not yet given a layout: it is
    then checked against, and read with, every layout, so nothing is skipped silently)."""
    claiming = [lay for lay in REGISTRY.values() if edition in lay.claimed_editions()]
    return claiming or list(REGISTRY.values())


register(Layout(LAMPIRAN_III, "lketool.layouts.lampiran_iii", editions=("permenpanrb-90-2021",)))
register(Layout(PORTALRB_2026, "lketool.layouts.portalrb",
                spec_file=Path(__file__).with_name("portalrb-2026.json")))
