"""Narrative reports per unit (Word, HTML, PDF) and a summary across units.

    from lketool.api import check_file
    from lketool.report import build_context, render_html, render_docx
    ctx = build_context(check_file("unit.xlsx"), instansi="Kab. Contoh")
    render_html(ctx, "unit.html"); render_docx(ctx, "unit.docx")

Batch use (what ``lketool report`` runs): :func:`lketool.report.batch.generate_reports`."""
from __future__ import annotations

__all__ = ["build_context", "build_summary_context", "render_html", "render_docx", "generate_reports",
           "load_recommendations"]


def __getattr__(name):  # lazy: importing lketool.report must not pull in docxtpl
    if name == "build_context":
        from lketool.report.context import build_context
        return build_context
    if name == "build_summary_context":
        from lketool.report.summary import build_summary_context
        return build_summary_context
    if name == "render_html":
        from lketool.report.render_html import render_html
        return render_html
    if name == "render_docx":
        from lketool.report.render_docx import render_docx
        return render_docx
    if name == "generate_reports":
        from lketool.report.batch import generate_reports
        return generate_reports
    if name == "load_recommendations":
        from lketool.report.recommend import load_recommendations
        return load_recommendations
    raise AttributeError(name)
