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
from typing import Any, Mapping

from lketool.rubric import Indicator, Item, Rubric

RATIO_ZERO_RULE = 1.0  # 0 required and 0 done: nothing is outstanding (documented in docs/rubric.md)


@dataclass
class PctOutcome:
    """How a percentage item was derived, so checks can explain it."""

    value: float | None
    rule: str | None = None  # zero-denominator | zero-previous | capped | None
    denominator: float | None = None


def pct_value(item: Item, values: Mapping[str, Any]) -> PctOutcome:
    """The fraction of a ``%`` item from its ``Jumlah`` inputs, per the official formula.

    A typed fraction (``values[item.id]``, already scaled to 0..1) is used only when the
    inputs are incomplete: that is what the workbook does once the K formula is typed over.
    """
    def v(role):
        inp = item.input(role)
        return values.get(inp.id) if inp else None

    if item.formula == "decrease":
        prev, curr, sanc = v("prev"), v("curr"), v("sanctioned")
        if prev is None or curr is None or sanc is None:
            return PctOutcome(_typed(item, values))
        if prev == 0 and curr == 0:
            return PctOutcome(1.0)
        if prev == 0:
            # Excel shows #DIV/0!; violations rose from none, so there is no decrease.
            return PctOutcome(0.0, "zero-previous")
        d = (prev - curr) / prev
        return PctOutcome(0.0 if d < 0 else d)

    den = denominator(item, values)
    num = v("num")
    needs = [num, den]
    if item.input("in_process"):
        needs.append(v("in_process"))  # must be filled, though the formula does not use it
    if any(x is None for x in needs):
        return PctOutcome(_typed(item, values), denominator=den)
    if den == 0:
        return PctOutcome(RATIO_ZERO_RULE if num == 0 else 1.0, "zero-denominator", den)
    frac = num / den
    if frac > 1:
        return PctOutcome(1.0, "capped", den)
    return PctOutcome(frac, None, den)


def denominator(item: Item, values: Mapping[str, Any]) -> float | None:
    """The required count of a ratio item: its own input, the typed total row of the
    Lampiran III layout, or the sum of its parts (a computed total, or PortalRB)."""
    den = item.input("den")
    if den is not None:
        return values.get(den.id)
    total = item.input("total")
    parts = [i for i in item.inputs if i.role == "part"]
    if total is not None and total.id in values and not total.computed:
        return values.get(total.id)
    pv = [values.get(p.id) for p in parts]
    if not parts or any(x is None for x in pv):
        return None
    return sum(pv)


def _typed(item: Item, values: Mapping[str, Any]) -> float | None:
    typed = values.get(item.id)
    return typed if isinstance(typed, float) else None


def item_value(rubric: Rubric, item: Item, values: Mapping[str, Any]) -> float | None:
    """The 0..1 value of one scored item, or None when it counts as not filled."""
    if item.type == "pct":
        return pct_value(item, values).value
    ans = values.get(item.id)
    if ans is None:
        return None
    if item.type == "survey":
        return min(max(float(ans), 0.0), 4.0) / 4
    return rubric.options(item.type).get(ans)


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


def _indicator_score(rubric: Rubric, ind: Indicator, values, strict: bool, out: dict) -> float:
    if ind.children:
        total = sum(_indicator_score(rubric, ch, values, strict, out) for ch in ind.children)
        answered = sum(out[ch.id].answered for ch in ind.children)
        expected = sum(out[ch.id].expected for ch in ind.children)
        out[ind.id] = IndicatorScore(ind.id, total, ind.weight, answered, expected)
        return total
    vals = [item_value(rubric, it, values) for it in ind.items]
    got = [v for v in vals if v is not None]
    answered = len(got)
    if strict:
        got = [0.0 if v is None else v for v in vals]
    # AVERAGE of nothing is #DIV/0! in Excel; an indicator with no answer scores 0 here.
    score = (sum(got) / len(got)) * ind.weight if got else 0.0
    out[ind.id] = IndicatorScore(ind.id, score, ind.weight, answered, len(ind.items))
    return score


