"""The page's chart draws the predicates' minimum area shares from the rubric data, handed over
by the bridge with their display text; app.js types no threshold of its own."""
from __future__ import annotations

import copy
import json
import re

import pytest

from lketool import display as show
from lketool.api import check_file
from lketool.page import PAGE_DIR, bridge, page_messages
from lketool.rubric import DATA_DIR, load_rubric, rubric_from_dict
from page_helpers import SAMPLES, private_bridge_root  # noqa: F401 (autouse fixture)

APP = (PAGE_DIR / "app.js").read_text(encoding="utf-8")




def _area_mins(rubric) -> dict[str, float]:
    """Straight from the rubric's predicates (not through the code under test)."""
    return {key: float(c["min"]) for key, p in rubric.predicates.items() for c in p["criteria"]
            if c["metric"] == "area_share"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_gets_the_rubrics_area_minimums(lang):
    want = _area_mins(load_rubric())
    assert want == {"wbk": 0.6, "wbbm": 0.75}  # PermenPANRB 90/2021, Lampiran II Tabel 6
    for s in SAMPLES:
        v = json.loads(bridge.check_bytes(s.read_bytes(), s.name, lang))
        got = v["area_minimums"]
        assert {m["key"]: m["min"] for m in got} == want
        assert [m["min"] for m in got] == sorted(want.values())  # lowest first: the colours count up
        assert {m["key"]: m["min_text"] for m in got} == {"wbk": "60%", "wbbm": "75%"}
        assert {m["name"] for m in got} == {"WBK", "WBBM"}
    # the label the page composes from them
    assert page_messages()[lang]["chartMin"] == "{name} {min}"


def test_an_edited_rubric_moves_the_lines_and_keeps_its_decimals():
    data = copy.deepcopy(json.loads((DATA_DIR / "permenpanrb-90-2021.json").read_text(encoding="utf-8")))
    data["edition"] = "uji-ambang-area"
    for key, value in (("wbk", 0.625), ("wbbm", 0.8)):
        next(c for c in data["predicates"][key]["criteria"] if c["metric"] == "area_share")["min"] = value
    rb = rubric_from_dict(data)
    res = check_file(SAMPLES[0], rubric=rb)
    for lang, texts in (("id", ["62,5%", "80%"]), ("en", ["62.5%", "80%"])):
        got = bridge.area_minimums_view(res, lang)
        assert [m["min"] for m in got] == [0.625, 0.8] == sorted(_area_mins(rb).values())
        assert [m["min_text"] for m in got] == texts
        assert texts[0] == show.percent(0.625, 1, lang)


def _code(js: str) -> str:
    js = re.sub(r"^\s*//.*$", "", js, flags=re.M)
    return re.sub(r"\s//\s.*$", "", js, flags=re.M)


def test_app_js_types_no_threshold():
    code = _code(APP)
    assert "area_minimums" in code and 't("chartMin"' in code
    # no percentage typed as text ("WBK 60%", '75%')
    assert not re.search(r"\d\s*%", code), re.findall(r".{20}\d\s*%.{5}", code)
    assert "WBK" not in code and "WBBM" not in code
    # no number equal to a minimum of any predicate criterion, as a share or a percentage
    # (0 and 1 are everywhere in drawing code and no threshold of the rubric's own)
    mins = set()
    for p in load_rubric().predicates.values():
        for c in p["criteria"]:
            for k in ("min", "survey_min"):
                if k in c:
                    mins |= {float(c[k]), round(float(c[k]) * 100, 6)}
    numbers = {float(x) for x in re.findall(r"(?<![\w.#])(\d+(?:\.\d+)?)(?!\w)", code)}
    assert (numbers & mins) - {0.0, 1.0, 100.0} == set(), sorted((numbers & mins) - {0.0, 1.0, 100.0})
