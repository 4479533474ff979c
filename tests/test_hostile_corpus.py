"""Issue 15, "keep it proven": a generated corpus of hostile and broken workbooks run
through check, score --format csv, check --annotate, export-portalrb, diff and one
recap of the whole set.  Asserted for every input: no traceback, exit code 0/1/2, the
input's bytes unchanged, no temp file left, peak RSS under 300 MB (measured in the child
process that ran the command); for every output: no formula built from input text.

A fast subset (one base workbook, ~30 inputs) runs by default; the whole corpus (>= 250
inputs) when LKETOOL_FULL_CORPUS=1 or CI=true."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from hostile_corpus import FORMULA_EXACT, FORMULA_MARKERS, HOSTILE_TEXT, build

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("hostile_driver.py")
FULL = os.environ.get("LKETOOL_FULL_CORPUS") == "1" or os.environ.get("CI") == "true"
MAX_RSS_MB = 300
COMMANDS = ("check", "score-csv", "annotate", "export", "diff")
INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    return env


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Build the corpus, run every command over it in child processes, and hand the
    records to the tests below (each command runs once per session)."""
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "in"
    cases = build(inputs, fast=not FULL)
    hashes = {c.path: _digest(c.path) for c in cases if c.hashable}
    files = [str(c.path) for c in cases]
    listing = root / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    runs = {}
    for cmd in COMMANDS:
        out = root / f"out-{cmd}"
        result = root / f"{cmd}.jsonl"
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(DRIVER), cmd, str(listing), str(out), str(result)],
                              env=_env(), capture_output=True, text=True, timeout=1200)
        lines = [json.loads(x) for x in result.read_text(encoding="utf-8").splitlines()] if result.exists() else []
        runs[cmd] = {"rc": proc.returncode, "stderr": proc.stderr[-3000:], "out": out,
                     "records": [x for x in lines if "label" in x],
                     "started": [x["start"] for x in lines if "start" in x],
                     "peak_kb": next((x["peak_rss_kb"] for x in lines if "peak_rss_kb" in x), None),
                     "seconds": time.perf_counter() - started}
    # one recap of the whole set, as a user runs it (workers, cache beside the output)
    recap_out = root / "out-recap"
    recap_out.mkdir()
    started = time.perf_counter()
    # the folder, plus the FIFO and device named explicitly (a folder search skips them)
    named = [str(c.path) for c in cases if c.kind in ("fifo", "device")]
    proc = subprocess.run([sys.executable, "-c", _RECAP_PEAK, str(recap_out / "Rekap.xlsx"), str(inputs), *named],
                          env=_env(), capture_output=True, text=True, timeout=1200)
    runs["recap"] = {"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "out": recap_out,
                     "seconds": time.perf_counter() - started}
    return {"root": root, "cases": cases, "hashes": hashes, "runs": runs}


