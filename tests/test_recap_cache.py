"""The recap cache (only changed files are read again), parallel runs, and per-file
failures that never stop a batch."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

import lketool.recap.collect as collect_mod
from lketool.api import check_file
from lketool.recap import RecapOptions, recap
from lketool.recap.cache import KEEP_OUTPUTS, OUTPUTS_DIRNAME, ResultCache, cache_key, data_digest, user_cache_dir
from lketool.recap.collect import _check_chunk, _run_pool, collect
from lketool.rubric import load_rubric
from lketool.template import write_template
from test_recap_support import answer_cells, random_answers, set_cells

RB = load_rubric()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("base")
    return write_template(d / "base.xlsx", "lampiran-iii", unit="Dinas Dasar", answers=random_answers(RB, 7))


@pytest.fixture
def folder(tmp_path, base) -> Path:
    """Three units made from one template by changing cells (fast), and one broken file."""
    root = tmp_path / "in"
    root.mkdir()
    cells = answer_cells(base)
    for k, (name, answer) in enumerate([("Dinas A", "Ya"), ("Dinas B", "Tidak"), ("Dinas C", "Ya")]):
        set_cells(base, root / f"unit_{k}.xlsx", "LKE ZI", {"C2": name, cells["P.1.i.a"]: answer,
                                                              cells["P.1.ii.a"]: "Tidak" if k == 2 else "Ya"})
    (root / "rusak.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return root


@pytest.fixture
def counted(monkeypatch):
    """Count check_file calls (jobs=1 runs in this process)."""
    calls: list[str] = []
    real = collect_mod.check_file

    def spy(path, **kw):
        calls.append(Path(path).name)
        return real(path, **kw)

    monkeypatch.setattr(collect_mod, "check_file", spy)
    return calls


def _ringkasan(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Ringkasan"]
    rows = []
    for r in ws.iter_rows(min_row=5, values_only=True):
        if r[0] is None:
            break
        rows.append(r)
    return rows


def test_second_run_reads_only_changed_files(folder, tmp_path, counted):
    out = tmp_path / "Rekap.xlsx"
    first = recap([folder], out, jobs=1)
    assert sorted(counted) == ["rusak.xlsx", "unit_0.xlsx", "unit_1.xlsx", "unit_2.xlsx"]
    assert (first.stats.checked, first.stats.cached) == (4, 0)
    assert not (tmp_path / ".lketool-cache").exists(), "nothing is written beside the output"
    assert first.cache_dir == user_cache_dir() and any(user_cache_dir().rglob("*.json"))
    table1 = _ringkasan(out)

    counted.clear()
    second = recap([folder], out, jobs=1)
    assert counted == [] and (second.stats.checked, second.stats.cached) == (0, 4)
    assert second.reused, "nothing changed: the kept recap is copied"
    assert _ringkasan(out) == table1
    assert second.failures == first.failures

    # change one answer of one unit: only that file is read again, and its row follows
    cells = answer_cells(folder / "unit_1.xlsx")
    set_cells(folder / "unit_1.xlsx", folder / "unit_1.xlsx", "LKE ZI", {cells["P.1.i.a"]: "Ya",
                                                                           cells["P.2.i.a"]: "Tidak"})
    counted.clear()
    third = recap([folder], out, jobs=1)
    assert counted == ["unit_1.xlsx"] and third.stats.cached == 3
    assert not third.reused
    fresh = check_file(folder / "unit_1.xlsx")
    row = next(r for r in _ringkasan(out) if r[2] == str(folder / "unit_1.xlsx"))
    assert row[4] == fresh.scores.total


def _sheets(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_unchanged_inputs_reuse_the_kept_recap(folder, tmp_path, counted):
    cache = tmp_path / "cache"
    first = recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache)
    assert not first.reused
    counted.clear()
    again = recap([folder], tmp_path / "b.xlsx", jobs=1, cache_dir=cache)
    assert again.reused and counted == []
    assert _sheets(tmp_path / "b.xlsx") == _sheets(tmp_path / "a.xlsx")
    fresh = recap([folder], tmp_path / "c.xlsx", jobs=1, cache_dir=tmp_path / "other-cache")
    assert not fresh.reused and _sheets(tmp_path / "c.xlsx") == _sheets(tmp_path / "a.xlsx")

    # Anything the recap shows that differs means writing it again.
    assert not recap([folder], tmp_path / "en.xlsx", jobs=1, cache_dir=cache,
                     options=RecapOptions(lang="en")).reused
    assert not recap([folder], tmp_path / "d.json", fmt="json", jobs=1, cache_dir=cache).reused
    assert not recap([folder], tmp_path / "e.xlsx", jobs=1, cache_dir=cache, use_cache=False).reused
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    m = recap([moved], tmp_path / "m.xlsx", jobs=1, cache_dir=cache)
    assert m.stats.cached == 4 and not m.reused, "same bytes elsewhere: the file column changes"
    files = {r[2] for r in _ringkasan(tmp_path / "m.xlsx")}
    assert files == {str(moved / f"unit_{k}.xlsx") for k in range(3)}

    # At most KEEP_OUTPUTS recaps are kept; one that was pruned or deleted is written afresh.
    kept = list((cache / OUTPUTS_DIRNAME).iterdir())
    assert 0 < len(kept) <= KEEP_OUTPUTS
    shutil.rmtree(cache / OUTPUTS_DIRNAME)
    again = recap([folder], tmp_path / "b.xlsx", jobs=1, cache_dir=cache)
    assert not again.reused and _sheets(tmp_path / "b.xlsx") == _sheets(tmp_path / "a.xlsx")


def test_corrupt_or_foreign_entries_are_recomputed(folder, tmp_path, counted):
    cache = tmp_path / "cache"
    recap([folder], tmp_path / "a.json", fmt="json", jobs=1, cache_dir=cache)
    entries = sorted(e for e in cache.rglob("*.json") if e.parent.name != OUTPUTS_DIRNAME)
    assert len(entries) == 4  # the broken file's verdict is cached too
    by_name = {Path(json.loads(e.read_text(encoding="utf-8").splitlines()[1])["file"]).name: e for e in entries}
    by_name["unit_0.xlsx"].write_text('{"format": 1, "key": "trunc', encoding="utf-8")  # torn write
    lines = by_name["unit_1.xlsx"].read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    head["key"] = "0" * 64  # a valid entry stored under the wrong name
    by_name["unit_1.xlsx"].write_text("\n".join([json.dumps(head)] + lines[1:]), encoding="utf-8")
    lines = by_name["unit_2.xlsx"].read_text(encoding="utf-8").splitlines()
    by_name["unit_2.xlsx"].write_text("\n".join(lines[:2] + ["[{broken"]), encoding="utf-8")
    # Without the kept recap, so that the writer has to read every entry again.
    shutil.rmtree(cache / OUTPUTS_DIRNAME)
    counted.clear()
    recap([folder], tmp_path / "b.json", fmt="json", jobs=1, cache_dir=cache)
    # two found when looking up summaries; the broken problems line when the writer needs it
    assert sorted(counted) == ["unit_0.xlsx", "unit_1.xlsx", "unit_2.xlsx"]
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a == b
    assert not [p for p in cache.rglob("*") if ".tmp" in p.name], "no temporary files are left behind"


def test_no_cache_and_option_changes_recompute(folder, tmp_path, counted):
    cache = tmp_path / "cache"
    recap([folder], tmp_path / "r.csv", fmt="csv", jobs=1, cache_dir=cache)
    counted.clear()
    recap([folder], tmp_path / "r.csv", fmt="csv", jobs=1, cache_dir=cache, use_cache=False)
    assert len(counted) == 4
    counted.clear()
    strict = recap([folder], tmp_path / "s.csv", fmt="csv", jobs=1, cache_dir=cache,
                   options=RecapOptions(strict=True))
    assert len(counted) == 4 and strict.stats.cached == 0
    # a byte-identical copy under another name is its own entry (unit names may come from names)
    shutil.copy(folder / "unit_0.xlsx", folder / "unit_0_copy.xlsx")
    counted.clear()
    recap([folder], tmp_path / "r.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert counted == ["unit_0_copy.xlsx"]


def test_cache_entry_roundtrip(tmp_path):
    c = ResultCache(tmp_path)
    key = "ab" * 32
    assert c.get(key) is None and c.summary(key) is None
    result = {"file": "x.xlsx", "error": None, "scores": {"total": 1.0}, "problems": [{"code": "c"}]}
    assert c.put(key, result, {"total": 1.0, "file": "x.xlsx"})
    assert c.get(key) == result
    assert c.get(key, problems=False) == {k: v for k, v in result.items() if k != "problems"}
    assert c.problems(key) == [{"code": "c"}] and c.summary(key)["total"] == 1.0
    ro = tmp_path / "ro"
    ro.write_text("a file where the cache folder should be", encoding="utf-8")
    assert ResultCache(ro).put("cd" * 32, result, {}) is False


@pytest.mark.parametrize("start", ["default", "spawn"])
def test_parallel_equals_serial(base, tmp_path, monkeypatch, start):
    monkeypatch.setattr(collect_mod, "SERIAL_BELOW", 4)
    if start == "spawn":  # how workers start on Windows (and macOS): a fresh interpreter each
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        monkeypatch.setattr(collect_mod, "_pool", lambda n: ProcessPoolExecutor(
            max_workers=n, mp_context=mp.get_context("spawn"), initializer=collect_mod._ignore_sigint))
    root = tmp_path / "many"
    root.mkdir()
    cells = answer_cells(base)
    ids = [e for e in RB.entry_ids() if e in RB.items and RB.items[e].type == "yn"]
    for k in range(9):
        set_cells(base, root / f"u{k:02d}.xlsx", "LKE ZI",
                  {"C2": f"Unit {k:02d}", **{cells[i]: ("Ya" if (k >> j) & 1 else "Tidak") for j, i in
                                            enumerate(ids[:6])}})
    (root / "rusak.xlsx").write_bytes(b"nope")
    one = recap([root], tmp_path / "one.xlsx", jobs=1, use_cache=False)
    two = recap([root], tmp_path / "two.xlsx", jobs=2, use_cache=False)
    assert two.stats.checked == len(list(root.iterdir()))
    assert _ringkasan(tmp_path / "one.xlsx") == _ringkasan(tmp_path / "two.xlsx")
    assert one.failures == two.failures


def test_unexpected_exception_is_a_failure_not_a_crash(folder, tmp_path, monkeypatch):
    real = collect_mod.check_file

    def flaky(path, **kw):
        if Path(path).name == "unit_2.xlsx":
            raise RuntimeError("boom")
        return real(path, **kw)

    monkeypatch.setattr(collect_mod, "check_file", flaky)
    out = recap([folder], tmp_path / "r.xlsx", jobs=1, use_cache=False)
    assert out.units == 2
    bad = next(f for f in out.failures if f["file"].endswith("unit_2.xlsx"))
    assert bad["code"] == "internal-error" and "RuntimeError: boom" in bad["message"]
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Gagal dibaca"]
    assert "internal-error" in [c.value for c in ws["B"]]


def crash_on_marked(chunk, options, store_dir):
    """Worker used below: dies (as on a segfault or out-of-memory kill) on 'crash' files."""
    if any("crash" in f for _, f in chunk):
        os._exit(3)
    return _check_chunk(chunk, options, store_dir)


def test_a_dying_worker_loses_only_its_file(folder, tmp_path):
    files = sorted(str(p) for p in folder.iterdir())
    crash = folder / "crash.xlsx"
    crash.write_bytes((folder / "unit_0.xlsx").read_bytes())
    todo = list(enumerate(files + [str(crash)]))
    got: dict[int, tuple] = {}
    _run_pool(todo, RecapOptions(), str(tmp_path / "store"), 2, lambda i, out: got.__setitem__(i, out),
              worker=crash_on_marked)
    assert sorted(got) == list(range(len(todo)))
    crashed = [out[2] for out in got.values() if out[2].get("code") == "worker-crashed"]
    assert [c["file"] for c in crashed] == [str(crash)]
    ok = [out for out in got.values() if not out[2].get("_failure")]
    assert len(ok) == 3


def test_collect_keeps_memory_flat(folder, tmp_path):
    # Parent holds summary rows only; full results are read back from the store on demand.
    with collect([folder], jobs=1, cache_dir=tmp_path / "c") as coll:
        assert all("problems" not in row for row in coll.units)
        full = coll.result(coll.units[0])
        assert full["problems"] and full["file"] == coll.units[0]["file"]


def test_a_kept_recap_is_not_reused_by_other_code(folder, tmp_path, monkeypatch):
    import lketool.recap.cache as cache_mod

    cache = tmp_path / "cache"
    assert not recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache).reused
    assert recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache).reused
    # the writers changed (an upgrade, or an edit in a checkout without a version bump)
    monkeypatch.setattr(cache_mod, "_CODE_DIGEST", "0" * 64)
    assert not recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache).reused


def test_pruning_keeps_the_recap_used_last(folder, tmp_path):
    import os
    import time

    cache = tmp_path / "cache"
    recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache)
    (first,) = (cache / OUTPUTS_DIRNAME).iterdir()
    old = time.time() - 3600
    os.utime(first, (old, old))  # written an hour ago...
    for lang_fmt in [("en", "xlsx"), ("id", "json"), ("en", "json"), ("id", "csv")]:
        recap([folder], tmp_path / f"r.{lang_fmt[1]}", fmt=lang_fmt[1], jobs=1, cache_dir=cache,
              options=RecapOptions(lang=lang_fmt[0]))
    assert not first.exists(), "the oldest of five is pruned"
    recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache)  # written again, kept again
    (again,) = [p for p in (cache / OUTPUTS_DIRNAME).iterdir() if p.name == first.name]
    os.utime(again, (old, old))
    assert recap([folder], tmp_path / "a.xlsx", jobs=1, cache_dir=cache).reused  # ...used now
    recap([folder], tmp_path / "z.csv", fmt="csv", jobs=1, cache_dir=cache, options=RecapOptions(lang="en"))
    assert again.exists(), "a recap just used is not the one pruned"


def test_cache_key_includes_rubric_and_layout_data(tmp_path, monkeypatch):
    """A changed rubric or layout data file changes every key (same edition name and version)."""
    import lketool.layouts as layouts_pkg
    import lketool.rubric as rubric_mod

    opts = RecapOptions().key_fields("a.xlsx")
    before = cache_key("0" * 64, opts)
    data = tmp_path / "rubric"
    data.mkdir()
    src = rubric_mod.DATA_DIR / f"{RecapOptions().rubric}.json"
    edited = json.loads(src.read_text(encoding="utf-8"))
    edited["title"] = edited.get("title", "") + " (edited)"
    (data / src.name).write_text(json.dumps(edited), encoding="utf-8")
    monkeypatch.setattr(rubric_mod, "DATA_DIR", data)
    data_digest.cache_clear()
    try:
        assert cache_key("0" * 64, opts) != before
        monkeypatch.undo()
        monkeypatch.setenv("LKETOOL_CACHE_DIR", str(tmp_path))
        data_digest.cache_clear()
        assert cache_key("0" * 64, opts) == before
        layout_dir = tmp_path / "layouts"
        layout_dir.mkdir()
        (layout_dir / "__init__.py").write_text("")
        for f in Path(layouts_pkg.__file__).parent.glob("*.json"):
            (layout_dir / f.name).write_text(f.read_text(encoding="utf-8") + " ", encoding="utf-8")
        monkeypatch.setattr(layouts_pkg, "__file__", str(layout_dir / "__init__.py"))
        data_digest.cache_clear()
        assert cache_key("0" * 64, opts) != before
    finally:
        data_digest.cache_clear()


def test_user_cache_dir_follows_platform_conventions(monkeypatch, tmp_path):
    monkeypatch.delenv("LKETOOL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert user_cache_dir() == tmp_path / "xdg" / "lketool" / "recap"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert user_cache_dir() == tmp_path / "local" / "lketool" / "recap"
    monkeypatch.setenv("LKETOOL_CACHE_DIR", str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine" / "recap"
