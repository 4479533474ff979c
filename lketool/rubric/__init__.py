"""The rubric: what the LKE asks, each item's answer type and values, the indicator
weights and the predicate thresholds, loaded from a data file per regulation edition
(``lketool/rubric/data/<edition>.json``).  Where items sit on a sheet is a layout
concern and lives in :mod:`lketool.layouts`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_EDITION = "permenpanrb-90-2021"
CHOICE_TYPES = ("yn", "abc", "abcd", "abcde")


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

    @property
    def title(self) -> str:
        """The area's name in title case ("Penataan Sistem Manajemen SDM Aparatur")."""
        return title_case(self.name)


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


def rubric_from_dict(data: dict) -> Rubric:
    """Build a :class:`Rubric` from its JSON form (see ``docs/rubric.md``)."""
    comps = []
    for c in data["components"]:
        subs = []
        for s in c["subcomponents"]:
            half = s["id"] if c["id"] == "pengungkit" else "hasil"
            areas = [Area(id=a["id"], number=a["number"], name=a["name"], weight=float(a["weight"]), half=half,
                          indicators=[_indicator(i, half, a["id"]) for i in a["indicators"]])
                     for a in s.get("areas", [])]
            inds = [_indicator(i, half, None) for i in s.get("indicators", [])]
            subs.append(SubComponent(id=s["id"], marker=s["marker"], name=s["name"], weight=float(s["weight"]),
                                     areas=areas, indicators=inds))
        comps.append(Component(id=c["id"], marker=c["marker"], name=c["name"], weight=float(c["weight"]),
                               subcomponents=subs))
    return Rubric(edition=data["edition"], title=data["title"], answer_types=data["answer_types"],
                  components=comps, predicates=data["predicates"], sources=data.get("sources", []))


def available_editions() -> list[str]:
    """Editions shipped with lketool (one JSON file each)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.json"))


@lru_cache(maxsize=None)
def load_rubric(edition: str = DEFAULT_EDITION) -> Rubric:
    """Load a rubric edition by name, e.g. ``"permenpanrb-90-2021"``."""
    path = DATA_DIR / f"{edition}.json"
    if not path.is_file():
        raise ValueError(f"unknown rubric edition {edition!r}; available: {', '.join(available_editions())}")
    return rubric_from_dict(json.loads(path.read_text(encoding="utf-8")))
