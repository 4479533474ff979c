"""The suite fails when it should: in CI a missing tool is a failure, not a skip; a run
that collects nothing is not green; golden files are not rewritten by a comparing run."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PROBE = '''
import pytest
from conftest import require_tool

def test_required_tool_missing():
    require_tool("no-such-tool-lketool", "probe")

def test_importorskip_missing():
    pytest.importorskip("no_such_module_lketool")

@pytest.mark.libreoffice
def test_marked_libreoffice():
    pass

def test_no_shared_data():
    pytest.skip("../shared/lke-data is not present")

def test_plain():
    pass
'''


def run_probe(tmp_path: Path, ci: str | None, *args: str, body: str = PROBE) -> subprocess.CompletedProcess:
    shutil.copyfile(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(body, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    # PATH without soffice, so the libreoffice marker applies whatever this machine has
    env["PATH"] = os.path.dirname(sys.executable)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(tmp_path), *args],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def test_missing_tools_skip_on_a_developer_machine(tmp_path):
    res = run_probe(tmp_path, None)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 passed, 4 skipped" in res.stdout


def test_missing_tools_fail_in_ci(tmp_path):
    res = run_probe(tmp_path, "true", "-v")  # -q -v: normal verbosity, with the header
    out = res.stdout
    assert "lketool tools (CI=true: missing tools fail): missing soffice" in out  # the header names them
    assert res.returncode == 1, out + res.stderr
    for name in ("test_required_tool_missing", "test_importorskip_missing", "test_marked_libreoffice"):
        assert f"FAILED test_probe.py::{name}" in out or f"ERROR test_probe.py::{name}" in out, out
    # data that is absent on purpose (../shared is never in CI) stays a skip
    assert "SKIPPED" in out and "../shared/lke-data is not present" in out
    assert "no-such-tool-lketool is not installed" in out


def test_a_module_level_importorskip_fails_in_ci(tmp_path):
    body = 'import pytest\nyaml = pytest.importorskip("no_such_module_lketool")\n\ndef test_x():\n    pass\n'
    local = run_probe(tmp_path, None, body=body)
    assert "1 skipped" in local.stdout and "error" not in local.stdout.lower()
    res = run_probe(tmp_path, "true", body=body)
    assert res.returncode not in (0, 5) and "1 error" in res.stdout and "no_such_module_lketool" in res.stdout


def test_nothing_collected_is_not_green(tmp_path):
    res = run_probe(tmp_path, "true", "-k", "no_test_has_this_name")
    assert res.returncode == pytest.ExitCode.NO_TESTS_COLLECTED != 0
    assert "no tests ran" in res.stdout


def test_update_golden_is_refused_in_ci(tmp_path):
    res = run_probe(tmp_path, "true", "--update-golden")
    assert res.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--update-golden is refused when CI=true" in res.stderr


def test_no_test_writes_golden_files_unless_asked():
    # every write to tests/golden sits behind the --update-golden option
    for f in sorted(HERE.glob("test_*.py")):
        if f.name == Path(__file__).name:
            continue
        text = f.read_text(encoding="utf-8")
        if "golden" in text and ("write_text" in text or "write_bytes" in text):
            assert "update_golden" in text, f"{f.name} writes golden files without --update-golden"
        assert "LKETOOL_UPDATE_GOLDEN" not in text, f"{f.name}: an environment variable must not rewrite goldens"


def test_ci_script_fails_on_missing_tools():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for tool in ("soffice", "pdftotext", "pdftoppm", "chromium", "chromedriver", "node", "npm"):
        assert tool in script, tool
    assert "yaml" in script.lower()
    assert "warning: LibreOffice could not be installed" not in script


def test_golden_comparison_never_rewrites_the_file_it_compares(tmp_path):
    from test_report_golden import compare_golden

    golden = tmp_path / "unit.txt"
    golden.write_text("old text\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="changed; review, then update"):
        compare_golden("new text\n", golden, False, "unit.xlsx")
    assert golden.read_text(encoding="utf-8") == "old text\n"
    with pytest.raises(pytest.skip.Exception, match="written: review the diff"):
        compare_golden("new text\n", golden, True, "unit.xlsx")
    assert golden.read_text(encoding="utf-8") == "new text\n"


def _sandbox_path(tmp_path: Path, tools: tuple[str, ...]) -> str:
    """A PATH with the shell utilities .ci/run uses, ``tools`` as stubs, a python whose
    pip does nothing (the real one would reinstall the package) and an apt-get that fails."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for util in ("bash", "env", "id", "tr", "sort", "cat", "dirname"):
        real = shutil.which(util)
        if real:
            (bin_ / util).symlink_to(real)
    for tool in tools:
        (bin_ / tool).write_text("#!/bin/sh\nexit 0\n")
    (bin_ / "apt-get").write_text("#!/bin/sh\necho 'apt-get: no network' >&2\nexit 100\n")
    (bin_ / "python").write_text(f'#!/bin/sh\n[ "$2" = "pip" ] && exit 0\nexec {sys.executable} "$@"\n')
    for f in bin_.iterdir():
        if not f.is_symlink():
            f.chmod(0o755)
    return str(bin_)


ALL_TOOLS = ("soffice", "pdftotext", "pdftoppm", "chromium", "chromedriver", "node", "npm")


@pytest.mark.skipif(os.name != "posix" or not shutil.which("bash"), reason="a POSIX shell script")
@pytest.mark.parametrize("absent", ["soffice", "pdftotext", "chromedriver", "npm"])
def test_ci_run_fails_when_a_tool_cannot_be_installed(tmp_path, absent):
    path = _sandbox_path(tmp_path, tuple(t for t in ALL_TOOLS if t != absent))
    env = {"PATH": path, "HOME": str(tmp_path)}
    run = [shutil.which("bash"), str(ROOT / ".ci" / "run"), "--setup-only"]
    res = subprocess.run(run, capture_output=True, text=True, env={**env, "CI": "true"}, timeout=120)
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"error: {absent} is not installed" in res.stderr and "setup complete" not in res.stdout
    local = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert local.returncode == 0 and f"warning: {absent} is not installed" in local.stderr, local.stderr


@pytest.mark.skipif(os.name != "posix" or not shutil.which("bash"), reason="a POSIX shell script")
def test_ci_run_setup_passes_with_every_tool(tmp_path):
    env = {"PATH": _sandbox_path(tmp_path, ALL_TOOLS), "HOME": str(tmp_path), "CI": "true"}
    res = subprocess.run([shutil.which("bash"), str(ROOT / ".ci" / "run"), "--setup-only"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0 and "setup complete" in res.stdout, res.stdout + res.stderr
    assert "installing" not in res.stderr
