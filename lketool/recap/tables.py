"""The recap's tables as plain rows, shared by the xlsx, CSV and JSON writers.

Everything here works on ``FileResult.to_dict()`` dictionaries (what the cache holds
and what worker processes send back), never on live ``FileResult`` objects."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from lketool import display as show
from lketool.recap.labels import t
from lketool.rubric import Rubric

# Criteria whose minimum colours a Ringkasan column (criterion id -> column key).
CRITERION_COLUMN = {"total": "total", "pengungkit": "pengungkit", "bersih_akuntabel": "bersih_akuntabel",
                    "ipak": "ipak", "capaian_kinerja": "capaian_kinerja", "pelayanan_prima": "ipkp"}


def summary_row(result: dict[str, Any]) -> dict[str, Any]:
    """The compact facts of one readable workbook: what the Ringkasan,
    Area, Unit vs TPI and Grafik sheets need, small enough to keep for thousands of units."""
    s = result["scores"]
    row: dict[str, Any] = {
        "unit": result.get("unit") or "", "file": result["file"], "layout": result.get("layout") or "",
        "total": s["total"], "pengungkit": s["pengungkit"], "pemenuhan": s["pemenuhan"], "reform": s["reform"],
        "hasil": s["hasil"], "bersih_akuntabel": s["bersih_akuntabel"],
    }
    for a in s["areas"]:
        row[f"area_{a['id']}_share"] = a["share"]
        row[f"area_{a['id']}_value"] = a["value"]
        row[f"area_{a['id']}_pemenuhan"] = a["pemenuhan_share"]
        row[f"area_{a['id']}_reform"] = a["reform_share"]
    counts = result.get("counts") or {}
    row.update({"ipak": s["ipak"], "capaian_kinerja": s["capaian_kinerja"], "ipkp": s["ipkp"],
                "completeness": s["completeness"]["ratio"], "answered": s["completeness"]["answered"],
                "expected": s["completeness"]["expected"],
                "errors": counts.get("error", 0), "warnings": counts.get("warning", 0),
                "infos": counts.get("info", 0)})
    # the headline verdict (the TPI's when the workbook carries TPI answers): its status and
    # the criteria missed or undetermined, worded by lketool.verdict like every other output
    verdict = result.get("verdict") or {}
    el = (result.get("tpi_eligibility") if verdict.get("basis") == "tpi" else result.get("eligibility")) or {}
    for pred in ("wbk", "wbbm"):
        p = el.get(pred) or {}
        v = verdict.get(pred) or {}
        row[pred] = _verdict_cell(v)
        row[f"missed_{pred}"] = [_compact(c) for c in p.get("criteria", []) if c["met"] is not True]
    row["basis"] = verdict.get("basis")
    row["unit_wbk"] = _verdict_cell((result.get("eligibility") or {}).get("wbk") or {})
    # Indicator shares in rubric order, so the Indikator sheet needs no full result.
    row["indicator_shares"] = [ind["share"] for ind in result.get("indicators") or []]
    tpi = result.get("tpi_scores")
    row["has_tpi"] = tpi is not None
    if tpi is not None:
        tel = result.get("tpi_eligibility") or {}
        row.update({"tpi_total": tpi["total"], "tpi_pengungkit": tpi["pengungkit"], "tpi_hasil": tpi["hasil"],
                    "tpi_wbk": _verdict_cell(tel.get("wbk") or {}),
                    "tpi_differences": len(result.get("tpi_differences") or [])})
    return row


def _compact(c: dict) -> list:
    return [c["id"], c["value"], c["minimum"], c.get("unit", "points"), c["met"], c.get("short", c["id"]),
            c.get("short_en", c.get("short", c["id"]))]


def _verdict_cell(v: dict) -> list | None:
    """[status, provisional, conditional] of a verdict (or an eligibility dict)."""
    if not v:
        return None
    return [v.get("status"), bool(v.get("provisional")), bool(v.get("conditional"))]


def verdict_text(cell, lang: str = "id") -> str:
    """The verdict word of a recap cell, with the same qualifiers as ``lketool score``."""
    from lketool.verdict import word, words

    if not cell:
        return ""
    status, provisional, conditional = cell
    text = word(status, lang)
    if provisional:
        text += f" ({words(lang)['provisional']})"
    if conditional:
        text += ", " + words(lang)["conditional.short"]
    return text


def failure_row(result: dict[str, Any]) -> dict[str, str]:
    """A workbook that could not be read: file, error code and the plain-words reason."""
    err = result["error"]
    return {"file": result["file"], "code": err["code"], "message": err["message"]}


def failure_message(failure: dict[str, str]) -> str:
    """A failure's reason without the file name it starts with ("x.xlsx: berkas rusak
    ..." -> "berkas rusak ..."), for places that show the file beside it already."""
    from pathlib import PurePath

    msg = failure.get("message") or ""
    for name in {PurePath(failure.get("file") or "").name, PurePath(str(failure.get("file") or "").replace("\\", "/")).name}:
        if name and msg.startswith(name + ": "):
            rest = msg[len(name) + 2:]
            return rest[:1].upper() + rest[1:]
    return msg


