"""Lampiran III layout (sheet usually ``LKE ZI``): rows found by hierarchy markers and
question text, never by fixed row numbers, so inserted or deleted rows, a renamed sheet,
a missing title row and edited labels still map.

Columns come from the header row labels (``Bobot``, ``Penjelasan``, ``Pilihan Jawaban``,
``Jawaban``, ``Nilai``, ``%``, ``Catatan``); without a header row they are inferred from
the column holding the answer types.  Columns right of ``Catatan`` (often without any
header) and columns headed bukti/link/eviden are read as evidence: a column where most
filled cells are links (or paths) is an evidence column; a column of narrative text next
to it describes the documents and is kept as ``Entry.descriptions``, not checked."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lketool.evidence import find_urls, looks_like_path
from lketool.layouts import LAMPIRAN_III, Aggregate, EvidenceCell, Entry, MappedSheet, Unmapped
from lketool.reader import SheetGrid
from lketool.rubric import Indicator, Item, Rubric
from lketool.text import norm, norm_type_label, similarity, tokens

LAYOUT = LAMPIRAN_III
TYPE_LABELS = {"ya/tidak", "a/b/c", "a/b/c/d", "a/b/c/d/e", "%", "jumlah", "nilai (0-4)", "nilai(0-4)", "rupiah"}
_ROMAN = re.compile(r"^(i|ii|iii|iv|v|vi|vii|viii|ix|x)\.?$", re.I)
_AREA_NUM = re.compile(r"^([1-9])\.?$")
_MARKER = re.compile(r"^(?:[A-Za-z]|[IVXivx]{1,4}|\d{1,2})\.?$|^-$")
_EVIDENCE_HDR = ("bukti", "eviden", "link", "tautan", "url", "dukung", "data dukung", "dokumen")
MATCH_MIN = 0.42


@dataclass
class Row:
    r: int
    markers: list[str]
    name: str  # first text right of the markers (indicator/area names)
    text: str  # question text column
    weight: float | None
    type_label: str
    answer: object

    @property
    def label(self) -> str:
        return self.text or self.name

    # computed once per row, used against every item; a plain attribute, not a
    # functools.cached_property (which takes a lock on every first access in 3.11)
    _toks: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _name_toks: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def toks(self) -> frozenset[str]:
        """Content words of :attr:`label`."""
        t = self._toks
        if t is None:
            t = self._toks = tokens(self.label)
        return t

    @property
    def name_toks(self) -> frozenset[str]:
        t = self._name_toks
        if t is None:
            t = self._name_toks = tokens(self.name or self.text)
        return t


def find_header(grid: SheetGrid, max_rows: int = 40) -> tuple[int | None, dict[str, int]]:
    """The header row and a role -> column map, from the header labels."""
    for r in range(1, min(grid.nrows, max_rows) + 1):
        labels = {c: norm(grid.value(r, c)) for c in range(1, len(grid.rows[r - 1]) + 1)}
        if not any(v.startswith("pilihan jawaban") for v in labels.values()):
            continue
        cols: dict[str, int] = {}
        for c, v in labels.items():
            if not v:
                continue
            if v.startswith("pilihan jawaban"):
                cols.setdefault("type", c)
            elif "tpi" in v and ("jawaban" in v or v == "tpi"):
                cols.setdefault("tpi_answer", c)
            elif "tpi" in v and "catatan" in v:
                cols.setdefault("tpi_note", c)
            elif v.startswith("jawaban"):
                cols.setdefault("answer", c)
            elif v == "bobot":
                cols.setdefault("weight", c)
            elif v.startswith("penjelasan"):
                cols.setdefault("criteria", c)
            elif v == "nilai":
                cols.setdefault("score", c)
            elif v in ("%", "persen", "persentase"):
                cols.setdefault("pct", c)
            elif v.startswith("catatan") or v.startswith("keterangan"):
                cols.setdefault("note", c)
            elif v.startswith("penilaian") or v == "komponen":
                cols.setdefault("first", c)
            elif any(k in v for k in _EVIDENCE_HDR):
                cols.setdefault("evidence", c)
        if "answer" in cols:
            return r, _fill_columns(cols)
    return None, {}


def infer_columns(grid: SheetGrid) -> dict[str, int]:
    """Columns of a sheet without a header row: find the column of answer types."""
    counts: dict[int, int] = {}
    for row in grid.rows:
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and norm_type_label(v) in TYPE_LABELS:
                counts[c] = counts.get(c, 0) + 1
    if not counts:
        return {}
    tcol, n = max(counts.items(), key=lambda kv: kv[1])
    if n < 20:
        return {}
    return _fill_columns({"type": tcol, "answer": tcol + 1})


def _fill_columns(cols: dict[str, int]) -> dict[str, int]:
    t = cols["type"]
    cols.setdefault("answer", t + 1)
    cols.setdefault("weight", t - 2)
    cols.setdefault("criteria", t - 1)
    cols.setdefault("score", cols["answer"] + 1)
    cols.setdefault("pct", cols["score"] + 1)
    cols.setdefault("note", cols["pct"] + 2)
    cols["text"] = cols["weight"] - 1
    cols.setdefault("first", max(1, cols["text"] - 5))
    return cols


def _num(v) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def _cell_text(row: list, col: int) -> str:
    """:meth:`SheetGrid.text` on an already fetched row (the hot loop of :func:`_rows`)."""
    if 1 <= col <= len(row):
        v = row[col - 1]
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()
    return ""


def _rows(grid: SheetGrid, start: int, cols: dict[str, int]) -> list[Row]:
    first, text_col = cols["first"], cols["text"]
    wcol, tcol, acol = cols["weight"], cols["type"], cols["answer"]
    out = []
    lo, hi = max(first - 1, 0), text_col - 1  # the cells left of the text column, 0-based
    for r in range(start, grid.nrows + 1):
        cells = grid.rows[r - 1]
        markers, name = [], ""
        for v in (cells[lo:hi] if hi > lo else ()):
            # _cell_text inlined (the hottest loop of the mapping)
            if v is None or v == "":
                continue
            if isinstance(v, float) and v.is_integer():
                v = str(int(v))
            else:
                v = str(v).strip()
                if not v:
                    continue
            if _MARKER.match(v):
                markers.append(v)
            else:
                name = v
                break  # markers stand left of the name; nothing after it counts
        n = len(cells)
        out.append(Row(r=r, markers=markers, name=name, text=_cell_text(cells, text_col),
                       weight=_num(cells[wcol - 1] if 1 <= wcol <= n else ""),
                       type_label=norm_type_label(cells[tcol - 1] if 1 <= tcol <= n else ""),
                       answer=cells[acol - 1] if 1 <= acol <= n else ""))
    return out


_TOTALS = (("total pengungkit", "pengungkit_total"), ("total hasil", "hasil_total"),
           ("nilai evaluasi", "total"), ("total nilai", "total"), ("nilai total", "total"))
_TOTAL_PREFIXES = tuple(p for p, _ in _TOTALS)


def map_sheet(grid: SheetGrid, rubric: Rubric) -> MappedSheet | None:
    """Map a Lampiran III sheet to the rubric; None if it does not look like one."""
    header, cols = find_header(grid)
    if header is None:
        cols = infer_columns(grid)
        if not cols:
            return None
    rows = _rows(grid, (header or 0) + 1, cols)
    mapped = MappedSheet(layout=LAYOUT, sheet=grid.name, grid=grid, unit=None, entries={}, aggregates={},
                         unmapped=[], has_tpi="tpi_answer" in cols, columns=cols, header_row=header)
    sections = _sections(rows, rubric, mapped, cols)
    link_cols = _evidence_columns(grid, cols, rows)
    used: set[int] = set()
    for (half, area_id), span in sections["areas"].items():
        area = next(a for a in rubric.areas(half) if a.id == area_id)
        _map_indicators(area.indicators, span, rubric, mapped, cols, used)
    if sections["hasil"]:
        inds = [i for s in ("bersih_akuntabel", "pelayanan_prima") for i in rubric.subcomponent(s).indicators]
        _map_hasil(inds, sections["hasil"], mapped, cols, used)
    row_links = _links_by_row(grid)
    for e in mapped.entries.values():
        _fill_entry(grid, e, cols, link_cols, row_links)
    # rubric items that no row matched
    for eid in rubric.entry_ids():
        if eid not in mapped.entries:
            inp = rubric.inputs.get(eid)
            text = inp.text if inp else rubric.items[eid].text
            mapped.unmapped.append(Unmapped(eid, None, text))
    for row in sections["all"]:
        if row.r in used or not (row.type_label or row.answer not in ("", None)):
            continue
        if row.weight is not None or row.type_label not in TYPE_LABELS and not row.text:
            continue
        mapped.unmapped.append(Unmapped(None, row.r, row.label))
    return mapped


def _sections(rows: list[Row], rubric: Rubric, mapped: MappedSheet, cols) -> dict:
    """Split rows into (half, area) spans and the Hasil span; record aggregate rows."""
    grid, scol = mapped.grid, cols["score"]
    half = None
    areas: dict[tuple[str, str], list[Row]] = {}
    hasil: list[Row] = []
    current: list[Row] | None = None
    area_names = {a.id: tokens(a.name) for a in rubric.areas("pemenuhan")}
    all_rows = []

    def agg(key, row, children=()):
        if key not in mapped.aggregates:
            mapped.aggregates[key] = Aggregate(key, row.r, scol, grid.value(row.r, scol),
                                               grid.formulas.get((row.r, scol)), list(children))

    for row in rows:
        label = norm(" ".join([row.name, row.text]))
        mk = [m.rstrip(".").upper() for m in row.markers] if row.markers else []
        total_key = next((k for p, k in _TOTALS if label.startswith(p)), None) \
            if label.startswith(_TOTAL_PREFIXES) else None
        if total_key:
            agg({"pengungkit_total": "pengungkit", "hasil_total": "hasil"}.get(total_key, total_key), row)
            current = None
            continue
        if (mk[:1] == ["A"] or label == "pengungkit") and row.weight is not None and "pengungkit" in label:
            half, current = None, None
            continue
        if (mk[:1] == ["B"] or label == "hasil") and "hasil" in label and row.weight is not None:
            half, current = "hasil", hasil
            continue
        if half != "hasil" and ("pemenuhan" in label or "reform" in label) and row.weight is not None \
                and not row.type_label and len(label) < 30:
            half = "pemenuhan" if "pemenuhan" in label else "reform"
            agg(half, row)
            current = None
            continue
        if half in ("pemenuhan", "reform") and row.weight is not None and mk and _AREA_NUM.match(mk[0]):
            ids = [aid for aid, toks in area_names.items() if similarity(toks, row.name) >= 0.6]
            num = int(_AREA_NUM.match(mk[0]).group(1))
            aid = ids[0] if ids else (rubric.areas(half)[num - 1].id if num <= len(rubric.areas(half)) else None)
            if aid:
                current = areas.setdefault((half, aid), [])
                agg(f"area:{half}:{aid}", row)
                continue
        if half == "hasil" and row.weight is not None and not row.type_label:
            if "bersih" in label:
                agg("bersih_akuntabel", row)
                continue
            if "prima" in label:
                agg("pelayanan_prima", row)
                continue
        all_rows.append(row)
        if current is not None:
            current.append(row)
    return {"areas": areas, "hasil": hasil, "all": all_rows}


def _assign(pairs: list[tuple[float, object, int]], min_score: float = MATCH_MIN) -> dict[object, int]:
    """Greedy best-first one-to-one assignment of rubric keys to rows."""
    out, taken = {}, set()
    for score, key, r in sorted(pairs, key=lambda p: -p[0]):
        if score < min_score or key in out or r in taken:
            continue
        out[key] = r
        taken.add(r)
    return out


def _rubric_tokens(rubric: Rubric) -> dict:
    """Token sets of every indicator name (with aliases) and item text of ``rubric``, and
    each item's normalised type label, computed once per rubric object (per process: the
    rubric is loaded once) instead of once per workbook."""
    cache = rubric.__dict__.get("_lampiran_iii_tokens")
    if cache is None:
        cache = {"ind": {i.id: [tokens(n) for n in (i.name, *i.aliases)] for i in rubric.indicators.values()},
                 "item": {it.id: (tokens(it.text), norm_type_label(rubric.type_label(it.type).lower()))
                          for it in rubric.items.values()}}
        rubric.__dict__["_lampiran_iii_tokens"] = cache
    return cache


def _exact_pairs(keys: list[tuple[object, list[frozenset]]], rows: list[Row], toks_of, full_bonus) -> dict[object, int]:
    """Rubric keys whose label has exactly the words of exactly one row (and no other key
    has those words), where that pair also earns every bonus.

    Such a pair scores 1 + the largest bonus, while any other pair of that key or that row
    has a similarity below 1 (different word sets) and at most the same bonus, so the
    greedy best-first :func:`_assign` would take it before anything that competes with it.
    Settling these pairs first and running the fuzzy match on the rest therefore gives the
    same assignment, with far fewer similarity computations on template-like sheets."""
    rows_by_toks: dict[frozenset, list[Row]] = {}
    for row in rows:
        t = toks_of(row)
        if t:
            rows_by_toks.setdefault(t, []).append(row)
    keys_by_toks: dict[frozenset, int] = {}
    for _, sets in keys:
        for t in set(sets):
            keys_by_toks[t] = keys_by_toks.get(t, 0) + 1
    out = {}
    for key, sets in keys:
        uniq = set(sets)
        hits = [row for t in uniq if t for row in rows_by_toks.get(t, ())]
        if len(hits) != 1 or any(keys_by_toks.get(t) != 1 for t in uniq if t in rows_by_toks):
            continue
        row = hits[0]
        if full_bonus(key, row):
            out[key] = row.r
    return out


def _map_indicators(indicators: list[Indicator], span: list[Row], rubric: Rubric, mapped: MappedSheet,
                    cols, used: set[int]) -> None:
    grid, scol = mapped.grid, cols["score"]
    rtoks = _rubric_tokens(rubric)
    flat = []
    for ind in indicators:
        flat.append(ind)
        flat.extend(ind.children)
    # aggregate rows carry a weight; some also repeat '%' in the type column (PW ii, iii)
    agg_rows = [r for r in span if r.weight is not None and r.type_label in ("", "%")]
    by_id = {ind.id: ind for ind in flat}

    def marker_ok(row: Row, ind: Indicator) -> bool:
        return bool(row.markers and _ROMAN.match(row.markers[-1])
                    and row.markers[-1].rstrip(".").lower() == ind.marker.rstrip(".").lower())

    ind_rows = _exact_pairs([(ind.id, rtoks["ind"][ind.id]) for ind in flat], agg_rows,
                            lambda row: row.name_toks,
                            lambda iid, row: marker_ok(row, by_id[iid]) and row.weight == by_id[iid].weight)
    taken = set(ind_rows.values())
    rest = [row for row in agg_rows if row.r not in taken]
    pairs = []
    for ind in flat:
        if ind.id in ind_rows:
            continue
        names = rtoks["ind"][ind.id]
        for row in rest:
            rt = row.name_toks
            s = max(similarity(n, rt) for n in names)
            if marker_ok(row, ind):
                s += 0.15
            if row.weight == ind.weight:
                s += 0.1
            pairs.append((s, ind.id, row.r))
    ind_rows.update(_assign(pairs, 0.35))
    by_row = {r.r: r for r in span}
    for ind in flat:
        if ind.id in ind_rows:
            row = by_row[ind_rows[ind.id]]
            used.add(row.r)
            mapped.aggregates[ind.id] = Aggregate(ind.id, row.r, scol, grid.value(row.r, scol),
                                                  grid.formulas.get((row.r, scol)))
    # spans of each matched indicator: from its row to the next matched indicator row
    starts = sorted(ind_rows.values())
    ind_span = {}
    for iid, r in ind_rows.items():
        nxt = next((s for s in starts if s > r), 10 ** 9)
        ind_span[iid] = (r, nxt)
    items = [it for ind in flat for it in ind.items]
    cand = [r for r in span if r.r not in used and (r.type_label or r.text) and r.type_label != "jumlah"]

    def item_full_bonus(iid, row: Row) -> bool:
        it = rubric.items[iid]
        lo, hi = ind_span.get(it.indicator_id, (0, 10 ** 9))
        return row.type_label == rtoks["item"][iid][1] and lo < row.r < hi

    found = _exact_pairs([(it.id, [rtoks["item"][it.id][0]]) for it in items], cand, lambda row: row.toks,
                         item_full_bonus)
    taken = set(found.values())
    rest = [row for row in cand if row.r not in taken]
    pairs = []
    for it in items:
        if it.id in found:
            continue
        toks, type_label = rtoks["item"][it.id]
        lo, hi = ind_span.get(it.indicator_id, (0, 10 ** 9))
        for row in rest:
            s = similarity(toks, row.toks)
            if row.type_label == type_label:
                s += 0.15
            elif it.type == "pct" or row.type_label == "%":
                s -= 0.3  # a % row only ever holds a % item
            if lo < row.r < hi:
                s += 0.1
            pairs.append((s, it.id, row.r))
    found.update(_assign(pairs))
    for it in items:
        if it.id not in found:
            continue
        row = by_row[found[it.id]]
        used.add(row.r)
        mapped.entries[it.id] = _entry(it.id, row, cols, mapped.grid)
        if it.type == "pct":
            _map_inputs(it, row, span, mapped, cols, used)
    for iid, r in ind_rows.items():
        ind = rubric.indicators[iid]
        kids = ind.children or []
        if kids:
            mapped.aggregates[iid].children_rows = [ind_rows[k.id] for k in kids if k.id in ind_rows]
        else:
            mapped.aggregates[iid].children_rows = [mapped.entries[i.id].row for i in ind.items if i.id in mapped.entries]


def _map_inputs(item: Item, row, span: list[Row], mapped: MappedSheet, cols, used: set[int]) -> None:
    block = []
    for r in span:
        if r.r <= row.r:
            continue
        if r.type_label == "jumlah" or (not r.type_label and r.text.startswith("-") and r.weight is None):
            block.append(r)
            continue
        if r.type_label or r.weight is not None or r.markers and r.markers[0] != "-":
            break
    block_toks = [(r, tokens(r.text)) for r in block]  # once per row, not once per input
    pairs = []
    for inp in item.inputs:
        toks = tokens(inp.text)
        alt = tokens(inp.portalrb_text) if inp.portalrb_text else None
        for r, rt in block_toks:
            s = max(similarity(toks, rt), similarity(alt, rt) if alt is not None else 0)
            pairs.append((s, inp.id, r.r))
    found = _assign(pairs, 0.3)
    by_row = {r.r: r for r in block}
    for inp in item.inputs:
        if inp.id in found:
            r = by_row[found[inp.id]]
            used.add(r.r)
            mapped.entries[inp.id] = _entry(inp.id, r, cols, mapped.grid)
    # rows of the block nobody claimed (e.g. the total row of a layout copy that has one
    # while the rubric input is missing) are reported by the caller as unmapped rows


def _map_hasil(indicators: list[Indicator], span: list[Row], mapped: MappedSheet, cols, used: set[int]) -> None:
    grid, scol = mapped.grid, cols["score"]
    cand = [r for r in span if r.type_label or r.text or r.name]
    pairs = []
    for ind in indicators:
        it = ind.items[0]
        for row in cand:
            s = similarity(it.text, row.label)
            kind_survey = row.type_label.startswith("nilai")
            if (it.type == "survey") == kind_survey and row.type_label:
                s += 0.15
            pairs.append((s, ind.id, row.r))
    found = _assign(pairs)
    by_row = {r.r: r for r in span}
    for ind in indicators:
        if ind.id in found:
            row = by_row[found[ind.id]]
            used.add(row.r)
            mapped.entries[ind.items[0].id] = _entry(ind.items[0].id, row, cols, grid)
            mapped.aggregates[ind.id] = Aggregate(ind.id, row.r, scol, grid.value(row.r, scol),
                                                  grid.formulas.get((row.r, scol)), [row.r])


def _entry(eid: str, row: Row, cols, grid: SheetGrid) -> Entry:
    r, a, t, sc = row.r, cols["answer"], cols["type"], cols["score"]
    cells = grid.rows[r - 1] if 1 <= r <= grid.nrows else []
    e = Entry(id=eid, row=r, answer_col=a, raw=_cell_value(cells, a), formula=grid.formulas.get((r, a)),
              type_text=_cell_text(cells, t), type_col=t,
              score_col=sc, cached_score=_cell_value(cells, sc),
              score_formula=grid.formulas.get((r, sc)))
    if "tpi_answer" in cols:
        e.tpi_col = cols["tpi_answer"]
        e.tpi_raw = _cell_value(cells, cols["tpi_answer"])
    return e


def _cell_value(row: list, col: int):
    """:meth:`SheetGrid.value` on an already fetched row."""
    return row[col - 1] if 1 <= col <= len(row) else ""


def _evidence_columns(grid: SheetGrid, cols, rows: list[Row]) -> dict[int, bool]:
    """Evidence columns -> whether each holds links (True) or only descriptions."""
    known = {v for k, v in cols.items() if k not in ("evidence",)}
    start = cols.get("note", cols["pct"]) + 1
    width = max((len(r) for r in grid.rows), default=0)
    candidates = set(range(start, width + 1)) - known
    if "evidence" in cols:
        candidates.add(cols["evidence"])
    candidates |= {c for (_, c) in grid.hyperlinks if c not in known}
    out = {}
    body = [(r.r, grid.rows[r.r - 1]) for r in rows]
    links_at = grid.hyperlinks
    for c in sorted(candidates):
        filled = [(r, text) for r, cells in body
                  for text in (_cell_text(cells, c),) if text or (r, c) in links_at]
        if not filled:
            continue
        links = sum(1 for r, text in filled if (r, c) in links_at or find_urls(text) or looks_like_path(text))
        # a column of mostly links is where links belong; otherwise it describes the documents
        out[c] = links * 2 >= len(filled) or ("evidence" in cols and c == cols["evidence"] and links > 0)
    return out


def _links_by_row(grid: SheetGrid) -> dict[int, list[tuple[int, str]]]:
    """Cell hyperlinks grouped by row, in the sheet's order."""
    out: dict[int, list[tuple[int, str]]] = {}
    for (r, c), href in grid.hyperlinks.items():
        out.setdefault(r, []).append((c, href))
    return out


