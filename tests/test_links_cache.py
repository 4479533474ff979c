"""On-disk link cache (lketool.links.cache)."""
from __future__ import annotations

import sys
import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from lketool.links import LinkCache, LinkCacheWarning, LinkResult, default_cache_path
from lketool.links import cache as cache_mod


def result(url="https://drive.google.com/file/d/x/view", status="accessible", **kw):
    return LinkResult(url=url, status=status, http_status=kw.pop("http_status", 200),
                      checked_at="2024-01-01T00:00:00+00:00", **kw)


class Clock:
    def __init__(self, t=1_700_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


def test_default_path_windows(monkeypatch, tmp_path):
    monkeypatch.delenv("LKETOOL_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    assert default_cache_path() == tmp_path / "AppData" / "Local" / "lketool" / "links.json"


def test_default_path_elsewhere_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("LKETOOL_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(cache_mod.Path, "home", classmethod(lambda cls: tmp_path / "home"))
    assert default_cache_path() == tmp_path / "home" / ".cache" / "lketool" / "links.json"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "lketool" / "links.json"
    monkeypatch.setenv("LKETOOL_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_path() == tmp_path / "mine" / "links.json"
    assert LinkCache().path == tmp_path / "mine" / "links.json"


def test_roundtrip_between_instances(tmp_path):
    path = tmp_path / "sub" / "links.json"
    c = LinkCache(path)
    assert c.put("k1", result(detail_id="dapat dibuka", detail_en="opens"))
    assert c.put("k2", result(status="locked", final_url="https://accounts.google.com/x"))
    c.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and set(data["entries"]) == {"k1", "k2"}
    again = LinkCache(path)
    assert len(again) == 2 and "k1" in again
    got = again.get("k2")
    assert got.status == "locked" and got.final_url == "https://accounts.google.com/x"
    assert again.get("k1").detail_en == "opens"
    assert again.get("nope") is None


def test_transient_results_are_not_stored(tmp_path):
    c = LinkCache(tmp_path / "links.json")
    for status in ("timeout", "server_error", "unreachable", "blocked", "not_web"):
        assert c.put(status, result(status=status)) is False
    assert len(c) == 0
    c.save()
    assert not (tmp_path / "links.json").exists()  # nothing changed, nothing written


def test_expiry(tmp_path):
    clock = Clock()
    c = LinkCache(tmp_path / "links.json", max_age=timedelta(days=7), clock=clock)
    c.put("k", result())
    clock.t += 7 * 86400 - 1
    assert c.get("k") is not None
    clock.t += 2
    assert c.get("k") is None
    assert c.prune() == 1 and len(c) == 0


def test_default_max_age_is_seven_days(tmp_path):
    assert LinkCache(tmp_path / "x.json").max_age == 7 * 86400


def test_private_entries_are_hidden_when_private_not_allowed(tmp_path):
    c = LinkCache(tmp_path / "links.json")
    c.put("k", result(), private=True)
    assert c.get("k", allow_private=True) is not None
    assert c.get("k", allow_private=False) is None


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"version": 1, "entries": [1]}', "\x00\x01"])
def test_corrupt_file_starts_empty_with_warning(tmp_path, content):
    path = tmp_path / "links.json"
    path.write_text(content, encoding="utf-8")
    with pytest.warns(LinkCacheWarning, match="links.json"):
        c = LinkCache(path)
    assert len(c) == 0 and c.load_error and "corrupt" in c.load_error
    assert (tmp_path / "links.json.corrupt").read_text(encoding="utf-8") == content
    c.put("k", result())
    c.save()
    assert LinkCache(path).get("k").status == "accessible"


def test_bad_entries_are_skipped(tmp_path):
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"version": 1, "entries": {
        "good": {"ts": 9e18, "result": {"url": "u", "status": "accessible"}},
        "no-result": {"ts": 1}, "not-a-dict": 5,
        "old": {"ts": "yesterday", "result": {"url": "u", "status": "accessible"}}}}), encoding="utf-8")
    c = LinkCache(path, clock=lambda: 9e18)
    assert c.get("good").status == "accessible"
    assert c.get("no-result") is None and c.get("not-a-dict") is None and c.get("old") is None


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "links.json"
    c = LinkCache(path)
    c.put("a", result())
    c.save()
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    c.put("b", result())
    monkeypatch.setattr(cache_mod.os, "replace", boom)
    with pytest.raises(OSError):
        c.save()
    monkeypatch.undo()
    assert path.read_bytes() == before                      # old file intact
    assert [p.name for p in tmp_path.iterdir()] == ["links.json"]  # temp file removed


def test_replace_retried_on_windows_style_sharing_violation(tmp_path, monkeypatch):
    path = tmp_path / "links.json"
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) < 3:
            raise PermissionError("in use by another process")
        return real(src, dst)

    monkeypatch.setattr(cache_mod.os, "replace", flaky)
    c = LinkCache(path)
    c.put("a", result())
    c.save()
    assert len(calls) == 3 and LinkCache(path).get("a") is not None


def test_two_processes_merge_on_save(tmp_path):
    path = tmp_path / "links.json"
    a, b = LinkCache(path), LinkCache(path)
    a.put("from-a", result())
    a.save()
    b.put("from-b", result(status="not_found", http_status=404))
    b.save()
    merged = LinkCache(path)
    assert merged.get("from-a").status == "accessible" and merged.get("from-b").status == "not_found"


def test_clear(tmp_path):
    path = tmp_path / "links.json"
    c = LinkCache(path)
    c.put("a", result())
    c.save()
    c.clear()
    c.save()
    assert len(LinkCache(path)) == 0


def test_thread_safe_puts(tmp_path):
    c = LinkCache(tmp_path / "links.json")

    def work(n):
        for i in range(200):
            c.put(f"{n}-{i}", result())
            c.get(f"{n}-{i // 2}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c.save()
    assert len(LinkCache(tmp_path / "links.json")) == 800


def test_unwritable_location_raises_oserror(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.warns(LinkCacheWarning, match="unreadable"):
        c = LinkCache(blocker / "links.json")  # parent is a file: cannot read nor mkdir
    assert len(c) == 0
    c.put("a", result())
    with pytest.raises(OSError):
        c.save()


def test_paths_are_pathlib(tmp_path):
    assert isinstance(LinkCache(str(tmp_path / "x.json")).path, Path)
