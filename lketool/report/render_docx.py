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

from lketool.report.output import atomic_write

# Tab and newline are kept (docxtpl turns them into <w:tab/> and <w:br/>); \a and \f
# are dropped too, because docxtpl would turn them into paragraph or page breaks.
_XML_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
CHART_WIDTH_MM = 160
KOP_WIDTH_MM, KOP_HEIGHT_MM = 165, 35  # the letterhead fits the text width and ~3.5 cm


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


_COMPILED: dict[str, Any] = {}   # Jinja template per (patched) XML source
_PATCHED: dict[str, str] = {}    # docxtpl's tag patching per raw XML source
_BYTES: dict[tuple[str, int, int], bytes] = {}  # the template file per (path, mtime, size)
_CACHE_MAX = 64
_TEMPLATE_CLASS = None
_ENV = None


def _remember(cache: dict, key, make):
    value = cache.get(key)
    if value is None:
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        value = cache[key] = make()
    return value


def _template_class():
    """docxtpl's DocxTemplate, remembering the work that is the same for every report:
    the tag patching of each XML part and the Jinja compile of it (before: about half of
    a report's rendering time, repeated for every unit of a batch)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        from docxtpl import DocxTemplate

        class CompiledOnceTemplate(DocxTemplate):
            def patch_xml(self, xml):
                return _remember(_PATCHED, xml, lambda: DocxTemplate.patch_xml(self, xml))

        _TEMPLATE_CLASS = CompiledOnceTemplate
    return _TEMPLATE_CLASS


def _environment():
    """The report Jinja environment whose ``from_string`` keeps compiled templates."""
    global _ENV
    if _ENV is None:
        import jinja2

        from lketool.report.filters import FILTERS

        class CompilingOnceEnvironment(jinja2.Environment):
            def from_string(self, source, globals=None, template_class=None):
                if globals is not None or template_class is not None or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                key = (source, self.autoescape)
                return _remember(_COMPILED, key, lambda: super(CompilingOnceEnvironment, self).from_string(source))

        env = CompilingOnceEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, trim_blocks=True,
                                       lstrip_blocks=True, keep_trailing_newline=True)
        env.filters.update(FILTERS)
        _ENV = env
    return _ENV


def _template_bytes(path: Path) -> bytes:
    st = path.stat()
    return _remember(_BYTES, (str(path.resolve()), st.st_mtime_ns, st.st_size), path.read_bytes)


def image_width(data: bytes, max_width_mm: float, max_height_mm: float) -> float:
    """The width in mm at which an image fits ``max_width_mm`` x ``max_height_mm``."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
    if not w or not h:
        return max_width_mm
    return min(max_width_mm, max_height_mm * w / h)


def render_docx(context: Mapping[str, Any], out: str | Path, template: str | Path | None = None) -> Path:
    """Write the Word report of ``context`` to ``out`` atomically; returns ``out``.

    ``grafik_png`` (PNG bytes; drawn from ``grafik`` when empty) is put in as an inline
    image, ``kop`` (the letterhead
    image, PNG/JPEG bytes) too; any other key is used as is.  The template file is read,
    patched and compiled once per process, whatever the number of reports."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    if template is None:
        from lketool.report.templates import resolve_templates

        template = resolve_templates()[("summary" if "units" in context else "report", "docx")]
    tpl = _template_class()(io.BytesIO(_template_bytes(Path(template))))
    images = ("grafik_png", "kop")
    ctx = xml_safe({k: v for k, v in context.items() if k not in images})
    png = context.get("grafik_png")
    if not png and context.get("grafik"):  # drawn here, on the Word path only
        from lketool.report.chart import png_from_data

        png = png_from_data(context["grafik"])
    ctx["grafik_png"] = InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)) if png else ""
    kop = context.get("kop")
    ctx["kop"] = (InlineImage(tpl, io.BytesIO(kop), width=Mm(image_width(kop, KOP_WIDTH_MM, KOP_HEIGHT_MM)))
                  if kop else "")
    tpl.render(ctx, jinja_env=_environment(), autoescape=True)
    return atomic_write(Path(out), lambda p: tpl.save(str(p)))
