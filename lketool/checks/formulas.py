"""Formulas and the workbook's own numbers: ``cached-values-missing``,
``formula-overwritten``, ``formula-altered`` (an aggregate formula that leaves out or adds
rows) and ``score-mismatch`` (a cached value that differs from the recomputed one, with
both numbers and the cause when lketool can name it)."""
from __future__ import annotations

import re

from lketool.display import difference, number
from lketool.i18n import t
from lketool.layouts import LAMPIRAN_III
from lketool.problems import Problem
from lketool.reader import col_letter
from lketool.score import item_value

_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")
TOL = 1e-9


def cached_values_missing(mapped) -> bool:
    """True when the score column's formulas were saved without computed values."""
    scol = mapped.columns.get("score")
    fs = [f for (r, c), f in mapped.grid.formulas.items() if c == scol]
    return bool(fs) and sum(not f.has_cached_value for f in fs) > len(fs) / 2


def referenced_rows(formula: str, column: str) -> frozenset[int]:
    """Rows of ``column`` that ``formula`` refers to (single cells and ranges)."""
    key = (formula, column)
    rows = _REFERENCED.get(key)
    if rows is None:
        rows = _referenced_rows(formula, column)
        # remembered (every workbook of a batch repeats the template's formulas), but only
        # short formulas over few rows, and not without end: the text comes from the file
        if len(formula) <= 400 and len(rows) <= 1000 and len(_REFERENCED) < 4096:
            _REFERENCED[key] = rows
    return rows


_REFERENCED: dict[tuple[str, str], frozenset[int]] = {}


def _referenced_rows(formula: str, column: str) -> frozenset[int]:
    rows: set[int] = set()
    for m in _REF.finditer(formula):
        c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if c1 != column:
            continue
        if c2 is None:
            rows.add(r1)
        elif c2 == column:
            rows.update(range(r1, int(r2) + 1))
    return frozenset(rows)


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _fmt(x, lang: str = "id") -> str:
    if x is None:
        return t("check.blank-word", lang)
    if isinstance(x, float):
        s = f"{x:.12g}"
        return s.replace(".", ",") if lang == "id" else s
    return repr(x)


def both(key: str, /, **params) -> tuple[str, str]:
    """The Indonesian and English texts of a catalogue key, for the cause texts that
    checks keep in both languages side by side (``ctx.causes`` / ``ctx.causes_en``)."""
    return t(key, "id", **params), t(key, "en", **params)


def shown_pair(a: float, b: float, lang: str = "id") -> tuple[str, str]:
    """Two different numbers as people read them: two decimals, or as many more as it
    takes for them to look different (up to 12); decimal comma in Indonesian."""
    d = 2
    while d < 12 and number(a, d, lang) == number(b, d, lang):
        d += 1
    return number(a, d, lang), number(b, d, lang)


def mismatch_params(cached, computed, what: str, what_en: str, cause: tuple[str, str] = ("", "")) -> dict:
    """The ``score-mismatch`` message parameters in both languages (the full-precision
    workbook value is the problem's ``value``)."""
    params = {"what": what, "what_en": what_en}
    c, w = _num(cached), _num(computed)
    if c is not None and w is not None:
        for lang, suffix in (("id", ""), ("en", "_en")):
            params["cached" + suffix], params["computed" + suffix] = shown_pair(c, w, lang)
            params["diff" + suffix] = t("check.diff-suffix", lang, diff=difference(c - w, 2, lang))
    else:
        for lang, suffix in (("id", ""), ("en", "_en")):
            params["cached" + suffix] = _fmt(c if c is not None else cached, lang)
            params["computed" + suffix] = _fmt(w if w is not None else computed, lang)
            params["diff" + suffix] = ""
    cid, cen = cause
    params["cause"] = t("check.cause-suffix", "id", cause=cid) if cid else ""
    params["cause_en"] = t("check.cause-suffix", "en", cause=cen) if cen else ""
    return params


