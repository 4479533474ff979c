"""Time check+score per workbook over many copies of a realistic workbook.

    python benchmarks/bench_check.py [WORKBOOK] [--copies 200]

WORKBOOK defaults to the real filled LKE in ../shared (else the first sample).  Copies
are real files on disk (different names, same content), read cold by ``check_file`` one
after another in this process, as ``lketool score FOLDER`` does.  Prints per-workbook
times (median, p95) and the cost of one whole ``lketool check`` process."""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_workbook() -> Path:
    real = ROOT.parent / "shared/lke-data/axxpxmd_zona_integritas/form_kuesioner.xlsx"
    if real.is_file():
        return real
    return sorted((ROOT / "samples").glob("*.xlsx"))[0]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("workbook", nargs="?", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=200)
    args = ap.parse_args()
    src = args.workbook or default_workbook()
    sys.path.insert(0, str(ROOT))
    from lketool.api import check_file

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.copies):
            dst = Path(tmp) / f"unit_{i:04d}.xlsx"
            shutil.copyfile(src, dst)
            files.append(dst)
        check_file(files[0])  # imports, rubric load
        times = []
        t0 = time.perf_counter()
        for f in files:
            t = time.perf_counter()
            res = check_file(f)
            times.append(time.perf_counter() - t)
            assert res.error is None
        wall = time.perf_counter() - t0
    proc = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lketool", "check", str(src)], capture_output=True)
        proc.append(time.perf_counter() - t)
    times.sort()
    print(f"workbook: {src.name}, copies: {args.copies}")
    print(f"check+score per workbook: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms, "
          f"throughput {args.copies / wall:.1f} workbooks/s (1 core)")
    print(f"'lketool check FILE' whole process: median {statistics.median(proc) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
