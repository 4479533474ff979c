"""Export a unit's answers in PortalRB's 2026 integration format.

PortalRB's "Panduan Teknis API Integrasi ZI" (v1.0.0, Tahun Evaluasi ZI 2026) lets an
instansi serve its LKE answers over HTTPS instead of uploading Excel files:

* ``GET {base_url}/lke/jawaban-unit/{unit_id}`` ->
  ``{"unit_id", "nama_unit", "tahun", "answers": [{soal_id, jawaban_unit, jawaban_tpi,
  catatan_unit, bukti_dukung_unit, catatan_tpi}, ...]}``
* ``GET {base_url}/pengusulan/unit-wbk`` and ``.../unit-wbbm`` ->
  ``{"tahun", "units": [{id, nama, kategori, afirmasi}, ...]}``

:func:`build_answers` turns one checked workbook (either layout) into the first body;
:func:`export_files` writes one ``<unit_id>.json`` per workbook into a folder, plus the
``unit-wbk.json`` / ``unit-wbbm.json`` lists, so the folder can be served as it is (or one
file when a single workbook goes to ``OUT.json``).  A workbook whose required answers are
missing or invalid is refused (nothing written for it) unless ``allow_incomplete``.

    from lketool.export_portalrb import export_files
    summary = export_files(["LKE_unit.xlsx"], "portalrb", kategori="WBK")
    summary.results[0].status, summary.results[0].blockers
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from lketool.atomic import write_bytes
from lketool.i18n import Msg, t
from lketool.reader import cell_ref

SCHEMA_PATH = Path(__file__).with_name("data") / "portalrb-2026-answers.schema.json"
DEFAULT_TAHUN = 2026
KATEGORI = ("WBK", "WBK-AFIRMASI", "WBBM")
# Problems that make a required answer missing or unusable: an export with them would
# send PortalRB nulls (or values it cannot score) for answers the unit must give.
BLOCKING_CODES = frozenset({"answer-missing", "answer-invalid", "count-invalid", "survey-out-of-range",
                            "item-unmapped"})
UNIT_LIST_FILES = {"unit-wbk.json": ("WBK", "WBK-AFIRMASI"), "unit-wbbm.json": ("WBBM",)}
_UNIT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_PORTALRB_COPY_ID = re.compile(r"-(\d+)$")  # PortalRB names copies '<nama unit>-<unit_id>.xlsx'
_WIN_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                           *(f"lpt{i}" for i in range(1, 10))})


class ExportUsageError(ValueError):
    """Options that do not fit together (e.g. ``unit_id`` with several workbooks).

    Worded from the catalogue key ``key``; ``str()`` is in the run's language
    (:func:`lketool.i18n.get_lang`), :meth:`message` in any."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


@dataclass
class Blocker:
    """Why one answer cannot be exported as it is: an entry of the refusal list (or a
    notice).  Worded from the catalogue: ``key`` with ``params``, or the check's own
    ``problem``; the remedy is the catalogue's for ``code``."""

    code: str
    item: str | None
    soal_id: int | None
    cell: str | None  # 'Sheet!K12'
    text: str
    key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    problem: Any = None  # the lketool.problems.Problem it comes from, if any
    # A refusal exported anyway (--allow-incomplete) is a warning, not the code's error.
    severity_override: str | None = None

    @property
    def severity(self) -> str:
        """The code's severity in the catalogue (``error`` for a code it does not know),
        unless overridden."""
        from lketool.problems import CATALOGUE

        if self.severity_override:
            return self.severity_override
        kind = CATALOGUE.get(self.code)
        return kind.severity if kind is not None else "error"

    def message(self, lang: str = "id") -> str:
        if self.problem is not None:
            return self.problem.message(lang)
        return t(self.key or f"problem.{self.code}.message", lang, **self.params)

    def remedy(self, lang: str = "id") -> str:
        """What to do, in ``lang`` (may name the cell)."""
        if self.problem is not None:
            return self.problem.remedy(lang)
        from lketool.i18n import fill, template

        params = dict(self.params)
        if self.cell:
            params.setdefault("cell", self.cell.rsplit("!", 1)[-1])
        return fill(template(f"problem.{self.code}.remedy", lang, default=""), params, lang)

    @property
    def mapping(self) -> bool:
        """A remark about how the layout maps to PortalRB: the same for every workbook
        of that layout, so said once per run."""
        return self.code in MAPPING_CODES

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "item": self.item, "soal_id": self.soal_id,
                "cell": self.cell, "text": self.text, "message": self.message(lang), "remedy": self.remedy(lang)}


