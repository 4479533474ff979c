"""Helpers for the report tests (no tests here): workbooks built with
:func:`lketool.template.write_template`, the samples, and text extraction from the
generated Word and HTML files."""
from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lketool.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
RUBRIC = load_rubric()
NASTY_UNIT = "<script>alert(1)</script> & Dinas \"Contoh\""
NASTY_NOTE = "Catatan A & B <i>tebal</i> ]]> akhir"


def option(item, rank: int) -> str:
    """The choice option of ``item`` at ``rank`` (0 = best value)."""
    opts = sorted(RUBRIC.options(item.type).items(), key=lambda kv: -kv[1])
    return opts[min(rank, len(opts) - 1)][0]


def make_answers(weak_areas: tuple[str, ...] = (), *, survey: float = 3.9, kinerja: str = "A") -> dict:
    """Best answers everywhere except the worst option in ``weak_areas``; % items at
    10/10 (or 1/10 in a weak area); surveys at ``survey``."""
    answers = {}
    for ind in RUBRIC.walk_indicators():
        if ind.children:
            continue
        weak = ind.area_id in weak_areas
        for item in ind.items:
            if item.type == "survey":
                answers[item.id] = survey
            elif item.id == "H.I.b":
                answers[item.id] = kinerja
            elif item.type == "pct":
                if item.formula == "decrease":
                    answers.update({item.input("prev").id: 10, item.input("curr").id: 9 if weak else 0,
                                    item.input("sanctioned").id: 1})
                    continue
                parts = [i for i in item.inputs if i.role == "part"]
                if parts:
                    for p in parts:
                        answers[p.id] = 5
                    total = item.input("total")
                    if not total.computed:
                        answers[total.id] = 5 * len(parts)
                    answers[item.input("num").id] = 1 if weak else 5 * len(parts)
                else:
                    answers[item.input("den").id] = 10
                    answers[item.input("num").id] = 1 if weak else 10
                    if item.input("in_process"):
                        answers[item.input("in_process").id] = 0
            else:
                answers[item.id] = option(item, 99 if weak else 0)
    return answers


def evidence_for(answers: dict, skip: tuple[str, ...] = ()) -> dict:
    out = {}
    for eid in answers:
        item = RUBRIC.items.get(eid)
        if item is None and eid in RUBRIC.inputs:
            item = RUBRIC.items[RUBRIC.inputs[eid].item_id]
        if item is not None and item.id not in skip:
            out[item.id] = f"https://drive.google.com/file/d/{item.id.replace('.', '')}x/view"
    return out


def build(path: Path, layout: str = "lampiran-iii", **kw) -> Path:
    from lketool.template import write_template

    return write_template(path, layout, **kw)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Workbooks made for the report tests (openpyxl, no LibreOffice needed)."""
    d = tmp_path_factory.mktemp("report-wb")
    good = make_answers()
    weak = make_answers(("SDM", "PW"), survey=3.0, kinerja="C")
    nasty = make_answers(("MP",))
    tpi = dict(good)
    for k in list(tpi)[:12]:
        item = RUBRIC.items.get(k)
        if item is not None and item.type not in ("pct", "survey"):
            tpi[k] = option(item, 1)
    return {
        "good": build(d / "good.xlsx", unit="Unit Baik", answers=good, evidence=evidence_for(good)),
        "weak": build(d / "weak.xlsx", unit="Unit Lemah", answers=weak,
                      evidence=evidence_for(weak, skip=("P.1.i.a", "P.3.ii.b", "R.1.i.a"))),
        "nasty": build(d / "nasty.xlsx", unit=NASTY_UNIT, answers=nasty,
                       evidence=evidence_for(nasty, skip=("P.1.i.a", "P.1.ii.a")),
                       notes={"P.1.i.a": NASTY_NOTE, "P.1.ii.a": "x < y && y > z"}),
        "tpi": build(d / "tpi.xlsx", "portalrb-2026", unit="Unit Dengan TPI", answers=good,
                     evidence=evidence_for(good), tpi_answers=tpi),
    }


def half_up(x: float, places: str = "0.01") -> str:
    """``x`` rounded half-up (as by hand) with a decimal comma; independent of lketool's
    own filters (values below 1000)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(float(x))).quantize(Decimal(places), rounding=ROUND_HALF_UP)).replace(".", ",")


# ---------------------------------------------------------------- extraction

def docx_blocks(path: Path) -> list[tuple[str, object]]:
    """Body in order: ``("p", (style, text))`` and ``("t", [[cell texts]])``."""
    p = Path(path)
    return _docx_blocks(str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _docx_blocks(path: str, _mtime: int) -> list[tuple[str, object]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    out = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(el, d)
            out.append(("p", (p.style.name if p.style is not None else "", p.text)))
        elif tag == "tbl":
            t = Table(el, d)
            out.append(("t", [[c.text for c in row.cells] for row in t.rows]))
    return out


def docx_text(path: Path) -> str:
    """A plain text extract of a Word report (paragraphs, then tables as ``a | b`` rows)."""
    lines = []
    for kind, v in docx_blocks(path):
        if kind == "p":
            style, text = v
            if not text.strip():
                continue
            prefix = {"Title": "# ", "Heading 1": "## ", "Heading 2": "### ", "List Bullet": "- "}.get(style, "")
            lines.append(prefix + text)
        else:
            lines.extend(" | ".join(c.replace("\n", " ") for c in row) for row in v)
    return "\n".join(lines) + "\n"


def docx_tables_after(path: Path, heading: str) -> list[list[list[str]]]:
    """Tables between the heading with text ``heading`` and the next Heading 1."""
    out, inside = [], False
    for kind, v in docx_blocks(path):
        if kind == "p" and v[0] == "Heading 1":
            inside = v[1] == heading
        elif kind == "t" and inside:
            out.append(v)
    return out


class HtmlDoc(HTMLParser):
    """Headings, tables (rows of cell texts), tag names and all visible text of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict]] = []
        self.headings: list[tuple[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self.text_parts: list[str] = []
        self._heading: str | None = None
        self._buf: list[str] = []
        self._cell: list[str] | None = None
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._skip += 1
        if tag in ("h1", "h2", "h3"):
            self._heading, self._buf = tag, []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._buf).split())))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text_parts.append(data)
        if self._heading:
            self._buf.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())
