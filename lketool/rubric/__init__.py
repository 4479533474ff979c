"""The rubric: what the LKE asks, each item's answer type and values, the indicator
weights and the predicate thresholds, loaded from a data file per regulation edition
(``lketool/rubric/data/<edition>.json``).  Where items sit on a sheet is a layout
concern and lives in :mod:`lketool.layouts`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lketool.errors import Keyed

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_EDITION = "permenpanrb-90-2021"
CHOICE_TYPES = ("yn", "abc", "abcd", "abcde")
#: Answer types of scored items the scorer knows (``count`` is the type of a Jumlah input).
ITEM_TYPES = CHOICE_TYPES + ("pct", "survey")
INPUT_TYPE = "count"
#: Metric kinds a predicate criterion may name (``predicates.<id>.criteria[].metric``):
#: the one place to extend when the scorer learns a new kind.  ``area_share`` and
#: ``indicator_share`` are computed by the verdict; the others are scores of
#: :class:`lketool.score.Scores`.
METRICS = frozenset({"total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel", "ipak",
                     "capaian_kinerja", "pelayanan_prima", "ipkp", "area_share", "indicator_share"})
#: Metrics a Hasil indicator may carry (``metric`` of an indicator); the scorer needs each once.
INDICATOR_METRICS = frozenset({"ipak", "capaian_kinerja", "ipkp"})
#: % item formulas and the input roles each needs (``den`` may be replaced by ``part`` rows).
PCT_FORMULAS = {"ratio": ("num",), "decrease": ("prev", "curr", "sanctioned")}
INPUT_ROLES = frozenset({"den", "num", "prev", "curr", "sanctioned", "in_process", "part", "total"})
#: How 0/0 reads for a ratio item (``zero_rule``; see lketool.score).
ZERO_RULES = frozenset({"nothing-to-do", "undefined"})
WEIGHT_TOLERANCE = 1e-6


class RubricError(ValueError):
    """A rubric (or the layout data that claims its edition) lketool cannot use.  Raised
    when the rubric loads, never in the middle of a check; the message names the file and
    every offending id."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        lines = [f"{source}: rubrik tidak valid / invalid rubric ({len(self.problems)} masalah/problems):"]
        lines += [f"  - {p}" for p in shown]
        if more:
            lines.append(f"  ... {more} lagi / more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Input:
    """A ``Jumlah`` (count) row feeding a percentage item."""

    id: str
    soal_id: int | None
    role: str  # den | num | prev | curr | sanctioned | in_process | part | total
    text: str
    item_id: str
    portalrb_text: str = ""
    layout_only: str | None = None  # e.g. "lampiran-iii": absent from PortalRB's list
    computed: bool = False  # the official workbook computes it (a formula in K)


@dataclass(frozen=True)
class Item:
    """A scored question (one ``Nilai`` row of the official workbook)."""

    id: str
    marker: str
    soal_id: int | None
    type: str  # yn | abc | abcd | abcde | pct | survey
    text: str
    criteria: str
    indicator_id: str
    formula: str | None = None  # pct only: ratio | decrease
    inputs: tuple[Input, ...] = ()
    zero_rule: str | None = None  # ratio only: how 0/0 reads, "nothing-to-do" | "undefined"
    zero_source: str = ""

    def input(self, role: str) -> Input | None:
        return next((i for i in self.inputs if i.role == role), None)


@dataclass
class Indicator:
    """A weighted indicator: AVERAGE(item values) x weight, or the sum of its children."""

    id: str
    marker: str
    name: str
    weight: float
    half: str  # pemenuhan | reform | hasil
    area_id: str | None
    items: list[Item] = field(default_factory=list)
    children: list["Indicator"] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    metric: str | None = None  # hasil indicators: ipak | capaian_kinerja | ipkp
    parent_id: str | None = None


# Abbreviations that stay upper case when a label written in capitals is shown in title
# case ("PENATAAN SISTEM MANAJEMEN SDM APARATUR" -> "Penataan Sistem Manajemen SDM Aparatur").
ABBREVIATIONS = frozenset({"SDM", "ASN", "TPI", "ZI", "WBK", "WBBM", "SOP", "IKM", "IPAK", "IPKP", "LHKPN",
                           "LHKASN", "SAKIP", "SPIP", "PNBP", "TI", "IT", "SPBE", "LKE", "SKM", "SPI"})
_LOWER = frozenset({"dan", "yang", "di", "ke", "dari", "untuk", "atau", "dengan", "pada", "dalam"})


def title_case(label: str) -> str:
    """A label for people: capitalised words, abbreviations kept upper case and Indonesian
    conjunctions/prepositions lower case (except first)."""
    out = []
    for k, w in enumerate(label.split()):
        core = w.strip("().,;:/")
        if core.upper() in ABBREVIATIONS:
            out.append(w.upper())
        elif k and w.lower() in _LOWER:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


@dataclass
class Area:
    id: str
    number: int
    name: str
    weight: float
    half: str
    indicators: list[Indicator]
    name_en: str = ""

    @property
    def title(self) -> str:
        """The area's name in title case ("Penataan Sistem Manajemen SDM Aparatur")."""
        return title_case(self.name)

    def title_in(self, lang: str) -> str:
        """The area's name for people in ``lang``: English when asked and the data has it."""
        return self.name_en if lang == "en" and self.name_en else self.title


@dataclass
class SubComponent:
    id: str
    marker: str
    name: str
    weight: float
    areas: list[Area]
    indicators: list[Indicator]  # only Hasil sub-components hold indicators directly


@dataclass
class Component:
    id: str
    marker: str
    name: str
    weight: float
    subcomponents: list[SubComponent]


@dataclass
class Rubric:
    """One edition of the LKE, with lookups by id and by PortalRB ``soal_id``."""

    edition: str
    title: str
    answer_types: dict
    components: list[Component]
    predicates: dict
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.indicators: dict[str, Indicator] = {}
        self.items: dict[str, Item] = {}
        self.inputs: dict[str, Input] = {}
        self.by_soal: dict[int, Item | Input] = {}
        for ind in self.walk_indicators():
            self.indicators[ind.id] = ind
            for it in ind.items:
                self.items[it.id] = it
                if it.soal_id is not None:
                    self.by_soal[it.soal_id] = it
                for inp in it.inputs:
                    self.inputs[inp.id] = inp
                    if inp.soal_id is not None:
                        self.by_soal[inp.soal_id] = inp

    def walk_indicators(self):
        """Every indicator, parents before their children, in sheet order."""
        def rec(ind):
            yield ind
            for ch in ind.children:
                yield from rec(ch)
        for comp in self.components:
            for sub in comp.subcomponents:
                for area in sub.areas:
                    for ind in area.indicators:
                        yield from rec(ind)
                for ind in sub.indicators:
                    yield from rec(ind)

    def areas(self, half: str) -> list[Area]:
        sub = self.subcomponent(half)
        return sub.areas if sub else []

    def subcomponent(self, sub_id: str) -> SubComponent | None:
        for comp in self.components:
            for sub in comp.subcomponents:
                if sub.id == sub_id:
                    return sub
        return None

    def area_ids(self) -> list[str]:
        return [a.id for a in self.areas("pemenuhan")]

    def area_weight(self, area_id: str) -> float:
        return sum(a.weight for half in ("pemenuhan", "reform") for a in self.areas(half) if a.id == area_id)

    def area_name(self, area_id: str) -> str:
        return next(a.name for a in self.areas("pemenuhan") if a.id == area_id)

    def options(self, item_type: str) -> dict[str, float]:
        return self.answer_types.get(item_type, {}).get("options", {})

    def type_label(self, item_type: str) -> str:
        return self.answer_types[item_type]["label"]

    def metric_indicator(self, metric: str) -> Indicator:
        return next(i for i in self.indicators.values() if i.metric == metric)

    def entry_ids(self) -> list[str]:
        """Ids of every answer cell a unit fills: scored items except % rows, plus inputs."""
        out = []
        for it in self.items.values():
            if it.type == "pct":
                out.extend(i.id for i in it.inputs)
            else:
                out.append(it.id)
        return out


def _indicator(d: dict, half: str, area_id: str | None, parent: str | None = None) -> Indicator:
    ind = Indicator(id=d["id"], marker=d.get("marker", ""), name=d["name"], weight=float(d["weight"]),
                    half=half, area_id=area_id, aliases=tuple(d.get("aliases", ())),
                    metric=d.get("metric"), parent_id=parent)
    for it in d.get("items", []):
        inputs = tuple(Input(id=i["id"], soal_id=i.get("soal_id"), role=i["role"], text=i["text"],
                             item_id=it["id"], portalrb_text=i.get("portalrb_text", ""),
                             layout_only=i.get("layout_only"), computed=bool(i.get("computed")))
                       for i in it.get("inputs", []))
        ind.items.append(Item(id=it["id"], marker=it.get("marker", ""), soal_id=it.get("soal_id"),
                              type=it["type"], text=it["text"], criteria=it.get("criteria", ""),
                              indicator_id=ind.id, formula=it.get("formula"), inputs=inputs,
                              zero_rule=it.get("zero_rule"), zero_source=it.get("zero_source", "")))
    ind.children = [_indicator(c, half, area_id, ind.id) for c in d.get("children", [])]
    return ind


def rubric_from_dict(data: dict, *, source: str = "<rubric>", check_layouts: bool = True) -> Rubric:
    """Build a :class:`Rubric` from its JSON form (see ``docs/rubric.md``) and check it.

    :class:`RubricError` (naming ``source`` and the offending ids) when the data is
    incomplete or inconsistent: an unknown metric, answer type or input role, weights that
    do not add up, a repeated id or soal_id, or (``check_layouts``) an entry without a row
    in a layout that claims the edition."""
    try:
        rubric = _build(data)
        problems = validate(rubric)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # a value of the wrong shape (a list where a name belongs, text for a weight)
        what = f"missing key {exc}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
        raise RubricError(source, [f"malformed rubric data: {what}"]) from None
    if check_layouts and not problems:
        problems = layout_problems(rubric)
    if problems:
        raise RubricError(source, problems)
    return rubric


def _build(data: dict) -> Rubric:
    comps = []
    for c in data["components"]:
        subs = []
        for s in c["subcomponents"]:
            half = s["id"] if c["id"] == "pengungkit" else "hasil"
            areas = [Area(id=a["id"], number=a["number"], name=a["name"], weight=float(a["weight"]), half=half,
                          indicators=[_indicator(i, half, a["id"]) for i in a["indicators"]],
                          name_en=a.get("name_en", ""))
                     for a in s.get("areas", [])]
            inds = [_indicator(i, half, None) for i in s.get("indicators", [])]
            subs.append(SubComponent(id=s["id"], marker=s["marker"], name=s["name"], weight=float(s["weight"]),
                                     areas=areas, indicators=inds))
        comps.append(Component(id=c["id"], marker=c["marker"], name=c["name"], weight=float(c["weight"]),
                               subcomponents=subs))
    return Rubric(edition=data["edition"], title=data["title"], answer_types=data["answer_types"],
                  components=comps, predicates=data["predicates"], sources=data.get("sources", []))


def _weights_add_up(whole: float, parts: list[float]) -> bool:
    return abs(whole - sum(parts)) <= WEIGHT_TOLERANCE * max(1.0, abs(whole))


def validate(rubric: Rubric) -> list[str]:
    """Everything wrong with ``rubric`` on its own (layouts aside): one line per problem,
    naming the id.  Empty when the rubric is usable."""
    out: list[str] = []
    # Ids are unique within a namespace: structure (components ... indicators) and answer
    # entries (items and inputs share the entries of a mapped sheet).  A Hasil item may
    # share its indicator's id: the question is the indicator.
    spaces: dict[str, dict[str, str]] = {"structure": {}, "entry": {}}

    def unique(kind: str, oid: str) -> None:
        ids = spaces["entry" if kind in ("item", "input") else "structure"]
        if oid in ids:
            out.append(f"{kind} {oid!r}: id used twice (also a {ids[oid]})")
        else:
            ids[oid] = kind

    def weight(kind: str, oid: str, w: float) -> None:
        if not w > 0:
            out.append(f"{kind} {oid!r}: weight {w} must be positive")

    types = rubric.answer_types if isinstance(rubric.answer_types, dict) else {}
    for t in ITEM_TYPES + (INPUT_TYPE,):
        if t not in types:
            out.append(f"answer_types: {t!r} is missing")
    for t in CHOICE_TYPES:
        opts = types[t].get("options") if isinstance(types.get(t), dict) else None
        if t in types and (not isinstance(opts, dict) or not opts
                           or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in opts.values())):
            out.append(f"answer_types: {t!r} needs options with numeric values")

    for comp in rubric.components:
        unique("component", comp.id)
        weight("component", comp.id, comp.weight)
        if not _weights_add_up(comp.weight, [s.weight for s in comp.subcomponents]):
            out.append(f"component {comp.id!r}: weight {comp.weight:g} is not the sum of its sub-components "
                       f"({sum(s.weight for s in comp.subcomponents):g})")
        for sub in comp.subcomponents:
            unique("sub-component", sub.id)
            weight("sub-component", sub.id, sub.weight)
            parts = [a.weight for a in sub.areas] + [i.weight for i in sub.indicators]
            if not _weights_add_up(sub.weight, parts):
                out.append(f"sub-component {sub.id!r}: weight {sub.weight:g} is not the sum of its areas and "
                           f"indicators ({sum(parts):g})")
            for area in sub.areas:
                # an area id repeats across Pemenuhan and Reform by design: unique within a half
                unique("area", f"{sub.id}:{area.id}")
                weight("area", area.id, area.weight)
                if not _weights_add_up(area.weight, [i.weight for i in area.indicators]):
                    out.append(f"area {area.id!r} ({sub.id}): weight {area.weight:g} is not the sum of its "
                               f"indicators ({sum(i.weight for i in area.indicators):g})")
    half_areas = {h: [a.id for a in rubric.areas(h)] for h in ("pemenuhan", "reform")}
    if half_areas["pemenuhan"] != half_areas["reform"] and all(half_areas.values()):
        out.append(f"areas of pemenuhan {half_areas['pemenuhan']} and reform {half_areas['reform']} differ")

    metrics: dict[str, str] = {}
    soals: dict[int, str] = {}
    for ind in rubric.walk_indicators():
        unique("indicator", ind.id)
        weight("indicator", ind.id, ind.weight)
        if ind.children and ind.items:
            out.append(f"indicator {ind.id!r}: has both items and sub-indicators")
        elif ind.children and not _weights_add_up(ind.weight, [c.weight for c in ind.children]):
            out.append(f"indicator {ind.id!r}: weight {ind.weight:g} is not the sum of its sub-indicators "
                       f"({sum(c.weight for c in ind.children):g})")
        elif not ind.children and not ind.items:
            out.append(f"indicator {ind.id!r}: has no items")
        if ind.metric is not None:
            if ind.metric not in INDICATOR_METRICS:
                out.append(f"indicator {ind.id!r}: unknown metric {ind.metric!r} "
                           f"(known: {', '.join(sorted(INDICATOR_METRICS))})")
            elif ind.metric in metrics:
                out.append(f"indicator {ind.id!r}: metric {ind.metric!r} already on {metrics[ind.metric]!r}")
            metrics[ind.metric] = ind.id
        for it in ind.items:
            out.extend(_item_problems(it, types))
            unique("item", it.id)
            objs = [it, *it.inputs]
            for inp in it.inputs:
                unique("input", inp.id)
            for o in objs:
                if o.soal_id is None:
                    continue
                if o.soal_id in soals:
                    out.append(f"{o.id!r}: soal_id {o.soal_id} already used by {soals[o.soal_id]!r}")
                else:
                    soals[o.soal_id] = o.id
    for m in sorted(INDICATOR_METRICS - set(metrics)):
        out.append(f"no indicator carries metric {m!r}, which the scorer needs")

    out.extend(_predicate_problems(rubric))
    return out