def rank_units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows sorted by total (highest first) with a ``rank`` (equal totals share a rank)."""
    out = sorted(rows, key=lambda r: (-r["total"], r["unit"].casefold(), r["file"]))
    prev, rank = None, 0
    for i, r in enumerate(out, start=1):
        if r["total"] != prev:
            rank, prev = i, r["total"]
        r["rank"] = rank
    return out


# ------------------------------------------------------------------ missed criteria

def missed_text(missed: Iterable[list], lang: str = "id") -> str:
    """``Total 72,10 < 75 (-2,90); Area PW 55% < 60%`` for the criteria a unit missed."""
    from lketool.verdict import word

    parts = []
    for cid, value, minimum, unit, *rest in missed:
        met = rest[:1]
        # the criterion's short label from the rubric data (lketool.verdict puts it on each criterion)
        name = (rest[2] if lang == "en" else rest[1]) if len(rest) >= 3 else cid
        if met and met[0] is None:
            parts.append(f"{name}: {word(None, lang).lower()}")
        elif unit == "share":
            parts.append(f"{name} {show.percent_below(value, minimum, 0, lang)} < "
                         f"{show.minimum(round(minimum * 100, 9), lang)}%")
        else:
            parts.append(f"{name} {show.number_below(value, minimum, 2, lang)} < {show.minimum(minimum, lang)} "
                         f"({show.difference(value - minimum, 2, lang)})")
    return "; ".join(parts)


# ------------------------------------------------------------------ column sets

@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # int | text | points | share | yesno | verdict | basis | missed
    width: float = 10
    criterion: str | None = None  # colour against this criterion's WBK/WBBM minimums


def thresholds(rubric: Rubric) -> dict[str, tuple[float, float]]:
    """criterion id -> (WBK minimum, WBBM minimum), from the rubric's predicates."""
    mins: dict[str, dict[str, float]] = {}
    for pred_id in ("wbk", "wbbm"):
        for c in rubric.predicates[pred_id]["criteria"]:
            mins.setdefault(c["id"], {})[pred_id] = float(c["min"])
    return {cid: (m["wbk"], m["wbbm"]) for cid, m in mins.items() if "wbk" in m and "wbbm" in m}


