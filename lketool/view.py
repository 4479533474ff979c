"""One view of a result's scores: which rows, in what order, under which labels.

Every output (terminal, CSV, xlsx, JSON, recap, reports, mail, the page) takes its score
rows from :func:`score_rows` and only formats them; the verdict and its words come from
:mod:`lketool.verdict`."""
from __future__ import annotations

from typing import Any

from lketool.i18n import t

# key, indent level; the label is the catalogue's score-row.<key>.  The maximum of each row
# comes from the rubric's weights (see _maximum).
SCORE_ROWS: tuple[tuple[str, int], ...] = (
    ("total", 0),
    ("pengungkit", 0),
    ("pemenuhan", 1),
    ("reform", 1),
    ("hasil", 0),
    ("bersih_akuntabel", 1),
    ("ipak", 2),
    ("capaian_kinerja", 2),
    ("pelayanan_prima", 1),
)


SCORE_KEYS: tuple[str, ...] = tuple(k for k, _ in SCORE_ROWS)


def score_label(key: str, lang: str = "id") -> str:
    """The label of a score row key (``total``, ``pengungkit``, ..., ``pelayanan_prima``)."""
    if key not in SCORE_KEYS:
        raise KeyError(key)
    return t(f"score-row.{key}", lang)


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
    for key, level in SCORE_ROWS:
        rows.append({"key": key, "label": score_label(key, lang), "level": level,
                     "value": getattr(s, key), "tpi": getattr(t, key) if t else None,
                     "workbook": wb.get(key), "max": _maximum(rb, key)})
    for a in rb.areas("pemenuhan"):
        w = rb.area_weight(a.id)
        v = s.area(a.id)
        rows.append({"key": f"area:{a.id}", "label": a.title_in(lang), "level": 1, "value": v,
                     "tpi": t.area(a.id) if t else None, "workbook": None, "max": w, "share": v / w,
                     "tpi_share": t.area(a.id) / w if t else None})
    return rows