def _labelled(d) -> bool:
    return isinstance(d, dict) and isinstance(d.get("label"), str) and bool(d["label"].strip())


def _predicate_problems(rubric: Rubric) -> list[str]:
    """Predicates as :mod:`lketool.verdict` reads them: a label on each predicate, criterion,
    condition and prerequisite; a known metric and a numeric minimum on each criterion; the
    indicators an ``indicator_share`` criterion names exist."""
    out: list[str] = []
    if not isinstance(rubric.predicates, dict) or not rubric.predicates:
        return ["predicates: none defined"]
    for pid, pred in rubric.predicates.items():
        if not _labelled(pred):
            out.append(f"predicate {pid!r}: no label")
        crits = pred.get("criteria") if isinstance(pred, dict) else None
        if not isinstance(crits, list) or not crits:
            out.append(f"predicate {pid!r}: no criteria")
            continue
        seen: set[str] = set()
        for k, c in enumerate(crits):
            cid = c.get("id", f"#{k + 1}") if isinstance(c, dict) else f"#{k + 1}"
            where = f"predicate {pid!r} criterion {cid!r}"
            if not isinstance(c, dict):
                out.append(f"{where}: not an object")
                continue
            if cid in seen:
                out.append(f"{where}: id used twice")
            seen.add(cid)
            if c.get("metric") not in METRICS:
                out.append(f"{where}: unknown metric {c.get('metric')!r} (known: {', '.join(sorted(METRICS))})")
            elif c["metric"] == "indicator_share":
                inds = c.get("indicators")
                if not isinstance(inds, list) or not inds:
                    out.append(f"{where}: indicator_share needs a list of 'indicators'")
                else:
                    for iid in inds:
                        if iid not in rubric.indicators:
                            out.append(f"{where}: indicator {iid!r} is not in the rubric")
            if not _labelled(c):
                out.append(f"{where}: no label")
            if not isinstance(c.get("min"), (int, float)) or isinstance(c.get("min"), bool):
                out.append(f"{where}: 'min' must be a number")
        for n in pred.get("not_checked", []):
            if not (_labelled(n) and n.get("id")):
                out.append(f"predicate {pid!r}: a not_checked condition needs an id and a label ({n!r:.60})")
        pre = pred.get("prerequisite")
        if pre is not None and not (_labelled(pre) and pre.get("id")):
            out.append(f"predicate {pid!r}: the prerequisite needs an id and a label")
    return out


