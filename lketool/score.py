"""Scoring: answers + rubric -> indicator, area, component and total scores, and the
WBK/WBBM verdict.  Pure functions, no I/O.

The default mode replays the official Lampiran III workbook: an item value is the
answer's multiplier, an indicator is ``AVERAGE(values) x weight`` where unanswered
items are left out (as Excel's AVERAGE skips the text "Blm Diisi"), areas and
components are sums.  ``strict=True`` counts an unanswered item as 0.  Nothing is
rounded; display code rounds.

Answer values given to :func:`compute_scores` are already normalised by the checks
(see :mod:`lketool.normalize`): the option key (``"A"``, ``"Ya"``), a float for survey
values and counts, or ``None`` when blank or invalid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping

from lketool.rubric import Indicator, Item, Rubric

RATIO_ZERO_RULE = 1.0  # 0 required and 0 done: nothing is outstanding (documented in docs/rubric.md)
# How 0/0 reads for a ratio item is data (the item's ``zero_rule`` in the rubric file, with its
# source): "nothing-to-do" (no complaints to handle: 100 %) or "undefined" (no change agents, no
# targets: the item has no value and the verdict cannot rest on it).
NOTHING_TO_DO, UNDEFINED = "nothing-to-do", "undefined"


def exact(x) -> Fraction:
    """The exact decimal a person typed or the rubric states: floats go through their
    shortest repr (0.67 -> 67/100, 3.6 -> 18/5), so that a value on a threshold compares
    equal to it instead of a binary neighbour."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(repr(float(x)))


@dataclass
class PctOutcome:
    """How a percentage item was derived, so checks can explain it."""

    value: float | None
    rule: str | None = None  # zero-denominator | zero-previous | capped | None
    denominator: float | None = None


def pct_value(item: Item, values: Mapping[str, Any], num_type: Callable = float) -> PctOutcome:
    """The fraction of a ``%`` item from its ``Jumlah`` inputs, per the official formula.

    A typed fraction (``values[item.id]``, already scaled to 0..1) is used only when the
    inputs are incomplete: that is what the workbook does once the K formula is typed over.
    ``num_type=exact`` computes in exact fractions (for verdicts).
    """
    def v(role):
        inp = item.input(role)
        x = values.get(inp.id) if inp else None
        return None if x is None else num_type(x)

    if item.formula == "decrease":
        prev, curr, sanc = v("prev"), v("curr"), v("sanctioned")
        if prev is None or curr is None or sanc is None:
            return PctOutcome(_typed(item, values, num_type))
        if prev == 0 and curr == 0:
            return PctOutcome(num_type(1))
        if prev == 0:
            # Excel shows #DIV/0!; violations rose from none, so there is no decrease.
            return PctOutcome(num_type(0), "zero-previous")
        d = (prev - curr) / prev
        return PctOutcome(num_type(0) if d < 0 else d)

    den = denominator(item, values)
    den = None if den is None else num_type(den)
    num = v("num")
    needs = [num, den]
    if item.input("in_process"):
        needs.append(v("in_process"))  # must be filled, though the formula does not use it
    if any(x is None for x in needs):
        return PctOutcome(_typed(item, values, num_type), denominator=den)
    if den == 0:
        if item.zero_rule == UNDEFINED:
            return PctOutcome(None, "zero-undefined", den)
        return PctOutcome(num_type(RATIO_ZERO_RULE), "zero-denominator", den)
    frac = num / den
    if frac > 1:
        return PctOutcome(num_type(1), "capped", den)
    return PctOutcome(frac, None, den)


def denominator(item: Item, values: Mapping[str, Any]) -> float | None:
    """The required count of a ratio item: its own input, or the sum of its parts.

    Lampiran III's LHKASN "Jumlah yang harus melaporkan" is a typed cell, but the
    regulation's example (90/2021 Lampiran III, lines 4049-4053: 3,00 = 1,00 + 1,00 + 1,00)
    and PortalRB 2026 (parts only) define it as the sum of its parts: the sum is used and
    a typed total that differs is reported (``count-inconsistent``).  The typed total is
    used only when a part is missing."""
    den = item.input("den")
    if den is not None:
        return values.get(den.id)
    total = item.input("total")
    parts = [i for i in item.inputs if i.role == "part"]
    pv = [values.get(p.id) for p in parts]
    if parts and all(x is not None for x in pv):
        return sum(pv)
    if total is not None and not total.computed:
        return values.get(total.id)
    return None


def _typed(item: Item, values: Mapping[str, Any], num_type: Callable = float):
    typed = values.get(item.id)
    return num_type(typed) if isinstance(typed, float) else None


def item_value(rubric: Rubric, item: Item, values: Mapping[str, Any], num_type: Callable = float):
    """The 0..1 value of one scored item, or None when it counts as not filled.

    A survey value outside 0..4 is clamped for the score shown; the verdict treats it as
    unknown (:mod:`lketool.verdict`)."""
    if item.type == "pct":
        return pct_value(item, values, num_type).value
    ans = values.get(item.id)
    if ans is None:
        return None
    if item.type == "survey":
        return min(max(num_type(ans), num_type(0)), num_type(4)) / 4
    v = rubric.options(item.type).get(ans)
    return None if v is None else num_type(v)


@dataclass
class IndicatorScore:
    id: str
    score: float
    weight: float
    answered: int
    expected: int

    @property
    def share(self) -> float:
        return self.score / self.weight if self.weight else 0.0


