"""Results as pandas DataFrames, for analysts who work in notebooks.

    from lketool import frames
    f = frames.units("folder-lke/")            # one row per workbook (unit)
    f.sort_values("total", ascending=False)

Every function takes checked results (:func:`lketool.api.check_files`) or paths (files
and folders, checked here).  The frames are long ("tidy"): one row per unit, per unit and
indicator, per finding, per unit and answer, each with the ``file`` and ``unit`` columns to
join or group on, and the unit's and the TPI's values side by side.  Numbers are kept at
full precision; a missing value is ``NaN``/``None``.

pandas is imported when a frame is built, never by ``import lketool`` nor on the path of
``lketool check``."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

UNIT_COLUMNS = ["file", "unit", "layout", "sheet", "total", "pengungkit", "pemenuhan", "reform", "hasil",
                "bersih_akuntabel", "ipak", "capaian_kinerja", "pelayanan_prima", "answered", "expected",
                "wbk_eligible", "wbbm_eligible", "wbk_status", "wbbm_status", "verdict_basis", "provisional",
                "tpi_total", "tpi_wbk_eligible", "tpi_wbbm_eligible",
                "workbook_total", "errors", "warnings", "root_problems", "derived_values", "error"]
INDICATOR_COLUMNS = ["file", "unit", "indicator", "name", "half", "area", "parent", "weight", "score", "share",
                     "tpi_score", "workbook_score", "answered", "expected", "cell"]
FINDING_COLUMNS = ["file", "unit", "sheet", "cell", "row", "column", "item", "code", "severity", "message",
                   "value", "root", "caused_by"]
ANSWER_COLUMNS = ["file", "unit", "item", "soal_id", "text", "cell", "unit_answer", "tpi_answer", "unit_value",
                  "tpi_value", "differs", "note", "tpi_note", "evidence", "evidence_count", "evidence_description"]


def _results(source) -> list:
    """Checked results from results, one result, or paths."""
    from lketool.api import FileResult, check_files

    if isinstance(source, FileResult):
        return [source]
    if isinstance(source, (str, Path)):
        return check_files([source])
    items = list(source)
    if items and all(isinstance(x, FileResult) for x in items):
        return items
    return check_files(items)


def _frame(rows: list[dict[str, Any]], columns: list[str]):
    import pandas as pd

    return pd.DataFrame.from_records(rows, columns=columns)


def unit_records(results: Iterable) -> list[dict[str, Any]]:
    """The rows of :func:`units` as plain dicts (no pandas needed)."""
    from lketool.problems import ERROR, INFO, WARNING

    out = []
    for r in results:
        row: dict[str, Any] = {"file": r.file, "unit": r.unit, "layout": r.layout, "sheet": r.sheet,
                               "error": r.error.message("en") if r.error is not None else None}
        if r.scores is not None:
            s = r.scores
            row.update({k: getattr(s, k) for k in ("total", "pengungkit", "pemenuhan", "reform", "hasil",
                                                   "bersih_akuntabel", "ipak", "capaian_kinerja",
                                                   "pelayanan_prima", "answered", "expected")})
            from lketool.verdict import verdict_for  # the one source of verdicts

            v = verdict_for(r, "en")
            for key in ("wbk", "wbbm"):
                row[f"{key}_eligible"] = v[key]["eligible"]
                row[f"{key}_status"] = v[key]["status"]
            row["verdict_basis"], row["provisional"] = v["basis"], v["provisional"]
            for a in r.rubric.areas("pemenuhan"):
                row[f"area_{a.id}"] = s.area(a.id)
        if r.tpi_scores is not None:
            row["tpi_total"] = r.tpi_scores.total
            row["tpi_wbk_eligible"] = r.tpi_eligibility["wbk"]["eligible"]
            row["tpi_wbbm_eligible"] = r.tpi_eligibility["wbbm"]["eligible"]
        row["workbook_total"] = (r.workbook_scores or {}).get("total")
        c = r.counts
        row["errors"], row["warnings"] = c[ERROR], c[WARNING]
        row["root_problems"] = sum(1 for p in r.problems if not p.caused_by and p.severity != INFO)
        row["derived_values"] = sum(1 for p in r.problems if p.caused_by)
        out.append(row)
    return out


def units(source):
    """One row per workbook: scores (unit and TPI), WBK/WBBM eligibility, one
    ``area_<ID>`` column per area, counts of findings; ``error`` for an unreadable file."""
    rows = unit_records(_results(source))
    areas = list(dict.fromkeys(k for row in rows for k in row if k.startswith("area_")))  # rubric order
    cols = UNIT_COLUMNS[:13] + areas + UNIT_COLUMNS[13:]  # areas after the component scores
    return _frame(rows, cols)


def indicators(source):
    """One row per workbook and indicator: weight, the unit's score and share, the TPI's
    score, the workbook's own (cached) score and its cell."""
    rows = []
    for r in _results(source):
        for ind in r.indicator_rows():
            rows.append({"file": r.file, "unit": r.unit, "indicator": ind["id"], "name": ind["name"],
                         "half": ind["half"], "area": ind["area"], "parent": ind["parent"],
                         "weight": ind["weight"], "score": ind["score"], "share": ind["share"],
                         "tpi_score": ind["tpi_score"], "workbook_score": ind["workbook_score"],
                         "answered": ind["answered"], "expected": ind["expected"], "cell": ind["cell"]})
    return _frame(rows, INDICATOR_COLUMNS)


