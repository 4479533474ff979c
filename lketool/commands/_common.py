"""Options and renderers shared by ``lketool check`` and ``lketool score`` (and the
option conventions of the other commands: ``--lang``, ``--format``, ``-o``, ``-q``,
``-j``, ``--unit``)."""
from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import click

from lketool import csvout
from lketool.i18n import languages, t, tn
from lketool.problems import ERROR, INFO, WARNING, severity_count, severity_label

LANG = click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
                    help="Bahasa pesan: id (Indonesia) atau en (English).")
_FORMAT_HELP = {"table": "tabel di terminal", "json": "JSON",
                "csv": "CSV (untuk Excel: pemisah ';' dan koma desimal bila --lang id)", "xlsx": "xlsx (butuh -o)"}


def format_option(*choices: str):
    """``--format`` with the same name, default (table) and words in every command."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default="table", show_default=True,
                        help="Bentuk keluaran: " + ", ".join(_FORMAT_HELP[ch] for ch in choices) + ".")


FORMAT = format_option("table", "json", "csv", "xlsx")
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                      metavar="FILE", help="Tulis keluaran ke berkas ini (wajib untuk --format xlsx).")
QUIET = click.option("-q", "--quiet", is_flag=True,
                     help="Ringkas: hanya baris ringkasan per berkas (tabel), tanpa progres.")
UNIT = click.option("--unit", "unit", default=None, metavar="NAMA",
                    help="Nama unit yang dipakai di keluaran (satu berkas saja; bawaan: dari workbook).")
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
# One default everywhere a command has --jobs: every processor core.
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
                    help="Jumlah proses paralel (bawaan: semua inti prosesor).")


def default_jobs(jobs: int | None) -> int:
    """``--jobs`` as given, or every core (the one default of every command)."""
    return max(1, jobs or os.cpu_count() or 1)


def load_results(paths, edition, strict: bool, per_half: bool, unit: str | None = None, lang: str = "id"):
    """Check and score every workbook named or found in ``paths`` (usage errors as click's,
    worded in ``lang``).  ``unit`` replaces the workbook's unit name (one file only)."""
    from lketool.api import check_files
    from lketool.i18n import t

    try:
        results = check_files(paths, rubric=edition, strict=strict, per_half=per_half, **declarations())
    except ValueError as exc:  # unknown rubric edition
        from lketool.errors import message_in

        raise click.UsageError(message_in(exc, lang))
    if not results:
        raise click.UsageError(t("cli.no-files", lang))
    known = {n["id"] for p in results[0].rubric.predicates.values() for n in p.get("not_checked", [])}
    unknown = sorted(set(declarations()["declared"]) - known)
    if unknown:
        raise click.UsageError(t("cli.unknown-declared", lang, ids=", ".join(unknown), choices=", ".join(sorted(known))))
    if unit is not None:
        if len(results) != 1:
            raise click.UsageError(t("cli.unit-one", lang))
        if not unit.strip():
            raise click.UsageError(t("cli.unit-empty", lang))
        results[0].unit = unit.strip()
    return results


def exit_code(results) -> int:
    """2 if any file could not be read, 1 if any blocking (error) problem, else 0."""
    if any(r.error is not None for r in results):
        return 2
    return 1 if any(r.has_errors for r in results) else 0


def _render_json(results, lang, scores, output, quiet):
    write_text(dump_json(results, lang, scores=scores) + "\n", output)


def _render_csv(results, lang, scores, output, quiet):
    columns, rows = score_rows_table(results, lang) if scores else finding_rows(results, lang)
    csvout.write(columns, rows, lang, output)


def _render_xlsx(results, lang, scores, output, quiet):
    from lketool.commands._xlsx import write_results

    write_results(results, output, lang, scores=scores)


def _render_table(results, lang, scores, output, quiet):
    text = (scores_table if scores else problems_table)(results, lang, quiet=quiet)
    if output is None:
        emit(text)
    else:
        write_text(click.unstyle(text) + "\n", output)


# The output formats of check and score, by --format name (as datasette keeps its renderers):
# each takes (results, lang, scores, output, quiet) and only formats the library's view.
RENDERERS = {"table": _render_table, "json": _render_json, "csv": _render_csv, "xlsx": _render_xlsx}
NEEDS_FILE = {"xlsx"}


