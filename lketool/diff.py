"""What changed between two versions of one unit's LKE workbook.

Rows are matched by rubric item id, not by row number, so a version with inserted or
deleted rows (or the other layout: Lampiran III vs PortalRB ``Jawaban``) still lines
up.  Compared per item: the unit's and the TPI's answers (as normalised values, so
``ya`` -> ``Ya`` or ``3,65`` -> ``3.65`` is not a change), the unit's and TPI's notes,
the evidence links and the evidence description text.  Scores (total, pengungkit,
pemenuhan, reform, hasil, each area) and the WBK/WBBM verdict are given before and
after, recomputed from the answers (never the workbook's cached values).

    from lketool.diff import diff_files
    d = diff_files("LKE_v1.xlsx", "LKE_v2.xlsx")
    d.changes, d.scores, d.verdicts, d.exit_code
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lketool.i18n import languages, t
from lketool.reader import cell_ref
from lketool.score import denominator

FIELDS = ("unit", "tpi", "note", "tpi_note", "evidence", "evidence_text")
# Each field is worded by the catalogue key diff.field.<field>; the rows a diff adds to
# the score rows of lketool.view by diff.score.<key>.


@dataclass
class Change:
    """One field of one rubric entry that differs.  ``old``/``new`` are plain values
    (None when blank); cells are 'Sheet!K12' (None when the row is absent)."""

    item: str
    soal_id: int | None
    text: str
    field: str
    old: Any
    new: Any
    old_cell: str | None
    new_cell: str | None

    @property
    def kind(self) -> str:
        """``added`` (was blank), ``removed`` (now blank) or ``changed``."""
        if _empty(self.old):
            return "added"
        if _empty(self.new):
            return "removed"
        return "changed"

    @property
    def cell(self) -> str | None:
        """Where to look now: the new version's cell, else the old one's."""
        return self.new_cell or self.old_cell

    def label(self, lang: str = "id") -> str:
        """The field's name in ``lang`` (catalogue ``diff.field.<field>``)."""
        return t(f"diff.field.{self.field}", lang)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"cell": self.cell, "old_cell": self.old_cell, "new_cell": self.new_cell, "item": self.item,
                "soal_id": self.soal_id, "text": self.text, "field": self.field, "field_label": self.label(lang),
                "kind": self.kind, "old": self.old, "new": self.new}


@dataclass
class ScoreRow:
    """A score before and after (None when that side could not be scored)."""

    key: str
    label_id: str
    label_en: str
    old: float | None
    new: float | None
    weight: float | None = None  # areas: to show the share
    labels: dict[str, str] = field(default_factory=dict)  # the label in every catalogue language

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def label(self, lang: str = "id") -> str:
        """The row's label in ``lang`` (any language of the catalogue)."""
        return self.labels.get(lang) or (self.label_en if lang == "en" else self.label_id)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        d = {"key": self.key, "label": self.label(lang), "old": self.old, "new": self.new, "delta": self.delta,
             "changed": self.changed}
        if self.weight:
            d["weight"] = self.weight
            d["old_share"] = None if self.old is None else self.old / self.weight
            d["new_share"] = None if self.new is None else self.new / self.weight
        return d


@dataclass
class VerdictRow:
    """WBK or WBBM eligibility before and after, with the criteria missed."""

    key: str  # wbk | wbbm
    label: str
    old: bool | None
    new: bool | None
    old_missed: list[str] = field(default_factory=list)
    new_missed: list[str] = field(default_factory=list)
    # id -> the criterion as lketool.verdict gives it (its rubric labels: label, label_en)
    criteria: dict[str, dict[str, Any]] = field(default_factory=dict)

    def missed_labels(self, which: str, lang: str = "id") -> list[str]:
        """The criteria missed ``old`` or ``new``, as readable labels."""
        ids = self.old_missed if which == "old" else self.new_missed
        return [_criterion_label(self.criteria.get(i), i, lang) for i in ids]

    @property
    def changed(self) -> bool:
        return self.old != self.new or self.old_missed != self.new_missed

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "old_eligible": self.old, "new_eligible": self.new,
                "old_missed": self.old_missed, "new_missed": self.new_missed,
                "old_missed_labels": self.missed_labels("old", lang),
                "new_missed_labels": self.missed_labels("new", lang), "changed": self.changed}