def expected_children(ctx) -> dict[str, list[str]]:
    """Aggregate key -> keys of the aggregates (or item ids) it should add up."""
    r = ctx.rubric
    kids: dict[str, list[str]] = {}
    for ind in r.indicators.values():
        kids[ind.id] = [c.id for c in ind.children] if ind.children else [it.id for it in ind.items]
    for half in ("pemenuhan", "reform"):
        for a in r.areas(half):
            kids[f"area:{half}:{a.id}"] = [i.id for i in a.indicators]
        kids[half] = [f"area:{half}:{a.id}" for a in r.areas(half)]
    kids["pengungkit"] = ["pemenuhan", "reform"]
    kids["bersih_akuntabel"] = [r.metric_indicator("ipak").id, r.metric_indicator("capaian_kinerja").id]
    kids["pelayanan_prima"] = [r.metric_indicator("ipkp").id]
    kids["hasil"] = ["bersih_akuntabel", "pelayanan_prima"]
    kids["total"] = ["pengungkit", "hasil"]
    return kids


def _row_of(ctx, key: str) -> int | None:
    agg = ctx.mapped.aggregates.get(key)
    if agg is not None:
        return agg.row
    e = ctx.mapped.entries.get(key)
    return e.row if e is not None else None


def check(ctx) -> list[Problem]:
    mapped = ctx.mapped
    if mapped.layout != LAMPIRAN_III:
        return []
    out: list[Problem] = []
    missing_cache = cached_values_missing(mapped)
    if missing_cache:
        out.append(ctx.problem("cached-values-missing"))
    out += _overwritten(ctx)
    kids = expected_children(ctx)
    scol = mapped.columns["score"]
    letter = col_letter(scol)
    # rows an aggregate formula may add up: scored items and other aggregates
    countable = {e.row for eid, e in mapped.entries.items() if eid in ctx.rubric.items} | _agg_rows(mapped)
    for key, agg in mapped.aggregates.items():
        if agg.formula is None or not agg.formula.text or key not in kids:
            continue
        want = {r for r in (_row_of(ctx, k) for k in kids[key]) if r}
        if want == {agg.row}:
            continue  # a Hasil row scores its own answer (=K/4*H); nothing to add up
        got = referenced_rows(agg.formula.text, letter)
        if key == "hasil" and not want & got:
            continue  # '=L206': the HASIL header row points at TOTAL HASIL
        lacking = sorted(want - got)
        extra = sorted((got - want) & countable - {agg.row})
        if not lacking and not extra:
            continue
        parts = []
        if lacking:
            parts.append(("check.cause.leaves-out", ", ".join(f"{letter}{r}" for r in lacking)))
        if extra:
            parts.append(("check.cause.also-counts", ", ".join(f"{letter}{r}" for r in extra)))
        detail, detail_en = ("; ".join(t(key, lang, cells=cells) for key, cells in parts) for lang in ("id", "en"))
        ctx.causes[agg.cell], ctx.causes_en[agg.cell] = both("check.cause.formula", formula=agg.formula.text,
                                                             detail=detail, detail_en=detail_en)
        out.append(ctx.problem("formula-altered", agg.row, agg.col, key if key in ctx.rubric.indicators else None,
                               formula="=" + agg.formula.text, detail=detail, detail_en=detail_en))
    if not missing_cache:
        out += _mismatches(ctx, kids)
    return out


def _overwritten(ctx) -> list[Problem]:
    mapped, out = ctx.mapped, []
    grid = mapped.grid

    def flag(row, col, value, item):
        cell = f"{col_letter(col)}{row}"
        ctx.causes[cell], ctx.causes_en[cell] = both("check.cause.typed-cell", cell=cell)
        blank = value in ("", None)
        shown = (both("check.blank") if blank else (_fmt(value, "id"), _fmt(value, "en")) if isinstance(value, float)
                 else (value, value))
        out.append(ctx.problem("formula-overwritten", row, col, item, value=shown[0] if blank else value,
                               shown=shown[0], shown_en=shown[1]))

    for eid, e in mapped.entries.items():
        item = ctx.rubric.items.get(eid)
        inp = ctx.rubric.inputs.get(eid)
        if item is not None and e.score_col and e.score_formula is None and not e.row in _agg_rows(mapped):
            flag(e.row, e.score_col, e.cached_score, eid)
        if (item is not None and item.type == "pct" or inp is not None and inp.computed) and e.formula is None:
            flag(e.row, e.answer_col, e.raw, eid)
    pcol = mapped.columns.get("pct")
    for key, agg in mapped.aggregates.items():
        item = key if key in ctx.rubric.indicators else None
        if agg.formula is None:
            flag(agg.row, agg.col, agg.cached, item)
        if pcol and (agg.row, pcol) not in grid.formulas and grid.value(agg.row, pcol) not in ("", None):
            flag(agg.row, pcol, grid.value(agg.row, pcol), item)
    return out


