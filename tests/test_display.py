"""How numbers are shown to people (lketool.display), and that the score table, the
recap and the report use those rules: a missed minimum is never shown as reached."""
from __future__ import annotations

from lketool import display as show
from lketool.recap.tables import missed_text


def test_number_rounds_half_up_with_the_language_separators():
    assert show.number(95.5833) == "95,58" and show.number(95.5833, lang="en") == "95.58"
    assert show.number(19.875) == "19,88" and show.number(1.625) == "1,63"  # half up, as by hand
    assert show.number(1234.5, thousands=True) == "1.234,50"
    assert show.number(1234.5, lang="en", thousands=True) == "1,234.50"
    assert show.number(-0.001) == "0,00"  # never "-0,00"
    assert show.number(0.32, signed=True) == "+0,32" and show.number(-0.13, signed=True) == "-0,13"


def test_minimums_are_as_short_as_they_are_exact():
    assert [show.minimum(x) for x in (75, 18.25, 15.75, 0.6)] == ["75", "18,25", "15,75", "0,6"]
    assert show.minimum(round(0.6 * 100, 9)) == "60"


def test_a_missed_minimum_never_looks_reached():
    assert show.number_below(74.999, 75) == "74,999"
    assert show.number_below(72.1, 75) == "72,10"
    assert show.percent_below(0.5996, 0.6) == "59,96%" and show.percent_below(0.55, 0.6) == "55%"
    assert show.difference(-0.001) == "-0,001" and show.difference(-2.9) == "-2,90"
    assert show.difference(0.0) == "0,00"


CRITERIA = [
    {"id": "total", "label": "Nilai total", "label_en": "Total", "value": 74.999, "minimum": 75,
     "met": False, "gap": 74.999 - 75, "unit": "points"},
    {"id": "area:MP", "label": "Capaian area MP", "label_en": "Area MP", "value": 0.5996,
     "minimum": 0.6, "met": False, "gap": 0.5996 - 0.6, "unit": "share"}]


def test_recap_and_report_texts_use_the_same_rules():
    text = missed_text([["total", 74.999, 75, "points", False, "Total", "Total"],
                        ["area:MP", 0.5996, 0.6, "share", False, "Area MP", "Area MP"]])
    assert text == "Total 74,999 < 75 (-0,001); Area MP 59,96% < 60%"

    from lketool.report.context import _verdict

    v = _verdict("wbk", {"label": "Menuju WBK", "eligible": False, "criteria": CRITERIA})
    total, area = v["kriteria"]
    assert total["nilai_teks"] == "74,999" and total["minimum_teks"] == "75,00"
    assert total["keterangan"] == "kurang 0,001 poin dari batas"
    assert area["nilai_teks"] == "59,96%" and "kurang 0,04 poin persen" in area["keterangan"]


def test_score_table_speaks_the_users_language():
    from pathlib import Path

    import pytest

    from lketool.api import check_file
    from lketool.commands._common import scores_table

    sample = Path(__file__).resolve().parents[1] / "samples" / "04-berantakan-puskesmas-contoh-raya.xlsx"
    if not sample.is_file():
        pytest.skip("samples/ not generated")
    res = check_file(sample)
    total = res.scores.total
    id_text, en_text = scores_table([res], "id"), scores_table([res], "en")
    assert show.number(total) in id_text and "." not in show.number(total)
    assert show.number(total, lang="en") in en_text
    assert "Penataan Sistem Manajemen SDM Aparatur" in id_text
