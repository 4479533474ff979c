"""Where the rubric sits on a sheet.  A layout module maps a :class:`SheetGrid` to a
:class:`MappedSheet`: for each rubric item or input, its row and cells; for each
aggregate (indicator, area, totals), the cell holding the workbook's own score.

Two layouts: ``lampiran-iii`` (the official LKE ZI workbook of PermenPANRB 90/2021,
found by labels and hierarchy markers) and ``portalrb-2026`` (PortalRB's ``Jawaban``
sheet, rows as in its question list)."""
from __future__ import annotations

from dataclasses import dataclass, field
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
