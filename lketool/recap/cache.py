"""The recap's result cache: one small JSON file per workbook content.

An entry is keyed by the SHA-256 of the workbook's bytes together with the lketool
version, the rubric edition, a digest of the rubric and layout data files actually used
(``lketool/rubric/data/<edition>.json``, ``lketool/layouts/*.json``) and the options
that change a result (strict, per-half, language), so a file that did not change is not
read again, and upgrading lketool, editing the rubric data or changing an option
recomputes everything.

The folder lives in the user's cache directory (:func:`user_cache_dir`), never beside
the recap or among the inputs, unless ``--cache-dir`` says otherwise.  Entries are written to a temporary file and
renamed, so a reader never sees half an entry; an entry that does not parse or does not
match its key is treated as missing and recomputed.  The folder may be deleted at any
time."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Mapping

from lketool import __version__
from lketool.api import CACHE_DIRNAME
from lketool.atomic import atomic_path

CACHE_FORMAT = 3  # bump when an entry or the summary row (tables.summary_row) changes shape
# bump when what the writers put in a recap changes, so a kept recap is not reused
OUTPUT_FORMAT = 1
DEFAULT_DIRNAME = CACHE_DIRNAME
OUTPUTS_DIRNAME = "recaps"
KEEP_OUTPUTS = 4  # finished recaps kept for reuse (the newest ones)
_CHUNK = 1 << 20


def file_digest(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes.  OSError for anything but a regular file: reading
    a FIFO would wait forever and /dev/zero never ends (the checker then says why)."""
    import stat

    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(f"not a regular file: {path}")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(_CHUNK)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def user_cache_dir() -> Path:
    """Where recap caches live by default: ``%LOCALAPPDATA%\\lketool\\recap`` on Windows,
    ``$XDG_CACHE_HOME/lketool/recap`` or ``~/.cache/lketool/recap`` elsewhere
    (``LKETOOL_CACHE_DIR`` overrides the ``lketool`` folder, as for the link cache)."""
    from lketool.resources import user_cache_dir as root

    return root() / "recap"


@lru_cache(maxsize=None)
def data_digest(edition: str) -> str:
    """SHA-256 over the data a result is computed from: the rubric edition's JSON and
    every layout JSON.  A changed weight or label in those files changes every key,
    even when the version number was not bumped."""
    import lketool.layouts as layouts_pkg
    from lketool.rubric import DATA_DIR

    h = hashlib.sha256()
    files = [DATA_DIR / f"{edition}.json", *sorted(Path(layouts_pkg.__file__).parent.glob("*.json"))]
    for f in files:
        h.update(f.name.encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"missing")
        h.update(b"\0")
    return h.hexdigest()


