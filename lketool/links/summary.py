"""What ``lketool links`` tells a coordinator after checking: a count per status and per
unit, what the unit should do for each status (the table of ``docs/links.md``), progress
on long runs, and one plain "no internet connection" instead of a hundred DNS failures.

Standard library only, like the rest of :mod:`lketool.links`."""
from __future__ import annotations

import sys
import time
from typing import Iterable, TextIO

from .checker import DNS_NOT_FOUND_EN, DNS_TIMEOUT_EN
from .results import (ACCESSIBLE, BLOCKED, LOCKED, NOT_FOUND, NOT_WEB, SERVER_ERROR, STATUS_LABELS, STATUSES,
                      TIMEOUT, UNREACHABLE, LinkResult)

# What the unit should do, per status: the right-hand column of docs/links.md.
REMEDIES: dict[str, dict[str, str]] = {
    ACCESSIBLE: {"id": "", "en": ""},
    LOCKED: {"id": "Di Google Drive: Bagikan → Akses umum → \"Siapa saja yang memiliki link\" → Pelihat. "
                   "Untuk folder, atur di folder induknya.",
             "en": "In Google Drive: Share → General access → \"Anyone with the link\" → Viewer. "
                   "For a folder, set it on the parent folder."},
    NOT_FOUND: {"id": "Periksa tautan (salah salin?) atau unggah ulang berkasnya.",
                "en": "Check the link (copied wrongly?) or upload the file again."},
    SERVER_ERROR: {"id": "Jalankan ulang nanti.", "en": "Run again later."},
    TIMEOUT: {"id": "Jalankan ulang nanti / periksa koneksi.", "en": "Run again later / check the connection."},
    UNREACHABLE: {"id": "Periksa alamat tautan.", "en": "Check the link's address."},
    NOT_WEB: {"id": "Unggah berkas ke Google Drive dan cantumkan tautannya.",
              "en": "Upload the file to Google Drive and give its link."},
    BLOCKED: {"id": "Tautan mengarah ke jaringan internal; cantumkan tautan yang dapat dibuka dari internet.",
              "en": "The link points into an internal network; give a link that opens from the internet."},
}

_RESOLVER_FAILURES = frozenset({DNS_NOT_FOUND_EN, DNS_TIMEOUT_EN})

OFFLINE_MESSAGE = {
    "id": "Tidak ada koneksi internet: tidak satu pun dari {n} tautan web dapat dicari alamatnya (DNS). "
          "Periksa koneksi (atau proxy kantor), lalu jalankan ulang.",
    "en": "No internet connection: none of the {n} web links could be looked up (DNS). "
          "Check the connection (or the office proxy) and run again.",
}


def remedy(status: str, lang: str = "id") -> str:
    """What to do about a link with ``status`` ("" when nothing is needed)."""
    return REMEDIES.get(status, {}).get("en" if lang == "en" else "id", "")


def is_offline(results: Iterable[LinkResult]) -> bool:
    """True when every web link that was looked up failed in the resolver: the machine
    has no internet (or no DNS), not a hundred broken links.  Cached results, local
    paths and blocked addresses say nothing about the connection and are ignored."""
    looked_up = [r for r in results if r.status not in (NOT_WEB, BLOCKED) and not r.from_cache]
    return bool(looked_up) and all(r.status == UNREACHABLE and r.detail_en in _RESOLVER_FAILURES
                                     for r in looked_up)


def offline_message(results: Iterable[LinkResult], lang: str = "id") -> str:
    """The one line said instead of a DNS failure per link."""
    n = sum(1 for r in results if r.status not in (NOT_WEB, BLOCKED) and not r.from_cache)
    return OFFLINE_MESSAGE["en" if lang == "en" else "id"].format(n=n)


def counts(rows: Iterable[dict]) -> dict[str, int]:
    """Links per status, every status present (0 when none), in :data:`STATUSES` order."""
    out = {s: 0 for s in STATUSES}
    for row in rows:
        out[row["status"]] = out.get(row["status"], 0) + 1
    return out


def by_unit(rows: Iterable[dict]) -> dict[str, dict[str, int]]:
    """{unit (or file): {status: links}} in the order units first appear."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        key = row.get("unit") or row.get("file") or ""
        per = out.setdefault(key, {})
        per[row["status"]] = per.get(row["status"], 0) + 1
    return out


def summary_lines(rows: list[dict], lang: str = "id") -> list[str]:
    """The summary under the table: per status (with what to do), then per unit."""
    en = lang == "en"
    key = "en" if en else "id"
    c = counts(rows)
    lines = [("Summary" if en else "Ringkasan") + f" ({len(rows)} " + ("link" if en and len(rows) == 1 else
                                                                      "links" if en else "tautan") + "):"]
    width = max(len(STATUS_LABELS[s][key]) for s in STATUSES)
    for status in STATUSES:
        if not c[status]:
            continue
        todo = remedy(status, lang)
        lines.append(f"  {STATUS_LABELS[status][key]:<{width}} {c[status]:>5}" + (f"  {todo}" if todo else ""))
    units = by_unit(rows)
    if units:
        lines.append("Per unit:")
        for unit, per in units.items():
            total = sum(per.values())
            parts = [f"{n} {STATUS_LABELS[s][key].lower()}" for s in STATUSES if (n := per.get(s))]
            lines.append(f"  {unit}: {total} " + ("link" if en and total == 1 else "links" if en else "tautan")
                         + " (" + ", ".join(parts) + ")")
    return lines


class Progress:
    """Progress of a long check on stderr: a line that rewrites itself on a terminal,
    one line every ``every`` links otherwise (logs, CI).  Silent below ``min_total``."""

    def __init__(self, total: int, lang: str = "id", stream: TextIO | None = None, *, min_total: int = 20,
                 every: int = 25):
        self.total, self.lang, self.done = total, lang, 0
        self.stream = stream if stream is not None else sys.stderr
        self.on = total >= min_total
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = max(1, every)
        self.start = time.monotonic()

    def __call__(self, result: LinkResult) -> None:
        if not self.on:
            return
        self.done += 1
        word = "Checking links" if self.lang == "en" else "Memeriksa tautan"
        text = f"{word}: {self.done}/{self.total}"
        if self.tty:
            self.stream.write("\r" + text)
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done % self.every == 0 or self.done == self.total:
            self.stream.write(text + f" ({time.monotonic() - self.start:.0f} s)\n")
        self.stream.flush()
