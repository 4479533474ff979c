"""Render a context to one self-contained HTML file (inline CSS and SVG, no network)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from lketool.report.filters import environment
from lketool.report.output import atomic_write_bytes

_CACHE: dict[tuple[str, float], Any] = {}


def load_html_template(path: str | Path):
    """The compiled Jinja template at ``path`` (cached per path and modification time)."""
    p = Path(path)
    key = (str(p.resolve()), p.stat().st_mtime)
    tpl = _CACHE.get(key)
    if tpl is None:
        tpl = environment().from_string(p.read_text(encoding="utf-8"))
        _CACHE[key] = tpl
    return tpl


def render_html_string(context: Mapping[str, Any], template: str | Path) -> str:
    """The HTML text of ``context`` rendered with the template file ``template``."""
    return load_html_template(template).render(**context)


def render_html(context: Mapping[str, Any], out: str | Path, template: str | Path | None = None) -> Path:
    """Write the HTML report of ``context`` to ``out`` atomically; returns ``out``."""
    if template is None:
        from lketool.report.templates import resolve_templates

        template = resolve_templates()[("summary" if "units" in context else "report", "html")]
    html = render_html_string(context, template)
    return atomic_write_bytes(Path(out), html.encode("utf-8"))
