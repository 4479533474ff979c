"""Time check+score per workbook against the parse floor, in the same run.

    python benchmarks/bench_check.py [WORKBOOK] [--copies 200]

WORKBOOK defaults to the real filled LKE in ../shared (else the first sample).  Copies
are real files on disk (different names, same content), read cold by ``check_file`` one
after another in this process, as ``lketool score FOLDER`` does.

The *parse floor* is the least any reader must do for what lketool reports: unzip the
LKE sheet and the shared strings, parse every cell's value and formula, resolve shared
strings.  It is measured two ways (ElementTree, and a regex scan of the XML) and the
faster one counts, so the floor is as low as plain Python gets.  Floor and check+score
are timed in pairs on the same file, alternating which goes first, so a busy machine
slows both alike; the ratio of the medians is the figure (goal: <= 2.0).

Then a breakdown of check+score by stage (a second pass over the same copies, each stage
timed without the stages it calls): opening the zip, the size limits (directory, parts,
sheet scan), the cell values (calamine), formulas and hyperlinks from the sheet XML,
mapping rows to the rubric, the checks, scoring and the verdict.

Also prints the time of one whole ``lketool check FILE`` process and its import share."""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parents[1]
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FV = re.compile(rb'<f[^>]*?(?:/>|>(.*?)</f>)|<v>(.*?)</v>', re.S)
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_T = re.compile(rb"<t[^>]*>(.*?)</t>", re.S)


def default_workbook() -> Path:
    real = ROOT.parent / "shared/lke-data/axxpxmd_zona_integritas/form_kuesioner.xlsx"
    if real.is_file():
        return real
    return sorted((ROOT / "samples").glob("*.xlsx"))[0]


def floor_etree(path: Path, part: str) -> int:
    """Every cell's value and formula of ``part``, shared strings resolved (ElementTree)."""
    with zipfile.ZipFile(path) as zf:
        sst_root = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        sheet = ET.fromstring(zf.read(part))
    sst = ["".join(t.text or "" for t in si.iter(_NS + "t")) for si in sst_root]
    cells = {}
    for c in sheet.iter(_NS + "c"):
        v, f = c.find(_NS + "v"), c.find(_NS + "f")
        val = v.text if v is not None else None
        if val is not None:
            kind = c.get("t")
            val = sst[int(val)] if kind == "s" else float(val) if kind in (None, "n") else val
        cells[c.get("r")] = (val, f.text if f is not None else None)
    return len(cells)


def floor_regex(path: Path, part: str) -> int:
    """The same with regular expressions over the raw XML (no tree is built)."""
    with zipfile.ZipFile(path) as zf:
        sst_xml, sheet = zf.read("xl/sharedStrings.xml"), zf.read(part)
    sst = [b"".join(_T.findall(si)).decode() for si in _SI.findall(sst_xml)]
    cells = {}
    for m in _CELL.finditer(sheet):
        inner, val, formula = m.group(3), None, None
        if inner:
            for fv in _FV.finditer(inner):
                if fv.group(2) is not None:
                    val = fv.group(2)
                else:
                    formula = (fv.group(1) or b"").decode()
            if val is not None:
                attrs = m.group(2)
                val = sst[int(val)] if b't="s"' in attrs else float(val) if b"t=" not in attrs else val.decode()
        cells[m.group(1)] = (val, formula)
    return len(cells)


def sheet_part(path: Path, sheet: str) -> str:
    from lketool.reader import open_workbook

    return open_workbook(path)._zip_names[sheet]


def timed(fn, *args, **kwargs) -> float:
    t = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t


STAGES = ("open", "limits", "cell values", "formulas+links", "mapping", "checks", "score", "verdict")


