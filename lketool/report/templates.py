"""Where report templates live and how they are chosen.

The packaged templates are in ``report_templates/`` (see :mod:`lketool.resources`)
(``report.docx``, ``report.html.j2``, ``summary.docx``, ``summary.html.j2``).  Users
may edit them, or give their own with ``--template``: a folder holding any of those
names, or single files (``*.docx`` / ``*.html.j2``; a name starting with ``summary``
replaces the summary template)."""
from __future__ import annotations

from pathlib import Path

from lketool.errors import Keyed
from lketool.resources import resource_dir

TEMPLATE_DIR = resource_dir("report_templates")
NAMES = {("report", "docx"): "report.docx", ("report", "html"): "report.html.j2",
         ("summary", "docx"): "summary.docx", ("summary", "html"): "summary.html.j2"}


class TemplateNotFound(Keyed, FileNotFoundError):
    """A template file that was asked for does not exist or is of no known kind (worded from
    the catalogue, ``report.template.*``)."""


def resolve_templates(overrides: list[str | Path] | None = None) -> dict[tuple[str, str], Path]:
    """``{(kind, fmt): path}`` for kinds ``report``/``summary`` and formats ``docx``/``html``."""
    chosen = {k: TEMPLATE_DIR / name for k, name in NAMES.items()}
    for o in overrides or []:
        p = Path(o)
        if p.is_dir():
            for k, name in NAMES.items():
                if (p / name).is_file():
                    chosen[k] = p / name
            continue
        if not p.is_file():
            raise TemplateNotFound("report.template.not-found", path=p)
        kind = "summary" if p.name.lower().startswith(("summary", "ringkasan")) else "report"
        lower = p.name.lower()
        if lower.endswith(".docx"):
            chosen[(kind, "docx")] = p
        elif lower.endswith((".html.j2", ".html", ".j2", ".jinja", ".htm")):
            chosen[(kind, "html")] = p
        else:
            raise TemplateNotFound("report.template.unknown", name=p.name)
    return chosen