@dataclass
class DiffResult:
    """The comparison of two checked workbooks (:class:`lketool.api.FileResult`)."""

    old: Any
    new: Any
    changes: list[Change] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    verdicts: list[VerdictRow] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[str, Any]]:
        """``[(side, WorkbookError)]`` for an input that could not be read."""
        return [(side, r.error) for side, r in (("old", self.old), ("new", self.new)) if r.error is not None]

    @property
    def has_differences(self) -> bool:
        return bool(self.changes)

    @property
    def exit_code(self) -> int:
        """0 no differences, 1 differences, 2 an input could not be read."""
        if self.errors:
            return 2
        return 1 if self.changes else 0

    @property
    def same_unit(self) -> bool:
        o, n = self.old.unit, self.new.unit
        return not o or not n or _fold(o) == _fold(n)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        def side(r):
            return {"file": r.file, "unit": r.unit, "layout": r.layout, "sheet": r.sheet,
                    "error": None if r.error is None else {"code": r.error.code, "message": r.error.message(lang)}}
        return {"old": side(self.old), "new": side(self.new), "same_unit": self.same_unit,
                "differences": self.has_differences, "count": len(self.changes),
                "changes": [c.to_dict(lang) for c in self.changes],
                "scores": [s.to_dict(lang) for s in self.scores],
                "verdicts": [v.to_dict(lang) for v in self.verdicts]}


def diff_files(old: str | Path, new: str | Path, *, rubric=None, strict: bool = False,
               per_half: bool = False) -> DiffResult:
    """Check both workbooks and compare them (see :func:`diff_results`).  Never raises
    for a bad file: see :attr:`DiffResult.errors`."""
    from lketool.api import check_file
    from lketool.rubric import DEFAULT_EDITION, Rubric, load_rubric

    rb = rubric if isinstance(rubric, Rubric) else load_rubric(rubric or DEFAULT_EDITION)
    return diff_results(check_file(old, rubric=rb, strict=strict, per_half=per_half),
                        check_file(new, rubric=rb, strict=strict, per_half=per_half))


def diff_results(old, new) -> DiffResult:
    """Compare two results of :func:`lketool.api.check_file` scored with the same rubric."""
    d = DiffResult(old=old, new=new)
    if d.errors:
        return d
    rubric = new.rubric
    for eid in rubric.entry_ids():
        obj = rubric.items.get(eid) or rubric.inputs.get(eid)
        a, b = _fields(old, eid), _fields(new, eid)
        for f in FIELDS:
            (ka, va, ca), (kb, vb, cb) = a[f], b[f]
            if ka != kb:
                d.changes.append(Change(eid, obj.soal_id, obj.text, f, va, vb, ca, cb))
    d.scores = _score_rows(old, new)
    for key in ("wbk", "wbbm"):
        eo, en = old.eligibility[key], new.eligibility[key]
        labels = {c["id"]: c for e in (eo, en) for c in e["criteria"]}
        d.verdicts.append(VerdictRow(key, en["label"], eo["eligible"], en["eligible"], list(eo["missed"]),
                                     list(en["missed"]), labels))
    return d


# ------------------------------------------------------------------ per-field values