# Notices about the layout's mapping to PortalRB rather than about a unit's answers.
MAPPING_CODES = frozenset({"note-carried"})


@dataclass
class ExportResult:
    """What happened to one workbook.

    ``status``: ``written`` (``output`` holds the file), ``refused`` (see ``blockers``;
    nothing written) or ``unreadable`` (see ``error``).  ``notices`` are exported-anyway
    remarks (a TPI answer that is not a valid option, or blockers under
    ``allow_incomplete``)."""

    file: str
    status: str
    unit: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    blockers: list[Blocker] = field(default_factory=list)
    notices: list[Blocker] = field(default_factory=list)
    error: Any = None  # WorkbookError
    output: Path | None = None

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"file": self.file, "status": self.status, "unit": self.unit,
                "output": None if self.output is None else str(self.output),
                "error": None if self.error is None else self.error.to_dict(lang),
                "blockers": [b.to_dict(lang) for b in self.blockers],
                "notices": [b.to_dict(lang) for b in self.notices]}


@dataclass
class ExportSummary:
    """All workbooks of one export run, and the unit-list files written beside them."""

    results: list[ExportResult]
    out: Path
    unit_lists: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2 if a workbook could not be read, 1 if one was refused, else 0."""
        if any(r.status == "unreadable" for r in self.results):
            return 2
        return 1 if any(r.status == "refused" for r in self.results) else 0


# ------------------------------------------------------------------ building

def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the jawaban-unit body; ``$defs`` hold the
    unit list (``unit_list``), unit and error bodies."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def unit_object(unit_id: str, nama: str, kategori: str = "WBK", afirmasi: bool | None = None) -> dict[str, Any]:
    """``{id, nama, kategori, afirmasi}`` as in the unit-wbk / unit-wbbm lists.
    ``afirmasi`` defaults to ``kategori == "WBK-AFIRMASI"``."""
    if kategori not in KATEGORI:
        raise ExportUsageError("export.usage.kategori", choices=", ".join(KATEGORI), value=repr(kategori))
    if afirmasi is None:
        afirmasi = kategori == "WBK-AFIRMASI"
    if kategori == "WBK-AFIRMASI" and not afirmasi:
        raise ExportUsageError("export.usage.afirmasi")
    return {"id": unit_id, "nama": nama, "kategori": kategori, "afirmasi": bool(afirmasi)}


def check_unit_id(unit_id: str) -> str:
    """A unit id usable in a URL path and as a file name on Windows, or ExportUsageError."""
    if not _UNIT_ID.match(unit_id or "") or unit_id.split(".")[0].lower() in _WIN_RESERVED \
            or unit_id.endswith("."):
        raise ExportUsageError("export.usage.unit-id", value=repr(unit_id))
    return unit_id


def default_unit_id(path: str | Path, nama: str | None) -> str:
    """The id PortalRB gave the unit when the file keeps PortalRB's copy name
    (``<nama unit>-<unit_id>.xlsx``), else a slug of the unit name or file name."""
    stem = Path(path).stem
    m = _PORTALRB_COPY_ID.search(stem)
    if m:
        return m.group(1)
    base = nama or stem
    s = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:80].strip("-")
    if not s or s.split(".")[0] in _WIN_RESERVED:
        s = f"unit-{s}" if s else "unit"
    return s


def build_answers(res, *, unit_id: str, nama: str | None = None, tahun: int = DEFAULT_TAHUN,
                  allow_incomplete: bool = False) -> tuple[dict[str, Any], list[Blocker], list[Blocker]]:
    """The jawaban-unit body of one checked workbook (:func:`lketool.api.check_file`).

    Returns ``(payload, blockers, notices)``, answers ordered by ``soal_id``.  Entries
    without a PortalRB ``soal_id`` (the Lampiran III-only LHKPN/LHKASN total rows) and
    ``%`` rows are not answers in PortalRB (it derives percentages from the Jumlah
    rows); a note or evidence written on such a row is carried to the first Jumlah soal
    of the same item, with a notice.  ``blockers`` lists the required answers that are
    missing or invalid; their ``jawaban_unit`` is ``null`` in the payload, which callers
    write only with ``allow_incomplete`` (then the blockers are returned as notices).
    ``notices`` also lists TPI answers exported as ``null`` because they are not valid."""
    rubric = res.rubric
    rows = [r for r in res.answer_rows() if r["soal_id"] is not None]
    exported = {r["item"] for r in rows}
    by_item: dict[str, list] = {}
    for p in res.problems:
        if p.code in BLOCKING_CODES and p.severity == "error" and p.location.item in exported:
            by_item.setdefault(p.location.item, []).append(p)
    carried, notices = _carried_notes(res, exported)
    blockers: list[Blocker] = []
    answers = []
    for row in sorted(rows, key=lambda r: r["soal_id"]):
        eid, soal = row["item"], row["soal_id"]
        obj = rubric.items.get(eid) or rubric.inputs.get(eid)
        text = getattr(obj, "portalrb_text", "") or row["text"]
        for p in by_item.get(eid, []):
            cell = f"{p.location.sheet}!{p.location.cell}" if p.location.cell else row["cell"]
            blockers.append(Blocker(p.code, eid, soal, cell, text, problem=p))
        unit_value, why = portal_value(rubric, eid, row["unit_value"])
        if unit_value is None and eid not in by_item:
            # every required answer must have a value; say why if no check did
            if row["cell"] is None:
                code, key, params = "item-unmapped", "export.row-not-found", {}
            elif why:
                code, reason = _reason(why, row["unit_value"])
                key, params = reason.key, reason.params
            else:
                code, key, params = "answer-missing", None, {"text": text}
            blockers.append(Blocker(code, eid, soal, row["cell"], text, key, params))
        elif unit_value is not None and eid in by_item:
            unit_value = None  # a blocked answer (e.g. survey 5) is never sent as if it were valid
        tpi_value, tpi_why = portal_value(rubric, eid, row["tpi_value"])
        if tpi_value is None and not _blank(row["tpi"]):
            code, reason = _reason(tpi_why or "invalid", row["tpi"])
            notices.append(Blocker("tpi-" + code, eid, soal, _tpi_cell(res, eid) or row["cell"], text,
                                   params={"reason": reason, "value": _shown(row["tpi"])}))
        extra_notes, extra_links = carried.get(eid, ([], []))
        links = list(row["evidence"]) + [u for u in extra_links if u not in row["evidence"]]
        note = "\n\n".join(x for x in [_text(row["note"])] + extra_notes if x)
        answers.append({
            "soal_id": soal,
            "jawaban_unit": unit_value,
            "jawaban_tpi": tpi_value,
            "catatan_unit": note or None,
            "bukti_dukung_unit": "\n".join(links) or None,
            "catatan_tpi": _text(row["tpi_note"]),
        })
    if allow_incomplete:  # exported anyway, as null: a warning, no longer a refusal
        notices = [replace(b, severity_override="warning") for b in blockers] + notices
    payload = {"unit_id": unit_id, "nama_unit": nama or res.unit or Path(res.file).stem, "tahun": int(tahun),
               "answers": answers}
    return payload, ([] if allow_incomplete else blockers), notices


def _carried_notes(res, exported: set[str]) -> tuple[dict[str, tuple[list[str], list[str]]], list[Blocker]]:
    """Notes and evidence on rows PortalRB has no soal for (a % row, a Lampiran III total
    row), keyed by the first exported Jumlah soal of the same item."""
    carried: dict[str, tuple[list[str], list[str]]] = {}
    notices = []
    entries = res.mapped.entries if res.mapped else {}
    for item in res.rubric.items.values():
        if item.type != "pct":
            continue
        target = next((i for i in item.inputs if i.id in exported), None)
        if target is None:
            continue
        for src_id in [item.id] + [i.id for i in item.inputs if i.soal_id is None]:
            e = entries.get(src_id)
            if e is None or not (_text(e.note) or e.links):
                continue
            notes, links = carried.setdefault(target.id, ([], []))
            if _text(e.note):
                notes.append(_text(e.note))
            links.extend(u for u in e.links if u not in links)
            cell = f"{res.sheet}!{e.answer_cell}"
            notices.append(Blocker("note-carried", target.id, target.soal_id, cell,
                                   target.portalrb_text or target.text,
                                   params={"row": e.row, "soal_id": target.soal_id}))
    return carried, notices


def portal_value(rubric, entry_id: str, value: Any) -> tuple[Any, str | None]:
    """A normalised answer (from ``check_file``) in PortalRB form: the option key, an
    integer count, or a 0-4 number.  ``(None, reason)`` when it cannot be sent."""
    if value is None:
        return None, None
    if entry_id in rubric.inputs:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "not-number"
        if value < 0 or not float(value).is_integer():
            return None, "not-integer"
        return int(value), None
    item = rubric.items[entry_id]
    if item.type == "survey":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "not-number"
        if not 0 <= value <= 4:
            return None, "out-of-range"
        return float(value), None
    if value in rubric.options(item.type):
        return value, None
    return None, "invalid"


_REASON_CODES = {"not-number": "count-invalid", "not-integer": "count-invalid",
                 "out-of-range": "survey-out-of-range"}


def _reason(reason: str, value: Any) -> tuple[str, Msg]:
    """The problem code and the worded reason (catalogue ``export.<reason>``) of a value
    :func:`portal_value` refused."""
    if reason not in _REASON_CODES:
        reason = "invalid"
    return _REASON_CODES.get(reason, "answer-invalid"), Msg(f"export.{reason}", value=_shown(value))


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _tpi_cell(res, eid: str) -> str | None:
    e = res.mapped.entries.get(eid) if res.mapped else None
    if e is None or e.tpi_col is None:
        return None
    return f"{res.sheet}!{cell_ref(e.row, e.tpi_col)}"


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str | None:
    s = "" if v is None else str(v).strip()
    return s or None


# ------------------------------------------------------------------ writing

def write_json_atomic(path: Path, data: Any) -> Path:
    """Write ``data`` as UTF-8 JSON via a temp file in the same folder and ``os.replace``,
    so a reader (or a web server) never sees half a file."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return write_bytes(path, text.encode("utf-8"))


