"""What ``lketool links`` tells a coordinator after checking: a count per status and per
unit, what the unit should do for each status (the table of ``docs/links.md``), progress
on long runs, and one plain "no internet connection" instead of a hundred DNS failures.

Standard library only, like the rest of :mod:`lketool.links`."""
from __future__ import annotations

import sys
import time
from typing import Iterable, TextIO

from .checker import DNS_NOT_FOUND_EN, DNS_TIMEOUT_EN
from lketool.i18n import t, template, tn

from .results import BLOCKED, NOT_WEB, STATUSES, UNREACHABLE, LinkResult, status_label

# What the unit should do, per status (the right-hand column of docs/links.md), is the
# catalogue's links.remedy.<status>; an accessible link needs nothing and has no key.

_RESOLVER_FAILURES = frozenset({DNS_NOT_FOUND_EN, DNS_TIMEOUT_EN})


def remedy(status: str, lang: str = "id") -> str:
    """What to do about a link with ``status`` ("" when nothing is needed)."""
    return template(f"links.remedy.{status}", lang, default="")


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
    return t("links.offline", lang, n=n)


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
    c = counts(rows)
    lines = [t("links.summary", lang, links=tn("count.links", len(rows), lang))]
    labels = {s: status_label(s, lang) for s in STATUSES}
    width = max(len(label) for label in labels.values())
    for status in STATUSES:
        if not c[status]:
            continue
        todo = remedy(status, lang)
        lines.append(f"  {labels[status]:<{width}} {c[status]:>5}" + (f"  {todo}" if todo else ""))
    units = by_unit(rows)
    if units:
        lines.append(t("links.per-unit", lang))
        for unit, per in units.items():
            total = sum(per.values())
            parts = [f"{n} {labels[s].lower()}" for s in STATUSES if (n := per.get(s))]
            lines.append(f"  {unit}: {tn('count.links', total, lang)} (" + ", ".join(parts) + ")")
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
        text = t("links.progress", self.lang, done=self.done, total=self.total)
        if self.tty:
            self.stream.write("\r" + text)
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done % self.every == 0 or self.done == self.total:
            self.stream.write(text + f" ({time.monotonic() - self.start:.0f} s)\n")
        self.stream.flush()
