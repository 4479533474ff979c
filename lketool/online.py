"""Evidence links checked on the network (``lketool check --online``, ``lketool links``):
turns :func:`lketool.links.check_links` results into findings on the cells that hold the
links.  Kept apart from the offline checks so a plain ``lketool check`` sends nothing."""
from __future__ import annotations

from lketool.problems import Location, Problem
from lketool.reader import col_index


class CheckedLinks(dict):
    """``{link: LinkResult}``; ``offline`` is True when every lookup failed in the
    resolver (no internet), in which case no finding was added."""

    offline: bool = False


def collect_links(result) -> list[tuple[str, str, str | None, str]]:
    """(link, cell, rubric item, sheet) for every link or file path of a checked
    workbook.  Paths are kept: the checker reports them as ``not_web`` without
    contacting anything, as docs/links.md promises."""
    out = []
    if result.mapped is None:
        return out
    for eid, e in result.mapped.entries.items():
        for ev in e.evidence:
            for link in ev.links:
                out.append((link, ev.cell, eid, result.sheet))
    return out


def add_link_problems(results, *, allow_private: bool = False, cache=True, **kw) -> CheckedLinks:
    """Check every link of ``results`` once and append evidence-locked /
    evidence-not-found / evidence-unreachable problems.  ``cache``: True for the default
    on-disk link cache, a LinkCache, or None for none.  Other keywords go to
    :func:`lketool.links.check_links` (``timeout``, ``progress``, ...).  Returns
    {link: LinkResult}; when the machine is offline (every lookup failed in DNS) no
    problem is added and the result's ``offline`` is True."""
    from lketool.links import LinkCache, check_links
    from lketool.links.problems import link_problem_code
    from lketool.links.summary import is_offline

    refs = {r.file: collect_links(r) for r in results}
    urls = list(dict.fromkeys(link for rs in refs.values() for link, *_ in rs))
    if cache is True:
        cache = LinkCache()
    checked = CheckedLinks(check_links(urls, cache=cache, allow_private=allow_private, **kw) if urls else {})
    checked.offline = is_offline(checked.values())
    if checked.offline:
        return checked
    for r in results:
        for link, cell, item, sheet in refs.get(r.file, []):
            res = checked.get(link)
            code = link_problem_code(res.status) if res else None
            if code is None:
                continue
            row = int("".join(ch for ch in cell if ch.isdigit()))
            col_letters = "".join(ch for ch in cell if ch.isalpha())
            r.problems.append(Problem(code=code, value=link,
                                      location=Location(file=r.file, sheet=sheet, cell=cell, row=row,
                                                        column=col_index(col_letters), item=item),
                                      params={"detail": res.detail_id or res.status,
                                              "detail_en": res.detail_en or res.status}))
        r.problems.sort(key=Problem.sort_key)
    return checked
