"""What the LKE page's Web Worker calls inside Pyodide: check a dropped workbook from its
bytes and name, shape the result for the page, and build the downloads (annotated copy,
HTML report, JSON, recap workbook) with the same library functions the command line uses.

It is plain Python and runs natively too (the tests call it without a browser).  Every
function returns JSON text or bytes, so nothing but strings and buffers crosses into
JavaScript.  Nothing here touches the network.

    from lketool.page import bridge
    view = json.loads(bridge.check_bytes(data, "LKE unit.xlsx", "id"))
    bridge.annotated_copy(view["key"], "id")   # -> bytes of the annotated .xlsx

Dropped files are written under one private folder (:data:`ROOT`) by their own name (or
their path inside a dropped folder), and checked from there with that folder as the
current directory, so the file name a result shows - and the unit name taken from it
when the workbook names none - is the dropped file's, never a temporary path."""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from lketool import display as show

ROOT = Path(tempfile.gettempdir()) / "lketool-page"
FILES = ROOT / "files"
OUT = ROOT / "out"
_RESULTS: dict[str, Any] = {}   # key -> FileResult, kept for the downloads
_NAMES: dict[str, str] = {}     # key -> relative name under FILES
_counter = 0


# ------------------------------------------------------------------ checking

def check_bytes(data: bytes, name: str, lang: str = "id", *, strict: bool = False,
                per_half: bool = False) -> str:
    """Check and score one workbook given as ``data`` (its bytes) and ``name`` (the name
    the user dropped, optionally with the folder path inside a dropped folder).

    Returns the page's view of the result as JSON text (see :func:`view`); a file that
    cannot be read gives a view with ``error`` set, never an exception."""
    from lketool.api import check_file

    global _counter
    _counter += 1
    key = f"f{_counter}"
    if hasattr(data, "to_bytes"):  # a JavaScript Uint8Array handed over by Pyodide
        data = data.to_bytes()
    rel = _store(bytes(data), name, key)
    with _cwd(FILES):
        result = check_file(rel, strict=strict, per_half=per_half)
    _RESULTS[key] = result
    _NAMES[key] = rel
    return json.dumps(view(result, key, lang), ensure_ascii=False, default=str)


def view_json(key: str, lang: str = "id") -> str:
    """The view of an already checked file again, e.g. in the other language."""
    return json.dumps(view(_RESULTS[key], key, lang), ensure_ascii=False, default=str)


def forget(key: str) -> None:
    """Drop a result and its stored bytes (the user removed it from the page)."""
    _RESULTS.pop(key, None)
    rel = _NAMES.pop(key, None)
    if rel:
        try:
            (FILES / rel).unlink()
        except OSError:
            pass


def view(result, key: str, lang: str = "id") -> dict[str, Any]:
    """Everything the page shows about one result: the full JSON (``result``, exactly what
    ``lketool score --format json`` gives for it), the verdict, the score rows, the
    areas for the chart, the findings grouped by cause and a row for the recap table.
    Display strings are made here, with :mod:`lketool.display`, so the page rounds
    exactly as every other output does."""
    d = result.to_dict(lang)
    out: dict[str, Any] = {"key": key, "file": result.file, "name": PurePosixPath(result.file).name,
                           "unit": result.unit or "", "layout": result.layout or "", "sheet": result.sheet or "",
                           "error": d["error"], "counts": d["counts"], "result": d}
    if result.error is not None or result.scores is None:
        return out
    out["verdict"] = verdict_view(result, lang)
    out["score_rows"] = score_rows_view(result, lang)
    out["areas"] = area_view(result, lang)
    out["area_minimums"] = area_minimums_view(result, lang)
    out["findings"] = findings_view(result, d["problems"], lang)
    out["total_text"] = show.number(result.scores.total, 2, lang)
    out["recap"] = recap_row_view(result, out["verdict"], lang)
    return out


def recap_row_view(result, verdict: dict[str, Any], lang: str = "id") -> dict[str, Any]:
    """The page's recap-table row beyond the verdict cells: whose answers decided the verdict
    (``basis``, worded like the recap workbook's "Dasar putusan" column) and the total beside
    it - the TPI's when the verdict rests on TPI answers, with the unit's own total as a
    labelled note, so a TPI verdict is never shown next to the self-assessed score alone."""
    from lketool.i18n import t

    basis = verdict.get("basis") or "unit"
    tpi = basis == "tpi" and result.tpi_scores is not None
    total = result.tpi_scores.total if tpi else result.scores.total
    return {"basis": basis, "basis_text": t(f"recap.basis.{basis}", lang), "basis_label": t("recap.col.basis", lang),
            "total": total, "total_text": show.number(total, 2, lang),
            "total_note": t("page.selfTotal", lang, total=show.number(result.scores.total, 2, lang)) if tpi else ""}