def compute_scores(rubric: Rubric, values: Mapping[str, Any], strict: bool = False) -> Scores:
    """Score one answer set (unit or TPI) against ``rubric``."""
    inds: dict[str, IndicatorScore] = {}
    halves: dict[str, dict[str, float]] = {}
    weights: dict[str, dict[str, float]] = {}
    for half in ("pemenuhan", "reform"):
        halves[half] = {}
        weights[half] = {}
        for area in rubric.areas(half):
            halves[half][area.id] = sum(_indicator_score(rubric, ind, values, strict, inds)
                                        for ind in area.indicators)
            weights[half][area.id] = area.weight
    metric = {}
    for sub_id in ("bersih_akuntabel", "pelayanan_prima"):
        for ind in rubric.subcomponent(sub_id).indicators:
            metric[ind.metric] = _indicator_score(rubric, ind, values, strict, inds)
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


# ---------------------------------------------------------------- predicates

CRITERIA_LABELS = {
    "total": ("Nilai total (pengungkit + hasil)", "Total score (enablers + results)"),
    "pengungkit": ("Nilai komponen pengungkit", "Enablers (pengungkit) score"),
    "area": ("Capaian area {name}", "Area share {name}"),
    "bersih_akuntabel": ("Hasil birokrasi bersih dan akuntabel", "Clean and accountable bureaucracy"),
    "ipak": ("Nilai survei persepsi anti korupsi (IPAK)", "Anti-corruption perception survey (IPAK)"),
    "capaian_kinerja": ("Capaian kinerja lebih baik", "Better performance achievement"),
    "pelayanan_prima": ("Hasil pelayanan publik prima (IPKP)", "Excellent public service (IPKP)"),
}


def evaluate_predicates(rubric: Rubric, scores: Scores, per_half: bool = False) -> dict[str, Any]:
    """WBK and WBBM eligibility: every criterion with its value, minimum, met, gap.

    The per-area criterion uses each area's Pemenuhan + Reform share by default;
    ``per_half=True`` requires the minimum share in each half separately (stricter).
    Comparisons are ``>=`` at full precision."""
    out = {}
    for pred_id, pred in rubric.predicates.items():
        crits = []
        for c in pred["criteria"]:
            if c["metric"] == "area_share":
                for a in rubric.areas("pemenuhan"):
                    halves = ("pemenuhan", "reform") if per_half else (None,)
                    for half in halves:
                        if half is None:
                            value = scores.area(a.id) / rubric.area_weight(a.id)
                            cid, suffix = f"area:{a.id}", ""
                        else:
                            value = scores.halves[half][a.id] / scores.area_weights[half][a.id]
                            cid, suffix = f"area:{a.id}:{half}", f" ({half})"
                        crits.append(_criterion(cid, "area", value, c["min"], name=a.title + suffix,
                                                unit="share"))
                continue
            value = getattr(scores, c["metric"])
            crit = _criterion(c["id"], c["id"], value, c["min"])
            if "survey_min" in c:
                crit["survey_min"] = c["survey_min"]
                crit["survey_value"] = scores.ipak_survey if c["metric"] == "ipak" else scores.ipkp_survey
            crits.append(crit)
        result = {"label": pred["label"], "eligible": all(x["met"] for x in crits), "criteria": crits,
                  "missed": [x["id"] for x in crits if not x["met"]]}
        if pred.get("prerequisite") == "wbk-held":
            result["prerequisite"] = {
                "id": "wbk-held", "checked": False,
                "label": "Unit sudah berpredikat Menuju WBK (tidak dapat diperiksa dari LKE)",
                "label_en": "The unit already holds the Menuju WBK predicate (cannot be checked from the LKE)"}
        out[pred_id] = result
    return out


def _criterion(cid: str, kind: str, value: float, minimum: float, name: str = "", unit: str = "points"):
    lid, len_ = CRITERIA_LABELS[kind]
    return {"id": cid, "label": lid.format(name=name), "label_en": len_.format(name=name),
            "value": value, "minimum": minimum, "met": value >= minimum, "gap": value - minimum,
            "unit": unit}