def breakdown(files: list[Path], check_file) -> tuple[dict[str, float], float]:
    """Median self time (ms) of each stage of ``check_file`` over ``files`` ('other':
    what no stage covers, e.g. building the result and garbage collection), and the
    median total.  Stages are found by wrapping the functions ``check_file`` calls; a
    stage's time excludes the wrapped stages it calls (the sheet scan is 'limits', not
    'cell values')."""
    import lketool.api as api
    from lketool import limits
    from lketool.reader import WorkbookFile

    spots = [(api, "open_workbook", "open"), (api, "map_workbook", "mapping"), (api, "run_all", "checks"),
             (api, "compute_scores", "score"), (api, "decide", "verdict"), (api, "_workbook_scores", "verdict"),
             (limits, "check_directory", "limits"), (limits, "measure", "limits"), (limits, "scan_sheet", "limits"),
             (WorkbookFile, "_read_values", "cell values"), (WorkbookFile, "_read_xml_details", "formulas+links")]
    acc: dict[str, float] = {}
    stack: list[float] = []  # time spent in wrapped callees of each open frame

    def wrap(fn, stage):
        def timed_stage(*args, **kwargs):
            stack.append(0.0)
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - t
                inner = stack.pop()
                acc[stage] = acc.get(stage, 0.0) + spent - inner
                if stack:
                    stack[-1] += spent
        return timed_stage

    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in spots]
    for owner, name, stage in spots:
        setattr(owner, name, wrap(getattr(owner, name), stage))
    per_stage: dict[str, list[float]] = {k: [] for k in (*STAGES, "other")}
    totals = []
    try:
        for f in files:
            acc.clear()
            t = time.perf_counter()
            check_file(f)
            totals.append(time.perf_counter() - t)
            for k in STAGES:
                per_stage[k].append(acc.get(k, 0.0))
            per_stage["other"].append(totals[-1] - sum(acc.values()))
    finally:
        for owner, name, fn in saved:
            setattr(owner, name, fn)
    med = statistics.median
    return {k: med(v) * 1000 for k, v in per_stage.items()}, med(totals) * 1000


def whole_process(src: Path, rounds: int = 7) -> tuple[float, float]:
    """Median wall time of ``lketool check FILE`` and of a bare interpreter start, in ms."""
    proc, bare = [], []
    for _ in range(rounds):
        proc.append(timed(subprocess.run, [sys.executable, "-m", "lketool", "check", str(src)],
                          capture_output=True))
        bare.append(timed(subprocess.run, [sys.executable, "-c", "pass"], capture_output=True))
    return statistics.median(proc) * 1000, statistics.median(bare) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook", nargs="?", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=200)
    args = ap.parse_args()
    src = args.workbook or default_workbook()
    sys.path.insert(0, str(ROOT))
    from lketool.api import check_file

    check_file(src)  # imports, rubric load
    sheet = check_file(src).sheet
    part = sheet_part(src, sheet)
    floor_etree(src, part), floor_regex(src, part)
    checks, f_etree, f_regex = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.copies):
            dst = Path(tmp) / f"unit_{i:04d}.xlsx"
            shutil.copyfile(src, dst)
            files.append(dst)
        t0 = time.perf_counter()
        for i, f in enumerate(files):
            # paired and alternating: each file is timed by the floor and by check_file
            order = (0, 1) if i % 2 else (1, 0)
            for k in order:
                if k == 0:
                    t = time.perf_counter()
                    res = check_file(f)
                    checks.append(time.perf_counter() - t)
                    assert res.error is None and res.scores is not None
                else:
                    a, b = timed(floor_etree, f, part), timed(floor_regex, f, part)
                    f_etree.append(a)
                    f_regex.append(b)
        wall = time.perf_counter() - t0
        stages, staged_total = breakdown(files, check_file)
    med = statistics.median
    floor_ms = min(med(f_etree), med(f_regex)) * 1000
    check_ms = med(checks) * 1000
    checks.sort()
    print(f"workbook: {src.name} (sheet {sheet!r}), copies: {args.copies}")
    print(f"parse floor (unzip sheet + shared strings, every value and formula): median "
          f"{floor_ms:.1f} ms (ElementTree {med(f_etree) * 1000:.1f} ms, regex {med(f_regex) * 1000:.1f} ms)")
    print(f"check+score per workbook: median {check_ms:.1f} ms, p95 {checks[int(len(checks) * 0.95) - 1] * 1000:.1f} ms "
          f"({args.copies / wall:.1f} workbooks/s with the floor runs in between, 1 core)")
    print(f"ratio check+score / parse floor: {check_ms / floor_ms:.2f} (goal <= 2.0)")
    print(f"breakdown (second pass, median per workbook {staged_total:.1f} ms; medians need not add up):")
    for k, v in stages.items():
        print(f"  {k:15s} {v:5.2f} ms  {v / staged_total * 100:4.1f} %")
    proc, bare = whole_process(src)
    print(f"'lketool check FILE' whole process: median {proc:.0f} ms "
          f"(bare interpreter start {bare:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