def verdict_view(result, lang: str = "id") -> dict[str, Any]:
    """The verdict card: ``{"basis", "cards": [{key, label, status, word, eligible,
    provisional, text, missed}], "notes": [...], "lines": [...]}``.

    The ONE place the page's verdict comes from: :func:`lketool.verdict.verdict_for`, so
    the words are those of every other output.  ``lines`` are exactly the lines
    ``lketool score`` prints; each card takes its own lines (its sentence and the "- "
    lines under it) and ``notes`` are the others (basis, not checkable, errors)."""
    from lketool.recap.tables import verdict_text
    from lketool.verdict import verdict_for, word

    v = verdict_for(result, lang) or {}
    lines = list(v.get("lines") or [])
    cards, used = [], set()
    for key in ("wbk", "wbbm"):
        c = v.get(key)
        if not c:
            continue
        missed = []
        at = next((i for i, line in enumerate(lines) if line.strip() == c["text"] and i not in used), None)
        if at is not None:
            used.add(at)
            for j in range(at + 1, len(lines)):
                if not lines[j].startswith("    - "):
                    break
                used.add(j)
                missed.append(lines[j].strip()[2:])
        label = ((result.eligibility or {}).get(key) or {}).get("label") or key.upper()
        # the recap table's cell: the same words and qualifiers as the recap workbook's
        short = verdict_text([c.get("status"), bool(c.get("provisional")), bool(c.get("conditional"))], lang)
        cards.append({"key": key, "label": label, "status": c.get("status"), "word": word(c.get("status"), lang),
                      "short": short,
                      "eligible": c.get("eligible"), "provisional": bool(c.get("provisional")),
                      "text": c.get("text", ""), "missed": missed})
    # the notes as the letter words them (no command-line hints such as --terpenuhi on a page):
    # lketool.verdict.sentences, less the predicate sentences the cards already show
    from lketool.verdict import sentences

    shown = {c["text"] for c in cards}
    notes = [x for x in sentences(result, lang)
             if not any(x.startswith(t) for t in shown)] if v else []
    return {"basis": v.get("basis"), "cards": cards, "notes": notes, "lines": lines}


def score_rows_view(result, lang: str = "id") -> list[dict[str, Any]]:
    """The score table: :func:`lketool.view.score_rows` (the rows every output shows),
    each value also as display text."""
    from lketool.view import score_rows

    rows = [dict(r) for r in score_rows(result, lang) or []]
    for r in rows:
        for k in ("value", "tpi", "workbook", "max"):
            v = r.get(k)
            r[f"{k}_text"] = "" if v is None else show.number(v, 2, lang)
        for k in ("share", "tpi_share"):
            if r.get(k) is not None:
                r[f"{k}_text"] = show.percent(r[k], 1, lang)
    return rows


def area_view(result, lang: str = "id") -> list[dict[str, Any]]:
    """Per area: id, name, weight, value and share (unit and TPI) with display text."""
    rb, s, tpi = result.rubric, result.scores, result.tpi_scores
    out = []
    for a in rb.areas("pemenuhan"):
        w = rb.area_weight(a.id)
        v = s.area(a.id)
        tv = tpi.area(a.id) if tpi is not None else None
        out.append({"id": a.id, "name": a.title, "weight": w, "value": v, "share": v / w if w else 0.0,
                    "tpi_share": (tv / w if w else 0.0) if tv is not None else None,
                    "value_text": show.number(v, 2, lang), "share_text": show.percent(v / w if w else 0.0, 1, lang),
                    "tpi_share_text": show.percent(tv / w, 1, lang) if tv is not None and w else ""})
    return out


def area_minimums_view(result, lang: str = "id") -> list[dict[str, Any]]:
    """The chart's threshold lines: per predicate, the minimum area share its criteria ask
    (``{"key": "wbk", "name": "WBK", "min": 0.6, "min_text": "60%"}``, lowest first), from
    the rubric's predicates through :func:`lketool.recap.tables.thresholds` as the recap
    takes them, so the page never types a threshold of its own.  ``min_text`` has as many
    decimals as the minimum needs (0.625 -> ``62,5%``), in the page's number format."""
    from lketool.recap.tables import thresholds

    mins = thresholds(result.rubric).get("area")
    if mins is None:  # a rubric without an area criterion: no lines to draw
        return []
    out = [{"key": key, "name": key.upper(), "min": m, "min_text": _exact_percent(m, lang)}
           for key, m in zip(("wbk", "wbbm"), mins)]
    return sorted(out, key=lambda x: x["min"])


def _exact_percent(share: float, lang: str) -> str:
    """``share`` as a percentage with the fewest decimals that show it exactly (up to 4)."""
    for digits in range(5):
        if abs(round(share * 100, digits) - share * 100) < 1e-9:
            return show.percent(share, digits, lang)
    return show.percent(share, 4, lang)