def summary_columns(rubric: Rubric, lang: str = "id") -> list[Column]:
    """The Ringkasan table, left to right (also the CSV columns)."""
    c = [Column("rank", t("col.rank", lang), "int", 9),
         Column("unit", t("col.unit", lang), "text", 34),
         Column("file", t("col.file", lang), "text", 30),
         Column("layout", t("col.layout", lang), "text", 13),
         Column("total", t("col.total", lang), "points", 9, "total"),
         Column("pengungkit", t("col.pengungkit", lang), "points", 11, "pengungkit"),
         Column("pemenuhan", t("col.pemenuhan", lang), "points", 11),
         Column("reform", t("col.reform", lang), "points", 9),
         Column("hasil", t("col.hasil", lang), "points", 9),
         Column("bersih_akuntabel", t("col.bersih_akuntabel", lang), "points", 11, "bersih_akuntabel")]
    for a in rubric.areas("pemenuhan"):
        c.append(Column(f"area_{a.id}_share", t("col.area_share", lang, area=a.id), "share", 9, "area"))
        c.append(Column(f"area_{a.id}_value", t("col.area_value", lang, area=a.id), "points", 9))
    c += [Column("ipak", t("col.ipak", lang), "points", 8, "ipak"),
          Column("capaian_kinerja", t("col.capaian_kinerja", lang), "points", 11, "capaian_kinerja"),
          Column("ipkp", t("col.ipkp", lang), "points", 8, "pelayanan_prima"),
          Column("completeness", t("col.completeness", lang), "share", 12),
          Column("errors", t("col.errors", lang), "int", 10),
          Column("warnings", t("col.warnings", lang), "int", 11),
          Column("wbk", t("col.wbk", lang), "verdict", 16),
          Column("wbbm", t("col.wbbm", lang), "verdict", 16),
          # whose answers the verdict columns rest on (the score columns are the unit's own)
          Column("basis", t("col.basis", lang), "basis", 12),
          Column("missed_wbk", t("col.missed_wbk", lang), "missed", 48),
          Column("missed_wbbm", t("col.missed_wbbm", lang), "missed", 48)]
    return c


def area_columns(rubric: Rubric, lang: str = "id") -> list[Column]:
    """The Area matrix: combined share per area, then the Pemenuhan and Reform shares."""
    ids = [a.id for a in rubric.areas("pemenuhan")]
    c = [Column("rank", t("col.rank", lang), "int", 9), Column("unit", t("col.unit", lang), "text", 34),
         Column("total", t("col.total", lang), "points", 9)]
    c += [Column(f"area_{a}_share", a, "share", 8) for a in ids]
    c += [Column(f"area_{a}_pemenuhan", t("col.area_pemenuhan", lang, area=a), "share", 11) for a in ids]
    c += [Column(f"area_{a}_reform", t("col.area_reform", lang, area=a), "share", 10) for a in ids]
    return c


def cell_value(row: dict[str, Any], col: Column, lang: str = "id") -> Any:
    """What a Ringkasan cell holds: the full-precision number, or its text."""
    v = row.get(col.key)
    if col.kind == "verdict":
        return verdict_text(v, lang)
    if col.kind == "basis":
        return t(f"basis.{v}", lang) if v else ""
    if col.kind == "yesno":
        return t("yes" if v else "no", lang)
    if col.kind == "missed":
        return missed_text(v or [], lang)
    return v


def summary_record(row: dict[str, Any], rubric: Rubric, lang: str = "id") -> dict[str, Any]:
    """One Ringkasan row keyed by column key (JSON ``summary`` and CSV rows): eligibility
    stays boolean, missed criteria become text."""
    out = {}
    for col in summary_columns(rubric, lang):
        v = row.get(col.key)
        out[col.key] = (missed_text(v or [], lang) if col.kind == "missed"
                        else verdict_text(v, lang) if col.kind == "verdict" else
                        cell_value(row, col, lang) if col.kind == "basis" else v)
    return out


# ------------------------------------------------------------------ detail rows

def indicator_shares(result: dict[str, Any]) -> dict[str, float]:
    """indicator id -> score as a share of its weight."""
    return {ind["id"]: ind["share"] for ind in result.get("indicators") or []}


def indicator_values(row: dict[str, Any], ids: list[str], load) -> list[float | None]:
    """The shares of indicators ``ids`` (rubric order) for one unit, from its summary row,
    or from the full result (``load()``) when the row does not hold them."""
    shares = row.get("indicator_shares")
    if shares is not None and len(shares) == len(ids):
        return list(shares)
    by_id = indicator_shares(load())
    return [by_id.get(i) for i in ids]


def finding_rows(problems: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every problem of one workbook, in sheet order."""
    probs = sorted(problems,
                   key=lambda p: (p.get("sheet") or "", p.get("row") or 0, p.get("column") or 0, p["code"]))
    yield from probs


def answer_text(v: Any) -> Any:
    """An answer as shown in the recap: numbers stay numbers, blanks are empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    return v
