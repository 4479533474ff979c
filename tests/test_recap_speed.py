"""What keeps big recaps fast and small: unchanged files are recognised by their stat
(not hashed again), and the main process keeps compact summary rows."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import lketool.recap.cache as cache_mod
from lketool.recap import recap
from lketool.recap.cache import StatIndex
from lketool.recap.collect import _compact

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
HOUR_AGO = time.time() - 3600


@pytest.fixture
def inputs(tmp_path) -> Path:
    d = tmp_path / "LKE"
    d.mkdir()
    for s in SAMPLES[:3]:
        shutil.copyfile(s, d / s.name)
        os.utime(d / s.name, (HOUR_AGO, HOUR_AGO))
    return d


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = cache_mod.file_digest

    def counting(path):
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(cache_mod, "file_digest", counting)
    return calls


def test_unchanged_files_are_not_hashed_again(inputs, tmp_path, hashed):
    cache = tmp_path / "cache"
    recap([inputs], tmp_path / "a.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert sorted(hashed) == sorted(s.name for s in SAMPLES[:3])
    hashed.clear()
    again = recap([inputs], tmp_path / "b.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert hashed == [] and again.stats.cached == 3
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_changed_file_is_hashed_and_read_again(inputs, tmp_path, hashed):
    cache = tmp_path / "cache"
    recap([inputs], tmp_path / "a.csv", fmt="csv", jobs=1, cache_dir=cache)
    target = inputs / SAMPLES[0].name
    shutil.copyfile(SAMPLES[3], target)  # other content under the same name
    os.utime(target, (HOUR_AGO + 60, HOUR_AGO + 60))
    hashed.clear()
    run = recap([inputs], tmp_path / "b.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert SAMPLES[0].name in hashed and (run.stats.checked, run.stats.cached) == (1, 2)


def test_recently_modified_files_are_not_trusted(inputs, tmp_path, hashed):
    cache = tmp_path / "cache"
    now = inputs / SAMPLES[1].name
    os.utime(now, None)  # modified just now: the same second as the index
    recap([inputs], tmp_path / "a.csv", fmt="csv", jobs=1, cache_dir=cache)
    hashed.clear()
    recap([inputs], tmp_path / "b.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert hashed == [now.name]


def test_unreadable_index_means_hashing(inputs, tmp_path, hashed):
    cache = tmp_path / "cache"
    recap([inputs], tmp_path / "a.csv", fmt="csv", jobs=1, cache_dir=cache)
    (cache / StatIndex.NAME).write_text("{not json", encoding="utf-8")
    hashed.clear()
    run = recap([inputs], tmp_path / "b.csv", fmt="csv", jobs=1, cache_dir=cache)
    assert len(hashed) == 3 and run.stats.cached == 3
    assert json.loads((cache / StatIndex.NAME).read_text(encoding="utf-8"))["format"] == 1


def test_compact_rows_keep_every_value_in_a_third_of_the_memory(tmp_path):
    cache = tmp_path / "cache"
    recap(SAMPLES, tmp_path / "a.csv", fmt="csv", jobs=1, cache_dir=cache)
    heads = []
    for entry in cache.rglob("*.json"):
        with open(entry, "rb") as f:
            heads.append(f.readline())
    heads = heads * 100  # thousands of units: what the sharing of keys is for
    tracemalloc.start()
    plain = [json.loads(h)["summary"] for h in heads]
    size_plain = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    compact = [_compact(json.loads(h)["summary"]) for h in heads]
    size_compact = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert size_compact < 0.5 * size_plain
    for a, b in zip(plain, compact):
        assert a.keys() == b.keys()
        for k in a:
            if k.startswith("missed_"):
                assert [list(c) for c in b[k]] == a[k]
            elif k == "indicator_shares":
                assert list(b[k]) == a[k]  # the same doubles, bit for bit
            else:
                assert b[k] == a[k]
    assert all(sys.intern(k) is k for row in compact for k in row)


def test_column_reads_what_get_reads():
    from lketool.recap.collect import CompactRow, column

    rows = [CompactRow({"unit": "A", "total": 80.5, "errors": 2, "shares": [1.0]}),
            CompactRow({"unit": "B", "total": 70.25, "errors": 0, "shares": [0.5]}), {"unit": "C", "total": 1.0}]
    rows[1]["total"] = 71.0  # set later: lives beside the compact values and wins
    rows[0]["rank"] = 1
    for key in ("unit", "total", "errors", "shares", "rank", "missing"):
        assert column(rows, key) == [r.get(key) for r in rows], key
