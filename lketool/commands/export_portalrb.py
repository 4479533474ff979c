"""``lketool export-portalrb``: answers in PortalRB's 2026 integration JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lketool.commands import _common as c
from lketool.i18n import t, tn


@click.command("export-portalrb")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path), metavar="OUT",
              help="Folder tujuan (satu <unit_id>.json per LKE, plus unit-wbk.json/unit-wbbm.json), "
                   "atau berkas .json bila hanya satu LKE.")
@click.option("--unit-id", default=None, metavar="ID",
              help="ID unit di sistem instansi (satu LKE saja). Bawaan: angka di akhir nama berkas salinan "
                   "PortalRB ('<nama>-<id>.xlsx'), atau nama unit tanpa spasi.")
@click.option("--nama", default=None, metavar="NAMA", help="Nama unit (satu LKE saja). Bawaan: dari workbook.")
@click.option("--kategori", type=click.Choice(["WBK", "WBK-AFIRMASI", "WBBM"]), default="WBK", show_default=True,
              help="Kategori usulan unit.")
@click.option("--afirmasi/--no-afirmasi", default=None,
              help="Unit afirmasi (bawaan: ya hanya untuk kategori WBK-AFIRMASI).")
@click.option("--tahun", type=click.IntRange(2000, 2100), default=2026, show_default=True,
              help="Tahun evaluasi.")
@click.option("--allow-incomplete", is_flag=True,
              help="Tetap ekspor walau ada jawaban wajib kosong/tidak sah (ditulis null).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Bentuk ringkasan di terminal.")
@c.RUBRIC
@c.LANG
def command(paths, out, unit_id, nama, kategori, afirmasi, tahun, allow_incomplete, fmt, edition, lang):
    """Ekspor jawaban LKE (format Lampiran III atau sheet Jawaban PortalRB) ke format
    JSON integrasi PortalRB 2026 (Panduan Teknis API Integrasi ZI): jawaban unit dan
    TPI, catatan, dan bukti dukung per soal_id, siap disajikan di
    /lke/jawaban-unit/{unit_id}.

    LKE yang jawaban wajibnya masih kosong atau tidak sah ditolak: tidak ada berkas
    yang ditulis untuknya, dan daftar sel yang harus diperbaiki ditampilkan.

    Kode keluar: 0 semua ditulis, 1 ada LKE yang ditolak, 2 berkas tidak terbaca atau
    pilihan salah."""
    from lketool.export_portalrb import ExportUsageError, export_files

    try:
        summary = export_files(paths, out, unit_id=unit_id, nama=nama, kategori=kategori, afirmasi=afirmasi,
                               tahun=tahun, allow_incomplete=allow_incomplete, rubric=edition)
    except ExportUsageError as exc:
        raise click.UsageError(str(exc))
    except ValueError as exc:  # unknown rubric edition
        from lketool.errors import message_in

        raise click.UsageError(message_in(exc, lang))
    except OSError as exc:
        from lketool.atomic import os_error_text

        from lketool.i18n import t

        raise click.UsageError(t("cli.cannot-write", lang, path=out, reason=os_error_text(exc, lang, out)))
    if fmt == "json":
        c.emit(json.dumps({"results": [r.to_dict(lang) for r in summary.results],
                           "mapping_notes": [{**n["notice"].to_dict(lang), "files": n["files"]}
                                             for n in mapping_notes(summary)],
                           "unit_lists": [str(p) for p in summary.unit_lists]}, ensure_ascii=False, indent=2))
    else:
        c.emit(render(summary, lang))
    sys.exit(summary.exit_code)


def mapping_notes(summary) -> list[dict]:
    """The layout-mapping remarks of the run, each once, with the files it applies to."""
    seen: dict[tuple, dict] = {}
    for r in summary.results:
        for b in r.notices:
            if b.mapping:
                key = (b.code, b.cell, b.soal_id, b.message("id"))
                seen.setdefault(key, {"notice": b, "files": []})["files"].append(r.file)
    return list(seen.values())


def render(summary, lang: str = "id") -> str:
    """The terminal summary: one line per workbook with the cells to fix when refused;
    remarks about the layout's mapping to PortalRB once, at the end."""
    from lketool.problems import CATALOGUE, severity_label

    cols = c.width()
    lines = []
    for r in summary.results:
        label = t(f"export.status.{r.status}", lang)
        if r.status == "unreadable":
            lines.append(f"{label}  {r.file}: {r.error.message(lang)}")
            continue
        u = r.unit
        who = f"{u['nama']}; id {u['id']}; {u['kategori']}"
        if r.status == "written":
            n = len(r.payload["answers"])
            lines.append(f"{label}  {r.output}  ({who}; {t('export.answers', lang, n=n)})")
        else:
            n = len(r.blockers)
            lines.append(f"{label}  {r.file}  ({who}): " + tn("export.refused-count", n, lang))
        for b in r.blockers + [b for b in r.notices if not b.mapping]:
            lines += _notice_lines(b, lang, cols, CATALOGUE, severity_label)
        if r.status == "refused" and r.blockers and any(b.soal_id for b in r.blockers):
            lines.append("    " + t("export.fix", lang))
    notes = mapping_notes(summary)
    if notes:
        readable = sum(1 for r in summary.results if r.status != "unreadable")
        lines.append("")
        lines.append(t("export.mapping-notes", lang))
        for note in notes:
            b = note["notice"]
            k = len(note["files"])
            suffix = "" if k == readable else t("export.note-files", lang, n=k)
            lines += _notice_lines(b, lang, cols, CATALOGUE, severity_label, suffix)
    for p in summary.unit_lists:
        lines.append(t("export.unit-list", lang, path=p))
    return "\n".join(lines)


def _notice_lines(b, lang, cols, catalogue, severity_label, suffix: str = "") -> list[str]:
    """A blocker or notice: cell, soal, severity and the full question text (wrapped),
    then what is wrong."""
    kind = catalogue.get(b.code)
    msg = b.message(lang)
    if kind is not None and b.text and b.text[:40] in msg:  # the message repeats the question
        msg = kind.title(lang)
    soal = t("export.question", lang, id=b.soal_id) if b.soal_id is not None else ""
    head = f"    {b.cell or '-':<14} {soal:<12} {severity_label(b.severity, lang).upper():<11}"
    body = c.wrap(b.text or "", len(head), cols)
    body[0] = head + body[0][len(head):]
    return body + c.wrap("-> " + msg + suffix, len(head), cols)
