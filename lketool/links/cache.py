"""On-disk cache of link check results, so a rerun does not visit every link again.

One JSON file (default ``%LOCALAPPDATA%\\lketool\\links.json`` on Windows,
``$XDG_CACHE_HOME/lketool/links.json`` or ``~/.cache/lketool/links.json``
elsewhere; ``LKETOOL_CACHE_DIR`` overrides the folder).  Writes go to a temporary
file that replaces the old one (``os.replace``), so an interrupted run never leaves
half a file; a corrupt file is set aside with a warning and the cache starts empty.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Callable

from .results import CACHEABLE, LinkResult

DEFAULT_MAX_AGE = timedelta(days=7)
_FORMAT_VERSION = 1


class LinkCacheWarning(UserWarning):
    """The cache file could not be read or written (the check itself goes on)."""


def default_cache_path() -> Path:
    """Where the link cache lives unless a path is given."""
    from lketool.resources import user_cache_dir

    return user_cache_dir() / "links.json"


class LinkCache:
    """Results of earlier checks keyed by normalized URL, each with its time.

    ``path``: the JSON file (default :func:`default_cache_path`); ``max_age``:
    seconds or ``timedelta`` after which an entry is ignored and the link checked
    again (default 7 days); ``clock``: ``time.time``-like function (for tests).
    Only lasting answers (accessible, locked, not_found) are stored; timeouts and
    server errors are always checked again.  Thread-safe.
    """

    def __init__(self, path: str | os.PathLike | None = None,
                 max_age: float | timedelta = DEFAULT_MAX_AGE,
                 *, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_cache_path()
        self.max_age = max_age.total_seconds() if isinstance(max_age, timedelta) else float(max_age)
        self.clock = clock
        self.load_error: str | None = None  # why the file could not be read, if it could not
        self._lock = threading.Lock()
        self._entries: dict[str, dict] = {}
        self._dirty = False
        self._entries = self._read(self.path, warn=True)

    # ------------------------------------------------------------------ queries
    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str, *, allow_private: bool = True) -> LinkResult | None:
        """The stored result for ``key`` if still fresh, else None.

        With ``allow_private=False`` an entry that was checked on a private
        address (only possible with ``allow_private`` on) is not returned, so the
        cache cannot be used to bypass the private-address guard.
        """
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or not self._fresh(entry):
            return None
        if entry.get("private") and not allow_private:
            return None
        try:
            return LinkResult.from_dict(entry["result"])
        except (KeyError, TypeError):
            return None

    def put(self, key: str, result: LinkResult, *, private: bool = False) -> bool:
        """Remember ``result``; returns False (and stores nothing) for transient statuses."""
        if result.status not in CACHEABLE:
            return False
        data = result.to_dict()
        data["from_cache"] = False
        with self._lock:
            self._entries[key] = {"ts": self.clock(), "private": bool(private), "result": data}
            self._dirty = True
        return True

    def clear(self) -> None:
        """Forget everything (written on the next :meth:`save`)."""
        with self._lock:
            self._entries.clear()
            self._dirty = True

    def prune(self) -> int:
        """Drop expired entries; returns how many were dropped."""
        with self._lock:
            old = [k for k, e in self._entries.items() if not self._fresh(e)]
            for k in old:
                del self._entries[k]
            self._dirty = self._dirty or bool(old)
        return len(old)

    # ------------------------------------------------------------------ disk
    def save(self) -> None:
        """Write the cache atomically if it changed.

        Entries written meanwhile by another lketool process are merged (newest
        wins).  Raises ``OSError`` if the folder is not writable.
        """
        with self._lock:
            if not self._dirty:
                return
            merged = self._read(self.path, warn=False)
            for key, entry in self._entries.items():
                if key not in merged or merged[key].get("ts", 0) <= entry.get("ts", 0):
                    merged[key] = entry
            if not self._entries:  # after clear(): really empty
                merged = {}
            merged = {k: e for k, e in merged.items() if self._fresh(e)}
            _atomic_write(self.path, {"version": _FORMAT_VERSION, "entries": merged})
            self._entries = merged
            self._dirty = False

    def _fresh(self, entry: dict) -> bool:
        ts = entry.get("ts")
        return isinstance(ts, (int, float)) and 0 <= self.clock() - ts <= self.max_age

    def _read(self, path: Path, *, warn: bool) -> dict[str, dict]:
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            return self._bad(path, f"tidak dapat dibaca / unreadable: {exc}", warn, move=False)
        try:
            data = json.loads(raw)
            entries = data["entries"]
            if not isinstance(entries, dict):
                raise TypeError("entries is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            return self._bad(path, f"rusak / corrupt: {exc}", warn, move=True)
        return {k: e for k, e in entries.items() if isinstance(e, dict) and isinstance(e.get("result"), dict)}

    def _bad(self, path: Path, why: str, warn: bool, move: bool) -> dict:
        if not warn:
            return {}
        self.load_error = f"Cache tautan {path} {why}; mulai dari kosong / starting empty"
        warnings.warn(self.load_error, LinkCacheWarning, stacklevel=4)
        if move:
            # keep the bad file for inspection instead of silently overwriting it
            try:
                os.replace(path, path.with_name(path.name + ".corrupt"))
            except OSError:
                pass
        return {}


def _atomic_write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        # On Windows os.replace fails while another process (or an antivirus
        # scanner) has the target open; that lasts milliseconds, so retry briefly.
        for attempt in range(10):
            try:
                os.replace(tmp, path)
                return
            except PermissionError:
                if attempt == 9:
                    raise
                time.sleep(0.05 * (attempt + 1))
    finally:
        if os.path.exists(tmp):
            try:
                os.unlink(tmp)
            except OSError:
                pass
