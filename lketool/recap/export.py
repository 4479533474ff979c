"""The recap for pipelines: JSON (``{"results": [...], "failures": [...]}``) and CSV
(the Ringkasan table).  Both are streamed one unit at a time, so memory stays flat."""
from __future__ import annotations

import contextlib
import csv
import json
import sys
from pathlib import Path
from typing import IO, Any, Iterator

from lketool.recap.atomic import atomic_path
from lketool.recap.collect import Collection, ProgressFn
from lketool.cells import csv_text
from lketool.recap.tables import rank_units, summary_columns, summary_record
from lketool.rubric import Rubric, load_rubric


def write_json(coll: Collection, output: str | Path | None, *, rubric: Rubric | None = None,
               progress: ProgressFn | None = None) -> None:
    """Every readable workbook's ``to_dict()`` result, ranked, each with its Ringkasan row
    under ``summary``; then the files that could not be read.  ``output`` None or "-"
    writes to standard output."""
    rubric = rubric or load_rubric(coll.options.rubric)
    lang = coll.options.lang
    units = rank_units(list(coll.units))
    with _opened(output, newline=None) as f:
        f.write('{"results": [')
        for k, row in enumerate(units):
            d = dict(coll.result(row))
            d["summary"] = summary_record(row, rubric, lang)
            f.write(("\n" if k == 0 else ",\n") + json.dumps(d, ensure_ascii=False))
            if progress:
                progress("write", k + 1, len(units))
        f.write('\n], "failures": ')
        f.write(json.dumps(coll.failures, ensure_ascii=False, indent=1))
        f.write("}\n")


def csv_rows(coll: Collection, rubric: Rubric) -> Iterator[list[Any]]:
    """The Ringkasan table as CSV rows (header of column keys first), text neutralised."""
    cols = summary_columns(rubric, coll.options.lang)
    yield [c.key for c in cols]
    for row in rank_units(list(coll.units)):
        rec = summary_record(row, rubric, coll.options.lang)
        yield [_csv_value(rec[c.key]) for c in cols]


def write_csv(coll: Collection, output: str | Path | None, *, rubric: Rubric | None = None,
              progress: ProgressFn | None = None) -> None:
    """The Ringkasan table as UTF-8 CSV (comma separated, numbers at full precision)."""
    rubric = rubric or load_rubric(coll.options.rubric)
    with _opened(output, newline="") as f:
        w = csv.writer(f)
        for k, r in enumerate(csv_rows(coll, rubric)):
            w.writerow(r)
            if progress and k:
                progress("write", k, len(coll.units))


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else v
    return csv_text(str(v))


@contextlib.contextmanager
def _opened(output: str | Path | None, newline: str | None) -> Iterator[IO[str]]:
    if output is None or str(output) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as f:
        yield f