def _agg_rows(mapped) -> set[int]:
    return {a.row for a in mapped.aggregates.values()}


def _mismatches(ctx, kids) -> list[Problem]:
    from lketool.score import compute_scores

    mapped, rubric, out = ctx.mapped, ctx.rubric, []
    scores = ctx.scores = compute_scores(rubric, ctx.values)
    computed: dict[str, float] = {k: s.score for k, s in scores.indicators.items()}
    for half in ("pemenuhan", "reform"):
        for aid, v in scores.halves[half].items():
            computed[f"area:{half}:{aid}"] = v
    for k in ("pemenuhan", "reform", "pengungkit", "bersih_akuntabel", "pelayanan_prima", "hasil", "total"):
        computed[k] = getattr(scores, k)
    bad_cells: dict[str, str] = {}  # key -> cell of a mismatch
    skipped: set[str] = set()
    agg_rows = _agg_rows(mapped)
    for iid, item in rubric.items.items():
        e = mapped.entries.get(iid)
        if e is None or e.row in agg_rows or e.score_formula is None:
            continue
        want = item_value(rubric, item, ctx.values)
        got = _num(e.cached_score)
        if (want is None) == (got is None) and (want is None or abs(want - got) <= TOL):
            continue
        cell = f"{col_letter(e.score_col)}{e.row}"
        bad_cells[iid] = cell
        out.append(_mismatch(ctx, e.row, e.score_col, iid, got if got is not None else e.cached_score, want,
                             *both("check.what.item-value"),
                             _cause(ctx, cell, e.row, [], refs=ctx.cause_refs.setdefault(cell, []))))
    order = [i.id for i in rubric.walk_indicators()][::-1]  # children before parents
    order += [f"area:{h}:{a.id}" for h in ("pemenuhan", "reform") for a in rubric.areas(h)]
    order += ["pemenuhan", "reform", "pengungkit", "bersih_akuntabel", "pelayanan_prima", "hasil", "total"]
    for key in order:
        agg = mapped.aggregates.get(key)
        if agg is None or agg.formula is None and _num(agg.cached) is None:
            continue
        got, want = _num(agg.cached), computed.get(key)
        if want is None or got is not None and abs(got - want) <= TOL * max(1.0, abs(want)):
            continue
        if got is None and key in scores.indicators and scores.indicators[key].answered == 0:
            continue  # nothing answered: the sheet shows #DIV/0!, lketool 0; answer-missing says why
        if got is None and any(k in bad_cells or k in skipped for k in kids.get(key, [])):
            skipped.add(key)
            continue  # an error value (#DIV/0!) carried up from a blank indicator below
        bad_cells[key] = agg.cell
        child_cells = [bad_cells[k] for k in kids.get(key, []) if k in bad_cells and bad_cells[k] != agg.cell]
        what = _what(rubric, key)
        out.append(_mismatch(ctx, agg.row, agg.col, key if key in rubric.indicators else None,
                             got if got is not None else agg.cached, want, what[0], what[1],
                             _cause(ctx, agg.cell, None, child_cells, key, kids,
                                    refs=ctx.cause_refs.setdefault(agg.cell, []))))
    return out


def _what(rubric, key):
    if key in rubric.indicators:
        return both("check.what.indicator", key=key)
    if key.startswith("area:"):
        _, half, aid = key.split(":")
        return f"area {aid} {half}", f"area {aid} {half}"
    return key.replace("_", " "), key.replace("_", " ")