def _item_problems(it: Item, types: dict) -> list[str]:
    out = []
    if it.type not in ITEM_TYPES or it.type not in types:
        out.append(f"item {it.id!r}: unknown answer type {it.type!r} (known: {', '.join(ITEM_TYPES)})")
    if it.zero_rule is not None and (it.type != "pct" or it.formula != "ratio" or it.zero_rule not in ZERO_RULES):
        out.append(f"item {it.id!r}: zero_rule {it.zero_rule!r} needs a ratio item and one of "
                   f"{', '.join(sorted(ZERO_RULES))}")
    if it.type == "pct":
        if it.formula not in PCT_FORMULAS:
            out.append(f"item {it.id!r}: % item needs formula {' or '.join(PCT_FORMULAS)}, not {it.formula!r}")
        else:
            roles = {i.role for i in it.inputs}
            need = set(PCT_FORMULAS[it.formula])
            if it.formula == "ratio" and "den" not in roles and "part" not in roles:
                out.append(f"item {it.id!r}: ratio item needs a 'den' input or 'part' inputs")
            for r in sorted(need - roles):
                out.append(f"item {it.id!r}: {it.formula} item needs an input with role {r!r}")
    elif it.inputs:
        out.append(f"item {it.id!r}: only % items have inputs")
    for inp in it.inputs:
        if inp.role not in INPUT_ROLES:
            out.append(f"input {inp.id!r}: unknown role {inp.role!r} (known: {', '.join(sorted(INPUT_ROLES))})")
    return out