def _fields(res, eid: str) -> dict[str, tuple[Any, Any, str | None]]:
    """field -> (comparison key, shown value, 'Sheet!cell') for one entry of one side."""
    e = res.mapped.entries.get(eid)
    inp = res.rubric.inputs.get(eid)
    if inp is not None and inp.role == "total":
        # a required total is the sum of its parts (PortalRB has no such row; lketool's form computes
        # it): compare what the score uses, so a typed total that disagrees explains a score change
        out = {f: (None, None, None) for f in FIELDS}
        v = denominator(res.rubric.items[inp.item_id], res.values)
        out["unit"] = (*_answer(v, None), None if e is None else f"{res.sheet}!{e.answer_cell}")
        return out
    if e is None:
        return {f: (None, None, None) for f in FIELDS}
    sheet, cols = res.sheet, res.mapped.columns

    def at(col):
        return f"{sheet}!{cell_ref(e.row, col)}" if col else None

    out = {"unit": (*_answer(res.values.get(eid), e.raw), f"{sheet}!{e.answer_cell}"),
           "tpi": (*_answer(res.tpi_values.get(eid), e.tpi_raw), at(e.tpi_col)),
           "note": (*_note(e.note), at(cols.get("note"))),
           "tpi_note": (*_note(e.tpi_note), at(cols.get("tpi_note")))}
    links = e.links
    texts = []
    link_cell = text_cell = None
    for ev in e.evidence + e.descriptions:
        if ev.links:
            link_cell = link_cell or f"{sheet}!{ev.cell}"
        elif ev.text.strip():
            text_cell = text_cell or f"{sheet}!{ev.cell}"
            texts.append(_clean(ev.text))
    ev_col = at(cols.get("evidence"))
    out["evidence"] = (tuple(links) or None, list(links) or None, link_cell or ev_col)
    joined = "\n".join(texts) or None
    out["evidence_text"] = (joined, joined, text_cell or ev_col)
    return out


def _answer(value: Any, raw: Any) -> tuple[Any, Any]:
    """(key, shown): the normalised value when there is one, else the raw text (an
    invalid answer that changed to another invalid answer is still a change)."""
    if value is not None:
        if isinstance(value, bool):
            return ("v", value), value
        if isinstance(value, (int, float)):
            v = float(value)
            return ("v", v), int(v) if v.is_integer() else v
        return ("v", value), value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    shown = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(shown, (str, int, float, bool)):
        shown = str(shown)
    return ("raw", str(shown)), shown


def _note(text: Any) -> tuple[Any, Any]:
    s = _clean(text)
    return (s or None), (s or None)


def _clean(text: Any) -> str:
    # line endings and trailing spaces differ between Excel, LibreOffice and hand edits
    s = "" if text is None else str(text)
    return "\n".join(line.rstrip() for line in s.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def _fold(s: str) -> str:
    return " ".join(s.lower().split())


# ------------------------------------------------------------------ scores

def _score_rows(old, new) -> list[ScoreRow]:
    from lketool.view import score_rows

    so, sn = old.scores, new.scores
    ro = {r["key"]: r for r in score_rows(old, "id")}
    langs = languages()
    views = {lang: score_rows(new, lang) for lang in langs}
    rows = []
    for i, rid in enumerate(views["id"]):
        key = rid["key"]
        if key.startswith("area:"):
            labels = {lang: f"Area {views[lang][i]['label']}" for lang in langs}
            rows.append(ScoreRow(key, labels["id"], labels["en"], ro[key]["value"] if key in ro else None, rid["value"],
                                 weight=rid["max"], labels=labels))
        else:
            labels = {lang: "  " * rid["level"] + views[lang][i]["label"] for lang in langs}
            rows.append(ScoreRow(key, labels["id"], labels["en"], ro[key]["value"] if key in ro else None, rid["value"],
                                 labels=labels))
    labels = {lang: t("diff.score.answered", lang) for lang in langs}
    rows.append(ScoreRow("answered", labels["id"], labels["en"], so.answered, sn.answered, None, labels=labels))
    if old.tpi_scores is not None or new.tpi_scores is not None:
        labels = {lang: t("diff.score.tpi_total", lang) for lang in langs}
        rows.append(ScoreRow("tpi_total", labels["id"], labels["en"], old.tpi_scores.total if old.tpi_scores else None,
                             new.tpi_scores.total if new.tpi_scores else None, labels=labels))
    return rows


def _criterion_label(c: dict[str, Any] | None, cid: str, lang: str) -> str:
    # the labels are rubric data in both languages, not words of lketool's own
    if c is None:
        return cid
    return (c.get("label_en") or c["label"]) if lang == "en" else c["label"]


__all__ = ["Change", "DiffResult", "ScoreRow", "VerdictRow", "diff_files", "diff_results", "FIELDS"]
