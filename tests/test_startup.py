"""``lketool check`` starts fast: it never imports the libraries only other commands need
(measured with ``python -X importtime``, which lists every module a process imports)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("openpyxl", "xlsxwriter", "jinja2", "docxtpl", "docx", "pandas", "numpy", "matplotlib", "PIL", "lxml",
         # web frameworks and servers
         "flask", "fastapi", "starlette", "uvicorn", "django", "aiohttp", "tornado", "bottle", "werkzeug")


def imported_modules(*args: str) -> dict[str, int]:
    """Top-level modules imported by ``python -X importtime -m lketool ARGS`` -> cumulative µs."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "lketool", *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    out: dict[str, int] = {}
    for line in p.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not cumulative.strip().isdigit():
            continue  # the header line
        top = name.strip().split(".")[0]
        out[top] = max(out.get(top, 0), int(cumulative))
    return out


def test_check_imports_no_heavy_library():
    sample = sorted((ROOT / "samples").glob("01*.xlsx"))[0]
    mods = imported_modules("check", str(sample))
    assert "lketool" in mods and "python_calamine" in mods  # the parse really ran
    assert not [m for m in HEAVY if m in mods]


def test_check_json_imports_no_heavy_library():
    sample = sorted((ROOT / "samples").glob("04*.xlsx"))[0]
    mods = imported_modules("check", "--format", "json", "--lang", "en", str(sample))
    assert not [m for m in HEAVY if m in mods]
