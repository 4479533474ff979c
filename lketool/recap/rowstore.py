"""Rendered recap rows kept between runs, so that a recap where a few workbooks changed
costs little more than one where none did.

Writing the recap workbook is mostly turning every unit's scores, verdicts and findings
into sheet XML (about 250 cells per unit).  The XML of one unit's rows does not depend
on the other units except through its row numbers and its rank, so the writer renders
each unit's rows once as *templates* - row XML with the row number and the rank left as
placeholders - and keeps them here, keyed by everything they were made from.  The next
run fills the placeholders of the kept templates and renders only the units that are
new or changed.  The output is the same, byte for byte, as when everything is rendered
afresh (``tests/test_recap_rowstore.py``).

The store is one *pack* file per writer context (lketool's code, xlsxwriter's version,
language): templates, then an index (JSON) of the units of the last recap and a 16-byte
trailer.  A run appends the templates it rendered and writes the new index; the pack is
compacted when it is mostly templates no longer indexed, so it does not grow with the
history.  Like the rest of the cache it may be deleted at any time; a pack that cannot
be read or written is not an error - the rows are simply rendered afresh.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
from array import array
from pathlib import Path
from typing import Any

#: Bumped whenever the template format (placeholders, separators) changes.
ROWS_FORMAT = 1
MAGIC = b"LKEROWS%d" % ROWS_FORMAT
_TRAILER = struct.Struct("<Q8s")  # index offset, magic
KEEP_PACKS = 4

# Placeholders and separators inside templates.  None of them can occur in a rendered
# row: the writer escapes control characters (a row that would carry one is never
# made into a template), so they are unambiguous.
ROW = "\x00"   # the 1-based row number
RANK = "\x01"  # the unit's rank
SHEET_SEP = "\x02"
ROW_SEP = "\x03"
FIELD_SEP = "\x04"


def context_digest(*parts: Any) -> str:
    """The identity of the writer that renders templates: what the XML of a row depends
    on besides the unit itself (code, xlsxwriter's version, language, edition)."""
    from lketool.recap.cache import code_digest

    return hashlib.sha256(json.dumps([ROWS_FORMAT, code_digest(), *parts], default=str).encode()).hexdigest()


def unit_digest(row: Any, context: str) -> str | None:
    """The key of one unit's templates: the writer context, its result's cache key, the
    file as shown and its summary row as stored (``_sd``, see
    :func:`lketool.recap.cache.summary_digest`), plus any value set on the row since.
    None when the unit has no cache key (its result is held in memory only)."""
    key = row.get("_key") if hasattr(row, "get") else None
    if not key or row.get("_mem") is not None:
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(context.encode())
    h.update(b"\0" + str(key).encode() + b"\0" + str(row.get("file")).encode() + b"\0")
    stored = row.get("_sd")
    extra = getattr(row, "_extra", None)
    if stored is not None and extra is not None:  # a CompactRow: later values live in _extra
        h.update(stored.encode())
        h.update(repr(sorted((k, v) for k, v in extra.items() if k not in _NOT_CONTENT)).encode())
    else:
        h.update(repr(sorted((k, v.tobytes() if type(v) is array else v) for k, v in row.items()
                             if k not in _NOT_CONTENT)).encode())
    return h.hexdigest()


_NOT_CONTENT = ("rank", "_key", "_mem", "_sd")


def encode(sheets: dict[str, tuple[int, int, list[str]]]) -> str:
    """One unit's templates for several sheets: name -> (min col, max col, row templates)."""
    return SHEET_SEP.join(f"{name}{FIELD_SEP}{lo}{FIELD_SEP}{hi}{FIELD_SEP}{ROW_SEP.join(rows)}"
                          for name, (lo, hi, rows) in sheets.items())


def decode(blob: str) -> dict[str, tuple[int, int, list[str]]]:
    """The inverse of :func:`encode`."""
    out = {}
    if not blob:
        return out
    for part in blob.split(SHEET_SEP):
        name, lo, hi, rows = part.split(FIELD_SEP, 3)
        out[name] = (int(lo), int(hi), rows.split(ROW_SEP) if rows else [])
    return out


class RowStore:
    """The pack of one writer context in ``directory``: :meth:`get` reads the templates
    kept by an earlier run, :meth:`put` adds this run's, :meth:`commit` makes exactly
    the units of this run the pack's index.  Parts are named ("a": the per-unit sheets
    written in rank order, "b": the findings) because the writer needs them at
    different times.

    New templates are appended in place, so a run where 1 % of the units changed writes
    1 % of the pack; when more than half of the file is templates no longer indexed, it
    is rewritten (compacted) into a new file renamed over the old one.  Readers are safe
    alongside a writer: an index only names bytes before itself, and a writer only
    writes after the index it read.  Two writers are not: a lock file lets one write,
    and the other then only reads."""

    def __init__(self, directory: str | Path, context: str):
        self.directory = Path(directory)
        self.context = context  # what unit_digest keys this pack's templates with
        self.path = self.directory / f"{context[:40]}.pack"
        self.hits = self.misses = 0
        self._f = None          # the pack (read, or read and append when we hold the lock)
        self._index: dict[str, dict[str, list[int]]] = {}
        self._index_at = 0      # where the pack's index starts: templates end there
        self._end = 0           # where the next template is appended
        self._fresh = False     # no usable pack: a new one is written beside it and renamed
        self._live: dict[str, dict[str, list[int]]] = {}
        self._lock = self.directory / ".lock"
        self._tmp = self.directory / f".{self.path.name}.{os.getpid()}.tmp"
        self._writable = self._take_lock()
        self._open()

    # ---------------------------------------------------------------- reading
    def get(self, key: str | None, part: str) -> str | None:
        """The templates kept for ``key`` (see :func:`unit_digest`), or None."""
        if key is None or self._f is None or self._fresh:
            return None
        where = self._index.get(key, {}).get(part)
        if not where:
            self.misses += 1
            return None
        try:
            off, n = where
            if off < 0 or n < 0 or off + n > self._index_at:
                raise ValueError("outside the templates")
            self._f.seek(off)
            data = self._f.read(n)
            if len(data) != n:
                raise ValueError("truncated")
            text = data.decode("utf-8")
        except (OSError, ValueError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        self._live.setdefault(key, {})[part] = [off, n]
        return text

    # ---------------------------------------------------------------- writing
    def put(self, key: str | None, part: str, blob: str) -> None:
        """Keep ``blob`` (see :func:`encode`) for ``key``."""
        if key is None or not self._writable or self._f is None:
            return
        data = blob.encode("utf-8")
        try:
            self._f.seek(self._end)
            self._f.write(data)
        except OSError:
            self._give_up()
            return
        self._live.setdefault(key, {})[part] = [self._end, len(data)]
        self._end += len(data)

    def commit(self) -> bool:
        """Index exactly the templates used or added in this run; False when the pack
        could not be written (it is then simply not there next time)."""
        if not self._writable or self._f is None:
            self._close()
            return False
        try:
            live = sum(n for parts in self._live.values() for _, n in parts.values())
            if not self._fresh and self._end > 2 * live + (1 << 20):
                self._compact()
            else:
                self._finish(self._live)
                if self._fresh:
                    os.replace(self._tmp, self.path)
        except OSError:
            self._give_up()
            return False
        finally:
            self._close()
        self._prune()
        return True

    def abort(self) -> None:
        """The recap was not written: leave the pack as it was (its old index, put
        back after whatever this run appended)."""
        if self._writable and self._f is not None and not self._fresh:
            with contextlib.suppress(OSError):
                self._finish(self._index)
        self._give_up() if self._fresh else self._close()

    def _finish(self, index: dict) -> None:
        f = self._f
        f.seek(self._end)
        f.write(json.dumps(index, separators=(",", ":")).encode())
        f.write(_TRAILER.pack(self._end, MAGIC))
        f.truncate()
        f.close()
        self._f = None

    def _compact(self) -> None:
        """Copy the live templates into a new file and rename it over the pack."""
        index: dict[str, dict[str, list[int]]] = {}
        with open(self._tmp, "wb") as out:
            for key, parts in self._live.items():
                for part, (off, n) in parts.items():
                    self._f.seek(off)
                    index.setdefault(key, {})[part] = [out.tell(), n]
                    out.write(self._f.read(n))
            at = out.tell()
            out.write(json.dumps(index, separators=(",", ":")).encode())
            out.write(_TRAILER.pack(at, MAGIC))
        self._f.close()  # Windows renames over a file only when nobody has it open
        self._f = None
        try:
            os.replace(self._tmp, self.path)
        except OSError:  # a reader has it open (Windows): index it in place, compact next time
            with contextlib.suppress(OSError):
                self._tmp.unlink()
            self._f = open(self.path, "r+b")
            self._finish(self._live)

    # ---------------------------------------------------------------- the files
    def _open(self) -> None:
        try:
            f = open(self.path, "r+b" if self._writable else "rb")
        except OSError:
            f = None
        if f is not None:
            try:
                f.seek(0, os.SEEK_END)
                end = f.tell()
                if end < _TRAILER.size:
                    raise ValueError("short")
                f.seek(end - _TRAILER.size)
                at, magic = _TRAILER.unpack(f.read(_TRAILER.size))
                if magic != MAGIC or at > end - _TRAILER.size:
                    raise ValueError("not a pack")
                f.seek(at)
                index = json.loads(f.read(end - _TRAILER.size - at))
                if not isinstance(index, dict):
                    raise ValueError("index")
                self._f, self._index, self._index_at, self._end = f, index, at, at
                return
            except (OSError, ValueError):
                f.close()
        if self._writable:  # nothing usable: start a new pack
            try:
                self._f, self._fresh = open(self._tmp, "w+b"), True
            except OSError:
                self._give_up()

    def _take_lock(self) -> bool:
        """One writer at a time; a lock older than an hour is left by a run that died."""
        import time

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                if time.time() - self._lock.stat().st_mtime > 3600:
                    self._lock.unlink()
            os.close(os.open(self._lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except OSError:
            return False

    def _give_up(self) -> None:
        self._close()
        with contextlib.suppress(OSError):
            self._tmp.unlink()

    def _close(self) -> None:
        if self._f is not None:
            with contextlib.suppress(OSError):
                self._f.close()
            self._f = None
        if self._writable:
            self._writable = False
            with contextlib.suppress(OSError):
                self._lock.unlink()

    def _prune(self) -> None:
        """Keep the packs of the :data:`KEEP_PACKS` most recently written contexts, and
        remove what runs that died an hour ago or more left half written."""
        import time

        try:
            packs = sorted((p for p in self.directory.glob("*.pack")), key=lambda p: p.stat().st_mtime,
                           reverse=True)
            for old in packs[KEEP_PACKS:]:
                old.unlink()
            for tmp in self.directory.glob(".*.tmp"):
                if time.time() - tmp.stat().st_mtime > 3600:
                    tmp.unlink()
        except OSError:
            pass
