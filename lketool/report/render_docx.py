"""Render a context to a Word document with docxtpl.

Values from a workbook are escaped (the shared Jinja environment autoescapes, and
``render(autoescape=True)`` is passed as docxtpl asks), so a ``&`` or ``<`` in a unit
name or note stays text.  Characters XML 1.0 forbids (control characters that can sit
in an Excel cell) are dropped first, since no escaping can make them valid."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Mapping

from lketool.report.filters import environment
from lketool.report.output import atomic_write

# Tab and newline are kept (docxtpl turns them into <w:tab/> and <w:br/>); \a and \f
# are dropped too, because docxtpl would turn them into paragraph or page breaks.
_XML_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
CHART_WIDTH_MM = 165


def xml_safe(value: Any) -> Any:
    """``value`` with characters invalid in XML removed from every string inside it."""
    if isinstance(value, str):
        cleaned = _XML_BAD.sub("", value)
        return cleaned if type(value) is str else type(value)(cleaned)
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [xml_safe(v) for v in value]
    return value


def render_docx(context: Mapping[str, Any], out: str | Path, template: str | Path | None = None) -> Path:
    """Write the Word report of ``context`` to ``out`` atomically; returns ``out``.

    ``grafik_png`` (PNG bytes) is put in as an inline image; any other key is used as is."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    if template is None:
        from lketool.report.templates import resolve_templates

        template = resolve_templates()[("summary" if "units" in context else "report", "docx")]
    tpl = DocxTemplate(str(template))
    ctx = xml_safe({k: v for k, v in context.items() if k != "grafik_png"})
    png = context.get("grafik_png")
    ctx["grafik_png"] = InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)) if png else ""
    tpl.render(ctx, jinja_env=environment(), autoescape=True)
    return atomic_write(Path(out), lambda p: tpl.save(str(p)))