@dataclass
class Scores:
    """All scores of one answer set, at full precision."""

    indicators: dict[str, IndicatorScore]
    halves: dict[str, dict[str, float]]  # pemenuhan/reform -> area id -> score
    pemenuhan: float
    reform: float
    pengungkit: float
    ipak: float
    capaian_kinerja: float
    ipkp: float
    bersih_akuntabel: float
    pelayanan_prima: float
    hasil: float
    total: float
    ipak_survey: float | None
    ipkp_survey: float | None
    answered: int
    expected: int
    strict: bool = False
    area_weights: dict[str, dict[str, float]] = field(default_factory=dict)

    def area(self, area_id: str) -> float:
        return self.halves["pemenuhan"].get(area_id, 0.0) + self.halves["reform"].get(area_id, 0.0)

    def to_dict(self, rubric: Rubric) -> dict[str, Any]:
        areas = []
        for a in rubric.areas("pemenuhan"):
            wp, wr = self.area_weights["pemenuhan"][a.id], self.area_weights["reform"][a.id]
            p, r = self.halves["pemenuhan"][a.id], self.halves["reform"][a.id]
            areas.append({"id": a.id, "name": a.name, "weight": wp + wr, "pemenuhan": p, "reform": r,
                          "value": p + r, "share": (p + r) / (wp + wr),
                          "pemenuhan_share": p / wp, "reform_share": r / wr})
        return {"total": self.total, "pengungkit": self.pengungkit, "pemenuhan": self.pemenuhan,
                "reform": self.reform, "hasil": self.hasil, "bersih_akuntabel": self.bersih_akuntabel,
                "ipak": self.ipak, "capaian_kinerja": self.capaian_kinerja,
                "pelayanan_prima": self.pelayanan_prima, "ipkp": self.ipkp,
                "ipak_survey": self.ipak_survey, "ipkp_survey": self.ipkp_survey,
                "areas": areas,
                "completeness": {"answered": self.answered, "expected": self.expected,
                                 "ratio": self.answered / self.expected if self.expected else 0.0},
                "strict": self.strict}


def _indicator_score(rubric: Rubric, ind: Indicator, values, strict: bool, out: dict, nt=float,
                     force: Mapping[str, Any] | None = None) -> float:
    if ind.children:
        total = sum(_indicator_score(rubric, ch, values, strict, out, nt, force) for ch in ind.children)
        answered = sum(out[ch.id].answered for ch in ind.children)
        expected = sum(out[ch.id].expected for ch in ind.children)
        out[ind.id] = IndicatorScore(ind.id, total, nt(ind.weight), answered, expected)
        return total
    vals = [item_value(rubric, it, values, nt) for it in ind.items]
    answered = sum(v is not None for v in vals)
    if force:
        vals = [force.get(it.id, v) for it, v in zip(ind.items, vals)]
    got = [v for v in vals if v is not None]
    if strict:
        got = [nt(0) if v is None else v for v in vals]
    # AVERAGE of nothing is #DIV/0! in Excel; an indicator with no answer scores 0 here.
    score = (sum(got) / len(got)) * nt(ind.weight) if got else nt(0)
    out[ind.id] = IndicatorScore(ind.id, score, nt(ind.weight), answered, len(ind.items))
    return score


def compute_scores(rubric: Rubric, values: Mapping[str, Any], strict: bool = False, *,
                   num_type: Callable = float, force: Mapping[str, Any] | None = None) -> Scores:
    """Score one answer set (unit or TPI) against ``rubric``.

    ``num_type=exact`` gives every score as an exact :class:`~fractions.Fraction` (what the
    verdict compares); ``force`` (item id -> 0..1 value) overrides item values, which the
    verdict uses to bound scores whose inputs are unknowable."""
    nt = num_type
    inds: dict[str, IndicatorScore] = {}
    halves: dict[str, dict[str, float]] = {}
    weights: dict[str, dict[str, float]] = {}
    for half in ("pemenuhan", "reform"):
        halves[half] = {}
        weights[half] = {}
        for area in rubric.areas(half):
            halves[half][area.id] = sum(_indicator_score(rubric, ind, values, strict, inds, nt, force)
                                        for ind in area.indicators)
            weights[half][area.id] = nt(area.weight)
    metric = {}
    for sub_id in ("bersih_akuntabel", "pelayanan_prima"):
        for ind in rubric.subcomponent(sub_id).indicators:
            metric[ind.metric] = _indicator_score(rubric, ind, values, strict, inds, nt, force)
    pemenuhan = sum(halves["pemenuhan"].values())
    reform = sum(halves["reform"].values())
    bersih = metric["ipak"] + metric["capaian_kinerja"]
    prima = metric["ipkp"]
    answered = sum(s.answered for i, s in inds.items() if not rubric.indicators[i].children)
    expected = len(rubric.items)
    return Scores(indicators=inds, halves=halves, pemenuhan=pemenuhan, reform=reform,
                  pengungkit=reform + pemenuhan, ipak=metric["ipak"],
                  capaian_kinerja=metric["capaian_kinerja"], ipkp=metric["ipkp"],
                  bersih_akuntabel=bersih, pelayanan_prima=prima, hasil=bersih + prima,
                  # the official sheet sums TOTAL PENGUNGKIT then TOTAL HASIL (L208 = SUM(L198, L206))
                  total=(reform + pemenuhan) + (bersih + prima),
                  ipak_survey=_survey(rubric, "ipak", values), ipkp_survey=_survey(rubric, "ipkp", values),
                  answered=answered, expected=expected, strict=strict, area_weights=weights)


def _survey(rubric: Rubric, metric: str, values) -> float | None:
    item = rubric.metric_indicator(metric).items[0]
    v = values.get(item.id)
    return float(v) if v is not None else None
