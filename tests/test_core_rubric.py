import json

import pytest

from lketool.rubric import available_editions, load_rubric


def test_weights_add_up():
    r = load_rubric()
    tops = [i for i in r.indicators.values() if i.parent_id is None]
    assert sum(i.weight for i in tops) == pytest.approx(100)
    assert {a.id: r.area_weight(a.id) for a in r.areas("pemenuhan")} == {
        "MP": 8, "PT": 7, "SDM": 10, "AK": 10, "PW": 15, "PP": 10}
    for half in ("pemenuhan", "reform"):
        for a in r.areas(half):
            assert sum(i.weight for i in a.indicators) == pytest.approx(a.weight), (half, a.id)
    lhk = r.indicators["R.5.iii"]
    assert [c.weight for c in lhk.children] == [1.0, 1.0]


def test_answer_values_are_the_official_literals():
    r = load_rubric()
    assert r.options("abcd") == {"A": 1, "B": 0.67, "C": 0.33, "D": 0}
    assert r.options("abcde") == {"A": 1, "B": 0.75, "C": 0.5, "D": 0.25, "E": 0}
    assert r.options("abc") == {"A": 1, "B": 0.5, "C": 0}
    assert r.options("yn") == {"Ya": 1, "Tidak": 0}


def test_127_portalrb_items_with_their_soal_ids():
    r = load_rubric()
    assert sorted(r.by_soal) == list(range(1, 128))
    types = [o.type for o in r.by_soal.values() if hasattr(o, "type")]
    assert types.count("survey") == 2
    assert sum(1 for o in r.by_soal.values() if not hasattr(o, "type")) == 22  # Jumlah inputs


def test_rubric_matches_portalrb_master(master_json):
    master = json.loads(master_json.read_text(encoding="utf-8"))
    r = load_rubric()
    kinds = {"YA_TIDAK": "yn", "ABC": "abc", "ABCD": "abcd", "ABCDE": "abcde", "0-4": "survey"}

    def walk(node):
        for s in node.get("soals", []):
            yield s
        for c in node.get("children", []):
            yield from walk(c)

    n = 0
    for comp in master["data"]:
        for s in walk(comp):
            n += 1
            obj = r.by_soal[s["id"]]
            jt = s["jenis_jawaban"].upper()
            if jt == "JUMLAH":
                assert not hasattr(obj, "type"), s["id"]
            else:
                assert obj.type == kinds[jt], s["id"]
                scheme = {x["key"]: x["multiplier"] for x in s["skema_penilaian"]}
                if scheme:
                    assert r.options(obj.type) == scheme
    assert n == 127


def test_editions_listed_and_unknown_edition_is_a_clear_error():
    assert "permenpanrb-90-2021" in available_editions()
    with pytest.raises(ValueError, match="edisi rubrik 'permenpanrb-1-1900' tidak dikenal") as e:
        load_rubric("permenpanrb-1-1900")
    assert e.value.message("en").startswith("unknown rubric edition 'permenpanrb-1-1900'; available: ")
