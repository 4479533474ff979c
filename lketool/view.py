"""One view of a result's scores: which rows, in what order, under which labels.

Every output (terminal, CSV, xlsx, JSON, recap, reports, mail, the page) takes its score
rows from :func:`score_rows` and only formats them; the verdict and its words come from
:mod:`lketool.verdict`."""
from __future__ import annotations

from typing import Any

# key, Indonesian label, English label, indent level.  The maximum of each row comes from
# the rubric's weights (see _maximum).
SCORE_ROWS: tuple[tuple[str, str, str, int], ...] = (
    ("total", "Nilai total", "Total score", 0),
    ("pengungkit", "Pengungkit", "Enablers (pengungkit)", 0),
    ("pemenuhan", "Pemenuhan", "Fulfilment (pemenuhan)", 1),
    ("reform", "Reform", "Reform", 1),
    ("hasil", "Hasil", "Results (hasil)", 0),
    ("bersih_akuntabel", "Birokrasi bersih dan akuntabel", "Clean and accountable bureaucracy", 1),
    ("ipak", "IPAK (survei persepsi antikorupsi)", "IPAK (anti-corruption perception survey)", 2),
    ("capaian_kinerja", "Capaian kinerja", "Performance achievement", 2),
    ("pelayanan_prima", "Pelayanan publik prima (IPKP)", "Excellent public service (IPKP)", 1),
)


SCORE_KEYS: tuple[str, ...] = tuple(k for k, *_ in SCORE_ROWS)


def score_label(key: str, lang: str = "id") -> str:
    """The label of a score row key (``total``, ``pengungkit``, ..., ``area:MP``)."""
    for k, lid, len_, _ in SCORE_ROWS:
        if k == key:
            return len_ if lang == "en" else lid
    raise KeyError(key)


def _maximum(rubric, key: str) -> float | None:
    comps = {c.id: c for c in rubric.components}
    if key == "total":
        return sum(c.weight for c in rubric.components)
    if key in comps:
        return comps[key].weight
    sub = rubric.subcomponent(key)
    if sub is not None:
        return sub.weight
    try:
        return rubric.metric_indicator(key).weight
    except StopIteration:
        return None


def score_rows(result, lang: str = "id") -> list[dict[str, Any]] | None:
    """The ordered score rows of a :class:`lketool.api.FileResult`: components, then one
    row per area (``key`` ``area:<id>``, with ``share``).  ``value`` is the unit's score,
    ``tpi`` the TPI's, ``workbook`` the value stored in the workbook; all at full precision."""
    s = result.scores
    if s is None:
        return None
    t, wb, rb = result.tpi_scores, result.workbook_scores or {}, result.rubric
    rows = []
    for key, lid, len_, level in SCORE_ROWS:
        rows.append({"key": key, "label": len_ if lang == "en" else lid, "level": level,
                     "value": getattr(s, key), "tpi": getattr(t, key) if t else None,
                     "workbook": wb.get(key), "max": _maximum(rb, key)})
    for a in rb.areas("pemenuhan"):
        w = rb.area_weight(a.id)
        v = s.area(a.id)
        rows.append({"key": f"area:{a.id}", "label": a.title_in(lang), "level": 1, "value": v,
                     "tpi": t.area(a.id) if t else None, "workbook": None, "max": w, "share": v / w,
                     "tpi_share": t.area(a.id) / w if t else None})
    return rows
