"""``--rubric EDISI`` on ``recap`` and ``report`` (as on check/score/diff): the edition
reaches every check, and an unknown edition is a usage error before any work."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import lketool.api
import lketool.rubric as rubric_mod
from lketool.cli import main
from lketool.layouts import LAMPIRAN_III, PORTALRB_2026, REGISTRY, Layout
from lketool.rubric import DEFAULT_EDITION, load_rubric

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"
OTHER = "uji-edisi-lain"

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="samples/*.xlsx not generated yet")


@pytest.fixture
def other_edition(tmp_path, monkeypatch):
    """A second edition (a copy of the shipped one) that both layouts claim."""
    data_dir = tmp_path / "rubrics"
    data_dir.mkdir()
    src = rubric_mod.DATA_DIR / f"{DEFAULT_EDITION}.json"
    (data_dir / src.name).write_bytes(src.read_bytes())
    data = json.loads(src.read_text(encoding="utf-8"))
    data["edition"] = OTHER
    (data_dir / f"{OTHER}.json").write_text(json.dumps(data), encoding="utf-8")
    spec = json.loads(REGISTRY[PORTALRB_2026].spec_file.read_text(encoding="utf-8"))
    spec["editions"] = [DEFAULT_EDITION, OTHER]
    (tmp_path / "portalrb.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setattr(rubric_mod, "DATA_DIR", data_dir)
    monkeypatch.setitem(REGISTRY, LAMPIRAN_III, Layout(LAMPIRAN_III, REGISTRY[LAMPIRAN_III].module,
                                                       editions=(DEFAULT_EDITION, OTHER)))
    monkeypatch.setitem(REGISTRY, PORTALRB_2026, Layout(PORTALRB_2026, REGISTRY[PORTALRB_2026].module,
                                                        spec_file=tmp_path / "portalrb.json"))
    load_rubric.cache_clear()
    seen: list = []
    real = lketool.api.check_file

    def spy(path, **kw):
        seen.append(kw.get("rubric"))
        return real(path, **kw)

    monkeypatch.setattr(lketool.api, "check_file", spy)
    yield seen
    load_rubric.cache_clear()


def test_recap_passes_the_edition_through(other_edition, tmp_path, monkeypatch):
    import lketool.recap.collect as collect

    monkeypatch.setattr(collect, "check_file", lketool.api.check_file)  # imported by name there
    res = CliRunner().invoke(main, ["recap", str(SAMPLE), "--format", "json", "--no-cache", "-q",
                                    "--rubric", OTHER], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [r["rubric"] for r in doc["results"]] == [OTHER]
    assert other_edition == [OTHER]


def test_report_passes_the_edition_through(other_edition, tmp_path):
    res = CliRunner().invoke(main, ["report", str(SAMPLE), "-o", str(tmp_path / "out"), "--format", "html",
                                    "-q", "--rubric", OTHER], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert other_edition == [OTHER]


@pytest.mark.parametrize("lang, words", [("id", "edisi rubrik 'permenpanrb-1-1900' tidak dikenal"),
                                         ("en", "unknown rubric edition 'permenpanrb-1-1900'")])
@pytest.mark.parametrize("command", ["recap", "report", "score"])
def test_unknown_edition_is_a_usage_error(command, lang, words, tmp_path):
    args = [command, str(SAMPLE), "--rubric", "permenpanrb-1-1900", "-q", "--lang", lang]
    if command != "score":
        args += ["-o", str(tmp_path / ("out" if command == "report" else "Rekap.xlsx"))]
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 2
    assert words in res.output
    assert not (tmp_path / "Rekap.xlsx").exists()
