"""Options and renderers shared by ``lketool check`` and ``lketool score``."""
from __future__ import annotations

import csv
import io
import json
import sys

import click

from lketool.problems import ERROR, WARNING

LANG = click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
                    help="Bahasa pesan: id (Indonesia) atau en (English).")
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                      show_default=True, help="Bentuk keluaran: tabel di terminal, JSON, atau CSV.")
STRICT = click.option("--strict", is_flag=True,
                      help="Butir yang belum dijawab dihitung 0 (bawaan: diabaikan seperti rumus AVERAGE Excel).")
PER_HALF = click.option("--per-half", is_flag=True,
                        help="Syarat per area diperiksa terpisah untuk Pemenuhan dan Reform (lebih ketat).")
RUBRIC = click.option("--rubric", "edition", default=None, metavar="EDISI",
                      help="Edisi rubrik (bawaan: permenpanrb-90-2021).")


def _store(ctx, param, value):
    ctx.meta[f"lketool.{param.name}"] = value
    return value


# The verdict's declarations (lketool.verdict): stored on the click context so every command
# that scores takes them without another parameter.
HAS_WBK = click.option("--sudah-wbk/--belum-wbk", "has_wbk", default=None, expose_value=False, callback=_store,
                       help="Nyatakan unit sudah/belum berpredikat Menuju WBK (prasyarat WBBM). Tanpa opsi ini "
                            "kelayakan WBBM berlaku bersyarat. / Declare whether the unit already holds Menuju WBK.")
DECLARED = click.option("--terpenuhi", "declared", multiple=True, metavar="ID", expose_value=False, callback=_store,
                        help="Nyatakan syarat yang tidak dapat diperiksa dari LKE sudah terpenuhi (tlhp, zi-1-tahun, "
                             "sakip, unit-core, instansi); boleh diulang. / Declare a condition met.")


def verdict_options(f):
    """Add ``--sudah-wbk/--belum-wbk`` and ``--terpenuhi ID`` to a command that scores."""
    return HAS_WBK(DECLARED(f))


def declarations() -> dict:
    """The verdict declarations given on the command line (for :func:`lketool.api.check_file`)."""
    meta = click.get_current_context().meta
    return {"has_wbk": meta.get("lketool.has_wbk"), "declared": tuple(meta.get("lketool.declared") or ())}


PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))


def load_results(paths, edition, strict: bool, per_half: bool):
    """Check and score every workbook named or found in ``paths`` (usage errors as click's)."""
    from lketool.api import check_files

    try:
        results = check_files(paths, rubric=edition, strict=strict, per_half=per_half, **declarations())
    except ValueError as exc:  # unknown rubric edition
        raise click.UsageError(str(exc))
    if not results:
        raise click.UsageError("tidak ada berkas .xlsx/.xlsm yang ditemukan")
    known = {n["id"] for p in results[0].rubric.predicates.values() for n in p.get("not_checked", [])}
    unknown = sorted(set(declarations()["declared"]) - known)
    if unknown:
        raise click.UsageError(f"--terpenuhi {', '.join(unknown)}: tidak dikenal; pilihan: {', '.join(sorted(known))}")
    return results


def exit_code(results) -> int:
    """2 if any file could not be read, 1 if any blocking (error) problem, else 0."""
    if any(r.error is not None for r in results):
        return 2
    return 1 if any(r.has_errors for r in results) else 0


def output_and_exit(results, fmt: str, lang: str, *, scores: bool) -> None:
    """Print ``results`` as JSON, CSV or the terminal table (the problems for ``check``,
    the scores for ``score``) and exit with :func:`exit_code`."""
    if fmt == "json":
        emit(dump_json(results, lang, scores=scores))
    elif fmt == "csv":
        sys.stdout.write((scores_csv if scores else problems_csv)(results, lang))
    else:
        emit((scores_table if scores else problems_table)(results, lang))
    sys.exit(exit_code(results))


def emit(text: str) -> None:
    # Windows consoles may not encode every character; never crash on output.
    try:
        click.echo(text)
    except UnicodeEncodeError:
        click.echo(text.encode("ascii", "replace").decode("ascii"))


def dump_json(results, lang: str, scores: bool) -> str:
    return json.dumps({"results": [r.to_dict(lang, scores=scores) for r in results]},
                      ensure_ascii=False, indent=2, default=str)


def problems_csv(results, lang: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "unit", "sheet", "cell", "code", "severity", "item", "message"])
    for r in results:
        if r.error is not None:
            w.writerow([r.file, r.unit or "", "", "", r.error.code, ERROR, "", r.error.message(lang)])
        for p in r.problems:
            loc = p.location
            w.writerow([r.file, r.unit or "", loc.sheet or "", loc.cell or "", p.code, p.severity, loc.item or "",
                        p.message(lang)])
    return buf.getvalue()


def _sev(sev: str, color: bool, lang: str = "id") -> str:
    from lketool.problems import severity_label

    label = severity_label(sev, lang).upper()  # the catalogue's one table
    if not color:
        return label
    return click.style(label, fg={"error": "red", "warning": "yellow"}.get(sev, "blue"), bold=sev == ERROR)


