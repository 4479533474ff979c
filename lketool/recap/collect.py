"""Check and score many workbooks: in parallel, through the cache, never stopping for
one bad file.

Worker processes run :func:`lketool.api.check_file`, write each full result
(``to_dict()``) to the result store (the cache folder, or a private temporary folder
with ``--no-cache``) and send back only a small summary row, so the parent's memory
stays flat however many workbooks there are; the writers read full results back one at
a time."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from lketool.api import check_file, iter_workbooks
from lketool.recap.cache import ResultCache, StatIndex, cache_key, file_digest, summary_digest
from lketool.recap.labels import t
from lketool.recap.tables import failure_row, summary_row
from lketool.rubric import DEFAULT_EDITION

#: ``progress(stage, done, total)``; stage is "check" (workbooks) or "write" (units written).
ProgressFn = Callable[[str, int, int], None]

SERIAL_BELOW = 24  # fewer workbooks to read than this: a process pool costs more than it saves,
STREAM_AHEAD = 1000  # unless this many files are still to be looked up: then it works meanwhile
MAX_CHUNK = 16


@dataclass(frozen=True)
class RecapOptions:
    """What changes a workbook's result (and therefore its cache key)."""

    strict: bool = False
    per_half: bool = False
    lang: str = "id"
    rubric: str = DEFAULT_EDITION
    has_wbk: bool | None = None  # --sudah-wbk/--belum-wbk (lketool.verdict)
    declared: tuple[str, ...] = ()  # --terpenuhi
    units: tuple = ()  # --units: lketool.units.Units.entries() (unit name, sudah_wbk per file)

    def for_file(self, name: str) -> tuple[str | None, bool | None]:
        """The unit name and WBK declaration of one file: its units-file row wins over --sudah-wbk."""
        from lketool.units import Units

        u = Units.from_entries(self.units)
        return u.name_for(name), u.has_wbk_for(name, self.has_wbk)

    def key_fields(self, name: str) -> dict[str, Any]:
        # The file name takes part because a unit name may come from it; the declarations
        # change the verdict, so they take part too.
        unit, has_wbk = self.for_file(name)
        fields = {"strict": self.strict, "per_half": self.per_half, "lang": self.lang, "rubric": self.rubric,
                  "has_wbk": has_wbk, "declared": sorted(self.declared), "name": name}
        return {**fields, "unit": unit} if unit else fields


@dataclass
class CollectStats:
    files: int = 0
    checked: int = 0  # read and scored in this run
    cached: int = 0   # taken from the cache
    failed: int = 0   # could not be read
    seconds: float = 0.0