def cache_key(digest: str, options: Mapping[str, Any]) -> str:
    """The entry key for a file digest under ``options`` (plus version, format and the
    digest of the rubric and layout data of ``options["rubric"]``)."""
    from lketool.rubric import DEFAULT_EDITION

    data = data_digest(str(options.get("rubric") or DEFAULT_EDITION))
    meta = json.dumps({"format": CACHE_FORMAT, "lketool": __version__, "data": data, "options": dict(options)},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{digest}\n{meta}".encode()).hexdigest()


class ResultCache:
    """A folder of ``<key[:2]>/<key>.json`` entries, each three JSON lines: a header with
    the key and the recap's summary row, ``FileResult.to_dict()`` without its problems,
    and the problems.  A run that finds everything cached reads only the first lines;
    the writers read the other two when they need them.

    Safe to share between processes: every write is a private temporary file renamed
    into place.  Failing to write (read-only folder, full disk) is not an error: the
    result is simply not cached."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def summary(self, key: str, *, digest: bool = False) -> dict[str, Any] | None:
        """The summary stored with ``key``, or None when missing, unreadable or corrupt.
        With ``digest`` it carries ``_sd``, a digest of the stored summary (see
        :func:`summary_digest`)."""
        try:
            with open(self.path_for(key), "rb") as f:
                line = f.readline()
            head = json.loads(line)
        except (OSError, ValueError):
            return None
        if (not isinstance(head, dict) or head.get("format") != CACHE_FORMAT or head.get("key") != key
                or not isinstance(head.get("summary"), dict)):
            return None
        if digest and not head["summary"].get("_failure"):
            head["summary"]["_sd"] = _digest(line.rstrip(b"\n"))
        return head["summary"]

    def get(self, key: str, *, problems: bool = True) -> dict[str, Any] | None:
        """The cached result for ``key`` (without its problems when ``problems`` is
        False), or None when missing, unreadable or corrupt."""
        got = self._read(key, True, problems)
        if got is None:
            return None
        result, probs = got
        if problems:
            result["problems"] = probs
        return result

    def problems(self, key: str) -> list[dict[str, Any]] | None:
        """Only the problems of a cached result (the writers' second pass)."""
        got = self._read(key, False, True)
        return None if got is None else got[1]

    def _read(self, key: str, want_result: bool, want_problems: bool):
        try:
            with open(self.path_for(key), "rb") as f:
                head = json.loads(f.readline())
                if not isinstance(head, dict) or head.get("format") != CACHE_FORMAT or head.get("key") != key:
                    return None
                line = f.readline()
                result = json.loads(line) if want_result else None
                probs = json.loads(f.readline()) if want_problems else None
        except (OSError, ValueError):
            return None
        if want_result and not (isinstance(result, dict) and "error" in result and "file" in result
                                and ("scores" in result or result["error"])):
            return None
        if want_problems and not isinstance(probs, list):
            return None
        return result, probs

    def put(self, key: str, result: Mapping[str, Any], summary: Mapping[str, Any]) -> bool:
        """Store ``result`` and its ``summary`` under ``key``; False when it could not be written."""
        body = {k: v for k, v in result.items() if k != "problems"}
        dump = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
        text = "\n".join([_head_line(key, summary), dump(body), dump(list(result.get("problems") or []))]) + "\n"
        return _write_atomic(self.path_for(key), text)


def _head_line(key: str, summary: Mapping[str, Any]) -> str:
    return json.dumps({"format": CACHE_FORMAT, "key": key, "summary": summary}, ensure_ascii=False,
                      separators=(",", ":"))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def summary_digest(key: str, summary: Mapping[str, Any]) -> str:
    """A digest of ``summary`` as stored under ``key``: the same whether the summary was
    just computed or read back from the cache (kept recap rows are keyed by it)."""
    return _digest(_head_line(key, summary).encode("utf-8"))


class StatIndex:
    """Which content digest each input file had when it was last read, keyed by path
    and trusted while its size and modification time (ns) are unchanged - as make and
    rsync decide - so a run over thousands of unchanged files stats them instead of
    hashing every byte again.  A file modified within two seconds before the index was
    written is hashed again (its time stamp cannot tell a second change apart).  One
    JSON file in the cache folder; unreadable means empty."""

    NAME = "files.index"  # JSON; not named *.json so it is never taken for a result entry
    RACY_NS = 2_000_000_000

    def __init__(self, cache_dir: str | Path):
        self.path = Path(cache_dir) / self.NAME
        self.entries: dict[str, list] = {}
        self.written_ns = 0
        self.fresh: dict[str, list] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == 1 and isinstance(data.get("files"), dict):
                self.entries, self.written_ns = data["files"], int(data.get("written_ns", 0))
        except (OSError, ValueError, TypeError, AttributeError):
            pass

    def digest(self, file: str) -> str:
        """The SHA-256 of ``file``: from the index when its stat is unchanged, else read."""
        st = os.stat(file)
        path = os.path.abspath(file)
        e = self.entries.get(path)
        if (e and len(e) == 3 and e[0] == st.st_size and e[1] == st.st_mtime_ns
                and st.st_mtime_ns < self.written_ns - self.RACY_NS):
            self.fresh[path] = e
            return e[2]
        d = file_digest(file)
        self.fresh[path] = [st.st_size, st.st_mtime_ns, d]
        return d

    MAX_ENTRIES = 200_000

    def save(self) -> bool:
        """Write the index: earlier entries plus those seen in this run (only this run's
        when it grew past :data:`MAX_ENTRIES`).  Nothing is written when nothing changed."""
        import time

        if all(self.entries.get(k) == v for k, v in self.fresh.items()):
            return True
        merged = {**self.entries, **self.fresh}
        if len(merged) > self.MAX_ENTRIES:
            merged = dict(self.fresh)
        text = json.dumps({"format": 1, "written_ns": time.time_ns(), "files": merged}, separators=(",", ":"))
        return _write_atomic(self.path, text)


def code_digest() -> str:
    """SHA-256 of lketool's own code and data (its .py and .json files, ~3 ms), so that
    a kept recap written by other code is never reused, even when the version number
    and OUTPUT_FORMAT were not bumped (a development checkout)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".json") and "__pycache__" not in p.parts:
                h.update(p.relative_to(root).as_posix().encode() + b"\0")
                h.update(p.read_bytes())
        _CODE_DIGEST = h.hexdigest()
    return _CODE_DIGEST


_CODE_DIGEST: str | None = None


def output_fingerprint(parts: Any) -> str:
    """The identity of a finished recap: SHA-256 over everything it is made from
    (``parts``: JSON-able), the lketool version and code, and the output and entry formats."""
    meta = {"output": OUTPUT_FORMAT, "entries": CACHE_FORMAT, "lketool": __version__, "code": code_digest(),
            "parts": parts}
    return hashlib.sha256(json.dumps(meta, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class OutputStore:
    """Finished recaps kept by fingerprint (``recaps/<fingerprint>.<ext>`` in the cache
    folder), so a run whose inputs, options and version are all unchanged copies the
    previous recap instead of writing the same file again.  Only the newest
    :data:`KEEP_OUTPUTS` are kept.  Like the entries, any of them may be deleted at any
    time, and failing to keep one is not an error."""

    def __init__(self, cache_dir: str | Path):
        self.directory = Path(cache_dir) / OUTPUTS_DIRNAME

    def path_for(self, fingerprint: str, suffix: str) -> Path:
        return self.directory / f"{fingerprint}{suffix}"

    def find(self, fingerprint: str, suffix: str) -> Path | None:
        """The kept recap for ``fingerprint``, marked as just used (pruning keeps the
        most recently used), or None."""
        p = self.path_for(fingerprint, suffix)
        if not p.is_file():
            return None
        with contextlib.suppress(OSError):
            os.utime(p)
        return p

    def keep(self, fingerprint: str, suffix: str, written: Path) -> bool:
        """Keep a copy of the recap just ``written`` under ``fingerprint``."""
        import shutil

        try:
            with atomic_path(self.path_for(fingerprint, suffix)) as tmp:
                shutil.copyfile(written, tmp)
        except OSError:
            return False
        self._prune()
        return True

    def _prune(self) -> None:
        try:
            kept = sorted((p for p in self.directory.iterdir() if p.is_file() and not p.name.startswith(".")),
                          key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[KEEP_OUTPUTS:]:
                old.unlink()
        except OSError:
            pass


def _write_atomic(path: Path, text: str) -> bool:
    # No fsync: a cache entry lost or truncated by a power cut reads as corrupt and is
    # recomputed, which is cheaper than syncing every entry.
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return True
    except OSError:
        return False
