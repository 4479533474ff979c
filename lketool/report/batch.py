"""Reports for many workbooks: what ``lketool report`` runs.

1. Each workbook is checked and its context built (in ``jobs`` processes).
2. Output names (keys) are given in input order from the unit names, unique in the run.
3. Word and HTML files are rendered (in ``jobs`` processes); PDFs come from the Word
   files in one LibreOffice start.  An existing file is kept unless ``overwrite``.
4. ``OUTDIR/manifest.json`` lists every report and every failure (the mail command
   reads it; format in ``docs/report.md``), written atomically.

One bad workbook never stops the batch: it becomes a failure with a message."""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from lketool import __version__
from lketool.i18n import t
from lketool.report.names import unique_keys
from lketool.report.output import atomic_write_bytes

FORMATS = ("docx", "html", "pdf")
SUMMARY_KEY = "ringkasan"
MANIFEST = "manifest.json"

Progress = Callable[[str, int, int, str], None]  # (phase, done, total, label)


@dataclass
class ReportOptions:
    """What to write and how.  ``templates``: folders or files given with ``--template``."""

    formats: tuple[str, ...] = ("docx", "html")
    summary: bool = False
    instansi: str | None = None
    report_date: _dt.date | str | None = None
    templates: tuple[str | Path, ...] = ()
    recommendations: str | Path | None = None
    overwrite: bool = False
    jobs: int = 1
    strict: bool = False
    per_half: bool = False
    rubric: str | None = None  # edition name; None: the default edition
    letter: dict[str, Any] = field(default_factory=dict)  # nomor, sifat, hal, kepada, ... (see context.LETTER_FIELDS)
    kop: bytes | None = None  # letterhead image (PNG/JPEG)
    unit: str | None = None  # --unit: the unit name of a single input
    units: dict[str, str] = field(default_factory=dict)  # --units: file name -> unit name (lketool.units)
    units_wbk: dict[str, bool] = field(default_factory=dict)  # --units column sudah_wbk: wins over has_wbk
    has_wbk: bool | None = None  # --sudah-wbk/--belum-wbk: the WBBM prerequisite (lketool.verdict)
    declared: tuple[str, ...] = ()  # --terpenuhi: conditions the LKE cannot show, declared met
    lang: str = "id"  # --lang: the words of failures and notes (printed and in manifest.json); reports stay Indonesian


@dataclass
class ReportOutcome:
    """One input workbook: its report files, or why there are none."""

    source_file: str
    unit: str | None = None
    key: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    total: float | None = None
    wbk_eligible: bool = False
    wbbm_eligible: bool = False
    verdict: str = ""  # lketool.verdict.headline: the same words as lketool score
    errors: int = 0
    warnings: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def manifest_entry(self) -> dict[str, Any]:
        return {"unit": self.unit, "source_file": self.source_file, "key": self.key, "total": self.total,
                "wbk_eligible": self.wbk_eligible, "wbbm_eligible": self.wbbm_eligible, "verdict": self.verdict,
                "errors": self.errors, "warnings": self.warnings, "outputs": dict(self.outputs)}


