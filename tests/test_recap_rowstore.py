"""Rows kept between recap runs (lketool.recap.rowstore): a recap written from kept rows
is the same file, byte for byte in every sheet, as one rendered afresh - when nothing
changed, when one workbook changed (and the ranks moved), with duplicate unit names,
and with a broken pack.  Only the changed unit is rendered again."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from lketool.api import check_file
from lketool.recap import recap
from lketool.recap.collect import collect
from lketool.recap.rowstore import RANK, ROW, RowStore, decode, encode
from lketool.recap.workbook import write_workbook
from test_recap_support import set_cells

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
DATE = "30 November 2026"


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of the xlsx but its creation time."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.fixture()
def inputs(tmp_path) -> Path:
    d = tmp_path / "LKE"
    d.mkdir()
    for s in SAMPLES:
        shutil.copyfile(s, d / s.name)
    # a second file of the first unit: a duplicate name, flagged (never taken from the store)
    shutil.copyfile(SAMPLES[0], d / "zz-revisi.xlsx")
    return d


def _write(coll, out: Path, rows_dir: Path | None) -> Path:
    return write_workbook(coll, out, date=DATE, instansi="Inspektorat", rows_dir=rows_dir)


def _flip_one_answer(path: Path) -> None:
    res = check_file(path)
    row = next(r for r in res.answer_rows() if r["cell"] and r["unit"] in ("Ya", "Tidak"))
    set_cells(path, path, res.sheet, {row["cell"].split("!")[-1]: "Tidak" if row["unit"] == "Ya" else "Ya"})


def _store_counts(monkeypatch) -> list[RowStore]:
    made: list[RowStore] = []
    real_init = RowStore.__init__

    def init(self, *a, **k):
        real_init(self, *a, **k)
        made.append(self)

    monkeypatch.setattr(RowStore, "__init__", init)
    return made


def test_kept_rows_give_the_same_workbook(inputs, tmp_path, monkeypatch):
    stores = _store_counts(monkeypatch)
    rows = tmp_path / "cache" / "rows"
    with collect([inputs], jobs=1, cache_dir=tmp_path / "cache") as coll:
        fresh = _parts(_write(coll, tmp_path / "fresh.xlsx", None))
        first = _parts(_write(coll, tmp_path / "first.xlsx", rows))    # renders and keeps
        second = _parts(_write(coll, tmp_path / "second.xlsx", rows))  # everything from the pack
        n = len(coll.units)
    assert fresh == first == second
    assert stores[0].hits == 0
    # both parts (rank-ordered sheets, findings) of every unit but the two duplicates
    assert stores[1].hits == 2 * (n - 2) and stores[1].misses == 0
    assert list(rows.glob("*.pack")) and not list(rows.glob(".*.tmp"))


def test_one_changed_workbook_is_rendered_again_and_ranks_follow(inputs, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "before.xlsx", cache / "rows")
        before = {r["file"]: (r["rank"], r["total"]) for r in coll.units}
    changed = inputs / SAMPLES[2].name
    _flip_one_answer(changed)
    stores = _store_counts(monkeypatch)
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        incremental = _parts(_write(coll, tmp_path / "incremental.xlsx", cache / "rows"))
        after = {r["file"]: (r["rank"], r["total"]) for r in coll.units}
        fresh = _parts(_write(coll, tmp_path / "fresh.xlsx", None))
        n = len(coll.units)
    assert before[str(changed)][1] != after[str(changed)][1]  # the flip changed its total
    assert incremental == fresh
    # the changed unit and the two duplicates were rendered; the rest came from the pack
    assert stores[0].hits == 2 * (n - 3)
    assert str(n) in fresh["xl/worksheets/sheet1.xml"].decode()


def test_ranks_are_filled_in_from_this_run(inputs, tmp_path):
    """A unit whose rank moved shows its new rank, though its rows came from the pack."""
    cache = tmp_path / "cache"
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "a.xlsx", cache / "rows")
    shutil.copyfile(SAMPLES[0], inputs / "00-another-copy-of-the-best.xlsx")  # ranks below it move down
    (inputs / "zz-revisi.xlsx").unlink()
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        out = _write(coll, tmp_path / "b.xlsx", cache / "rows")
        ranks = {r["file"]: r["rank"] for r in coll.units}
        fresh = _write(coll, tmp_path / "fresh.xlsx", None)
        assert {r["file"]: r["rank"] for r in coll.units} == ranks
    assert _parts(out) == _parts(fresh)
    import openpyxl

    ws = openpyxl.load_workbook(out)["Ringkasan"]
    shown = {}
    for r in ws.iter_rows(min_row=5, values_only=True):
        if r[2] in ranks:
            shown[r[2]] = r[0]
    assert shown == ranks and len(set(ranks.values())) > 2


def test_a_broken_pack_is_ignored(inputs, tmp_path):
    cache = tmp_path / "cache"
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "a.xlsx", cache / "rows")
        pack = next((cache / "rows").glob("*.pack"))
        data = bytearray(pack.read_bytes())
        data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64  # garbage inside the templates
        pack.write_bytes(bytes(data))
        broken = _parts(_write(coll, tmp_path / "b.xlsx", cache / "rows"))
        pack.write_bytes(b"LKEROWS")  # not a pack at all
        short = _parts(_write(coll, tmp_path / "c.xlsx", cache / "rows"))
        fresh = _parts(_write(coll, tmp_path / "fresh.xlsx", None))
    # a unit whose kept bytes no longer decode is rendered again; a file that is not a
    # pack is ignored: no exception, and the same workbook as a fresh one
    assert broken == fresh
    assert short == fresh


def test_a_recap_keeps_rows_in_its_cache(inputs, tmp_path):
    out = tmp_path / "Rekap.xlsx"
    recap([inputs], out, jobs=1, cache_dir=tmp_path / "cache", date=DATE)
    assert list((tmp_path / "cache" / "rows").glob("*.pack"))
    recap([inputs], out, jobs=1, use_cache=False, date=DATE)  # --no-cache: nothing kept anywhere new
    assert len(list((tmp_path / "cache" / "rows").glob("*.pack"))) == 1


def test_templates_round_trip_and_refuse_what_needs_escaping():
    blob = encode({"summ": (0, 3, [f'<row r="{ROW}"><c r="A{ROW}"><v>{RANK}</v></c></row>']),
                   "find": (0, 6, ["<row/>", "<row/>"])})
    assert decode(blob) == {"summ": (0, 3, [f'<row r="{ROW}"><c r="A{ROW}"><v>{RANK}</v></c></row>']),
                            "find": (0, 6, ["<row/>", "<row/>"])}
    assert decode(encode({})) == {}

    import xlsxwriter

    from lketool.recap.workbook import RANK_CELL, _exact_worksheet_class

    wb = xlsxwriter.Workbook(str(Path("/nonexistent-dir") / "x.xlsx"), {"constant_memory": True})
    wb.worksheet_class = _exact_worksheet_class()
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    tpl = ws.row_template([(0, RANK_CELL, bold), (1, "a & b", None), (2, 1.5, None)], 30)
    assert tpl.count(ROW) == 4 and RANK in tpl and "a &amp; b" in tpl
    for hostile in ("\x01x", " leading", "_x0041_", "<r>rich"):
        assert ws.row_template([(0, hostile, None)]) is None, hostile


def _pack(rows: Path) -> Path:
    (pack,) = rows.glob("*.pack")
    return pack


def test_a_small_change_appends_a_little_and_old_templates_are_compacted_away(inputs, tmp_path):
    cache = tmp_path / "cache"
    rows = cache / "rows"
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "a.xlsx", rows)
    size = _pack(rows).stat().st_size
    _flip_one_answer(inputs / SAMPLES[1].name)
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "b.xlsx", rows)
    grown = _pack(rows).stat().st_size - size
    assert 0 < grown < size / 2  # one unit's templates appended, not the pack rewritten
    # flip it back and forth: the dead templates pile up until the pack is compacted
    sizes = []
    for _ in range(6):
        _flip_one_answer(inputs / SAMPLES[1].name)
        with collect([inputs], jobs=1, cache_dir=cache) as coll:
            out = _parts(_write(coll, tmp_path / "c.xlsx", rows))
            fresh = _parts(_write(coll, tmp_path / "fresh.xlsx", None))
        assert out == fresh
        sizes.append(_pack(rows).stat().st_size)
    assert max(sizes) < 3 * size + (1 << 20)


def test_one_writer_at_a_time(inputs, tmp_path):
    cache = tmp_path / "cache"
    rows = cache / "rows"
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        _write(coll, tmp_path / "a.xlsx", rows)
        before = _pack(rows).read_bytes()
    other = RowStore(rows, "x" * 64)  # another recap holds the lock meanwhile
    _flip_one_answer(inputs / SAMPLES[1].name)
    with collect([inputs], jobs=1, cache_dir=cache) as coll:
        out = _parts(_write(coll, tmp_path / "b.xlsx", rows))  # reads the pack, writes nothing
        fresh = _parts(_write(coll, tmp_path / "fresh.xlsx", None))
    assert out == fresh
    assert _pack(rows).read_bytes() == before
    other.abort()
    assert not (rows / ".lock").exists()


def test_leftovers_of_a_run_that_died_are_cleaned_up(inputs, tmp_path):
    import os
    import time

    rows = tmp_path / "cache" / "rows"
    rows.mkdir(parents=True)
    old_tmp, new_tmp, lock = rows / ".x.pack.123.tmp", rows / ".y.pack.456.tmp", rows / ".lock"
    for p in (old_tmp, new_tmp, lock):
        p.write_bytes(b"half written")
    two_hours_ago = time.time() - 7200
    os.utime(old_tmp, (two_hours_ago, two_hours_ago))
    os.utime(lock, (two_hours_ago, two_hours_ago))  # the lock of a run that died
    with collect([inputs], jobs=1, cache_dir=tmp_path / "cache") as coll:
        _write(coll, tmp_path / "a.xlsx", rows)
    assert _pack(rows).exists()  # the stale lock did not stop this run from keeping its rows
    assert not old_tmp.exists() and new_tmp.exists()  # another run may still be writing that one
    assert not lock.exists()
