"""Benchmark ``lketool recap`` over 5,000 realistic workbooks (and 10,000 for memory).

    python benchmarks/bench_recap.py            # N=5000, --jobs 2, memory at 10,000 (~10 min)
    python benchmarks/bench_recap.py --keep /tmp/lke-bench   # generate once, reuse next time
    python benchmarks/bench_recap.py --n 1000 --memory-n 0  # a quicker look (~1 min)

Workbooks: the LibreOffice-saved samples in ``samples/`` (and the real workbook in
``../shared`` when present) are the bases; each generated copy gets its own unit name
and a few different answers, edited at the zip/XML level so generation takes seconds
(the edited cells' cached formula values are left stale, as in a file edited without
recalculation, so some copies also carry score-mismatch findings).

Each measured run is a fresh Python process (so peak memory is its own): the first run
with an empty cache, a second run over the same files (all cached, so the recap kept
from the first run is copied), the same with the kept recap removed (results from the
cache, recap written again), a third after 1 % of the files changed (``--changed``), and
first runs over N/4, N/2 and N files to show memory stays flat.  ``--jobs`` scaling: the
first run over N is also made with one worker process, and the two compared.
``--memory-n M`` adds a first run over M files (copies of the N under other names) for
the main process's peak memory (0 to skip).
Peak RSS is ``resource.getrusage`` of the run itself and of its worker processes.
Not a test: run it by hand and copy the figures into docs/recap.md."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
REAL = ROOT.parent / "shared" / "lke-data" / "axxpxmd_zona_integritas" / "form_kuesioner.xlsx"
PARTS = 4  # files are spread over 4 sub-folders so that N/4, N/2, N can be recapped


def bases() -> list[Path]:
    found = sorted((ROOT / "samples").glob("*.xlsx"))
    if REAL.is_file():
        found.append(REAL)
    if not found:
        sys.exit("no base workbooks: samples/ is empty and ../shared is absent")
    return found


def _unit_cell(path: Path, sheet: str, unit: str) -> str | None:
    from lketool.reader import cell_ref, open_workbook

    grid = open_workbook(path).grid(sheet)
    for r in range(1, min(grid.nrows, 12) + 1):
        for c, v in enumerate(grid.rows[r - 1], start=1):
            if isinstance(v, str) and v.strip() == unit:
                return cell_ref(r, c)
    return None


def generate(dest: Path, n: int, seed: int = 2025) -> list[Path]:
    """``n`` copies of the bases with varied unit names and answers, in PARTS folders."""
    from lketool.api import check_file
    from lketool.rubric import load_rubric
    from test_recap_support import set_cells

    rb = load_rubric()
    rng = random.Random(seed)
    plans = []
    for b in bases():
        res = check_file(b)
        cells = {r["item"]: r["cell"].split("!")[-1] for r in res.answer_rows() if r["cell"]}
        choice = [e for e in cells if e in rb.items and rb.items[e].type != "survey"]
        plans.append((b, res.sheet, _unit_cell(b, res.sheet, res.unit), cells, choice))
    out = []
    for i in range(n):
        base, sheet, unit_cell, cells, choice = plans[i % len(plans)]
        edits = {}
        if unit_cell:
            edits[unit_cell] = f"Unit Kerja Contoh {i:04d}"
        for eid in rng.sample(choice, 3):
            edits[cells[eid]] = rng.choice(list(rb.options(rb.items[eid].type)))
        part = dest / f"part{i * PARTS // n}"
        part.mkdir(parents=True, exist_ok=True)
        out.append(set_cells(base, part / f"LKE_{i:04d}_{base.stem[:20]}.xlsx", sheet, edits))
    return out


def change(files: list[Path], k: int, seed: int = 7) -> None:
    """Change one answer in ``k`` of the files (spread over the set)."""
    from lketool.api import check_file
    from lketool.rubric import load_rubric
    from test_recap_support import set_cells

    rb = load_rubric()
    rng = random.Random(seed)
    for f in files[:: max(1, len(files) // k)][:k]:
        res = check_file(f)
        rows = [r for r in res.answer_rows() if r["cell"] and r["item"] in rb.items
                and rb.items[r["item"]].type == "yn"]
        r = rng.choice(rows)
        set_cells(f, f, res.sheet, {r["cell"].split("!")[-1]: "Tidak" if r["unit"] == "Ya" else "Ya"})


# ---------------------------------------------------------------- one measured run (child)

def child(args) -> None:
    import multiprocessing.forkserver
    import resource

    from lketool.recap import recap

    import lketool.recap as recap_mod

    write_cpu = [0.0]
    real_write = recap_mod._write

    def timed_write(*a, **k):
        c = time.process_time()
        try:
            return real_write(*a, **k)
        finally:
            write_cpu[0] += time.process_time() - c

    recap_mod._write = timed_write
    t0 = time.perf_counter()
    c0 = time.process_time()
    outcome = recap([Path(p) for p in args.paths], Path(args.out), jobs=args.jobs,
                    cache_dir=Path(args.cache))
    wall = time.perf_counter() - t0
    main_cpu = time.process_time() - c0
    # Workers are children of the forkserver: stop it so their usage is reaped into ours.
    fs = getattr(multiprocessing.forkserver, "_forkserver", None)
    if fs is not None and hasattr(fs, "_stop"):
        fs._stop()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    kb = 1 if sys.platform != "darwin" else 1 / 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    print(json.dumps({
        "files": outcome.stats.files, "units": outcome.units, "failed": len(outcome.failures),
        "checked": outcome.stats.checked, "cached": outcome.stats.cached, "wall": wall,
        "collect": outcome.stats.seconds, "write": outcome.write_seconds, "reused": outcome.reused,
        "rss_self_mb": me.ru_maxrss * kb / 1024, "rss_children_mb": kids.ru_maxrss * kb / 1024,
        # CPU seconds of this process and its workers: unlike wall time, not inflated when
        # other programs share the cores.
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "main_cpu": main_cpu, "write_cpu": write_cpu[0],
        "output_mb": Path(args.out).stat().st_size / 2**20,
    }))


def spread(files: list[Path], dest: Path, m: int) -> list[Path]:
    """``m`` files under ``dest``: the ``files`` copied under other names as often as needed."""
    if dest.is_dir() and len(list(dest.rglob("*.xlsx"))) == m:
        return [dest]
    shutil.rmtree(dest, ignore_errors=True)
    for i in range(m):
        src = files[i % len(files)]
        d = dest / f"set{i // len(files)}"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, d / f"{i:05d}_{src.name}")
    return [dest]


def measure(paths: list[Path], out: Path, cache: Path, jobs: int, fresh: bool = False) -> dict:
    if fresh:
        shutil.rmtree(cache, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", "--out", str(out), "--cache", str(cache), "--jobs", str(jobs),
           *map(str, paths)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"run failed:\n{p.stderr}")
    r = json.loads(p.stdout.strip().splitlines()[-1])
    # Other programs on the machine slow the first run down: show how busy it was.
    r["load"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return r


def baseline(files: list[Path], k: int = 60) -> float:
    """Milliseconds check_file alone takes per workbook here (one process, warm)."""
    from lketool.api import check_file

    for f in files[:5]:
        check_file(f)
    t = time.perf_counter()
    for f in files[:k]:
        check_file(f)
    return (time.perf_counter() - t) / min(k, len(files)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--changed", type=int, default=None, help="files changed for the third run (default 1 %% of N)")
    ap.add_argument("--memory-n", type=int, default=10000,
                    help="also a first run over this many files, for memory (0: none)")
    ap.add_argument("--keep", type=Path, help="generate into (and reuse) this folder instead of a temp one")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    args.changed = args.changed or max(1, args.n // 100)
    work = args.keep or Path(tempfile.mkdtemp(prefix="lke-bench-"))
    data = work / "lke"
    try:
        t = time.perf_counter()
        files = sorted(data.rglob("*.xlsx")) if data.is_dir() else []
        if len(files) != args.n:
            shutil.rmtree(data, ignore_errors=True)
            files = generate(data, args.n)
        gen = time.perf_counter() - t
        size = sum(f.stat().st_size for f in files) / 2**20
        print(f"{len(files)} workbooks ({size:.0f} MB) ready in {gen:.1f} s; bases: "
              f"{', '.join(b.name for b in bases())}; jobs={args.jobs}, cores={os.cpu_count()}")

        base_ms = baseline(files)
        print(f"check_file alone: {base_ms:.1f} ms per workbook (ideal {1000 / base_ms:.0f} workbooks/s per core)")
        parts = sorted(p for p in data.iterdir() if p.is_dir())
        rows = []
        for k in (1, 2, 4):  # N/4, N/2, N: first runs, fresh cache each
            cache = work / f"cache{k}"
            shutil.rmtree(cache, ignore_errors=True)
            r = measure(parts[:k], work / f"Rekap{k}.xlsx", cache, args.jobs)
            rows.append(("first", r))
        full_cache = work / "cache4"
        second = measure(parts, work / "Rekap4.xlsx", full_cache, args.jobs)
        # The same, but without the kept recap: every result from the cache, the recap
        # written afresh (what a run costs when only the output changed, e.g. its name).
        shutil.rmtree(full_cache / "recaps", ignore_errors=True)
        rewrite = measure(parts, work / "Rekap4.xlsx", full_cache, args.jobs)
        change(files, args.changed)
        third = measure(parts, work / "Rekap4.xlsx", full_cache, args.jobs)

        # --jobs scaling: the same first run over N with a single worker process
        one_cache = work / "cache-j1"
        shutil.rmtree(one_cache, ignore_errors=True)
        serial = measure(parts, work / "Rekap-j1.xlsx", one_cache, 1)
        shutil.rmtree(one_cache, ignore_errors=True)
        big = None
        if args.memory_n:
            big = measure(spread(files, work / "lke-big", args.memory_n), work / "Rekap-big.xlsx",
                          work / "cache-big", args.jobs, fresh=True)

        first = rows[-1][1]
        wps = first["files"] / first["wall"]
        print()
        print(f"{'run':<28}{'files':>6}{'read':>6}{'wall s':>8}{'collect s':>10}{'write s':>9}"
              f"{'wb/s':>8}{'CPU s':>7}{'wb/CPU-s':>9}{'RSS MB':>8}{'workers MB':>11}{'load':>6}")
        runs = [(f"first, N={r['files']}", r) for _, r in rows] + \
               [(f"first, N={serial['files']}, --jobs 1", serial),
                ("second (nothing changed)", second), ("all cached, recap rewritten", rewrite),
                (f"third ({args.changed} changed)", third)]
        if big:
            runs.append((f"first, N={big['files']} (memory)", big))
        for label, r in runs:
            print(f"{label:<28}{r['files']:>6}{r['checked']:>6}{r['wall']:>8.2f}{r['collect']:>10.2f}"
                  f"{r['write']:>9.2f}{r['files'] / r['wall']:>8.1f}{r['cpu']:>7.1f}{r['files'] / r['cpu']:>9.1f}"
                  f"{r['rss_self_mb']:>8.0f}"
                  f"{r['rss_children_mb']:>11.0f}{r['load']:>6.1f}")
        print()
        print(f"first run: {wps:.1f} workbooks/s = {wps / args.jobs:.1f} per core by wall time "
              f"(collect only: {first['files'] / first['collect'] / args.jobs:.1f}); "
              f"{first['files'] / first['cpu']:.1f} workbooks per CPU-second (all processes, incl. writing)")
        print(f"cached run: {first['wall'] / second['wall']:.1f}x faster end to end "
              f"(kept recap reused: {second.get('reused')}); checking phase "
              f"{first['collect'] / second['collect']:.0f}x faster")
        print(f"all cached but the recap rewritten: {first['wall'] / rewrite['wall']:.1f}x; "
              f"{args.changed} changed: {first['wall'] / third['wall']:.1f}x")
        print(f"--jobs scaling over N={first['files']}: --jobs {args.jobs} {serial['wall'] / first['wall']:.2f}x "
              f"faster than --jobs 1 ({serial['wall']:.1f} s -> {first['wall']:.1f} s; goal >= 1.7 on a quiet "
              f"machine, load {first['load']:.1f}); serial part (the main process, --jobs {args.jobs}): "
              f"{first['main_cpu']:.1f} of {first['cpu']:.1f} CPU-s "
              f"({100 * first['main_cpu'] / first['cpu']:.0f} %, of which writing the recap {first['write_cpu']:.1f})")
        print(f"{args.changed} of {third['files']} changed ({100 * args.changed / third['files']:.0f} %): "
              f"{third['wall']:.2f} s = {third['wall'] / second['wall']:.1f}x the unchanged run ({second['wall']:.2f} s; "
              f"goal <= 3x at 5,000 files)")
        if big:
            print(f"main-process peak memory over {big['files']} files: {big['rss_self_mb']:.0f} MB (goal < 100 MB)")
        print(f"recap file: {first['output_mb']:.1f} MB, {first['units']} units")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
