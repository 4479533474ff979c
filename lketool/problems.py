"""Findings: what lketool says about a workbook.

Every kind of problem has a stable kebab-case code in :data:`CATALOGUE`, a default
severity and a message template in Bahasa Indonesia and English.  A :class:`Problem`
is a plain record with its location; exceptions are kept for faults (see
:mod:`lketool.errors`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    title_id: str
    title_en: str
    message_id: str
    message_en: str


def _k(code, severity, title_id, title_en, message_id, message_en):
    return Kind(code, severity, title_id, title_en, message_id, message_en)


CATALOGUE: dict[str, Kind] = {k.code: k for k in [
    _k("answer-missing", ERROR, "Jawaban kosong", "Answer missing",
       "Pertanyaan belum dijawab: {text}",
       "Question not answered: {text}"),
    _k("answer-invalid", ERROR, "Jawaban tidak sah", "Invalid answer",
       "Jawaban '{value}' bukan pilihan yang sah; yang boleh: {allowed}",
       "Answer '{value}' is not an allowed option; allowed: {allowed}"),
    _k("answer-as-text", WARNING, "Angka ditulis sebagai teks", "Number typed as text",
       "Nilai '{value}' ditulis sebagai teks; dibaca sebagai {number}. Ketik sebagai angka agar rumus Excel ikut menghitungnya",
       "Value '{value}' is text; read as {number}. Type it as a number so the Excel formulas use it"),
    _k("answer-type-altered", ERROR, "Pilihan Jawaban diubah", "Answer type altered",
       "Kolom Pilihan Jawaban berisi '{value}', seharusnya '{expected}'; rumus Nilai resmi tidak lagi menghitung baris ini",
       "The Pilihan Jawaban cell says '{value}' instead of '{expected}'; the official Nilai formula no longer scores this row"),
    _k("count-invalid", ERROR, "Jumlah tidak sah", "Invalid count",
       "Jumlah '{value}' tidak sah: {reason}",
       "Count '{value}' is not valid: {reason_en}"),
    _k("count-inconsistent", WARNING, "Jumlah tidak konsisten", "Inconsistent counts",
       "{detail}", "{detail_en}"),
    _k("survey-out-of-range", ERROR, "Nilai survei di luar 0-4", "Survey value out of range",
       "Nilai survei {value} di luar rentang 0-4; untuk perhitungan dipakai {used}",
       "Survey value {value} is outside 0-4; {used} is used for scoring"),
    _k("evidence-missing", ERROR, "Bukti dukung tidak ada", "Evidence missing",
       "Pertanyaan sudah dijawab tetapi tidak ada tautan/path bukti dukung",
       "Answered, but no evidence link or path is given"),
    _k("evidence-invalid", ERROR, "Bukti dukung tidak sah", "Invalid evidence",
       "Bukti dukung '{value}' bukan tautan (URL) atau path berkas",
       "Evidence '{value}' is not a link (URL) or a file path"),
    _k("evidence-duplicate", WARNING, "Bukti dukung dipakai berulang", "Evidence reused",
       "Tautan yang sama juga dipakai untuk {others} (indikator lain)",
       "The same link is also used for {others} (other indicators)"),
    _k("evidence-locked", ERROR, "Tautan bukti terkunci", "Evidence link locked",
       "Tautan bukti dukung meminta login / belum dibagikan: {value}",
       "Evidence link needs sign-in / is not shared: {value}"),
    _k("evidence-not-found", ERROR, "Tautan bukti tidak ditemukan", "Evidence link not found",
       "Tautan bukti dukung tidak ditemukan (404): {value}",
       "Evidence link not found (404): {value}"),
    _k("evidence-unreachable", WARNING, "Tautan bukti tidak dapat dibuka", "Evidence link unreachable",
       "Tautan bukti dukung tidak dapat dibuka ({detail}): {value}",
       "Evidence link could not be opened ({detail_en}): {value}"),
    _k("formula-overwritten", ERROR, "Rumus ditimpa", "Formula overwritten",
       "Sel ini seharusnya berisi rumus tetapi berisi nilai ketikan '{shown}'",
       "This cell should hold a formula but holds the typed value '{shown_en}'"),
    _k("formula-altered", ERROR, "Rumus menyimpang", "Formula departs from the rubric",
       "Rumus {formula} tidak sesuai rubrik: {detail}",
       "Formula {formula} departs from the rubric: {detail_en}"),
    _k("score-mismatch", ERROR, "Nilai berbeda", "Score mismatch",
       "Nilai di workbook {cached} berbeda dari hasil hitung ulang {computed} ({what}{diff}){cause}",
       "The workbook shows {cached_en} but the recomputed value is {computed_en} ({what_en}{diff_en}){cause_en}"),
    _k("cached-values-missing", WARNING, "Nilai tersimpan tidak ada", "Cached values missing",
       "Berkas disimpan tanpa hasil hitung rumus (mis. dibuat oleh program, bukan Excel); nilai workbook tidak dapat dibandingkan. Buka dan simpan ulang di Excel/LibreOffice",
       "The file was saved without computed formula values; the workbook's own scores cannot be compared. Open and save it again in Excel/LibreOffice"),
    _k("item-unmapped", ERROR, "Butir tidak ditemukan", "Item not mapped",
       "{detail}", "{detail_en}"),
    _k("sheet-missing", ERROR, "Sheet LKE tidak ada", "LKE sheet missing",
       "Tidak ditemukan sheet LKE (mis. 'LKE ZI' atau 'Jawaban') dengan kolom Pilihan Jawaban/Jawaban",
       "No LKE sheet (e.g. 'LKE ZI' or 'Jawaban') with Pilihan Jawaban/Jawaban columns was found"),
    _k("sheet-ambiguous", INFO, "Lebih dari satu sheet LKE", "More than one LKE sheet",
       "Yang dibaca sheet '{sheet}'; workbook ini juga berisi LKE di sheet {others} yang tidak dibaca",
       "Sheet '{sheet}' was read; this workbook also holds an LKE in sheet {others}, which was not read"),
    _k("hidden-content", INFO, "Isian tersembunyi", "Hidden content",
       "{detail}", "{detail_en}"),
    _k("unit-differs-tpi", INFO, "Jawaban unit berbeda dari TPI", "Unit and TPI answers differ",
       "Jawaban unit '{unit}' berbeda dari jawaban TPI '{tpi}'",
       "Unit answer '{unit}' differs from TPI answer '{tpi}'"),
]}


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

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"unknown problem code {self.code!r}")
        if not self.severity:
            self.severity = CATALOGUE[self.code].severity

    def message(self, lang: str = "id") -> str:
        kind = CATALOGUE[self.code]
        template = kind.message_en if lang == "en" else kind.message_id
        params = _SafeDict(self.params)
        params.setdefault("value", "" if self.value is None else self.value)
        return template.format_map(params)

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.sheet or "", loc.row or 0, loc.column or 0, self.code)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        loc = self.location
        return {"code": self.code, "severity": self.severity, "file": loc.file, "sheet": loc.sheet,
                "cell": loc.cell, "row": loc.row, "column": loc.column, "item": loc.item,
                "message": self.message(lang),
                "value": self.value if isinstance(self.value, (str, int, float, bool, type(None))) else str(self.value)}


class _SafeDict(dict):
    # A template naming a param the check did not give shows it empty rather than crash.
    def __missing__(self, key):
        if key.endswith("_en") and key[:-3] in self:
            return self[key[:-3]]
        return ""


def count_by_severity(problems) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for p in problems:
        out[p.severity] = out.get(p.severity, 0) + 1
    return out
