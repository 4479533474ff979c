"""Recap many LKE workbooks into one: a ranked summary, area and indicator heat maps,
unit vs TPI, every finding, the unreadable files and charts (xlsx), or the same data as
JSON/CSV for pipelines.

    from lketool.recap import recap
    outcome = recap(["folder/"], "Rekap.xlsx")
    outcome.stats.checked, outcome.failures

Lower level: :func:`lketool.recap.collect.collect` (check and cache, no output) and the
writers in :mod:`lketool.recap.workbook` and :mod:`lketool.recap.export`.

Workbooks are checked in parallel worker processes and their results cached by content
(see :mod:`lketool.recap.cache`), so a second run reads only the files that changed; when
nothing changed at all (same files, bytes, options and lketool version) the recap kept
from the previous run is copied instead of being written again."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lketool.recap.cache import OutputStore, ResultCache, output_fingerprint, user_cache_dir
from lketool.recap import collect as _collect_mod
from lketool.recap.collect import Collection, CollectStats, ProgressFn, RecapOptions

FORMATS = ("xlsx", "json", "csv")
ROWS_DIRNAME = "rows"  # rendered recap rows kept between runs (lketool.recap.rowstore)


class NoWorkbooks(ValueError):
    """None of the given paths holds an .xlsx/.xlsm file: nothing was written."""


@dataclass
class RecapOutcome:
    """What a recap run did: where it wrote, how many units, what failed, timings."""

    output: Path | None
    format: str
    units: int
    failures: list[dict[str, str]] = field(default_factory=list)
    stats: CollectStats = field(default_factory=CollectStats)
    write_seconds: float = 0.0
    cache_dir: Path | None = None
    reused: bool = False  # nothing changed: the previous run's recap was copied


def default_cache_dir(output: str | Path | None = None) -> Path:
    """The recap cache folder when none is given: in the user's cache directory
    (:func:`lketool.recap.cache.user_cache_dir`), the same for every output, so that
    nothing is written beside the recap or among the inputs.  ``output`` is accepted for
    compatibility and ignored."""
    return user_cache_dir()


def recap(paths: Iterable[str | Path], output: str | Path | None, *, fmt: str = "xlsx",
          options: RecapOptions | None = None, jobs: int | None = None, cache_dir: str | Path | None = None,
          use_cache: bool = True, progress: ProgressFn | None = None, instansi: str | None = None,
          date: str | None = None) -> RecapOutcome:
    """Check every workbook under ``paths`` and write the recap to ``output``.

    ``instansi`` (the inspectorate's agency) and ``date`` (default: today, written out
    in the recap's language) go into the xlsx title block and every page header.

    ``fmt`` is "xlsx", "json" or "csv"; for JSON/CSV ``output`` None or "-" means standard
    output.  The output file is never among the inputs.  A file that cannot be read is a
    failure in the outcome, never an exception."""
    import time

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and (output is None or str(output) == "-"):
        raise ValueError("an .xlsx recap needs an output file")
    options = options or RecapOptions()
    paths = list(paths)
    to_file = output is not None and str(output) != "-"
    cdir = Path(cache_dir) if cache_dir is not None else default_cache_dir(output)
    exclude = [output] if to_file else []
    with _collect_mod.collect(paths, options, jobs=jobs, cache_dir=cdir, use_cache=use_cache, exclude=exclude,
                 progress=progress) as coll:
        if coll.stats.files == 0:
            raise NoWorkbooks(", ".join(str(p) for p in paths))
        started = time.perf_counter()
        kept = OutputStore(cdir) if use_cache and to_file else None
        title = {"instansi": (instansi or "").strip(), "date": date or _today(options.lang)}
        fingerprint = _fingerprint(coll, fmt, title) if kept else None
        suffix = "." + fmt
        previous = kept.find(fingerprint, suffix) if fingerprint else None
        reused = previous is not None and _copy(previous, output)
        if reused:
            if progress:
                progress("write", len(coll.units), len(coll.units))
        else:
            _write(coll, output, fmt, progress, title, rows_dir=cdir / ROWS_DIRNAME if use_cache else None)
            if fingerprint:
                kept.keep(fingerprint, suffix, Path(output))
        return RecapOutcome(output=Path(output) if to_file else None, format=fmt, units=len(coll.units),
                            failures=list(coll.failures), stats=coll.stats,
                            write_seconds=time.perf_counter() - started,
                            cache_dir=cdir if use_cache else None, reused=reused)


def _today(lang: str) -> str:
    """Today as '30 November 2026' (Indonesian month names) or '30 November 2026'."""
    import datetime

    d = datetime.date.today()
    months = (_MONTHS_ID if lang != "en" else _MONTHS_EN)
    return f"{d.day} {months[d.month - 1]} {d.year}"


_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def _write(coll: Collection, output, fmt: str, progress: ProgressFn | None, title: dict | None = None,
           rows_dir: Path | None = None) -> None:
    if fmt == "xlsx":
        from lketool.recap.workbook import write_workbook
        title = title or {}
        write_workbook(coll, output, progress=progress, instansi=title.get("instansi"), date=title.get("date"),
                       rows_dir=rows_dir)
    elif fmt == "json":
        from lketool.recap.export import write_json
        write_json(coll, output, progress=progress)
    else:
        from lketool.recap.export import write_csv
        write_csv(coll, output, progress=progress)


def _fingerprint(coll: Collection, fmt: str, title: dict | None = None) -> str | None:
    """What the recap is made of: every unit's file (as shown) and cache key, in input
    order, the failures and the options.  None when a result is not in the cache (it
    could not be stored), as then there is nothing safe to compare."""
    units = []
    for row in coll.units:
        if row.get("_mem") is not None or not row.get("_key"):
            return None
        units.append([row["file"], row["_key"]])
    failures = [[f["file"], f["code"], f["message"]] for f in coll.failures]
    # The title block (instansi, date) is part of an xlsx: a recap kept yesterday is not today's.
    return output_fingerprint({"format": fmt, "options": vars(coll.options), "units": units,
                               "failures": failures, "title": title if fmt == "xlsx" else None})


def _copy(kept: Path, output) -> bool:
    """Copy a kept recap to ``output`` atomically; False when it cannot be read (then
    the recap is written afresh).  A failure to write ``output`` itself is raised."""
    import shutil

    from lketool.atomic import atomic_path

    try:
        src = open(kept, "rb")
    except OSError:
        return False
    with src, atomic_path(output) as tmp, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return True


__all__ = ["recap", "NoWorkbooks", "Collection", "CollectStats", "RecapOptions", "RecapOutcome", "ResultCache",
           "default_cache_dir", "FORMATS"]