def layout_problems(rubric: Rubric) -> list[str]:
    """Layout data that does not cover ``rubric``: an input names an unknown layout, or a
    layout used for the edition (see :func:`lketool.layouts.layouts_for`) has no row for an
    entry, or a row for a soal the rubric lacks."""
    from lketool.layouts import REGISTRY, layouts_for

    out = []
    for inp in rubric.inputs.values():
        if inp.layout_only is not None and inp.layout_only not in REGISTRY:
            out.append(f"input {inp.id!r}: layout_only names unknown layout {inp.layout_only!r} "
                       f"(known: {', '.join(REGISTRY)})")
    for lay in REGISTRY.values():
        try:
            lay.claimed_editions()
        except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
            out.append(f"layout {lay.name!r}: its data file {lay.spec_file} cannot be read: {exc}")
    if out:
        return out
    for lay in layouts_for(rubric.edition):
        out.extend(lay.missing_rows(rubric))
    return out


def available_editions() -> list[str]:
    """Editions shipped with lketool (one JSON file each)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.json"))


class UnknownEdition(Keyed, ValueError):
    """No rubric edition of that name ships with lketool (worded from the catalogue)."""


@lru_cache(maxsize=None)
def load_rubric(edition: str = DEFAULT_EDITION) -> Rubric:
    """Load a rubric edition by name, e.g. ``"permenpanrb-90-2021"``."""
    path = DATA_DIR / f"{edition}.json"
    if not path.is_file():
        raise UnknownEdition("rubric.unknown-edition", edition=repr(edition), available=", ".join(available_editions()))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RubricError(str(path), [f"cannot be read as JSON: {exc}"]) from None
    rubric = rubric_from_dict(data, source=str(path))
    if rubric.edition != edition:
        raise RubricError(str(path), [f"file is named {edition!r} but says edition {rubric.edition!r}"])
    return rubric
