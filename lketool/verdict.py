"""The WBK/WBBM verdict: which conditions hold, which cannot be decided, whose answers
decided, and the words every output prints.

This module owns eligibility.  Scores come from :mod:`lketool.score` (the official
formulas replayed in binary floats, which is what the workbook shows); the *comparisons*
here are exact: every score is recomputed in :class:`~fractions.Fraction` from the
decimal literals a person typed and the rubric states, so a value that is mathematically
on a minimum (an area at exactly 75 %, IPAK 3.60 -> 15.75) meets it.  The regulation has
no rounding rule (PermenPANRB 90/2021 Tabel 6: every threshold is a "minimal").

A criterion whose value cannot be known (a survey outside 0-4, an indicator with no
answer at all, a ratio whose 0/0 leaves the obligation undefined) is bounded: its unknown
items are set to 0 and to 1.  If the minimum holds at the low end it is met, if it fails
at the high end it is not met, otherwise it is *undetermined* and so is the verdict
(``eligible: None``), with the items that block it.

Rules and their sources: ``docs/rubric.md``; thresholds and labels: the rubric file's
``predicates``."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from lketool.layouts import PORTALRB_2026
from lketool.rubric import Rubric
from lketool.score import UNDEFINED, Scores, compute_scores, exact, item_value, pct_value

MET, NOT_MET, UNDETERMINED = "memenuhi", "tidak-memenuhi", "tidak-dapat-ditentukan"

class _Words:
    """The verdict words of one language, from the message catalogue (keys ``verdict.*`` of
    ``lketool/data/messages/<lang>.json``): the same in the terminal, CSV, recap, reports,
    mail and the page.  A language added as data gets them too."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        from lketool.i18n import template

        return template(f"verdict.{key}", self.lang)


def words(lang: str | None = None) -> _Words:
    """The verdict words of ``lang`` (default: the run's language): ``words("en")["memenuhi"]``."""
    return _Words(_lang(lang))


def word(status: str | None, lang: str | None = None) -> str:
    """The verdict word for a status (``memenuhi`` ... or None for undetermined)."""
    return words(lang)[status or UNDETERMINED]


def _lang(lang: str | None) -> str:
    from lketool.i18n import get_lang

    return lang or get_lang()


def status_of(eligible: bool | None) -> str:
    return MET if eligible is True else NOT_MET if eligible is False else UNDETERMINED


# ---------------------------------------------------------------- unknowable items

def unknown_items(rubric: Rubric, values: Mapping[str, Any], strict: bool = False) -> dict[str, dict]:
    """Items whose value cannot be known from the answers, with the reason:
    a survey outside 0-4, a ratio whose 0/0 leaves the obligation undefined, and (unless
    ``strict``, which reads blanks as 0) every item of an indicator with no answer at all."""
    out: dict[str, dict] = {}
    for ind in rubric.walk_indicators():
        if ind.children:
            continue
        answered = 0
        for it in ind.items:
            if it.type == "survey":
                v = values.get(it.id)
                if v is not None and not 0 <= float(v) <= 4:
                    out[it.id] = {"reason": "survey", "item": it.id, "value": v}
            if it.type == "pct" and it.zero_rule == UNDEFINED:
                if pct_value(it, values).rule == "zero-undefined":
                    out[it.id] = {"reason": "zero-undefined", "item": it.id}
            if item_value(rubric, it, values) is not None or it.id in out:
                answered += 1
        if answered == 0 and not strict:
            for it in ind.items:
                out[it.id] = {"reason": "blank-indicator", "item": ind.id}
    return out


def departures(rubric: Rubric, values: Mapping[str, Any]) -> list[dict]:
    """lketool's stated departures from the official workbook that were applied here."""
    out = []
    for it in rubric.items.values():
        if it.type != "pct":
            continue
        rule = pct_value(it, values).rule
        if rule in ("zero-denominator", "zero-previous"):
            out.append({"rule": rule, "item": it.id})
        total = it.input("total")
        if total is not None and not total.computed and values.get(total.id) is not None:
            parts = [values.get(i.id) for i in it.inputs if i.role == "part"]
            if all(p is not None for p in parts) and sum(parts) != values.get(total.id):
                out.append({"rule": "typed-total", "item": it.id})
    return out


# ---------------------------------------------------------------- eligibility

def _metric(scores: Scores, rubric: Rubric, crit: Mapping, area_id=None, half=None):
    m = crit["metric"]
    if m == "area_share":
        if half is None:
            return scores.area(area_id) / (scores.area_weights["pemenuhan"][area_id]
                                           + scores.area_weights["reform"][area_id])
        return scores.halves[half][area_id] / scores.area_weights[half][area_id]
    if m == "indicator_share":
        return min(scores.indicators[i].share for i in crit["indicators"])
    return getattr(scores, m)