@dataclass
class BatchResult:
    """Everything one run produced."""

    outdir: Path
    outcomes: list[ReportOutcome]
    summary: ReportOutcome | None = None
    manifest: Path | None = None
    notes: list[str] = field(default_factory=list)  # run-wide messages (e.g. no LibreOffice)

    @property
    def reports(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failures(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.notes and (self.summary is None or self.summary.ok)


# ---------------------------------------------------------------- workers (module level: picklable)

def _analyse(path: str, options: dict) -> tuple[str, Any]:
    """Check one workbook and build its context: ``("ok", ctx)`` or ``("fail", message)``."""
    from lketool.api import check_file
    from lketool.report.context import build_context

    from lketool.units import Units, unit_for

    try:
        # the unit's own sudah_wbk value (units file) wins; --sudah-wbk/--belum-wbk is the default
        has_wbk = Units(wbk=options.get("units_wbk") or {}).has_wbk_for(path, options.get("has_wbk"))
        res = check_file(path, rubric=options.get("rubric"), strict=options["strict"],
                         per_half=options["per_half"], has_wbk=has_wbk,
                         declared=options.get("declared", ()))
        if res.error is not None:
            return "fail", res.error.message(options.get("lang", "id"))

        ctx = build_context(res, instansi=options["instansi"], report_date=options["report_date"],
                            recommendations=options["recommendations"], letter=options["letter"],
                            kop=options["kop"], unit_name=options["unit"] or unit_for(path, options["units"]))
        from lketool.verdict import MET, headline, verdict_for

        v = verdict_for(res, "id")
        basis_scores = res.tpi_scores if v["basis"] == "tpi" else res.scores
        ctx["_meta"] = {"total": basis_scores.total, "wbk": v["wbk"]["status"] == MET,
                        "wbbm": v["wbbm"]["status"] == MET, "verdict": headline(v),
                        "errors": res.counts.get("error", 0), "warnings": res.counts.get("warning", 0)}
        return "ok", ctx
    except Exception as exc:  # a batch reports every file; one crash must not stop it
        return "fail", t("report.batch.read-failed", options.get("lang", "id"), kind=type(exc).__name__, detail=exc)


def _render(ctx: dict, targets: dict[str, str], templates: dict[str, str],
            lang: str = "id") -> tuple[dict[str, str], str | None]:
    """Render ``ctx`` to each ``targets[fmt]`` path; returns (written, error message)."""
    written: dict[str, str] = {}
    try:
        for fmt, out in targets.items():
            if fmt == "html":
                from lketool.report.render_html import render_html
                render_html(ctx, out, templates["html"])
            elif fmt == "docx":
                from lketool.report.render_docx import render_docx
                render_docx(ctx, out, templates["docx"])
            written[fmt] = out
        return written, None
    except Exception as exc:
        return written, _render_error(exc, fmt, templates.get(fmt), lang)


def _render_error(exc: Exception, fmt: str, template: str | None, lang: str = "id") -> str:
    import jinja2

    name = Path(template).name if template else fmt
    if isinstance(exc, jinja2.UndefinedError):
        return t("report.batch.template-variable", lang, name=name, detail=exc)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return t("report.batch.template-syntax", lang, name=name, line=exc.lineno, detail=exc.message)
    if isinstance(exc, OSError):
        from lketool.atomic import os_error_text

        return t("report.batch.write-failed", lang, fmt=fmt.upper(), detail=os_error_text(exc))
    return t("report.batch.write-crashed", lang, fmt=fmt.upper(), kind=type(exc).__name__, detail=exc)


# ---------------------------------------------------------------- the batch

def generate_reports(paths: Iterable[str | Path], outdir: str | Path, options: ReportOptions | None = None,
                     progress: Progress | None = None) -> BatchResult:
    """Write the reports of every workbook in ``paths`` (files or folders) to ``outdir``."""
    from lketool.api import iter_workbooks
    from lketool.report.recommend import find_recommendations, load_recommendations
    from lketool.report.templates import TemplateNotFound, resolve_templates

    from lketool.rubric import DEFAULT_EDITION, load_rubric

    opts = options or ReportOptions()
    formats = tuple(f for f in FORMATS if f in opts.formats)
    if not formats:
        raise ValueError("no output format")
    load_rubric(opts.rubric or DEFAULT_EDITION)  # an unknown or broken edition: ValueError before any work
    # Absolute from here on: LibreOffice and the staging folder report absolute paths,
    # and a relative OUTDIR must name the same files in every step.
    outdir = Path(os.path.abspath(outdir))
    outdir.mkdir(parents=True, exist_ok=True)
    notify = progress or (lambda *a: None)
    templates = resolve_templates(list(opts.templates))
    needed = [("report", f) for f in ("docx", "html") if f in formats or (f == "docx" and "pdf" in formats)]
    if opts.summary:
        needed += [("summary", k[1]) for k in needed]
    for k in needed:
        if not templates[k].is_file():
            raise TemplateNotFound("report.template.missing", path=templates[k])
    rec_path = opts.recommendations
    if rec_path is None:
        dirs = [Path(t) for t in opts.templates if Path(t).is_dir()]
        rec_path = find_recommendations(dirs[0]) if dirs else None
    recs = load_recommendations(rec_path)
    day = opts.report_date or _dt.date.today()
    worker_opts = {"strict": opts.strict, "per_half": opts.per_half, "rubric": opts.rubric, "instansi": opts.instansi,
                   "report_date": day if isinstance(day, str) else day.isoformat(), "recommendations": recs,
                   "letter": dict(opts.letter), "kop": opts.kop, "unit": opts.unit, "units": dict(opts.units),
                   "units_wbk": dict(opts.units_wbk), "has_wbk": opts.has_wbk, "declared": tuple(opts.declared),
                   "lang": opts.lang}

    files, seen = [], set()
    for f in iter_workbooks(paths):
        k = os.path.normcase(str(Path(f).resolve()))
        if k not in seen:
            seen.add(k)
            files.append(f)
    outcomes = [ReportOutcome(source_file=str(f)) for f in files]
    result = BatchResult(outdir=outdir, outcomes=outcomes)

    # 1. analyse
    contexts: list[dict | None] = [None] * len(files)
    for i, (status, value) in _run(_analyse, [(str(f), worker_opts) for f in files], opts.jobs,
                                   lambda i, n, d: notify("periksa", d, n, Path(files[i]).name)):
        if status == "ok":
            contexts[i] = value
            o = outcomes[i]
            o.unit = value["unit"]
            meta = value.pop("_meta")
            o.total, o.wbk_eligible, o.wbbm_eligible = meta["total"], meta["wbk"], meta["wbbm"]
            o.verdict = meta["verdict"]
            o.errors, o.warnings = meta["errors"], meta["warnings"]
        else:
            outcomes[i].error = value

    # 2. names
    good = [i for i, c in enumerate(contexts) if c is not None]
    keys = unique_keys([(contexts[i]["unit"], Path(files[i]).stem) for i in good],
                       reserved=(SUMMARY_KEY, Path(MANIFEST).stem))
    for i, key in zip(good, keys):
        outcomes[i].key = key
        contexts[i]["key"] = key
        contexts[i]["link"] = f"{key}.html" if "html" in formats else ""

    # 3. render
    pdf_ok = "pdf" not in formats or _pdf_available(result, opts.lang)
    staging = Path(tempfile.mkdtemp(prefix=".lketool-report-", dir=outdir)) if "pdf" in formats else None
    try:
        jobs = []
        for i in good:
            o = outcomes[i]
            wanted = [f for f in formats if f != "pdf" or pdf_ok]
            existing = [f"{o.key}.{f}" for f in wanted if (outdir / f"{o.key}.{f}").exists()]
            if existing and not opts.overwrite:
                o.error = t("report.batch.exists-outdir", opts.lang, files=", ".join(existing), outdir=outdir)
                continue
            jobs.append((i, _targets(o.key, formats, pdf_ok, outdir, staging)))
        tpl = {"html": str(templates[("report", "html")]), "docx": str(templates[("report", "docx")])}
        for n, (written, err) in _run(_render, [(contexts[i], tg, tpl, opts.lang) for i, tg in jobs], opts.jobs,
                                      lambda n, total, d: notify("tulis", d, total, outcomes[jobs[n][0]].unit or "")):
            i, targets = jobs[n]
            o = outcomes[i]
            if err:
                o.error = err
                _remove(written.values())
                continue
            o.outputs = {f: Path(p).name for f, p in written.items() if Path(p).parent == outdir}
        # 4. summary
        if opts.summary:
            result.summary = _write_summary(contexts, outcomes, formats, pdf_ok, outdir, staging, templates,
                                            opts, worker_opts["report_date"], notify)
        # 5. PDF
        if "pdf" in formats and pdf_ok:
            _make_pdfs(result, formats, outdir, staging, notify, opts.lang)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    result.manifest = write_manifest(result)
    return result


def _pdf_available(result: BatchResult, lang: str = "id") -> bool:
    from lketool.report.pdf import NOT_INSTALLED_KEY, pdf_available

    if pdf_available():
        return True
    result.notes.append(t(NOT_INSTALLED_KEY, lang))
    return False


def _targets(key: str, formats, pdf_ok: bool, outdir: Path, staging: Path | None) -> dict[str, str]:
    """Where to render: docx/html in OUTDIR; a Word file only needed for the PDF goes to
    the staging folder (removed at the end)."""
    t = {}
    if "docx" in formats:
        t["docx"] = str(outdir / f"{key}.docx")
    elif "pdf" in formats and pdf_ok:
        t["docx"] = str(staging / f"{key}.docx")
    if "html" in formats:
        t["html"] = str(outdir / f"{key}.html")
    return t


def _make_pdfs(result: BatchResult, formats, outdir: Path, staging: Path, notify: Progress,
               lang: str = "id") -> None:
    from lketool.report.pdf import PdfUnavailable, docx_to_pdf_many

    items = [o for o in result.outcomes if o.ok and o.key]
    if result.summary is not None and result.summary.ok:
        items.append(result.summary)
    sources = {}
    for o in items:
        src = (outdir if "docx" in formats else staging) / f"{o.key}.docx"
        if src.is_file():
            sources[src.resolve()] = o
    if not sources:
        return
    notify("pdf", 0, 1, t("report.batch.documents", lang, n=len(sources)))
    try:
        # LibreOffice writes NAME.pdf beside NAME.docx; convert in staging so a half-written
        # PDF never appears in OUTDIR, then move.
        staged = {}
        staging = staging.resolve()
        for src in sources:
            if src.parent != staging:
                copy = staging / src.name
                shutil.copyfile(src, copy)
                staged[copy] = src
            else:
                staged[src] = src
        converted = docx_to_pdf_many(list(staged), lang=lang)
    except PdfUnavailable as exc:
        result.notes.append(exc.message(lang))
        return
    for copy, got in converted.items():
        o = sources[staged[Path(copy).resolve()]]
        if isinstance(got, Path):
            dst = outdir / f"{o.key}.pdf"
            os.replace(got, dst)
            o.outputs["pdf"] = dst.name
        else:
            o.error = t("report.batch.pdf-failed", lang, error=got)
    notify("pdf", 1, 1, t("report.batch.documents", lang, n=len(sources)))


def _write_summary(contexts, outcomes, formats, pdf_ok, outdir, staging, templates, opts, day, notify):
    from lketool.report.summary import build_summary_context

    o = ReportOutcome(source_file="", unit="Ringkasan", key=SUMMARY_KEY)
    notify("ringkasan", 0, 1, t("report.batch.summary", opts.lang))
    # Every workbook that could be scored is summarised, even when its own report was
    # not (re)written; failures are the workbooks that could not be read or scored.
    ctxs = [c for c in contexts if c is not None]
    failures = [{"file": x.source_file, "error": x.error} for x, c in zip(outcomes, contexts) if c is None]
    ctx = build_summary_context(ctxs, failures, instansi=opts.instansi, report_date=day)
    targets = _targets(SUMMARY_KEY, formats, pdf_ok, outdir, staging)
    existing = [Path(p).name for f, p in targets.items() if Path(p).parent == outdir and Path(p).exists()]
    if "pdf" in formats and pdf_ok and (outdir / f"{SUMMARY_KEY}.pdf").exists():
        existing.append(f"{SUMMARY_KEY}.pdf")
    if existing and not opts.overwrite:
        o.error = t("report.batch.exists", opts.lang, files=", ".join(existing))
        return o
    tpl = {"html": str(templates[("summary", "html")]), "docx": str(templates[("summary", "docx")])}
    written, err = _render(ctx, targets, tpl, opts.lang)
    if err:
        o.error = err
        _remove(written.values())
    else:
        o.outputs = {f: Path(p).name for f, p in written.items() if Path(p).parent == outdir}
    notify("ringkasan", 1, 1, t("report.batch.summary", opts.lang))
    return o


def _remove(paths) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def _run(fn, arglist: list[tuple], jobs: int, tick: Callable[[int, int, int], None]):
    """Yield ``(index, fn(*args))`` for every args tuple; in ``jobs`` processes when > 1.
    ``tick(index, total, done)`` after each."""
    total = len(arglist)
    if jobs <= 1 or total <= 1:
        for i, args in enumerate(arglist):
            r = fn(*args)
            tick(i, total, i + 1)
            yield i, r
        return
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futs = {pool.submit(fn, *args): i for i, args in enumerate(arglist)}
        done = 0
        results = {}
        for fut in as_completed(futs):
            i = futs[fut]
            done += 1
            results[i] = fut.result()
            tick(i, total, done)
        # results in input order, so names and manifest do not depend on timing
        for i in range(total):
            yield i, results[i]


# ---------------------------------------------------------------- manifest

def manifest_dict(result: BatchResult, generated_at: _dt.datetime | None = None,
                  previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest (format in docs/report.md; read by ``lketool mail``).

    ``previous`` is the manifest already in OUTDIR: its reports that this run did not
    (re)write and whose files are still on disk are kept, so a refused or failed run
    never makes ``lketool mail`` lose a report that exists."""
    reports = [o.manifest_entry() for o in result.outcomes if o.ok]
    reports += _still_on_disk(previous, result.outdir, reports)
    d: dict[str, Any] = {
        "generated_at": (generated_at or _dt.datetime.now()).isoformat(timespec="seconds"),
        "lketool_version": __version__,
        "reports": reports,
        "failures": [{"source_file": o.source_file, "error": o.error} for o in result.outcomes if not o.ok],
    }
    if result.summary is not None:
        d["summary"] = {"outputs": dict(result.summary.outputs), "error": result.summary.error}
        old = (previous or {}).get("summary")
        if not result.summary.ok and isinstance(old, dict) and isinstance(old.get("outputs"), dict):
            kept = _existing_outputs(old["outputs"], result.outdir)
            if kept:
                d["summary"]["outputs"] = kept
    if result.notes:
        d["notes"] = list(result.notes)
    return d


def _existing_outputs(outputs: dict, outdir: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v in outputs.items()
            if isinstance(v, str) and v and Path(v).name == v and (outdir / v).is_file()}


def _still_on_disk(previous: dict[str, Any] | None, outdir: Path, current: list[dict]) -> list[dict]:
    """Entries of the previous manifest not replaced by ``current`` whose files still exist."""
    if not isinstance(previous, dict) or not isinstance(previous.get("reports"), list):
        return []
    keys = {r["key"] for r in current}
    taken = {f for r in current for f in r["outputs"].values()}
    kept = []
    for r in previous["reports"]:
        if not isinstance(r, dict) or r.get("key") in keys or not isinstance(r.get("outputs"), dict):
            continue
        outputs = {k: v for k, v in _existing_outputs(r["outputs"], outdir).items() if v not in taken}
        if outputs:
            kept.append({**r, "outputs": outputs})
    return kept


def _read_previous(outdir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, or unreadable: nothing to keep
    return data if isinstance(data, dict) else None


def write_manifest(result: BatchResult) -> Path:
    """Write ``OUTDIR/manifest.json`` atomically (UTF-8, unit names as written), keeping
    the previous manifest's reports that are still on disk (see :func:`manifest_dict`)."""
    d = manifest_dict(result, previous=_read_previous(result.outdir))
    data = json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    return atomic_write_bytes(result.outdir / MANIFEST, data.encode("utf-8"))