# The recap runs in a child (with its own worker children); this wrapper reports the
# largest RSS of the recap and of every worker it waited for.
_RECAP_PEAK = """
import json, resource, subprocess, sys
p = subprocess.run([sys.executable, '-m', 'lketool', 'recap', *sys.argv[2:], '-o', sys.argv[1], '-q'],
                   capture_output=True, text=True, timeout=900)
sys.stderr.write(p.stderr)
print(json.dumps({'rc': p.returncode, 'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def test_corpus_is_big_enough(corpus):
    cases = corpus["cases"]
    families = {c.family for c in cases}
    assert families == {"container", "xml", "size", "text", "structure", "environment"}
    assert len(cases) >= (250 if FULL else 25)


@pytest.mark.parametrize("cmd", ["check", "score-csv", "export", "diff"])
def test_no_traceback_and_plain_exit_codes(corpus, cmd):
    run = corpus["runs"][cmd]
    assert run["rc"] == 0, f"{cmd} driver died after {run['started'][-1:]}: {run['stderr']}"
    assert run["records"]
    for rec in run["records"]:
        assert not rec["traceback"], f"{cmd} {rec['label']}: {rec['error'] or rec['output'][-1500:]}"
        assert rec["exit"] in (0, 1, 2), (cmd, rec["label"], rec["exit"], rec["output"][-500:])


def test_annotate_no_traceback(corpus):
    # check --annotate belongs to the documents helper (lketool/annotate.py); kept apart
    # so that a failure here points at it.
    run = corpus["runs"]["annotate"]
    assert run["rc"] == 0, f"annotate driver died after {run['started'][-1:]}: {run['stderr']}"
    bad = [(r["label"], (r["error"] or r["output"])[-300:]) for r in run["records"]
           if r["traceback"] or r["exit"] not in (0, 1, 2)]
    assert not bad, bad


def test_peak_memory_is_bounded(corpus):
    for cmd in COMMANDS:
        kb = corpus["runs"][cmd]["peak_kb"]
        assert kb is not None and kb / 1024 < MAX_RSS_MB, (cmd, kb)
    recap = json.loads(corpus["runs"]["recap"]["stdout"].strip().splitlines()[-1])
    assert recap["peak_kb"] / 1024 < MAX_RSS_MB, recap
    # shown with `pytest -s`: the numbers quoted in docs/keamanan.md
    for cmd, run in corpus["runs"].items():
        kb = recap["peak_kb"] if cmd == "recap" else run["peak_kb"]
        print(f"\n{cmd:<10} {len(corpus['cases'])} inputs  peak RSS {kb / 1024:6.1f} MB  {run['seconds']:6.1f} s", end="")


def test_recap_of_the_whole_set(corpus):
    run = corpus["runs"]["recap"]
    info = json.loads(run["stdout"].strip().splitlines()[-1])
    assert info["rc"] in (0, 1), run["stderr"]
    assert "Traceback" not in run["stderr"]
    out = run["out"] / "Rekap.xlsx"
    assert out.is_file()
    assert not _formulas_from_input(out)


def test_inputs_never_change(corpus):
    for path, digest in corpus["hashes"].items():
        assert _digest(path) == digest, path


def test_no_temp_file_left(corpus):
    root = corpus["root"]
    leftovers = []
    for p in root.rglob("*"):
        if ".lketool-cache" in p.parts:
            continue
        if p.name.startswith("tmp") or ".tmp" in p.name or p.name.startswith(".~"):
            leftovers.append(p)
    assert not leftovers, leftovers[:10]


def test_json_outputs_parse_and_name_every_file(corpus):
    results = [x for r in corpus["runs"]["check"]["records"] if r["label"] == "check"
               for x in json.loads(r["output"])["results"]]
    names = {Path(r["file"]).name for r in results}
    for case in corpus["cases"]:
        if case.kind == "dir":
            continue  # a folder named .xlsx is a folder: searched, holds no workbook
        assert case.path.name in names, case.path.name
    for r in results:
        if r["error"]:
            msg = r["error"]["message"]
            assert Path(r["file"]).name in msg
            # parser internals go to detail, never into the sentence
            assert not re.search(r"BadZipFile|XmlError|CalamineError|zlib|&\w+;|Traceback", msg), msg


def test_annotated_copies_hold_no_formula_from_input(corpus):
    # documents helper's item (annotate writes unit text as text)
    bad = []
    for rec in corpus["runs"]["annotate"]["records"]:
        target = rec.get("target")
        if target and Path(target).is_file():
            found = _formulas_from_input(Path(target))
            if found:
                bad.append((rec["label"], found[:3]))
    assert not bad, bad


def test_csv_outputs_hold_no_injectable_cell(corpus):
    # findings helper's item (one CSV writer with the recap's rule)
    bad = []
    for cmd, label in (("score-csv", "score-csv"), ("check", "check-csv")):
        for rec in corpus["runs"][cmd]["records"]:
            if rec["label"] != label:
                continue
            text = rec["output"].lstrip("\ufeff")
            # the Indonesian dialect separates with ';' (Excel in Indonesia), English with ','
            delim = ";" if ";" in text.split("\n", 1)[0] else ","
            for row in csv.reader(io.StringIO(text), delimiter=delim):
                for cell in row:
                    if cell.startswith(INJECTION_START) and _from_input(cell):
                        bad.append((label, cell[:60]))
    assert not bad, bad[:10]


def _from_input(cell: str) -> bool:
    return any(t[:12] in cell for t in HOSTILE_TEXT if t[:1] in "=+-@\t\r")


def _formulas_from_input(path: Path) -> list[str]:
    """Formulas in ``path`` that contain a piece of the hostile input text."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            xml = zf.read(name).decode("utf-8", "replace")
            for m in re.finditer(r"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", xml, re.S):
                text = m.group(1).strip()
                if any(marker in text for marker in FORMULA_MARKERS) or text in FORMULA_EXACT:
                    found.append(m.group(1)[:80])
    return found
