#!/usr/bin/env python3
"""Benchmark ``lketool report``: N reports (Word + HTML) from copies of the sample
workbooks, one process and ``--jobs`` processes.

    python benchmarks/bench_report.py [--n 200] [--jobs 1 2] [--pdf]

The figure is quoted in docs/report.md.  Copies of ``samples/*.xlsx`` are used (files
saved by LibreOffice, with cached values, as real files are); without samples, blank
workbooks from :func:`lketool.template.write_template` are filled in."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_inputs(folder: Path, n: int) -> list[Path]:
    samples = sorted((ROOT / "samples").glob("*.xlsx"))
    if not samples:
        from lketool.template import write_template

        samples = [write_template(folder / "blank.xlsx", "lampiran-iii", unit="Unit Contoh")]
    out = []
    for i in range(n):
        dst = folder / f"lke-{i:03d}.xlsx"
        shutil.copyfile(samples[i % len(samples)], dst)
        out.append(dst)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--pdf", action="store_true", help="also PDF (LibreOffice)")
    a = ap.parse_args(argv)

    from lketool.report.batch import ReportOptions, generate_reports

    formats = ("docx", "html", "pdf") if a.pdf else ("docx", "html")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        make_inputs(tmp / "in", a.n)
        for jobs in a.jobs:
            out = tmp / f"out-{jobs}"
            t0 = time.perf_counter()
            res = generate_reports([tmp / "in"], out, ReportOptions(formats=formats, jobs=jobs, summary=True,
                                                                     report_date="2026-11-21"))
            dt = time.perf_counter() - t0
            size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
            print(f"{a.n} reports ({'+'.join(formats)}) + summary, jobs={jobs}: {dt:.1f} s "
                  f"({dt / a.n * 1000:.0f} ms a report), {len(res.failures)} failed, {size:.1f} MB written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
