#!/usr/bin/env python3
"""Regenerate ``tests/golden/report/<sample>.txt`` (text extracts of the Word report of
each ``samples/*.xlsx``) after an intended change; then review ``git diff tests/golden``.

    python tools/update_report_golden.py

The test (``tests/test_report_golden.py``) only compares: it never rewrites its own
golden files."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> int:
    from test_report_golden import GOLDEN, extract
    from test_report_support import SAMPLES

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for sample in SAMPLES:
            path = GOLDEN / f"{sample.stem}.txt"
            path.write_text(extract(sample, Path(tmp)), encoding="utf-8", newline="\n")
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