def evaluate(rubric: Rubric, values: Mapping[str, Any], *, strict: bool = False, per_half: bool = False,
             scores: Scores | None = None, has_wbk: bool | None = None,
             declared: Iterable[str] = (), where: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """WBK and WBBM eligibility of one answer set: every criterion with its value (full
    precision float), minimum, ``met`` (True/False/None = undetermined), gap and source.

    ``has_wbk`` declares whether the unit already holds Menuju WBK (None: unknown, the
    WBBM verdict is then conditional); ``declared`` names conditions that the LKE cannot
    show and the user declares met; ``where(item_id)`` gives a cell for messages."""
    scores = scores or compute_scores(rubric, values, strict=strict)
    unknown = unknown_items(rubric, values, strict)
    bounds = _Bounds(rubric, values, strict, unknown, scores)
    declared = set(declared)
    out = {}
    for pred_id, pred in rubric.predicates.items():
        crits = []
        for c in pred["criteria"]:
            targets = [(c["id"], None, None, ("", ""))]
            if c["metric"] == "area_share":
                halves = ("pemenuhan", "reform") if per_half else (None,)
                targets = [(f"area:{a.id}" + (f":{h}" if h else ""), a.id, h,
                            (a.title + (f" ({h})" if h else ""), a.title_in("en") + (f" ({h})" if h else "")))
                           for a in rubric.areas("pemenuhan") for h in halves]
            for cid, area_id, half, name in targets:
                crits.append(_criterion(rubric, c, cid, name, area_id, half, scores, bounds, unknown, where))
        met = [x["met"] for x in crits]
        eligible = False if False in met else (None if None in met else True)
        result = {"label": pred["label"], "label_en": pred.get("label_en", pred["label"]),
                  "eligible": eligible, "status": status_of(eligible), "criteria": crits,
                  "missed": [x["id"] for x in crits if x["met"] is False],
                  "blocking": [x["id"] for x in crits if x["met"] is None],
                  "not_checked": [{"id": n["id"], "label": n["label"], "label_en": n.get("label_en", n["label"]),
                                   "source": n.get("source", ""), "declared": n["id"] in declared}
                                  for n in pred.get("not_checked", [])]}
        pre = pred.get("prerequisite")
        if pre:
            result["prerequisite"] = {"id": pre["id"], "label": pre["label"], "label_en": pre.get("label_en", ""),
                                      "source": pre.get("source", ""), "checked": False, "declared": has_wbk}
            if has_wbk is False:
                result["missed"].append(pre["id"])
                result["eligible"], result["status"] = False, NOT_MET
            result["conditional"] = has_wbk is None and result["eligible"] is True
        out[pred_id] = result
    return out


# Binary-float sums of these scores (at most 100, a few hundred terms) are within ~1e-13 of the
# exact value: a float farther than this from a minimum decides the comparison; nearer, the
# exact fractions decide.
NEAR = 1e-9


class _Bounds:
    """The scores with unknowable items at 0 (``lo``) and at 1 (``hi``): in floats, and in
    exact fractions only when a criterion lies near its line (Fraction arithmetic costs ~3 ms)."""

    def __init__(self, rubric, values, strict, unknown, scores):
        self.args = (rubric, values, strict)
        self.unknown = unknown
        if unknown:
            self.lo = compute_scores(rubric, values, strict, force={k: 0.0 for k in unknown})
            self.hi = compute_scores(rubric, values, strict, force={k: 1.0 for k in unknown})
        else:
            self.lo = self.hi = scores
        self._exact = None

    def exact(self):
        if self._exact is None:
            rubric, values, strict = self.args
            lo = compute_scores(rubric, values, strict, num_type=exact, force={k: exact(0) for k in self.unknown})
            hi = lo if not self.unknown else compute_scores(rubric, values, strict, num_type=exact,
                                                            force={k: exact(1) for k in self.unknown})
            self._exact = (lo, hi)
        return self._exact


def _criterion(rubric, c, cid, name, area_id, half, scores, bounds, unknown, where) -> dict:
    value = _metric(scores, rubric, c, area_id, half)
    vlo, vhi = _metric(bounds.lo, rubric, c, area_id, half), _metric(bounds.hi, rubric, c, area_id, half)
    minimum = c["min"]
    if abs(vlo - minimum) <= NEAR or abs(vhi - minimum) <= NEAR:
        lo, hi = bounds.exact()
        vlo, vhi = _metric(lo, rubric, c, area_id, half), _metric(hi, rubric, c, area_id, half)
        minimum_cmp = exact(minimum)
    else:
        minimum_cmp = minimum
    met = True if vlo >= minimum_cmp else (False if vhi < minimum_cmp else None)
    short = {"area": cid.split(":", 1)[1].replace(":", " ") if area_id else ""}
    name, name_en = name
    crit = {"id": cid, "label": c["label"].format(name=name), "label_en": c.get("label_en", c["label"]).format(name=name_en),
            "short": c.get("short", c["label"]).format(**short),
            "short_en": c.get("short_en", c.get("short", c["label"])).format(**short),
            "value": float(value), "minimum": minimum, "met": met, "gap": float(value) - minimum,
            "unit": "share" if c["metric"] in ("area_share", "indicator_share") else "points",
            "kind": c.get("kind", "threshold"), "source": c.get("source", "")}
    if "survey_min" in c:
        crit["survey_min"] = c["survey_min"]
        crit["survey_value"] = scores.ipak_survey if c["metric"] == "ipak" else scores.ipkp_survey
    if met is None:
        crit["blocked_by"] = [dict(u, item_id=k, cell=where(k) if where else None)
                              for k, u in unknown.items() if _feeds(rubric, c, k, area_id, half)]
    return crit


def _feeds(rubric: Rubric, c, item_id: str, area_id, half) -> bool:
    """Whether an item is part of what a criterion measures (for naming what blocks it)."""
    item = rubric.items[item_id]
    ind = rubric.indicators[item.indicator_id]
    m = c["metric"]
    if m in ("total",):
        return True
    if m == "pengungkit":
        return ind.half in ("pemenuhan", "reform")
    if m == "area_share":
        return ind.area_id == area_id and (half is None or ind.half == half)
    if m == "indicator_share":
        top = ind
        ids = set(c["indicators"])
        while top is not None and top.id not in ids:
            top = rubric.indicators.get(top.parent_id) if top.parent_id else None
        return top is not None
    if m == "bersih_akuntabel":
        return ind.metric in ("ipak", "capaian_kinerja")
    if m == "pelayanan_prima":
        return ind.metric == "ipkp"
    return ind.metric == m


# ---------------------------------------------------------------- the verdict of a result

def decide(result, *, has_wbk: bool | None = None, declared: Iterable[str] = ()) -> None:
    """Fill ``result.eligibility`` (unit), ``result.tpi_eligibility`` (TPI, when the workbook
    carries TPI answers) and their strict counterparts for a :class:`lketool.api.FileResult`."""
    rb = result.rubric
    opts = dict(per_half=result.per_half, has_wbk=has_wbk, declared=declared, where=_where(result))
    result.eligibility = evaluate(rb, result.values, strict=result.strict, scores=result.scores, **opts)
    result.strict_eligibility = None
    if not result.strict and result.scores.answered < result.scores.expected:
        result.strict_eligibility = evaluate(rb, result.values, strict=True, **opts)
    result.tpi_eligibility = result.tpi_strict_eligibility = None
    if result.tpi_scores is not None:
        result.tpi_eligibility = evaluate(rb, result.tpi_values, strict=result.strict, scores=result.tpi_scores,
                                          **opts)
        if not result.strict and result.tpi_scores.answered < result.tpi_scores.expected:
            result.tpi_strict_eligibility = evaluate(rb, result.tpi_values, strict=True, **opts)


def _where(result) -> Callable[[str], str | None]:
    def where(item_id: str) -> str | None:
        m = result.mapped
        e = m.entries.get(item_id) if m else None
        if e is None:
            item = result.rubric.items.get(item_id)
            first = item.inputs[0].id if item is not None and item.inputs else None
            e = m.entries.get(first) if (m and first) else None
        return f"{result.sheet}!{e.answer_cell}" if e is not None else None
    return where


def verdict_for(result, lang: str = "id") -> dict[str, Any] | None:
    """The headline verdict of a result (the TPI's when the workbook carries TPI answers),
    with the sentences every output prints (``lines``).  None for an unreadable file."""
    if result.error is not None or result.eligibility is None:
        return None
    lang = _lang(lang)
    W = words(lang)
    basis = "tpi" if result.tpi_eligibility is not None else "unit"
    elig = result.tpi_eligibility if basis == "tpi" else result.eligibility
    strict_elig = result.tpi_strict_eligibility if basis == "tpi" else result.strict_eligibility
    scores = result.tpi_scores if basis == "tpi" else result.scores
    values = result.tpi_values if basis == "tpi" else result.values
    provisional = strict_elig is not None
    reading = "per-half" if result.per_half else "area"
    out: dict[str, Any] = {"basis": basis, "reading": reading, "provisional": provisional}
    lines = [W["heading"].format(basis=W[f"basis.{basis}"], reading=W[f"reading.{reading}"])]
    for key, e in elig.items():
        status = e["status"]
        text = f"{_label(e, lang)}: {word(status, lang)}"
        if provisional:
            text += f" ({W['provisional']})"
        if e.get("conditional"):
            text += f", {W['conditional']}"
        elif e.get("prerequisite") and e["prerequisite"]["declared"] is True:
            text += f" ({W['prereq.declared']})"
        elif e.get("prerequisite") and e["prerequisite"]["declared"] is False:
            text += f" ({W['prereq.denied']})"
        lines.append("  " + text)
        for c in e["criteria"]:
            if c["met"] is False:
                lines.append("    - " + _missed_line(c, lang))
            elif c["met"] is None:
                lines.append("    - " + W["blocked"].format(label=_label(c, lang),
                                                          reasons="; ".join(_reason(b, lang) for b in c["blocked_by"])))
        out.setdefault("predicates", []).append(key)
        out[key] = {"status": status, "eligible": e["eligible"], "provisional": provisional,
                    "conditional": bool(e.get("conditional")), "text": text,
                    "missed": list(e["missed"]), "blocking": list(e["blocking"]),
                    "not_checked": [{"id": n["id"], "label": _label(n, lang), "declared": n["declared"]}
                                    for n in e["not_checked"]]}
    if provisional:
        n = scores.expected - scores.answered
        strict_words = ", ".join(f"{_label(e, lang)} {word(e['status'], lang)}" for e in strict_elig.values())
        lines.append("  " + W[f"provisional.{basis}"].format(n=n) + "; " + W["strict"].format(verdicts=strict_words))
        out["strict"] = {k: e["status"] for k, e in strict_elig.items()}
    first = next(iter(elig.values()))
    pending = [n for n in first["not_checked"] if not n["declared"]]
    done = [n for n in first["not_checked"] if n["declared"]]
    if pending:
        lines.append("  " + W["not_checked"])
        lines.extend(f"    - {_label(n, lang)} [{n['id']}]" for n in pending)
    if done:
        lines.append("  " + W["declared"].format(items="; ".join(_label(n, lang) for n in done)))
    deps = departures(result.rubric, values)
    if deps:
        lines.append("  " + W["departures"].format(items="; ".join(W[f"dep.{d['rule']}"].format(item=d["item"])
                                                                   for d in deps)))
    out["departures"] = deps
    if basis == "tpi":
        lines.append("  " + W["self"].format(verdicts=", ".join(
            f"{_label(e, lang)} {word(e['status'], lang)}" for e in result.eligibility.values())))
    if result.layout == PORTALRB_2026:
        lines.append("  " + W["portalrb.116"])
    errors = sum(1 for p in result.problems if p.severity == "error")
    if errors:
        lines.append("  " + W["errors"].format(n=errors))
    out["errors"] = errors
    out["lines"] = lines
    return out


def _label(d: Mapping, lang: str) -> str:
    return d.get("label_en") or d["label"] if lang == "en" else d["label"]


def _reason(b: Mapping, lang: str) -> str:
    W = words(lang)
    text = W[f"reason.{b['reason']}"].format(value=b.get("value", ""), item=b.get("item", ""))
    return text + (W["at"].format(cell=b["cell"]) if b.get("cell") else "")


def _missed_line(c: Mapping, lang: str) -> str:
    from lketool import display as show

    if c["id"] == "wbk-held":
        return _label(c, lang)
    if c["unit"] == "share":
        value = show.percent_below(c["value"], c["minimum"], 2, lang)
        minimum = show.minimum(round(c["minimum"] * 100, 9), lang) + "%"
        gap = show.difference(c["gap"] * 100, 2, lang)
    else:
        value = show.number_below(c["value"], c["minimum"], 2, lang)
        minimum = show.minimum(c["minimum"], lang)
        gap = show.difference(c["gap"], 2, lang)
    return words(lang)["missed"].format(label=_label(c, lang), value=value, minimum=minimum, gap=gap)


# ---------------------------------------------------------------- documents

def headline(verdict: Mapping[str, Any]) -> str:
    """One line for a subject, a mail or a table cell: ``Menuju WBK: MEMENUHI; Menuju WBBM: …``
    (the same texts as the terminal)."""
    return "; ".join(verdict[k]["text"] for k in verdict.get("predicates", ("wbk", "wbbm")) if k in verdict)


def criterion_word(met: bool | None, lang: str | None = None) -> str:
    """Terpenuhi / Tidak terpenuhi / Tidak dapat ditentukan for one criterion."""
    key = "criterion.met" if met is True else "criterion.not-met" if met is False else "criterion.undetermined"
    return words(lang)[key]


def sentences(result, lang: str | None = None) -> list[str]:
    """The verdict as sentences for a letter (no command-line hints): basis and reading, each
    predicate with what it missed or could not decide, the provisional note, the conditions the
    LKE cannot show, the self-assessment beside a TPI verdict, and the errors note."""
    parts = letter_parts(result, lang)
    if not parts:
        return []
    W = words(_lang(lang))
    out = [parts["basis"]] + parts["predicates"] + parts["notes"]
    if parts["not_checked"]:
        out.append(_sentence(W["not_checked.doc"].format(items="; ".join(parts["not_checked"]))))
    if parts["declared"]:
        out.append(_sentence(W["declared.doc"].format(items="; ".join(parts["declared"]))))
    return out


def letter_parts(result, lang: str | None = None) -> dict[str, Any]:
    """The pieces of :func:`sentences` apart, for a document that sets them out (a table of
    the deciding criteria, a list of the conditions not checked) instead of one paragraph:
    ``basis`` (whose answers decided, and the area reading), ``predicates`` (one sentence per
    predicate), ``headline`` (per predicate: key, label, status, eligible and its words),
    ``notes`` (provisional, departures, the self-assessment beside a TPI verdict, PortalRB
    soal 116, errors), ``not_checked`` and ``declared`` (labels), and ``words``: the
    document's headings for them (catalogue keys ``verdict.doc.*``).  Empty for an unreadable file."""
    v = verdict_for(result, _lang(lang))
    if v is None:
        return {}
    lang = _lang(lang)
    W = words(lang)
    elig = result.tpi_eligibility if v["basis"] == "tpi" else result.eligibility
    predicates, headline_ = [], []
    for key, e in elig.items():
        parts = [v[key]["text"]]
        missed = [_label(c, lang) for c in e["criteria"] if c["met"] is False]
        if e.get("prerequisite") and e["prerequisite"]["declared"] is False:
            missed.append(_label(e["prerequisite"], lang))
        blocked = [_label(c, lang) for c in e["criteria"] if c["met"] is None]
        if missed:
            parts.append(W["missed.doc"].format(items=", ".join(missed)))
        if blocked:
            parts.append(W["blocking.doc"].format(items=", ".join(blocked)))
        predicates.append(_sentence("; ".join(parts)))
        headline_.append({"key": key, "label": _label(e, lang), "status": e["status"], "eligible": e["eligible"],
                          "text": v[key]["text"], "words": v[key]["text"].split(": ", 1)[1]})
    notes = []
    if v["provisional"]:
        scores = result.tpi_scores if v["basis"] == "tpi" else result.scores
        strict_elig = result.tpi_strict_eligibility if v["basis"] == "tpi" else result.strict_eligibility
        strict_words = ", ".join(f"{_label(e, lang)} {word(e['status'], lang)}" for e in strict_elig.values())
        notes.append(_sentence(W[f"provisional.{v['basis']}"].format(n=scores.expected - scores.answered) + "; "
                               + W["strict.doc"].format(verdicts=strict_words)))
    if v["departures"]:
        notes.append(_sentence(W["departures"].format(items="; ".join(W[f"dep.{d['rule']}"].format(item=d["item"])
                                                                      for d in v["departures"]))))
    if v["basis"] == "tpi":
        notes.append(_sentence(W["self"].format(verdicts=", ".join(
            f"{_label(e, lang)} {word(e['status'], lang)}" for e in result.eligibility.values()))))
    if result.layout == PORTALRB_2026:
        notes.append(_sentence(W["portalrb.116"]))
    if v["errors"]:
        notes.append(_sentence(W["errors.doc"].format(n=v["errors"])))
    first = next(iter(elig.values()))
    doc_words = {k: W[f"doc.{k}"] for k in ("criterion", "minimum", "value", "status", "deciding", "all_met",
                                            "not_checked", "declared", "notes")}
    return {"basis": _sentence(v["lines"][0]), "predicates": predicates, "headline": headline_, "notes": notes,
            "not_checked": [_label(n, lang) for n in first["not_checked"] if not n["declared"]],
            "declared": [_label(n, lang) for n in first["not_checked"] if n["declared"]],
            "words": doc_words}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(".") else text + "."