def output_and_exit(results, fmt: str, lang: str, *, scores: bool, output: Path | None = None,
                    quiet: bool = False) -> None:
    """Print or write ``results`` with the renderer of ``fmt`` (:data:`RENDERERS`) and exit
    with :func:`exit_code`."""
    from lketool.i18n import t

    if fmt in NEEDS_FILE and output is None:
        raise click.UsageError(t("cli.needs-output", lang, fmt=fmt))
    try:
        RENDERERS[fmt](results, lang, scores, output, quiet)
    except OSError as exc:
        raise click.UsageError(t("cli.cannot-write", lang, path=output, reason=exc.strerror or exc))
    if output is not None and not quiet:
        click.echo(t("cli.written", lang, path=output), err=True)
    sys.exit(exit_code(results))


def write_text(text: str, output: Path | None) -> None:
    """``text`` to standard output, or atomically to ``output`` (UTF-8)."""
    if output is None:
        emit(text.rstrip("\n"))
        return
    from lketool.atomic import write_bytes

    write_bytes(output, text.encode("utf-8"))


def emit(text: str) -> None:
    # Windows consoles may not encode every character; never crash on output.
    try:
        click.echo(text)
    except UnicodeEncodeError:
        click.echo(text.encode("ascii", "replace").decode("ascii"))


def root_counts(r) -> dict[str, int]:
    """Root problems (what must be fixed) and derived values (which follow by themselves)."""
    return r.root_counts


def dump_json(results, lang: str, scores: bool) -> str:
    out = [r.to_dict(lang, scores=scores) for r in results]
    return json.dumps({"results": out}, ensure_ascii=False, indent=2, default=str)


# --- one row per finding (check: CSV and xlsx) -------------------------------------------

FINDING_COLUMNS = csvout.cols("findings", "file", "unit", "sheet", "cell", "severity", "code", "item", "message",
                               "remedy", "caused_by")


def _refs(p) -> str:
    return "; ".join(f"{cell} ({code})" for _sheet, cell, code in p.caused_by)


def finding_rows(results, lang: str):
    """(columns, rows): one row per finding, or per unreadable file."""
    rows = []
    for r in results:
        if r.error is not None:
            rows.append({"file": r.file, "unit": r.unit, "severity": severity_label(ERROR, lang),
                         "code": r.error.code, "message": r.error.message(lang)})
        for p in r.problems:
            loc = p.location
            rows.append({"file": r.file, "unit": r.unit, "sheet": loc.sheet, "cell": loc.cell,
                         "severity": severity_label(p.severity, lang), "code": p.code, "item": loc.item,
                         "message": p.message(lang), "remedy": None if p.caused_by else p.remedy(lang) or None,
                         "caused_by": _refs(p) or None})
    return FINDING_COLUMNS, rows


def problems_csv(results, lang: str) -> str:
    """The findings as CSV text (the dialect of ``lang``; see :mod:`lketool.csvout`)."""
    return csvout.render(*finding_rows(results, lang), lang)


# --- the terminal -------------------------------------------------------------------------

def width() -> int:
    """Columns to wrap at: the terminal's (``COLUMNS`` when set), never below 60."""
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def wrap(text: str, indent: int, cols: int | None = None) -> list[str]:
    """``text`` wrapped at word boundaries (a long link stays whole) with ``indent``
    spaces in front of every line; line breaks in the text are kept as spaces."""
    text = " ".join(text.split())
    pad = " " * indent
    return textwrap.wrap(text, width=max(30, (cols or width())), initial_indent=pad, subsequent_indent=pad,
                         break_long_words=False, break_on_hyphens=False) or [pad]


def _sev(sev: str, lang: str, color: bool) -> str:
    label = severity_label(sev, lang).upper()  # the catalogue's one table, upper case on a terminal
    if not color:
        return label
    return click.style(label, fg={"error": "red", "warning": "yellow"}.get(sev, "blue"), bold=sev == ERROR)


def _where(p) -> str:
    loc = p.location
    return f"{loc.sheet}!{loc.cell}" if loc.cell else f"{loc.sheet or ''}"