@dataclass
class Collection:
    """The outcome of :func:`collect`: a summary row per readable workbook (input order),
    the failures, and access to every full result.  Close it (or use ``with``) to remove
    the temporary store of a ``--no-cache`` run."""

    options: RecapOptions
    store: ResultCache
    units: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    stats: CollectStats = field(default_factory=CollectStats)
    _memory: dict[int, dict] = field(default_factory=dict, repr=False)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def result(self, row: dict[str, Any], *, problems: bool = True) -> dict[str, Any]:
        """The full ``to_dict()`` result behind a summary row (``problems=False``: all
        but the problems, which are most of its size)."""
        if row.get("_mem") is not None:
            return self._memory[row["_mem"]]
        d = self.store.get(row["_key"], problems=problems) if row.get("_key") else None
        if d is None:
            d = self._reread(row)
        return _relocate(d, row["file"])

    def problems(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The problems of one unit (``to_dict()["problems"]``)."""
        if row.get("_mem") is not None:
            return self._memory[row["_mem"]]["problems"]
        probs = self.store.problems(row["_key"]) if row.get("_key") else None
        if probs is None:
            probs = self._reread(row).get("problems") or []
        for p in probs:
            p["file"] = row["file"]
        return probs

    def _reread(self, row: dict[str, Any]) -> dict[str, Any]:
        # The entry vanished or broke since it was read (cache folder cleaned meanwhile).
        key, d, out = _check_one(row["file"], self.options, None)
        return d if d is not None else {"file": row["file"], "error": None, "problems": [], "indicators": []}

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "Collection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def collect(paths: Iterable[str | Path], options: RecapOptions | None = None, *, jobs: int | None = None,
            cache_dir: str | Path | None = None, use_cache: bool = True, exclude: Iterable[str | Path] = (),
            progress: ProgressFn | None = None) -> Collection:
    """Check every workbook under ``paths`` (files and folders, recursively).

    A workbook whose bytes, name, lketool version and options match a cache entry is not
    read again.  ``jobs`` worker processes (default: all cores) read the rest; a file that
    cannot be read, or that makes the checker fail unexpectedly, becomes a failure row."""
    started = time.perf_counter()
    options = options or RecapOptions()
    jobs = max(1, jobs or os.cpu_count() or 1)
    tmp = None
    if use_cache and cache_dir is not None:
        store = ResultCache(cache_dir)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="lketool-recap-")
        store = ResultCache(tmp.name)
    coll = Collection(options=options, store=store, _tmp=tmp)
    try:
        files = _unique_files(paths, exclude)
        coll.stats.files = len(files)
        found: dict[int, tuple[str, dict | None, dict | None]] = {}
        todo: list[tuple[int, str]] = []

        def take(i: int, out: tuple) -> None:
            key, result, row = out
            # compact at once: thousands of decoded rows must never be alive together
            if key is not None and not row.get("_failure"):
                row["_sd"] = summary_digest(key, row)
            found[i] = (key, result, row if row.get("_failure") else _compact(row))
            coll.stats.checked += 1
            if progress:
                progress("check", len(found), len(files))

        # Worker processes start as soon as enough files need reading (or one does, with
        # thousands still to look up), and read them while the rest of the cache is still
        # being looked up: a run where a few of thousands of files changed waits for the
        # slower of the two, not for both.
        batch: _Batch | None = None
        pending: list[tuple[int, str]] = []
        index = StatIndex(store.directory) if use_cache and tmp is None else None
        for i, f in enumerate(files):
            hit = _cached(store, f, options, index) if use_cache else None
            if hit is None:
                todo.append((i, f))
                if batch is None and jobs > 1 and (len(todo) >= SERIAL_BELOW or len(files) - i >= STREAM_AHEAD):
                    batch = _Batch(options, str(store.directory), jobs, take)
                    pending = list(todo)
                elif batch is not None:
                    pending.append((i, f))
                if batch is not None and len(pending) >= batch.chunk_size():
                    batch.submit(pending)
                    pending = []
            else:
                found[i] = hit
                coll.stats.cached += 1
        if progress:
            progress("check", len(found), len(files))

        if index is not None:
            index.save()
        if batch is not None:
            for chunk in _chunks(pending, jobs):
                batch.submit(chunk)
            batch.finish()
        elif todo:
            # In this process (cheaper than a pool for a few files), each read fenced by a
            # marker: if the process dies on a file (a crash in native code), the marker
            # survives and the next run reads that file in a child process instead, where
            # a crash becomes a cached failure rather than the end of every later recap.
            suspects = [(i, f) for i, f in todo if _marked(store, f, options)]
            guarded = {i for i, _ in suspects}
            for i, f in todo:
                if i not in guarded:
                    with _marker(store, f, options):
                        take(i, _check_one(f, options, str(store.directory)))
            left = suspects
            while left:
                left = _careful_round(left, options, str(store.directory), take, _check_chunk)
            for _, f in suspects:
                _marker(store, f, options).__exit__()

        for i in sorted(found):
            key, result, row_or_failure = found[i]
            if row_or_failure.get("_failure"):
                coll.failures.append({k: v for k, v in row_or_failure.items() if k != "_failure"})
                continue
            row = row_or_failure  # already compact (take, _cached)
            row["_key"] = key
            if result is not None:  # not in the store (it could not be written): keep it here
                coll._memory[i] = result
                row["_mem"] = i
            coll.units.append(row)
        coll.stats.failed = len(coll.failures)
    except BaseException:
        coll.close()
        raise
    coll.stats.seconds = time.perf_counter() - started
    return coll


class CompactRow(MutableMapping):
    """A summary row as the main process keeps it until the recap is written: a dict to
    every reader (``row["total"]``, ``row.get``, ``{**row}``, equality), stored as a
    shared key layout, one float array for the numbers and a tuple for the rest - about
    a third of the memory of the decoded dict, so 10,000 units stay well under 100 MB.
    Keys added later (``rank``, ``_key``) live in a small side dict."""

    __slots__ = ("_layout", "_nums", "_vals", "_extra")
    _layouts: dict[tuple, tuple[tuple[str, ...], dict[str, tuple[bool, int]]]] = {}

    def __init__(self, row: dict[str, Any]):
        from array import array

        shape = tuple((k, type(v) is float) for k, v in row.items())
        layout = CompactRow._layouts.get(shape)
        if layout is None:
            keys = tuple(sys.intern(k) for k, _ in shape)
            where, n_num, n_val = {}, 0, 0
            for k, is_num in zip(keys, (f for _, f in shape)):
                where[k] = (is_num, n_num if is_num else n_val)
                n_num, n_val = n_num + is_num, n_val + (not is_num)
            layout = CompactRow._layouts.setdefault(shape, (keys, where))
        self._layout = layout
        self._nums = array("d", [v for v in row.values() if type(v) is float])  # exact: the same doubles
        self._vals = tuple(_shared(k, v) for k, v in row.items() if type(v) is not float)
        self._extra: dict[str, Any] | None = None

    def __getitem__(self, key: str) -> Any:
        extra = self._extra
        if extra is not None and key in extra:
            return extra[key]
        is_num, i = self._layout[1][key]
        return self._nums[i] if is_num else self._vals[i]

    def __setitem__(self, key: str, value: Any) -> None:
        if self._extra is None:
            self._extra = {}
        self._extra[sys.intern(key)] = value

    def __delitem__(self, key: str) -> None:
        if self._extra is None or key not in self._extra or key in self._layout[1]:
            raise KeyError(key)
        del self._extra[key]

    def __iter__(self):
        yield from self._layout[0]
        if self._extra:
            yield from (k for k in self._extra if k not in self._layout[1])

    def __len__(self) -> int:
        extra = self._extra or {}
        return len(self._layout[0]) + sum(1 for k in extra if k not in self._layout[1])

    def __contains__(self, key: object) -> bool:
        return key in self._layout[1] or (self._extra is not None and key in self._extra)

    def __repr__(self) -> str:
        return f"CompactRow({dict(self)!r})"


def column(rows: Iterable[Any], key: str) -> list[Any]:
    """``[row.get(key) for row in rows]``, several times faster for :class:`CompactRow`
    (the recap's totals row reads every numeric column of every unit)."""
    out = []
    append = out.append
    for r in rows:
        if type(r) is not CompactRow:
            append(r.get(key))
            continue
        extra = r._extra
        if extra is not None and key in extra:
            append(extra[key])
            continue
        where = r._layout[1].get(key)
        append(None if where is None else r._nums[where[1]] if where[0] else r._vals[where[1]])
    return out


def _shared(key: str, v: Any) -> Any:
    from array import array

    if isinstance(v, list) and key.startswith("missed_"):
        return tuple(tuple(sys.intern(x) if isinstance(x, str) else x for x in c) for c in v)
    if key == "indicator_shares" and isinstance(v, list) and all(type(x) is float for x in v):
        return array("d", v)
    if key == "layout" and isinstance(v, str):
        return sys.intern(v)
    return v


def _compact(row: dict[str, Any]) -> CompactRow:
    """The compact form of a decoded summary row (see :class:`CompactRow`)."""
    return CompactRow(row)


def _unique_files(paths: Iterable[str | Path], exclude: Iterable[str | Path]) -> list[str]:
    skip = {_resolved(p) for p in exclude}
    out, seen = [], set()
    for f in iter_workbooks(paths):
        r = _resolved(f)
        if r in skip or r in seen:
            continue
        seen.add(r)
        out.append(str(f))
    return out


def _resolved(p: str | Path) -> str:
    try:
        return os.path.normcase(str(Path(p).resolve()))
    except OSError:
        return os.path.normcase(os.path.abspath(p))


def _cached(store: ResultCache, file: str, options: RecapOptions, index: StatIndex | None = None):
    """(key, None, summary row or failure) from the cache, or None to read the file."""
    try:
        digest = index.digest(file) if index is not None else file_digest(file)
        key = cache_key(digest, options.key_fields(Path(file).name))
    except OSError:
        return None  # check_file will say why it cannot be opened
    row = store.summary(key, digest=True)
    if row is None or not isinstance(row.get("file"), str):
        return None
    row["file"] = file  # the same bytes may have been cached from another folder
    return key, None, row if row.get("_failure") else _compact(row)


_PENDING = "pending"


def _marker_path(store: ResultCache, file: str, options: RecapOptions) -> Path | None:
    try:
        key = cache_key(file_digest(file), options.key_fields(Path(file).name))
    except OSError:
        return None
    return store.directory / _PENDING / key


def _marked(store: ResultCache, file: str, options: RecapOptions) -> bool:
    """True when an earlier run died while reading ``file`` (its marker is still there)."""
    path = _marker_path(store, file, options)
    return path is not None and path.exists()


class _marker:
    """Mark ``file`` as being read in this process for the duration of the block."""

    def __init__(self, store: ResultCache, file: str, options: RecapOptions):
        self.path = _marker_path(store, file, options)

    def __enter__(self):
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
            except OSError:
                self.path = None  # a read-only cache: no marker, no harm
        return self

    def __exit__(self, *exc):
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()


def _crash_failure(file: str, options: RecapOptions, store_dir: str | None):
    """The failure of a file whose checker process died, stored in the cache like any
    other failure so that later runs do not read (and crash on) it again."""
    message = t("fail.crashed", options.lang, file=Path(file).name)
    row = {"file": file, "code": "worker-crashed", "message": message, "_failure": True}
    key = None
    if store_dir is not None:
        store = ResultCache(store_dir)
        marker = _marker_path(store, file, options)
        if marker is not None:
            key = marker.name
            d = {"file": file, "error": {"code": "worker-crashed", "message": message, "detail": None},
                 "problems": []}
            store.put(key, d, row)
            with contextlib.suppress(OSError):
                marker.unlink()
    return key, None, row


def _row_of(d: dict) -> dict:
    if d["error"]:
        return {**failure_row(d), "_failure": True}
    return summary_row(d)


def _relocate(d: dict, file: str) -> dict:
    """A cached result as if computed for ``file`` (the same bytes may live elsewhere)."""
    if d.get("file") != file:
        d["file"] = file
        for p in d.get("problems") or []:
            p["file"] = file
    return d


def _check_one(file: str, options: RecapOptions, store_dir: str | None):
    """Check one workbook: (key, full result if not stored, summary row or failure)."""
    key = None
    try:
        key = cache_key(file_digest(file), options.key_fields(Path(file).name))
    except OSError:
        pass  # not cached; check_file explains why the file cannot be opened
    try:
        unit, has_wbk = options.for_file(Path(file).name)
        d = check_file(file, rubric=options.rubric, strict=options.strict, per_half=options.per_half,
                       has_wbk=has_wbk, declared=options.declared).to_dict(options.lang)
        if unit:
            d["unit"] = unit
        row = _row_of(d)
    except Exception as exc:  # one broken file never stops the batch
        err = f"{type(exc).__name__}: {exc}"
        return None, None, {"file": file, "code": "internal-error", "_failure": True,
                            "message": t("fail.internal", options.lang, file=Path(file).name, error=err)}
    stored = key is not None and store_dir is not None and ResultCache(store_dir).put(key, d, row)
    if stored or row.get("_failure"):
        return key, None, row
    return key, d, row


def _check_chunk(chunk: list[tuple[int, str]], options: RecapOptions, store_dir: str):
    return [(i, _check_one(f, options, store_dir)) for i, f in chunk]


def _ignore_sigint() -> None:
    # Ctrl+C is handled by the parent, which cancels what is queued; workers must not
    # each print a traceback.
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing as mp

    # forkserver: forking a parent that runs a progress-bar thread can deadlock.
    method = "forkserver" if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods() else None
    ctx = mp.get_context(method) if method else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)


def _chunks(todo: list[tuple[int, str]], jobs: int) -> list[list[tuple[int, str]]]:
    size = max(1, min(MAX_CHUNK, len(todo) // (jobs * 4)))
    return [todo[k:k + size] for k in range(0, len(todo), size)]


def _run_pool(todo: list[tuple[int, str]], options: RecapOptions, store_dir: str, jobs: int,
              take: Callable[[int, tuple], None], worker: Callable = _check_chunk) -> None:
    """Read ``todo`` in ``jobs`` worker processes, handing each outcome to ``take``."""
    chunks = _chunks(todo, jobs)
    batch = _Batch(options, store_dir, min(jobs, len(chunks)), take, worker)
    for c in chunks:
        batch.submit(c)
    batch.finish()


class _Batch:
    """Worker processes reading workbooks handed to them in chunks (:meth:`submit`), at
    any time until :meth:`finish`, which waits for all and settles the chunks of workers
    that died, one file at a time."""

    def __init__(self, options: RecapOptions, store_dir: str, jobs: int, take: Callable[[int, tuple], None],
                 worker: Callable = _check_chunk):
        self.options, self.store_dir, self.jobs, self.take, self.worker = options, store_dir, jobs, take, worker
        self.ex = _pool(max(1, jobs))
        self.futs: dict = {}
        self.careful: list[tuple[int, str]] = []
        self.done = 0

    def chunk_size(self) -> int:
        """Small chunks while the workers have little queued (they start at once), full
        ones when they are busy (fewer round trips)."""
        return 4 if len(self.futs) < 2 * self.jobs else MAX_CHUNK

    def submit(self, chunk: list[tuple[int, str]]) -> None:
        if not chunk:
            return
        try:
            self.futs[self.ex.submit(self.worker, list(chunk), self.options, self.store_dir)] = list(chunk)
        except BrokenProcessPool:  # a worker died while we were still handing out work
            self.careful.extend(chunk)
        except BaseException:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise
        self._settle(wait=False)

    def _settle(self, wait: bool) -> None:
        futs = as_completed(list(self.futs)) if wait else [f for f in list(self.futs) if f.done()]
        for fut in futs:
            # Forget the future once handled: it holds its whole result (the decoded rows
            # of its chunk), and thousands of those kept alive were most of the main
            # process's memory.
            chunk = self.futs.pop(fut)
            try:
                outs = fut.result()
            except Exception:  # a worker died (crash, out of memory): find the culprit below
                self.careful.extend(chunk)
                continue
            finally:
                del fut
            self.done += 1
            for i, out in outs:
                self.take(i, out)
            del outs

    def finish(self) -> None:
        try:
            self._settle(wait=True)
        except BaseException:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise
        self.ex.shutdown()
        careful = sorted(self.careful)
        options, store_dir, take = self.options, self.store_dir, self.take
        if careful and self.done == 0:
            # Not one batch came back: worker processes cannot run here at all, which is no
            # single file's fault.  Check in this process instead.
            store = ResultCache(store_dir)
            for i, f in careful:
                with _marker(store, f, options):
                    take(i, _check_one(f, options, store_dir))
            return
        while careful:
            careful = _careful_round(careful, options, store_dir, take, self.worker)


def _careful_round(todo, options, store_dir, take, worker):
    """One worker, one file per task: when it dies, the first unfinished file is the one
    that killed it; the files queued behind it are tried again in a fresh process.
    Every round settles at least one file, so this ends."""
    ex = _pool(1)
    futs, rest = [], []
    culprit = None
    try:
        for n, (i, f) in enumerate(todo):
            try:
                futs.append((i, f, ex.submit(worker, [(i, f)], options, store_dir)))
            except BrokenProcessPool:
                rest = list(todo[n:])
                break
        for i, f, fut in futs:
            try:
                (_, out), = fut.result()
            except Exception:
                if culprit is None:
                    culprit = (i, f)
                else:
                    rest.append((i, f))
                continue
            take(i, out)
    except BaseException:
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown()
    if culprit is None and not futs:
        culprit, rest = rest[0], rest[1:]
    if culprit is not None:
        i, f = culprit
        take(i, _crash_failure(f, options, store_dir))
    return sorted(rest)
