"""Evidence (bukti dukung): ``evidence-missing``, ``evidence-invalid``,
``evidence-duplicate``.  A % item's evidence may sit on its own row or on its Jumlah rows."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lketool.evidence import is_placeholder
from lketool.problems import ERROR, WARNING, Problem

_DRIVE_ID = re.compile(r"(?:/d/|[?&]id=|/folders/)([\w-]{10,})")
_SHARE_PARAMS = {"usp", "usp_dm", "pli", "authuser", "ouid", "rtpof", "sd", "resourcekey", "sharingaction"}


def link_key(link: str) -> str:
    """A comparable form of a link: Drive ids, no share parameters, no trailing slash."""
    s = link.strip()
    m = _DRIVE_ID.search(s) if "google.com" in s else None
    if m:
        return "gdrive:" + m.group(1)
    if "://" not in s:
        return s.replace("\\", "/").lower().rstrip("/")
    parts = urlsplit(s)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _SHARE_PARAMS])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), query, ""))


def _item_entries(ctx, item):
    ents = [ctx.mapped.entries.get(item.id)] + [ctx.mapped.entries.get(i.id) for i in item.inputs]
    return [e for e in ents if e is not None]


def _answered(ctx, item) -> bool:
    if item.type == "pct":
        return any(ctx.values.get(i.id) is not None for i in item.inputs) or ctx.values.get(item.id) is not None
    return ctx.values.get(item.id) is not None


def check(ctx) -> list[Problem]:
    out: list[Problem] = []
    uses: dict[str, list[tuple[str, str, str]]] = {}  # link key -> [(indicator, item, cell)]
    ev_col = ctx.mapped.columns.get("evidence") or _first_link_col(ctx)
    for item in ctx.rubric.items.values():
        ents = _item_entries(ctx, item)
        if not ents or not _answered(ctx, item):
            continue
        cells = [ev for e in ents for ev in e.evidence]
        links = [(ev, link) for ev in cells for link in ev.links]
        for ev in cells:
            if ev.links or not ev.text:
                continue
            if ev.link_column:
                out.append(ctx.problem("evidence-invalid", ev.row, ev.col, item.id, value=_short(ev.text),
                                       severity=WARNING if links else ERROR))
            elif is_placeholder(ev.text):
                out.append(ctx.problem("evidence-invalid", ev.row, ev.col, item.id, value=_short(ev.text),
                                       severity=WARNING))
        if not links and not any(ev.link_column and ev.text for ev in cells):
            e = ents[0]
            out.append(ctx.problem("evidence-missing", e.row, ev_col or e.answer_col, item.id))
        seen = set()
        for ev, link in links:
            key = link_key(link)
            if key in seen:
                continue
            seen.add(key)
            uses.setdefault(key, []).append((item.indicator_id, item.id, ev, link))
    for key, refs in uses.items():
        if len(refs) < 2 or len({r[0] for r in refs}) < 2:
            continue
        for ind, item_id, ev, link in refs[1:]:
            row, col = ev.row, ev.col
            others = ", ".join(sorted({f"{r[1]} ({r[2].cell})" for r in refs if r[0] != ind}))
            out.append(ctx.problem("evidence-duplicate", row, col, item_id, value=_short(link, 80), others=others))
    return out


def _first_link_col(ctx) -> int | None:
    cols = sorted({ev.col for e in ctx.mapped.entries.values() for ev in e.evidence if ev.link_column})
    return cols[0] if cols else None


def _short(s: str, n: int = 40) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 3] + "..."