def export_files(paths: Iterable[str | Path], out: str | Path, *, unit_id: str | None = None,
                 nama: str | None = None, kategori: str = "WBK", afirmasi: bool | None = None,
                 tahun: int = DEFAULT_TAHUN, allow_incomplete: bool = False, rubric=None) -> ExportSummary:
    """Check each workbook and write its answers in PortalRB form.

    ``out`` is a folder (created if needed; one ``<unit_id>.json`` per workbook plus
    ``unit-wbk.json``/``unit-wbbm.json`` with the exported units), or a ``.json`` file
    when exactly one workbook is given.  ``unit_id``/``nama`` need a single workbook.
    Input workbooks are never modified.  Raises :class:`ExportUsageError` for options
    that do not fit; a bad workbook is a result, not an exception."""
    from lketool.api import check_file, iter_workbooks

    files = iter_workbooks(paths)
    if not files:
        raise ExportUsageError("export.usage.no-files")
    out = Path(out)
    single = out.suffix.lower() == ".json"
    if single and len(files) != 1:
        raise ExportUsageError("export.usage.single-json", name=out.name, n=len(files))
    if (unit_id is not None or nama is not None) and len(files) != 1:
        raise ExportUsageError("export.usage.single-only")
    if unit_id is not None:
        check_unit_id(unit_id)
    unit_object("x", "x", kategori, afirmasi)  # validate the combination before any work
    if single:
        out.parent.mkdir(parents=True, exist_ok=True)
    else:
        if out.exists() and not out.is_dir():
            raise ExportUsageError("export.usage.not-folder", path=str(out))
        out.mkdir(parents=True, exist_ok=True)

    results: list[ExportResult] = []
    taken: dict[str, str] = {}
    for f in files:
        res = check_file(f, rubric=rubric)
        if res.error is not None:
            results.append(ExportResult(file=str(f), status="unreadable", error=res.error))
            continue
        uid = unit_id or default_unit_id(f, res.unit)
        name = nama or res.unit or Path(f).stem
        unit = unit_object(uid, name, kategori, afirmasi)
        payload, blockers, notices = build_answers(res, unit_id=uid, nama=name, tahun=tahun,
                                                   allow_incomplete=allow_incomplete)
        r = ExportResult(file=str(f), status="refused", unit=unit, payload=payload, blockers=blockers,
                         notices=notices)
        results.append(r)
        clash = _id_clash(uid, single, taken)
        if clash:
            r.blockers.append(Blocker("unit-id-clash", None, None, None, uid, *clash))
        if r.blockers:
            continue
        target = out if single else out / f"{uid}.json"
        write_json_atomic(target, payload)
        taken[uid.lower()] = str(f)
        r.status, r.output = "written", target
    summary = ExportSummary(results=results, out=out)
    if not single:
        summary.unit_lists = _update_unit_lists(out, results, tahun)
    return summary