def findings(source, lang: str = "id"):
    """One row per finding (an unreadable file is one row with its error code).
    ``root`` is False for a value that only follows another finding; ``caused_by``
    names the root cells (``'LKE ZI!L91 formula-overwritten'``)."""
    rows = []
    for r in _results(source):
        if r.error is not None:
            rows.append({"file": r.file, "unit": r.unit, "code": r.error.code, "severity": "error",
                         "message": r.error.message(lang), "root": True, "caused_by": None})
        for p in r.problems:
            loc = p.location
            value = p.value if isinstance(p.value, (str, int, float, bool, type(None))) else str(p.value)
            rows.append({"file": r.file, "unit": r.unit, "sheet": loc.sheet, "cell": loc.cell, "row": loc.row,
                         "column": loc.column, "item": loc.item, "code": p.code, "severity": p.severity,
                         "message": p.message(lang), "value": value, "root": not p.caused_by,
                         "caused_by": "; ".join(f"{s}!{c} {k}" for s, c, k in p.caused_by) or None})
    return _frame(rows, FINDING_COLUMNS)


def answers(source):
    """One row per workbook and answer (scored item or Jumlah input): the unit's and the
    TPI's answers as written and as read, whether they differ, notes, evidence links
    (one per line) and the narrative description of the documents."""
    rows = []
    for r in _results(source):
        if r.mapped is None:
            continue
        for a in r.answer_rows():
            e = r.mapped.entries.get(a["item"])
            desc = "\n".join(d.text for d in e.descriptions) if e is not None else ""
            rows.append({"file": r.file, "unit": r.unit, "item": a["item"], "soal_id": a["soal_id"],
                         "text": a["text"], "cell": a["cell"], "unit_answer": a["unit"], "tpi_answer": a["tpi"],
                         "unit_value": a["unit_value"], "tpi_value": a["tpi_value"],
                         "differs": (a["item"] in r.tpi_values and a["unit_value"] != a["tpi_value"]),
                         "note": a["note"], "tpi_note": a["tpi_note"], "evidence": "\n".join(a["evidence"]) or None,
                         "evidence_count": len(a["evidence"]), "evidence_description": desc or None})
    df = _frame(rows, ANSWER_COLUMNS)
    df["soal_id"] = df["soal_id"].astype("Int64")  # PortalRB's number; missing for Lampiran III-only rows
    return df


def all_frames(source, lang: str = "id") -> dict:
    """``{"units", "indicators", "findings", "answers"}`` from one reading of the files."""
    results = _results(source)
    return {"units": units(results), "indicators": indicators(results), "findings": findings(results, lang),
            "answers": answers(results)}


__all__ = ["units", "indicators", "findings", "answers", "all_frames", "unit_records"]