def problems_table(results, lang: str) -> str:
    color = sys.stdout.isatty()
    lines = []
    en = lang == "en"
    for r in results:
        head = f"== {r.file}"
        if r.unit:
            head += f"  ({'unit' if en else 'unit'}: {r.unit}; layout: {r.layout}; sheet: {r.sheet})"
        lines.append(head)
        if r.error is not None:
            lines.append(f"  {_sev(ERROR, color, lang)}  {r.error.message(lang)}")
            continue
        for p in r.problems:
            loc = p.location
            where = f"{loc.sheet}!{loc.cell}" if loc.cell else f"{loc.sheet or ''}"
            item = f" [{loc.item}]" if loc.item else ""
            lines.append(f"  {where:<14} {_sev(p.severity, color, lang):<10} {p.code:<22} {p.message(lang)}{item}")
        c = r.counts
        if en:
            lines.append(f"  -> {c[ERROR]} errors, {c[WARNING]} warnings")
        else:
            lines.append(f"  -> {c[ERROR]} kesalahan, {c[WARNING]} peringatan")
    return "\n".join(lines)


def fmt2(x, lang: str = "id") -> str:
    """Display with two decimals, decimal comma in Indonesian (values stay at full
    precision elsewhere)."""
    from lketool.display import number

    return "-" if x is None else number(x, 2, lang)


def scores_table(results, lang: str) -> str:
    from lketool import display as show

    en = lang == "en"
    lines = []
    for r in results:
        lines.append(f"== {r.file}" + (f"  ({r.unit}; {r.layout})" if r.unit else ""))
        if r.error is not None:
            lines.append(f"  ERROR  {r.error.message(lang)}")
            continue
        s = r.scores
        wb = r.workbook_scores or {}
        lines.append(f"  {'Total':<28}{fmt2(s.total, lang):>8}"
                     + (f"   ({'workbook' if en else 'di workbook'}: {fmt2(wb.get('total'), lang)})" if wb else ""))
        for label, v in (("Pengungkit", s.pengungkit), ("  Pemenuhan", s.pemenuhan), ("  Reform", s.reform),
                         ("Hasil", s.hasil), ("  Bersih & akuntabel", s.bersih_akuntabel),
                         ("    IPAK", s.ipak), ("    Capaian kinerja", s.capaian_kinerja),
                         ("  Pelayanan prima (IPKP)", s.pelayanan_prima)):
            lines.append(f"  {label:<28}{fmt2(v, lang):>8}")
        lines.append(f"  {'Area' :<28}{'nilai':>8}{'bobot':>7}{'%':>8}")
        for a in r.rubric.areas("pemenuhan"):
            w = r.rubric.area_weight(a.id)
            v = s.area(a.id)
            lines.append(f"    {a.title[:26]:<26}{fmt2(v, lang):>8}{show.minimum(w, lang):>7}"
                         f"{show.percent(v / w, 1, lang):>8}")
        done = "answered" if en else "terjawab"
        lines.append(f"  {'Kelengkapan' if not en else 'Completeness':<28}{s.answered}/{s.expected} {done}")
        if r.tpi_scores:
            lines.append(f"  {'Total (TPI)':<28}{fmt2(r.tpi_scores.total, lang):>8}")
        from lketool.verdict import verdict_for

        lines.extend("  " + ln for ln in verdict_for(r, lang)["lines"])
        c = r.counts
        lines.append(f"  {'Problems' if en else 'Temuan'}: {c[ERROR]} {'errors' if en else 'kesalahan'}, "
                     f"{c[WARNING]} {'warnings' if en else 'peringatan'} (lketool check)")
    return "\n".join(lines)


def _verdict_cells(r, lang: str) -> list:
    """WBK and WBBM verdict words, whose answers decided, and whether it is provisional."""
    from lketool.verdict import verdict_for, word

    v = verdict_for(r, lang)
    return [word(v["wbk"]["status"], lang), v["wbbm"]["text"].split(": ", 1)[1], v["basis"], v["provisional"]]


def scores_csv(results, lang: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["file", "unit", "layout", "total", "pengungkit", "pemenuhan", "reform", "hasil", "ipak",
            "capaian_kinerja", "ipkp", "answered", "expected", "wbk", "wbbm", "basis", "provisional", "errors",
            "warnings", "workbook_total", "tpi_total", "error"]
    areas = []
    for r in results:
        if r.scores:
            areas = [a.id for a in r.rubric.areas("pemenuhan")]
            break
    w.writerow(head[:11] + [f"area_{a}" for a in areas] + head[11:])
    for r in results:
        if r.error is not None:
            w.writerow([r.file, r.unit or ""] + [""] * (len(head) + len(areas) - 3) + [r.error.message(lang)])
            continue
        s = r.scores
        w.writerow([r.file, r.unit, r.layout, repr(s.total), repr(s.pengungkit), repr(s.pemenuhan), repr(s.reform),
                    repr(s.hasil), repr(s.ipak), repr(s.capaian_kinerja), repr(s.ipkp)]
                   + [repr(s.area(a)) for a in areas]
                   + [s.answered, s.expected, *_verdict_cells(r, lang),
                      r.counts[ERROR], r.counts[WARNING],
                      "" if not r.workbook_scores else r.workbook_scores.get("total"),
                      "" if not r.tpi_scores else repr(r.tpi_scores.total), ""])
    return buf.getvalue()