def _fill_entry(grid: SheetGrid, e: Entry, cols, link_cols: dict[int, bool],
                row_links: dict[int, list[tuple[int, str]]] | None = None) -> None:
    cells = grid.rows[e.row - 1] if 1 <= e.row <= grid.nrows else []
    if "note" in cols:
        e.note = _cell_text(cells, cols["note"])
    if "tpi_note" in cols:
        e.tpi_note = _cell_text(cells, cols["tpi_note"])
    if row_links is None:
        row_links = _links_by_row(grid)
    here = dict(row_links.get(e.row, ()))
    seen = set()
    for c, is_link in link_cols.items():
        text = _cell_text(cells, c)
        href = here.get(c)
        if not text and not href:
            continue
        links = find_urls(text) or ([text] if looks_like_path(text) else [])
        if href and href not in links:
            links.append(href)
        seen.add(c)
        if not is_link and not links:
            # a narrative column ("SK Kepala OPD ...; Daftar hadir") describes what the
            # link column holds: a note, not a malformed link
            e.descriptions.append(EvidenceCell(e.row, c, text, [], False))
            continue
        e.evidence.append(EvidenceCell(e.row, c, text, links, is_link))
    # a hyperlink placed on any other cell of the row (e.g. on the note) is evidence too
    for c, href in row_links.get(e.row, ()):
        if c not in seen and c not in link_cols:
            e.evidence.append(EvidenceCell(e.row, c, _cell_text(cells, c), [href], True))