def file_summary(r, lang: str, cols: int | None = None) -> list[str]:
    """The per-file summary lines of ``check``: root problems and derived values, and
    how many root errors stand between the file and a clean submission."""
    if r.error is not None:
        return ["  " + t("table.check.unreadable", lang)]
    roots = [p for p in r.problems if not p.caused_by and p.severity != INFO]
    derived = [p for p in r.problems if p.caused_by]
    n_err = sum(p.severity == ERROR for p in roots)
    n_warn = sum(p.severity == WARNING for p in roots)
    head, tail = tn("count.root-problems", len(roots), lang), tn("count.derived-values", len(derived), lang)
    sevs = f"{severity_count(n_err, ERROR, lang)}, {severity_count(n_warn, WARNING, lang)}"
    lines = [f"  -> {head} ({sevs}), {tail}"]
    if n_err == 0:
        last = t("table.check.ready", lang) + (t("table.check.warnings-worth-a-look", lang) if n_warn else "")
    else:
        last = (tn("count.fixes-needed", n_err, lang)
                + (t("table.check.derived-follow", lang, derived=tail) if derived else "."))
    return lines + wrap(last, 2, cols)


def problems_table(results, lang: str, quiet: bool = False) -> str:
    """The terminal view of ``check``: per file, each root problem with its full message
    wrapped to the terminal width, the values that only follow from it indented under
    it, and the summary lines."""
    color = sys.stdout.isatty()
    cols = width()
    lines: list[str] = []
    for r in results:
        lines.append(f"== {r.file}")
        if r.unit:
            lines += wrap(f"unit: {r.unit}; layout: {r.layout}; sheet: {r.sheet}", 3, cols)
        if r.error is not None:
            lines.append(f"  {_sev(ERROR, lang, color)}")
            lines += wrap(r.error.message(lang), 6, cols)
            lines += file_summary(r, lang, cols)
            continue
        if not quiet:
            by_root: dict[tuple, list] = {}
            roots = [p for p in r.problems if not p.caused_by]
            known = {(p.location.sheet, p.location.cell, p.code) for p in roots}
            orphans = []
            for p in r.problems:
                if p.caused_by:
                    key = next((k for k in p.caused_by if k in known), None)
                    (by_root.setdefault(key, []) if key else orphans).append(p)
            for p in roots + orphans:
                lines += _finding_lines(p, lang, color, cols, 2)
                kids = by_root.get((p.location.sheet, p.location.cell, p.code), [])
                if kids:
                    lines.append("      " + t("table.check.derived-under", lang, n=len(kids)))
                    for q in kids:
                        lines += _finding_lines(q, lang, color, cols, 8, derived=True)
        lines += file_summary(r, lang, cols)
    if len(results) > 1:
        bad = sum(1 for r in results if r.has_errors)
        lines.append("")
        lines.append(t("table.check.files", lang, n=len(results), clean=len(results) - bad, bad=bad))
    return "\n".join(lines)


def _finding_lines(p, lang: str, color: bool, cols: int, indent: int, derived: bool = False) -> list[str]:
    item = f"  [{p.location.item}]" if p.location.item else ""
    pad = " " * indent
    if derived:
        first = f"{pad}{_where(p):<14} {p.code}{item}"
    else:
        label = _sev(p.severity, lang, color)
        label += " " * max(1, 11 - len(severity_label(p.severity, lang)))
        first = f"{pad}{_where(p):<14} {label}{p.code}{item}"
    out = [first] + wrap(p.message(lang), indent + 4, cols)
    todo = "" if derived else p.remedy(lang)  # a derived value needs no fix of its own
    if todo:
        out += wrap(f"{t('label.remedy', lang)}: {todo}", indent + 4, cols)
    return out


def fmt2(x, lang: str = "id") -> str:
    """Display with two decimals, decimal comma in Indonesian (values stay at full
    precision elsewhere)."""
    from lketool.display import number

    return "-" if x is None else number(x, 2, lang)


