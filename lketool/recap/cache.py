"""The recap's result cache: one small JSON file per workbook content.

An entry is keyed by the SHA-256 of the workbook's bytes together with the lketool
version, the rubric edition and the options that change a result (strict, per-half,
language), so a file that did not change is not read again, and upgrading lketool or
changing an option recomputes everything.  Entries are written to a temporary file and
renamed, so a reader never sees half an entry; an entry that does not parse or does not
match its key is treated as missing and recomputed.  The folder may be deleted at any
time."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

from lketool import __version__

CACHE_FORMAT = 1
DEFAULT_DIRNAME = ".lketool-cache"
_CHUNK = 1 << 20


def file_digest(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(_CHUNK)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def cache_key(digest: str, options: Mapping[str, Any]) -> str:
    """The entry key for a file digest under ``options`` (plus version and format)."""
    meta = json.dumps({"format": CACHE_FORMAT, "lketool": __version__, "options": dict(options)},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{digest}\n{meta}".encode()).hexdigest()


class ResultCache:
    """A folder of ``<key[:2]>/<key>.json`` entries holding ``FileResult.to_dict()``.

    Safe to share between processes: every write is a private temporary file renamed
    into place.  Failing to write (read-only folder, full disk) is not an error: the
    result is simply not cached."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached result for ``key``, or None when missing, unreadable or corrupt."""
        return read_entry(self.path_for(key), key)

    def put(self, key: str, result: Mapping[str, Any]) -> bool:
        """Store ``result`` under ``key``; returns False when it could not be written."""
        return write_entry(self.path_for(key), key, result)


def read_entry(path: Path, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if (not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("key") != key
            or not isinstance(data.get("result"), dict)):
        return None
    result = data["result"]
    if not ("error" in result and "file" in result and ("scores" in result or result["error"])):
        return None
    return result


def write_entry(path: Path, key: str, result: Mapping[str, Any]) -> bool:
    text = json.dumps({"format": CACHE_FORMAT, "key": key, "result": result},
                      ensure_ascii=False, separators=(",", ":"))
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        # No fsync: a cache entry lost or truncated by a power cut reads as corrupt and
        # is recomputed, which is cheaper than syncing every entry.
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False