def _id_clash(uid: str, single: bool, taken: dict[str, str]) -> tuple[str | None, dict[str, Any]] | None:
    """(catalogue key, params) when ``uid`` cannot be used for this file, else None."""
    # ids are file names too; Windows file names ignore case
    if uid.lower() in taken:
        return None, {"unit_id": uid, "other": taken[uid.lower()]}
    if not single and f"{uid}.json".lower() in UNIT_LIST_FILES:
        return "export.unit-list-clash", {"unit_id": uid}
    return None


def _update_unit_lists(out: Path, results: list[ExportResult], tahun: int) -> list[Path]:
    """Rewrite ``unit-wbk.json``/``unit-wbbm.json``: units exported now, plus units of
    earlier runs into the same folder whose answer file is still there.  A unit refused
    now is dropped, so PortalRB is not pointed at answers that are out of date."""
    seen = {r.unit["id"] for r in results if r.unit is not None}
    written = []
    for fname, kats in UNIT_LIST_FILES.items():
        path = out / fname
        old = _read_units(path)
        keep = [u for u in old if u.get("id") not in seen and (out / f"{u.get('id')}.json").is_file()]
        new = [r.unit for r in results if r.status == "written" and r.unit["kategori"] in kats]
        units = sorted(keep + new, key=lambda u: str(u.get("id")))
        if units or path.exists():
            write_json_atomic(path, {"tahun": int(tahun), "units": units})
            written.append(path)
    return written


def _read_units(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    units = data.get("units") if isinstance(data, dict) else None
    return [u for u in units if isinstance(u, dict) and isinstance(u.get("id"), str)] if isinstance(units, list) else []


__all__ = ["Blocker", "ExportResult", "ExportSummary", "ExportUsageError", "build_answers", "export_files",
           "load_schema", "portal_value", "unit_object", "default_unit_id", "write_json_atomic", "KATEGORI",
           "BLOCKING_CODES", "SCHEMA_PATH"]
