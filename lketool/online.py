"""Evidence links checked on the network (``lketool check --online``, ``lketool links``):
turns :func:`lketool.links.check_links` results into findings on the cells that hold the
links.  Kept apart from the offline checks so a plain ``lketool check`` sends nothing."""
from __future__ import annotations

from lketool.problems import Location, Problem
from lketool.reader import col_index


def collect_links(result) -> list[tuple[str, str, str | None, str]]:
    """(link, cell, rubric item, sheet) for every web link in a checked workbook."""
    from lketool.links import is_web_url

    out = []
    if result.mapped is None:
        return out
    for eid, e in result.mapped.entries.items():
        for ev in e.evidence:
            for link in ev.links:
                if is_web_url(link):  # also 'drive.google.com/...' typed without https://
                    out.append((link, ev.cell, eid, result.sheet))
    return out


def add_link_problems(results, *, allow_private: bool = False, cache=True, **kw) -> dict:
    """Check every web link of ``results`` once and append evidence-locked /
    evidence-not-found / evidence-unreachable problems.  ``cache``: True for the default
    on-disk link cache, a LinkCache, or None for none.  Returns {link: LinkResult}."""
    from lketool.links import LinkCache, check_links
    from lketool.links.problems import link_problem_code

    refs = {r.file: collect_links(r) for r in results}
    urls = sorted({link for rs in refs.values() for link, *_ in rs})
    if cache is True:
        cache = LinkCache()
    checked = check_links(urls, cache=cache, allow_private=allow_private, **kw) if urls else {}
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