def findings_view(result, problems: list[dict], lang: str = "id") -> list[dict[str, Any]]:
    """The findings grouped by cause: a problem's ``caused_by`` when the library gives
    one, else its code.  Each problem keeps every key it carries (``remedy`` too) plus
    the full question of its item and the item's area."""
    from lketool.problems import CATALOGUE, SEVERITY_ORDER

    rb = result.rubric
    groups: dict[str, dict[str, Any]] = {}
    for p in problems:
        item = p.get("item")
        obj = (rb.items.get(item) or rb.inputs.get(item)) if item else None
        row = dict(p)
        row["question"] = obj.text if obj is not None else ""
        row["area"] = _area_of(rb, item) if item else None
        cause = p.get("caused_by") or p["code"]
        if isinstance(cause, (list, dict)):
            cause = json.dumps(cause, ensure_ascii=False, sort_keys=True)
        g = groups.get(cause)
        if g is None:
            kind = CATALOGUE.get(p["code"])
            title = kind.title(lang) if kind else p["code"]
            g = groups[cause] = {"cause": str(cause), "code": p["code"], "title": title,
                                 "severity": p["severity"], "problems": []}
        if SEVERITY_ORDER.get(p["severity"], 9) < SEVERITY_ORDER.get(g["severity"], 9):
            g["severity"] = p["severity"]
        g["problems"].append(row)
    return sorted(groups.values(), key=lambda g: (SEVERITY_ORDER.get(g["severity"], 9), -len(g["problems"]),
                                                  g["code"]))


def _area_of(rb, entry_id: str) -> str | None:
    obj = rb.items.get(entry_id)
    if obj is None and entry_id in rb.inputs:
        obj = rb.items.get(rb.inputs[entry_id].item_id)
    if obj is None:
        return None
    for ind in rb.walk_indicators():
        if ind.id == obj.indicator_id:
            return ind.area_id
    return None


# ------------------------------------------------------------------ downloads

def annotated_copy(key: str, lang: str = "id") -> bytes:
    """The annotated copy of a checked workbook (``lketool check --annotate``) as bytes."""
    from lketool.annotate import annotate_workbook

    result = _RESULTS[key]
    out = _out_path(key, ".xlsx")
    with _cwd(FILES):
        annotate_workbook(result, out, lang)
    return _take(out)


def report_html(key: str, lang: str = "id") -> bytes:
    """The unit's HTML report (``lketool report --format html``) as UTF-8 bytes."""
    from lketool.report.context import build_context
    from lketool.report.render_html import render_html_string
    from lketool.report.templates import resolve_templates

    ctx = build_context(_RESULTS[key])
    return render_html_string(ctx, resolve_templates()[("report", "html")]).encode("utf-8")


def result_json(key: str, lang: str = "id") -> bytes:
    """``lketool score --format json`` for this one workbook, as UTF-8 bytes."""
    d = _RESULTS[key].to_dict(lang)
    return json.dumps({"results": [d]}, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def recap_workbook(keys: list[str], lang: str = "id") -> bytes:
    """The recap workbook (``lketool recap``) of the given checked files, as bytes.
    Files that could not be read are listed on its failures sheet, as in the CLI."""
    from lketool.recap import recap
    from lketool.recap.collect import RecapOptions

    names = [_NAMES[k] for k in keys if k in _NAMES]
    if not names:
        raise ValueError("no workbooks to recap")
    out = _out_path("recap", ".xlsx")
    with _cwd(FILES):
        # one process (Pyodide has no others) and no cache folder: nothing is kept
        recap(names, out, options=RecapOptions(lang=lang), jobs=1, use_cache=False)
    return _take(out)


# ------------------------------------------------------------------ helpers

_UNSAFE = re.compile(r'[\x00-\x1f<>:"\\|?*]')


def safe_relative(name: str) -> str:
    """``name`` as a relative POSIX path that stays inside the folder: no drive, no
    ``..``, no empty or dot parts, no characters Windows forbids."""
    parts = [_UNSAFE.sub("_", p).strip() for p in str(name).replace("\\", "/").split("/")]
    parts = [p for p in parts if p and p not in (".", "..")]
    return "/".join(parts) or "workbook.xlsx"


def _store(data: bytes, name: str, key: str) -> str:
    rel = safe_relative(name)
    taken = set(_NAMES.values())
    if rel in taken:  # the same name dropped again: keep both, the second as "name (2).xlsx"
        p = PurePosixPath(rel)
        n = 2
        while str(p.with_name(f"{p.stem} ({n}){p.suffix}")) in taken:
            n += 1
        rel = str(p.with_name(f"{p.stem} ({n}){p.suffix}"))
    path = FILES / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel


def _out_path(stem: str, suffix: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT / f"{stem}{suffix}"


def _take(path: Path) -> bytes:
    try:
        return path.read_bytes()
    finally:
        try:
            path.unlink()
        except OSError:
            pass


class _cwd:
    """Run with ``path`` as the current directory (results then name files relatively)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.old = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc) -> None:
        os.chdir(self.old)


__all__ = ["check_bytes", "view_json", "view", "verdict_view", "recap_row_view", "score_rows_view", "area_view",
           "area_minimums_view", "findings_view", "annotated_copy", "report_html", "result_json", "recap_workbook", "forget", "safe_relative"]
