"""Findings: what lketool says about a workbook.

Every kind of problem has a stable kebab-case code in :data:`CATALOGUE` with a default
severity (``lketool/data/problem-codes.json``); its title, message template and remedy in
each language are in the message catalogue (:mod:`lketool.i18n`, keys
``problem.<code>.title|message|remedy``).  A :class:`Problem` is a plain record with its
location; exceptions are kept for faults (see :mod:`lketool.errors`)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lketool import i18n

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
CODES_PATH = Path(__file__).with_name("data") / "problem-codes.json"


def severity_label(severity: str, lang: str | None = None) -> str:
    """The word for a severity in ``lang``: "Kesalahan"/"Peringatan"/"Info" in Indonesian,
    "Error"/"Warning"/"Info" in English — the one table every output uses (terminals
    print it upper-cased).  An unknown severity is returned as it is."""
    return i18n.template(f"severity.{severity}", lang, default=str(severity))


@dataclass(frozen=True)
class Kind:
    """One problem code: its default severity and ``group`` (``check``: a finding of
    ``lketool check``; ``file``: a workbook that cannot be read; ``export``: a refusal or
    notice of ``export-portalrb``).  Texts come from the catalogue in any language."""

    code: str
    severity: str
    group: str = "check"

    def title(self, lang: str | None = None) -> str:
        """Short name of the problem, e.g. "Jawaban kosong"."""
        return i18n.template(f"problem.{self.code}.title", lang, default=self.code)

    def message_template(self, lang: str | None = None) -> str:
        """The message with ``{param}`` fields, as in the catalogue."""
        return i18n.template(f"problem.{self.code}.message", lang, default="")

    def remedy_template(self, lang: str | None = None) -> str:
        """What to do about it, with ``{param}`` fields (``{cell}``, ``{column}``, ...)."""
        return i18n.template(f"problem.{self.code}.remedy", lang, default="")

    # Older spellings kept for callers written before the catalogue had languages.
    @property
    def title_id(self) -> str:
        return self.title("id")

    @property
    def title_en(self) -> str:
        return self.title("en")

    @property
    def message_id(self) -> str:
        return self.message_template("id")

    @property
    def message_en(self) -> str:
        return self.message_template("en")


def _load_codes() -> dict[str, Kind]:
    data = json.loads(CODES_PATH.read_text(encoding="utf-8"))["codes"]
    return {code: Kind(code, v["severity"], v.get("group", "check")) for code, v in data.items()}


CATALOGUE: dict[str, Kind] = _load_codes()


def register(code: str, severity: str, group: str = "check") -> Kind:
    """Add a problem code at run time (its texts go in a message file); returns its Kind."""
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"unknown severity {severity!r}")
    kind = CATALOGUE[code] = Kind(code, severity, group)
    return kind


@dataclass(frozen=True)
class Location:
    """Where a problem is: 1-based row/column, A1 cell, and the rubric item id."""

    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: int | None = None
    item: str | None = None


@dataclass
class Problem:
    """One finding.  ``params`` fill the message templates of its :class:`Kind`."""

    code: str
    location: Location
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = ""
    value: Any = None
    # The root problems this one only follows from (a score-mismatch carried up from a
    # typed-over cell): ((sheet, cell, code), ...).  Empty for a root problem.
    caused_by: tuple[tuple[str | None, str | None, str], ...] = ()

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"unknown problem code {self.code!r}")
        if not self.severity:
            self.severity = CATALOGUE[self.code].severity

    def message(self, lang: str = "id") -> str:
        """The message in ``lang``, its template filled with ``params``."""
        return i18n.fill(CATALOGUE[self.code].message_template(lang), self._params(), lang)

    def remedy(self, lang: str = "id") -> str:
        """What to do about it, in ``lang``; may name the cell (``{cell}``), its column
        letter (``{column}``), sheet, row and item besides the problem's params."""
        params = self._params()
        loc = self.location
        for key, value in (("cell", loc.cell), ("sheet", loc.sheet), ("row", loc.row), ("item", loc.item),
                           ("column", _column_letters(loc.cell))):
            if value is not None:
                params.setdefault(key, value)
        return i18n.fill(CATALOGUE[self.code].remedy_template(lang), params, lang)

    def _params(self) -> dict[str, Any]:
        params = dict(self.params)
        params.setdefault("value", "" if self.value is None else self.value)
        return params

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.sheet or "", loc.row or 0, loc.column or 0, self.code)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        loc = self.location
        return {"code": self.code, "severity": self.severity, "file": loc.file, "sheet": loc.sheet,
                "cell": loc.cell, "row": loc.row, "column": loc.column, "item": loc.item,
                "message": self.message(lang), "remedy": self.remedy(lang),
                "value": self.value if isinstance(self.value, (str, int, float, bool, type(None))) else str(self.value),
                "caused_by": [{"sheet": s, "cell": c, "code": k} for s, c, k in self.caused_by] or None}


def _column_letters(cell: str | None) -> str | None:
    if not cell:
        return None
    letters = "".join(ch for ch in cell if ch.isalpha())
    return letters or None


_COUNT_KEYS = {ERROR: "count.errors", WARNING: "count.warnings", INFO: "count.infos"}


def severity_count(n: int, severity: str, lang: str | None = None) -> str:
    """``3 kesalahan`` / ``1 error`` / ``3 errors`` (singular/plural from the catalogue)."""
    return i18n.tn(_COUNT_KEYS.get(severity, "count.errors"), n, lang)


def is_derived(p: "Problem") -> bool:
    """True for a problem that only follows from another one (see ``caused_by``)."""
    return bool(p.caused_by)


def count_by_severity(problems) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for p in problems:
        out[p.severity] = out.get(p.severity, 0) + 1
    return out
