"""The rubric is checked when it loads: a bad rubric or layout is a RubricError naming the
file and the offending id, never a KeyError mid-check or an item that silently vanishes."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from lketool.layouts import PORTALRB_2026, REGISTRY, Layout, get_layout, layouts_for, spec_gaps
from lketool.rubric import (DATA_DIR, DEFAULT_EDITION, METRICS, RubricError, load_rubric, rubric_from_dict)

SOURCE = DATA_DIR / f"{DEFAULT_EDITION}.json"
DATA = json.loads(SOURCE.read_text(encoding="utf-8"))


def data():
    return copy.deepcopy(DATA)


def first_area_indicator(d):
    return d["components"][0]["subcomponents"][0]["areas"][0]["indicators"][0]


def all_items(d):
    def rec(ind):
        yield from ind.get("items", [])
        for ch in ind.get("children", []):
            yield from rec(ch)
    for c in d["components"]:
        for s in c["subcomponents"]:
            for ind in [i for a in s.get("areas", []) for i in a["indicators"]] + s.get("indicators", []):
                yield from rec(ind)


def load(d, **kw) -> RubricError:
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(d, source="my-rubric.json", **kw)
    return exc.value


def test_shipped_rubric_and_layouts_are_valid():
    r = load_rubric()
    assert len(r.items) == 113
    assert [lay.name for lay in layouts_for(r.edition)] == ["lampiran-iii", "portalrb-2026"]
    assert get_layout(PORTALRB_2026).missing_rows(r) == []


def test_error_is_a_value_error_naming_file_and_id():
    d = data()
    d["predicates"]["wbk"]["criteria"].append({"id": "lhkpn", "metric": "lhkpn_share", "min": 1})
    err = load(d)
    assert isinstance(err, ValueError)
    msg = str(err)
    assert msg.startswith("my-rubric.json: ")
    assert "'lhkpn'" in msg and "unknown metric 'lhkpn_share'" in msg


def test_criterion_without_a_label_fails_at_load_not_mid_check():
    # was: KeyError: 'lhkpn' from check_file, which promises never to raise for a file
    d = data()
    d["predicates"]["wbk"]["criteria"].append({"id": "lhkpn", "metric": "total", "min": 1})
    assert "predicate 'wbk' criterion 'lhkpn': no label" in str(load(d))


def test_indicator_share_must_name_rubric_indicators():
    d = data()
    crit = next(c for c in d["predicates"]["wbk"]["criteria"] if c["metric"] == "indicator_share")
    crit["indicators"] = crit["indicators"] + ["R.9.ix"]
    assert f"criterion {crit['id']!r}: indicator 'R.9.ix' is not in the rubric" in str(load(d))
    crit["indicators"] = []
    assert "indicator_share needs a list of 'indicators'" in str(load(d))


def test_zero_rule_must_be_known():
    d = data()
    item = next(it for it in all_items(d) if it.get("zero_rule"))
    item["zero_rule"] = "zero-is-fine"
    assert f"item {item['id']!r}: zero_rule 'zero-is-fine'" in str(load(d))


def test_known_metric_kinds_are_one_constant():
    assert {"total", "pengungkit", "area_share", "bersih_akuntabel", "ipak", "capaian_kinerja",
            "pelayanan_prima", "indicator_share"} <= METRICS
    for pred in DATA["predicates"].values():
        assert {c["metric"] for c in pred["criteria"]} <= METRICS


def test_item_without_a_layout_row_fails_at_load():
    # Two new PortalRB questions in the rubric data alone used to vanish silently from the
    # mapped sheet (113 of 115 answered, no finding).
    d = data()
    items = first_area_indicator(d)["items"]
    for k, soal in enumerate((901, 902)):
        items.append({"id": f"P.1.i.new{k}", "marker": "x.", "soal_id": soal, "type": "yn", "text": f"Baru {k}"})
    err = load(d)
    assert "P.1.i.new0" in str(err) and "P.1.i.new1" in str(err)
    assert "soal_id 901 has no row in layout 'portalrb-2026'" in str(err)
    # the rubric alone is fine; it is the layout that claims the edition that lacks the rows
    rubric = rubric_from_dict(d, check_layouts=False)
    assert "P.1.i.new0" in rubric.items


def test_layout_row_for_a_soal_the_rubric_lacks_fails():
    d = data()
    items = first_area_indicator(d)["items"]
    gone = items.pop()
    err = load(d)
    assert f"names soal '{gone['soal_id']}'" in str(err)


def test_duplicate_ids_and_soal_ids_fail():
    d = data()
    items = first_area_indicator(d)["items"]
    items[1]["id"] = items[0]["id"]
    err = load(d, check_layouts=False)
    assert f"item {items[0]['id']!r}: id used twice" in str(err)

    d = data()
    items = first_area_indicator(d)["items"]
    items[1]["soal_id"] = items[0]["soal_id"]
    err = load(d, check_layouts=False)
    assert f"soal_id {items[0]['soal_id']} already used by {items[0]['id']!r}" in str(err)


def test_unknown_answer_type_fails():
    d = data()
    first_area_indicator(d)["items"][0]["type"] = "abcdef"
    err = load(d)
    assert "item 'P.1.i.a': unknown answer type 'abcdef'" in str(err)


def test_weights_must_be_positive_and_add_up():
    d = data()
    first_area_indicator(d)["weight"] = 0.75  # area MP no longer sums to 4
    err = load(d)
    assert "area 'MP' (pemenuhan): weight 4 is not the sum of its indicators (4.25)" in str(err)

    d = data()
    first_area_indicator(d)["weight"] = -0.5
    assert "indicator 'P.1.i': weight -0.5 must be positive" in str(load(d))


def test_unknown_indicator_metric_and_missing_scorer_metric_fail():
    d = data()
    hasil = d["components"][1]["subcomponents"][0]["indicators"][0]
    assert hasil["metric"] == "ipak"
    hasil["metric"] = "lhkpn"
    msg = str(load(d))
    assert f"indicator {hasil['id']!r}: unknown metric 'lhkpn'" in msg
    assert "no indicator carries metric 'ipak'" in msg


def test_pct_item_needs_its_inputs():
    d = data()
    pct = next(it for it in all_items(d) if it.get("formula") == "decrease")
    pct["inputs"] = [i for i in pct["inputs"] if i["role"] != "curr"]
    msg = str(load(d, check_layouts=False))
    assert f"item {pct['id']!r}: decrease item needs an input with role 'curr'" in msg


def test_malformed_data_is_a_rubric_error_not_a_key_error():
    d = data()
    del first_area_indicator(d)["items"][0]["text"]
    err = load(d)
    assert "malformed rubric data: missing key 'text'" in str(err)


@pytest.mark.parametrize("mutate", [
    lambda d: first_area_indicator(d).__setitem__("weight", "setengah"),
    lambda d: first_area_indicator(d)["items"][0].__setitem__("type", ["yn"]),
    lambda d: d["answer_types"].__setitem__("abc", "A/B/C"),
    lambda d: d["predicates"].__setitem__("wbk", ["total"]),
    lambda d: d.__setitem__("components", None),
], ids=["text-weight", "list-type", "text-answer-type", "list-predicate", "no-components"])
def test_data_of_the_wrong_shape_is_a_rubric_error(mutate):
    d = data()
    mutate(d)
    assert str(load(d)).startswith("my-rubric.json: ")


def test_layout_only_must_name_a_registered_layout():
    d = data()
    pct = next(it for it in all_items(d) if any(i.get("layout_only") for i in it.get("inputs", [])))
    inp = next(i for i in pct["inputs"] if i.get("layout_only"))
    inp["layout_only"] = "lampiran-iv"
    assert f"input {inp['id']!r}: layout_only names unknown layout 'lampiran-iv'" in str(load(d))


def test_edition_no_layout_claims_is_checked_against_every_layout():
    d = data()
    d["edition"] = "permenpanrb-99-2030"
    assert rubric_from_dict(d).edition == "permenpanrb-99-2030"  # same items: every layout holds them
    first_area_indicator(d)["items"].append({"id": "P.1.i.z", "marker": "z.", "soal_id": 903, "type": "yn",
                                             "text": "Baru"})
    assert "soal_id 903 has no row in layout 'portalrb-2026'" in str(load(d))


def test_a_registered_layout_claiming_the_edition_is_checked(tmp_path):
    spec = json.loads(get_layout(PORTALRB_2026).spec_file.read_text(encoding="utf-8"))
    spec["layout"] = "portalrb-test"
    del spec["rows"]["5"]
    f = tmp_path / "portalrb-test.json"
    f.write_text(json.dumps(spec), encoding="utf-8")
    lay = Layout("portalrb-test", "lketool.layouts.portalrb", spec_file=f)
    REGISTRY[lay.name] = lay
    try:
        assert lay.claimed_editions() == (DEFAULT_EDITION,)
        msg = str(load(data()))
        assert "soal_id 5 has no row in layout 'portalrb-test'" in msg
    finally:
        del REGISTRY[lay.name]
    assert spec_gaps("x", {"rows": {"1": 6, "2": 6}}, load_rubric())[-1] == "layout 'x' row 6 is given to soal 1 and soal 2"


def test_an_unreadable_layout_file_is_a_rubric_error(tmp_path, monkeypatch):
    bad = tmp_path / "portalrb-2026.json"
    bad.write_text('{"layout": "portalrb-2026", "rows": {', encoding="utf-8")
    monkeypatch.setitem(REGISTRY, PORTALRB_2026, Layout(PORTALRB_2026, "lketool.layouts.portalrb", spec_file=bad))
    msg = str(load(data()))
    assert f"layout 'portalrb-2026': its data file {bad} cannot be read" in msg


def test_load_rubric_names_the_file_of_a_broken_edition(tmp_path, monkeypatch):
    import lketool.rubric as rmod

    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(rmod, "DATA_DIR", tmp_path)
    load_rubric.cache_clear()
    try:
        with pytest.raises(RubricError) as exc:
            load_rubric("broken")
        assert str(tmp_path / "broken.json") in str(exc.value)
    finally:
        load_rubric.cache_clear()


@pytest.mark.parametrize("command", ["check", "score", "recap"])
def test_cli_with_a_broken_edition_says_which_file_and_id(command, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import lketool.rubric as rmod
    from lketool.cli import main

    d = data()
    d["edition"] = "rusak"
    d["predicates"]["wbk"]["criteria"][0]["metric"] = "totall"
    (tmp_path / "rusak.json").write_text(json.dumps(d), encoding="utf-8")
    monkeypatch.setattr(rmod, "DATA_DIR", tmp_path)
    load_rubric.cache_clear()
    sample = Path(__file__).resolve().parents[1] / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"
    if not sample.is_file():
        pytest.skip("samples/*.xlsx not generated yet")
    try:
        args = [command, str(sample), "--rubric", "rusak"] + (["-o", str(tmp_path / "R.xlsx")] if command == "recap" else [])
        res = CliRunner().invoke(main, args)
    finally:
        load_rubric.cache_clear()
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "rusak.json" in res.output and "criterion 'total': unknown metric 'totall'" in res.output
