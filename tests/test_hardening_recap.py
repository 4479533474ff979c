"""Issue 15 item 1 / issue 17 section 4: a recap survives any per-file fault.  A worker
killed by SIGABRT (as calamine did on a cell in XFD1048576) is a failure for that file
only, the failure is cached, and a run that died while reading a file in-process reads
it in a child process next time."""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

import lketool.recap.collect as collect_mod
from lketool.recap import RecapOptions, recap
from lketool.recap.cache import ResultCache
from lketool.recap.collect import _check_chunk, _marker, _marker_path, _run_pool, collect

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def abort_on_marked(chunk, options, store_dir):
    """Worker that dies like a Rust allocation failure (SIGABRT) on 'abort' files."""
    if any("abort" in Path(f).name for _, f in chunk):
        os.kill(os.getpid(), signal.SIGABRT)
    return _check_chunk(chunk, options, store_dir)


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for p in sorted(SAMPLES.glob("0[123]*.xlsx")):
        shutil.copy(p, root / p.name)
    shutil.copy(SAMPLES / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx", root / "abort.xlsx")
    return root


def test_sigabrt_worker_is_a_cached_failure(folder, tmp_path):
    files = sorted(str(p) for p in folder.iterdir())
    store = tmp_path / "store"
    got: dict[int, tuple] = {}
    _run_pool(list(enumerate(files)), RecapOptions(), str(store), 2, lambda i, out: got.__setitem__(i, out),
              worker=abort_on_marked)
    assert sorted(got) == list(range(len(files)))
    crashed = [out for out in got.values() if out[2].get("code") == "worker-crashed"]
    assert [c[2]["file"] for c in crashed] == [str(folder / "abort.xlsx")]
    key = crashed[0][0]
    assert key is not None
    # Cached: a later run finds the failure without reading (or crashing on) the file again.
    row = ResultCache(store).summary(key)
    assert row["code"] == "worker-crashed" and row["_failure"]
    with collect([folder], jobs=1, cache_dir=store) as coll:
        assert coll.stats.cached == len(files) and coll.stats.checked == 0
        assert [f["code"] for f in coll.failures] == ["worker-crashed"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_that_died_in_process_is_guarded_next_time(folder, tmp_path, monkeypatch, jobs):
    """A serial run (few files or -j 1) that died on a file leaves its marker; the next
    run reads that file in a child process, where the crash is a cached failure."""
    store = tmp_path / "cache"
    abort = str(folder / "abort.xlsx")
    opts = RecapOptions()
    marker = _marker_path(ResultCache(store), abort, opts)
    marker.parent.mkdir(parents=True)
    marker.touch()  # what a run killed by SIGABRT while reading abort.xlsx leaves behind
    monkeypatch.setattr(collect_mod, "_check_chunk", abort_on_marked)
    out = recap([folder], tmp_path / "Rekap.xlsx", jobs=jobs, cache_dir=store)
    assert out.units == 3
    assert [(Path(f["file"]).name, f["code"]) for f in out.failures] == [("abort.xlsx", "worker-crashed")]
    assert not marker.exists()
    monkeypatch.setattr(collect_mod, "_check_chunk", _check_chunk)
    again = recap([folder], tmp_path / "Rekap2.xlsx", jobs=jobs, cache_dir=store)
    assert again.stats.checked == 0 and [f["code"] for f in again.failures] == ["worker-crashed"]


def test_marker_is_removed_after_a_normal_read(folder, tmp_path):
    store = tmp_path / "cache"
    with collect([folder], jobs=1, cache_dir=store) as coll:
        assert len(coll.units) == 4
    assert not list((store / "pending").glob("*"))


def test_marker_context_survives_a_read_only_cache(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    f = SAMPLES / "01-wbbm-rsud-kota-contoh.xlsx"
    ro.chmod(0o500)
    try:
        with _marker(ResultCache(ro), str(f), RecapOptions()) as m:
            assert m.path is None or os.geteuid() == 0
    finally:
        ro.chmod(0o700)


def test_pool_requeues_files_queued_behind_a_crash(folder, tmp_path):
    """Fallback: the chunk holding the culprit is retried one file per task, so files that
    shared a chunk with it are still read (issue 17: requeue)."""
    files = sorted(str(p) for p in folder.iterdir()) * 1
    for k in range(6):
        extra = folder / f"copy{k}.xlsx"
        shutil.copy(SAMPLES / "01-wbbm-rsud-kota-contoh.xlsx", extra)
        files.append(str(extra))
    files.sort()
    got: dict[int, tuple] = {}
    _run_pool(list(enumerate(files)), RecapOptions(), str(tmp_path / "s"), 1,
              lambda i, out: got.__setitem__(i, out), worker=abort_on_marked)
    codes = {Path(out[2]["file"]).name: out[2].get("code") for out in got.values()}
    assert codes.pop("abort.xlsx") == "worker-crashed"
    assert len(codes) == len(files) - 1 and all(c is None for c in codes.values())


def never_runs(chunk, options, store_dir):
    """Worker for a machine where worker processes cannot run at all."""
    raise RuntimeError("no worker can run here")


def test_pool_falls_back_to_this_process_when_no_worker_can_run(folder, tmp_path):
    """Not one chunk came back: that is no file's fault, so every file is checked in this
    process instead (issue 17: recap worker fallback), and none is called crashed."""
    files = sorted(str(p) for p in folder.iterdir())
    got: dict[int, tuple] = {}
    _run_pool(list(enumerate(files)), RecapOptions(), str(tmp_path / "s"), 2,
              lambda i, out: got.__setitem__(i, out), worker=never_runs)
    assert sorted(got) == list(range(len(files)))
    assert all(not out[2].get("_failure") for out in got.values())
    assert not list((tmp_path / "s" / "pending").glob("*"))
