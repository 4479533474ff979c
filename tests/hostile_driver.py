"""Runs one lketool command over many corpus inputs inside ONE child process (started by
tests/test_hostile_corpus.py), so that the peak memory of the command is measured apart
from pytest and a hard crash (abort, out of memory) shows as this process dying.

    python tests/hostile_driver.py COMMAND LIST_FILE OUT_DIR RESULT_FILE

COMMAND: check | score-csv | annotate | export | diff.  One JSON line per invocation is
appended to RESULT_FILE as soon as it finishes (so the last line names the culprit if
the process dies), then a final line with the peak RSS in KB."""
from __future__ import annotations

import json
import resource
import sys
import traceback
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "samples" / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"
BATCH = 40


def _own_peak_kb() -> int:
    """This process's own peak RSS.  Linux keeps ``ru_maxrss`` across fork and exec, so under
    a big parent (the whole pytest session) it reports the parent's size; VmHWM belongs to
    this process's memory alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def invocations(command: str, files: list[str], out: Path):
    """(label, argv, output file or None) for ``command`` over ``files``."""
    # Many files per invocation (as users run them), in batches: a command keeps every
    # result until it prints, so one batch of 300 would measure the batch, not a file.
    batches = [files[k:k + BATCH] for k in range(0, len(files), BATCH)]
    if command == "check":
        for b in batches:
            yield "check", ["check", "--format", "json", *b], None
            yield "check-csv", ["check", "--format", "csv", *b], None
    elif command == "score-csv":
        for b in batches:
            yield "score-csv", ["score", "--format", "csv", *b], None
    elif command == "export":
        for b in batches:
            yield "export", ["export-portalrb", "-o", str(out / "portalrb"), *b], None
    elif command == "annotate":
        for k, f in enumerate(files):
            target = out / f"annotated-{k:03d}.xlsx"
            yield f, ["check", "--annotate", str(target), f], target
    elif command == "diff":
        for f in files:
            yield f, ["diff", "--format", "json", str(BASE), f], None
    else:
        raise SystemExit(f"unknown command {command}")


def main(argv: list[str]) -> int:
    from lketool.cli import main as cli

    command, list_file, out_dir, result_file = argv
    files = [line for line in Path(list_file).read_text(encoding="utf-8").splitlines() if line]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    with open(result_file, "a", encoding="utf-8") as log:
        for label, args, target in invocations(command, files, out):
            log.write(json.dumps({"start": label}) + "\n")
            log.flush()
            res = runner.invoke(cli, args, catch_exceptions=True)
            exc = res.exception
            crashed = exc is not None and not isinstance(exc, SystemExit)
            try:
                err = res.stderr  # click < 8.2 mixes stderr into output unless asked
            except ValueError:
                err = ""
            text = res.output + (err if err not in res.output else "")
            record = {"label": label, "args": args[:3], "exit": res.exit_code, "crashed": crashed,
                      "traceback": "Traceback (most recent call last)" in text or crashed,
                      "error": "".join(traceback.format_exception(exc)) if crashed else None,
                      "output": text if command in ("score-csv", "check") else text[-2000:],
                      "target": str(target) if target else None}
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.flush()
        peak = max(_own_peak_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        log.write(json.dumps({"peak_rss_kb": peak}) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
