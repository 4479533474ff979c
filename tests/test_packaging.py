"""A wheel built from this checkout carries the report/e-mail templates and the blank
workbooks, and the installed package finds them without the checkout beside it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in the checkout.
    src = tmp_path_factory.mktemp("src")
    for name in ("lketool", "report_templates", "templates_xlsx"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(out)], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{p.stderr[-2000:]}")
    (whl,) = out.glob("lketool-*.whl")
    return whl


def test_wheel_holds_every_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("report_templates", "templates_xlsx"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file():
                assert f"lketool/_bundled/{folder}/{f.relative_to(ROOT / folder).as_posix()}" in names


def test_installed_package_finds_its_templates(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = f"""
import json, sys
sys.path.insert(0, {str(site)!r})
import lketool
from lketool.report.templates import resolve_templates
from lketool.mailer import default_template_dir
from lketool.resources import resource_dir
tpl = resolve_templates()
print(json.dumps({{"pkg": lketool.__file__,
                  "report": [str(p) for p in tpl.values()],
                  "email": str(default_template_dir()),
                  "xlsx": sorted(p.name for p in resource_dir("templates_xlsx").glob("*.xlsx"))}}))
"""
    # Run from an empty folder so nothing of the checkout is on the path.
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert Path(got["pkg"]).is_relative_to(site)
    for f in got["report"]:
        assert Path(f).is_relative_to(site) and Path(f).is_file()
    assert Path(got["email"]).is_relative_to(site)
    assert (Path(got["email"]) / "body.txt.j2").is_file()
    assert got["xlsx"] == sorted(p.name for p in (ROOT / "templates_xlsx").glob("*.xlsx"))