def _cause(ctx, cell, row, child_cells, key=None, kids=None, refs=None):
    """The cause words of a mismatch at ``cell``; ``refs`` collects what they point at
    (for :func:`link_roots`)."""
    refs = [] if refs is None else refs
    if cell in ctx.causes:
        refs.append(("cell", cell))
        return ctx.causes[cell], ctx.causes_en[cell]
    if row and f"row:{row}" in ctx.causes:
        refs.append(("row", row))
        return ctx.causes[f"row:{row}"], ctx.causes_en[f"row:{row}"]
    if child_cells:
        refs.extend(("cell", c) for c in child_cells)
        cells = ", ".join(child_cells)
        return both("check.cause.follows-difference", cells=cells)
    for k in (kids or {}).get(key, []):
        item = ctx.rubric.items.get(k)
        e = ctx.mapped.entries.get(k)
        # an item whose score cell was typed over: the indicator averages the typed value
        if item and e and e.score_col:
            cell = f"{col_letter(e.score_col)}{e.row}"
            if cell in ctx.causes:
                refs.append(("cell", cell))
                return both("check.cause.follows-typed", cell=cell)
        for eid in ([k] + [i.id for i in item.inputs]) if item else []:  # a row with a cause (a typed total)
            e = ctx.mapped.entries.get(eid)
            if e and f"row:{e.row}" in ctx.causes:
                refs.append(("row", e.row))
                return ctx.causes[f"row:{e.row}"], ctx.causes_en[f"row:{e.row}"]
    return "", ""


# Codes that set a row's cause (lketool.checks.answers / counts), preferred as its root.
_ROW_ROOTS = ("answer-type-altered", "count-inconsistent", "count-invalid")


def link_roots(ctx, problems: list[Problem]) -> None:
    """Set ``caused_by`` on every ``score-mismatch`` that only follows another problem:
    a typed-over or altered formula, an edited Pilihan Jawaban, a typed total, or the
    difference of a cell below it (followed down to its roots).  A mismatch lketool
    cannot explain stays a root problem itself."""
    by_cell: dict[str, list[Problem]] = {}
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        loc = p.location
        if loc.sheet != ctx.mapped.sheet or not loc.cell:
            continue
        by_cell.setdefault(loc.cell, []).append(p)
        if loc.row:
            by_row.setdefault(loc.row, []).append(p)
    memo: dict[str, tuple] = {}

    def roots_of_cell(cell: str, seen: frozenset) -> tuple:
        here = by_cell.get(cell, [])
        direct = [p for p in here if p.code != "score-mismatch"]
        if direct:
            return tuple(_ref(p) for p in direct[:1])
        mism = [p for p in here if p.code == "score-mismatch"]
        if not mism or cell in seen:
            return ()
        return roots_of_mismatch(mism[0], seen | {cell}) or (_ref(mism[0]),)

    def roots_of_mismatch(p: Problem, seen: frozenset) -> tuple:
        cell = p.location.cell
        if cell in memo:
            return memo[cell]
        out: list = []
        for kind, where in ctx.cause_refs.get(cell, []):
            if kind == "cell":
                if where == cell:  # the cell's own formula was typed over or altered
                    found = tuple(_ref(q) for q in by_cell.get(cell, []) if q.code != "score-mismatch")[:1]
                else:
                    found = roots_of_cell(where, seen)
            else:
                # the problem that set this row's cause: on the row itself, or on the row
                # that shares the same cause (a typed total explains its item's row too)
                text = ctx.causes.get(f"row:{where}")
                rows = [where] + sorted(int(k[4:]) for k, t in ctx.causes.items()
                                        if k.startswith("row:") and t == text and int(k[4:]) != where)
                best = [q for r in rows for q in sorted(by_row.get(r, []), key=lambda q: q.location.column or 0)
                        if q.code in _ROW_ROOTS]
                best.sort(key=lambda q: _ROW_ROOTS.index(q.code))
                found = (_ref(best[0]),) if best else ()
            out += [r for r in found if r not in out]
        memo[cell] = tuple(out)
        return memo[cell]

    try:
        for p in problems:
            if p.code == "score-mismatch" and p.location.sheet == ctx.mapped.sheet and p.location.cell:
                p.caused_by = roots_of_mismatch(p, frozenset({p.location.cell}))
    finally:
        # The two closures call each other, a reference cycle that would hold ctx (the
        # whole mapped sheet, every cell and formula) until the cyclic garbage collector
        # runs: emptying their cells frees it by reference counting when the check ends.
        roots_of_cell = roots_of_mismatch = None  # noqa: F841


def _ref(p: Problem) -> tuple[str | None, str | None, str]:
    return (p.location.sheet, p.location.cell, p.code)


def _mismatch(ctx, row, col, item, cached, computed, what, what_en, cause):
    return ctx.problem("score-mismatch", row, col, item, value=cached,
                       **mismatch_params(cached, computed, what, what_en, cause))