def scores_table(results, lang: str, quiet: bool = False) -> str:
    """The terminal view of ``score``: the rows of :func:`lketool.view.score_rows` and the
    lines of :func:`lketool.verdict.verdict_for`, formatted."""
    from lketool import display as show
    from lketool.verdict import verdict_for
    from lketool.view import score_rows

    lines = []
    score_word = t("table.score.score", lang)
    for r in results:
        lines.append(f"== {r.file}" + (f"  ({r.unit}; {r.layout})" if r.unit else ""))
        if r.error is not None:
            lines.append(f"  {severity_label(ERROR, lang).upper()}  {r.error.message(lang)}")
            continue
        rows = score_rows(r, lang)
        v = verdict_for(r, lang)
        if quiet:  # total and the verdict sentences only
            lines.append(f"  {rows[0]['label']:<30}{fmt2(rows[0]['value'], lang):>8}")
            lines += ["  " + v[k]["text"] for k in v["predicates"]]
            continue
        parts = [x for x in rows if not x["key"].startswith("area:")]
        areas = [x for x in rows if x["key"].startswith("area:")]
        has_wb = any(x["workbook"] is not None for x in parts)
        has_tpi = r.tpi_scores is not None
        w = max([30] + [len(x["label"]) + 2 * x["level"] + 2 for x in rows])  # labels whole, never cut
        head = f"  {'':<{w}}{score_word:>8}"
        head += f"{'TPI':>8}" if has_tpi else ""
        head += f"{t('table.score.workbook', lang):>13}" if has_wb else ""
        lines.append(head)
        for x in parts:
            row = f"  {'  ' * x['level'] + x['label']:<{w}}{fmt2(x['value'], lang):>8}"
            row += f"{fmt2(x['tpi'], lang):>8}" if has_tpi else ""
            row += f"{fmt2(x['workbook'], lang):>13}" if has_wb and x["workbook"] is not None else ""
            lines.append(row)
        lines.append(f"  {'Area':<{w}}{score_word:>8}{t('table.score.weight', lang):>8}{'%':>8}")
        for x in areas:
            lines.append(f"  {'  ' + x['label']:<{w}}{fmt2(x['value'], lang):>8}{show.minimum(x['max'], lang):>8}"
                         f"{show.percent(x['share'], 1, lang):>8}")
        s = r.scores
        done = t("table.score.answered", lang, answered=s.answered, expected=s.expected)
        lines.append(f"  {t('table.score.completeness', lang):<{w}}{done}")
        lines.extend("  " + ln for ln in v["lines"])
        c = r.counts
        lines.append(f"  {t('table.score.problems', lang)}: {severity_count(c[ERROR], ERROR, lang)}, "
                     f"{severity_count(c[WARNING], WARNING, lang)} (lketool check)")
    return "\n".join(lines)


SCORE_HEAD = csvout.cols("scores", "file", "unit", "layout")
SCORE_TAIL = csvout.cols("scores", "answered", "expected", "wbk", "wbbm", "basis", "provisional", "errors", "warnings",
                         "root_problems", "workbook_total", "tpi_total", "error")


def _verdict_cells(r, lang: str) -> dict:
    """WBK and WBBM verdict words, whose answers decided, and whether it is provisional."""
    from lketool.verdict import verdict_for, word

    v = verdict_for(r, lang)
    return {"wbk": word(v["wbk"]["status"], lang), "wbbm": v["wbbm"]["text"].split(": ", 1)[1],
            "basis": v["basis"], "provisional": v["provisional"]}


def score_rows_table(results, lang: str):
    """(columns, rows): one row per file with every score of :func:`lketool.view.score_rows`
    at full precision, then the verdict and counts."""
    from lketool.view import score_rows

    first = next((r for r in results if r.scores is not None), None)
    views = {lang: score_rows(first, lang) for lang in languages()} if first is not None else {}
    columns = [*SCORE_HEAD, *[csvout.data_col(row["key"].replace(":", "_"),
                                              **{lang: view[i]["label"] for lang, view in views.items()})
                              for i, row in enumerate(views.get("id", []))], *SCORE_TAIL]
    rows = []
    for r in results:
        if r.error is not None:
            rows.append({"file": r.file, "unit": r.unit, "error": r.error.message(lang)})
            continue
        s = r.scores
        row = {"file": r.file, "unit": r.unit, "layout": r.layout,
               **{x["key"].replace(":", "_"): x["value"] for x in score_rows(r, lang)},
               "answered": s.answered, "expected": s.expected, **_verdict_cells(r, lang),
               "errors": r.counts[ERROR], "warnings": r.counts[WARNING],
               "root_problems": r.root_counts["root_problems"],
               "workbook_total": (r.workbook_scores or {}).get("total"),
               "tpi_total": r.tpi_scores.total if r.tpi_scores else None}
        rows.append(row)
    return columns, rows


def scores_csv(results, lang: str) -> str:
    """The scores as CSV text (the dialect of ``lang``; see :mod:`lketool.csvout`)."""
    return csvout.render(*score_rows_table(results, lang), lang)
