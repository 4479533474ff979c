"""Library entry points: check and score one workbook, or many.

    from lketool.api import check_file
    result = check_file("LKE_unit.xlsx")
    result.scores.total, result.problems, result.to_dict()

A file that cannot be read gives a result with ``error`` set (and no scores) instead of
raising, so one broken workbook never stops a batch."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lketool import __version__
from lketool.checks import Context, run_all
from lketool.errors import WorkbookError
from lketool.layouts import LAMPIRAN_III, PORTALRB_2026, Entry, MappedSheet
from lketool.layouts.detect import map_workbook
from lketool.problems import ERROR, Problem, count_by_severity
from lketool.reader import open_workbook
from lketool.rubric import DEFAULT_EDITION, Rubric, load_rubric
from lketool.verdict import decide, verdict_for
from lketool.view import SCORE_KEYS, score_rows
from lketool.score import Scores, compute_scores, item_value


@dataclass
class FileResult:
    """Everything lketool knows about one workbook."""

    file: str
    rubric: Rubric
    unit: str | None = None
    layout: str | None = None
    sheet: str | None = None
    error: WorkbookError | None = None
    problems: list[Problem] = field(default_factory=list)
    scores: Scores | None = None
    tpi_scores: Scores | None = None
    eligibility: dict | None = None
    tpi_eligibility: dict | None = None
    mapped: MappedSheet | None = None
    values: dict[str, Any] = field(default_factory=dict)
    tpi_values: dict[str, Any] = field(default_factory=dict)
    workbook_scores: dict[str, float] | None = None
    strict: bool = False
    per_half: bool = False
    strict_eligibility: dict | None = None      # the unit's verdict with blanks as 0 (when any blank)
    tpi_strict_eligibility: dict | None = None  # the same for the TPI's answers

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def counts(self) -> dict[str, int]:
        return count_by_severity(self.problems)

    @property
    def root_counts(self) -> dict[str, int]:
        """Root problems (what must be fixed) and derived values (which follow by themselves)."""
        from lketool.problems import INFO, WARNING

        roots = [p for p in self.problems if not p.caused_by and p.severity != INFO]
        return {"root_problems": len(roots), "root_errors": sum(p.severity == ERROR for p in roots),
                "root_warnings": sum(p.severity == WARNING for p in roots),
                "derived_values": sum(1 for p in self.problems if p.caused_by)}

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(p.severity == ERROR for p in self.problems)

    def indicator_rows(self) -> list[dict[str, Any]]:
        """Per indicator: id, name, weight, score, share, workbook score and its cell."""
        out = []
        if self.scores is None:
            return out
        for ind in self.rubric.walk_indicators():
            s = self.scores.indicators[ind.id]
            agg = self.mapped.aggregates.get(ind.id) if self.mapped else None
            cached = agg.cached if agg is not None and isinstance(agg.cached, (int, float)) else None
            tpi = self.tpi_scores.indicators[ind.id].score if self.tpi_scores else None
            out.append({"id": ind.id, "name": ind.name, "half": ind.half, "area": ind.area_id,
                        "parent": ind.parent_id, "weight": ind.weight, "score": s.score, "share": s.share,
                        "answered": s.answered, "expected": s.expected, "tpi_score": tpi,
                        "workbook_score": None if self.workbook_scores is None else cached,
                        "cell": f"{self.sheet}!{agg.cell}" if agg is not None else None})
        return out

    def answer_rows(self) -> list[dict[str, Any]]:
        """Every answer cell: rubric id, soal_id, unit and TPI answers, notes, evidence."""
        out = []
        if self.mapped is None:
            return out
        r = self.rubric
        for eid in r.entry_ids():
            obj = r.items.get(eid) or r.inputs.get(eid)
            e: Entry | None = self.mapped.entries.get(eid)
            out.append({"item": eid, "soal_id": obj.soal_id, "text": obj.text,
                        "cell": f"{self.sheet}!{e.answer_cell}" if e else None,
                        "unit": _plain(e.raw) if e else None, "tpi": _plain(e.tpi_raw) if e else None,
                        "unit_value": self.values.get(eid), "tpi_value": self.tpi_values.get(eid),
                        "note": e.note if e else "", "tpi_note": e.tpi_note if e else "",
                        "evidence": e.links if e else []})
        return out

    def tpi_differences(self) -> list[dict[str, Any]]:
        """Items where the unit's and the TPI's answers differ (TPI answered)."""
        if not self.tpi_values:
            return []
        out = []
        for eid in self.rubric.entry_ids():
            if eid not in self.tpi_values:
                continue
            u, t = self.values.get(eid), self.tpi_values.get(eid)
            if u != t:
                e = self.mapped.entries.get(eid)
                obj = self.rubric.items.get(eid) or self.rubric.inputs.get(eid)
                out.append({"item": eid, "text": obj.text, "cell": f"{self.sheet}!{e.answer_cell}" if e else None,
                            "unit": u, "tpi": t})
        return out

    def to_dict(self, lang: str = "id", *, scores: bool = True, answers: bool = False) -> dict[str, Any]:
        """The JSON form documented in README (``results[]`` items)."""
        d: dict[str, Any] = {
            "file": self.file, "unit": self.unit, "layout": self.layout, "sheet": self.sheet,
            "rubric": self.rubric.edition, "lketool_version": __version__,
            "error": None if self.error is None else self.error.to_dict(lang),
            "counts": self.counts,
            "root_counts": self.root_counts,
            "problems": [p.to_dict(lang) for p in self.problems],
        }
        if scores:
            d["scores"] = self.scores.to_dict(self.rubric) if self.scores else None
            d["tpi_scores"] = self.tpi_scores.to_dict(self.rubric) if self.tpi_scores else None
            d["workbook_scores"] = self.workbook_scores
            d["indicators"] = self.indicator_rows()
            d["eligibility"] = self.eligibility
            d["tpi_eligibility"] = self.tpi_eligibility
            d["verdict"] = verdict_for(self, lang)
            d["score_rows"] = score_rows(self, lang)
            d["tpi_differences"] = self.tpi_differences()
        if answers:
            d["answers"] = self.answer_rows()
        return d


def _plain(v):
    return v if isinstance(v, (str, int, float, bool, type(None))) else str(v)


def check_file(path: str | Path, *, rubric: Rubric | str | None = None, strict: bool = False,
               per_half: bool = False, has_wbk: bool | None = None, declared=()) -> FileResult:
    """Read, check and score one workbook.  Never raises for a bad file: see ``error``.

    ``has_wbk`` declares whether the unit already holds Menuju WBK (the WBBM
    prerequisite; None = unknown, the WBBM verdict is then conditional); ``declared``
    names conditions the LKE cannot show that the user declares met (see
    :mod:`lketool.verdict`)."""
    rb = rubric if isinstance(rubric, Rubric) else load_rubric(rubric or DEFAULT_EDITION)
    res = FileResult(file=str(path), rubric=rb, strict=strict, per_half=per_half)
    try:
        wb = open_workbook(path)
        mapped = map_workbook(wb, rb)
    except WorkbookError as exc:
        res.error = exc
        return res
    res.mapped, res.unit, res.layout, res.sheet = mapped, mapped.unit, mapped.layout, mapped.sheet
    ctx = Context(file=str(path), rubric=rb, mapped=mapped)
    res.problems = run_all(ctx)
    res.values, res.tpi_values = ctx.values, ctx.tpi_values
    # the formula check scored the same values already (blanks ignored)
    res.scores = ctx.scores if ctx.scores is not None and not strict else compute_scores(rb, ctx.values, strict=strict)
    if mapped.has_tpi and ctx.tpi_values:
        res.tpi_scores = compute_scores(rb, ctx.tpi_values, strict=strict)
    decide(res, has_wbk=has_wbk, declared=declared)
    res.workbook_scores = _workbook_scores(res)
    if mapped.layout == PORTALRB_2026 and "Nilai" in wb.sheet_names:
        res.workbook_scores = _portalrb_scores(res, wb.grid("Nilai", details=False))
    return res


def _portalrb_scores(res: FileResult, grid) -> dict[str, float] | None:
    """PortalRB-layout workbooks made by ``lketool template`` compute their scores on a
    ``Nilai`` sheet: keys in A, the unit's value in C (the TPI's in D)."""
    from lketool.checks.formulas import TOL, mismatch_params
    from lketool.problems import Location

    cached: dict[str, tuple[int, float]] = {}
    for r, row in enumerate(grid.rows, start=1):
        if len(row) >= 3 and isinstance(row[0], str) and isinstance(row[2], (int, float)):
            cached[row[0].strip()] = (r, float(row[2]))
    if "total" not in cached:
        return None
    s = res.scores
    want = {k: getattr(s, k) for k in SCORE_KEYS}
    want.update({k: v.score for k, v in s.indicators.items()})
    for half in ("pemenuhan", "reform"):
        want.update({f"area:{half}:{a}": v for a, v in s.halves[half].items()})
    for key, (row, got) in cached.items():
        if key in want and abs(got - want[key]) > TOL * max(1.0, abs(want[key])):
            res.problems.append(Problem("score-mismatch", Location(res.file, grid.name, f"C{row}", row, 3),
                                        mismatch_params(got, want[key], key, key), value=got))
    return {k: cached[k][1] if k in cached else None for k in SCORE_KEYS}


def _workbook_scores(res: FileResult) -> dict[str, float] | None:
    from lketool.checks.formulas import cached_values_missing

    m = res.mapped
    if m.layout != LAMPIRAN_III or cached_values_missing(m):
        return None
    out = {}
    for key in SCORE_KEYS:
        agg = m.aggregates.get(key)
        v = agg.cached if agg is not None else None
        out[key] = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    return out if any(v is not None for v in out.values()) else None


CACHE_DIRNAME = ".lketool-cache"  # the recap's cache (lketool.recap.cache), never an input


def iter_workbooks(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into .xlsx/.xlsm files, skipping Office
    lock files (``~$*``), hidden files (``.*``: macOS ``._`` copies on USB drives, the
    temporary files of an output being written) and lketool's own cache folders.  Files
    named explicitly are kept whatever their extension, so that a wrong file gets a clear
    message instead of being skipped silently."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.suffix.lower() in (".xlsx", ".xlsm") and not f.name.startswith(("~$", "."))
                        and CACHE_DIRNAME not in f.relative_to(p).parts[:-1] and f.is_file()):
                    out.append(f)
        else:
            out.append(p)
    return out


def check_files(paths: Iterable[str | Path], **kw) -> list[FileResult]:
    """:func:`check_file` over files and folders; failures are results, not exceptions.

    A batch keeps every result until it is printed, so the sheet's cell grid (only the
    checks need it) is released after each file: memory grows with the findings, not
    with the size of each sheet."""
    out = []
    for p in iter_workbooks(paths):
        res = check_file(p, **kw)
        if res.mapped is not None:
            res.mapped.grid.rows = []
            res.mapped.grid.formulas = {}
            res.mapped.grid.hyperlinks = {}
        out.append(res)
    return out


__all__ = ["FileResult", "check_file", "check_files", "iter_workbooks", "item_value"]
