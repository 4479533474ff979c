"""Shared fixtures: where the shared reference data is, a marker-based skip for
LibreOffice, tools the suite needs (a skip on a developer machine, a failure in CI), and
``--update-golden``.

The real workbook is never committed.  Tests that need it look in ``$LKETOOL_SHARED``
(the folder that holds ``lke-data/``, or ``lke-data`` itself) and then in ``../shared``
beside the checkout; without it they skip and say how to enable them."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lke_data() -> Path:
    """The first of $LKETOOL_SHARED (holding lke-data/, or lke-data itself) and
    ../shared/lke-data that holds the data."""
    candidates = []
    env = os.environ.get("LKETOOL_SHARED")
    if env:
        p = Path(env).expanduser()
        candidates += [p / "lke-data", p]
    candidates.append(ROOT.parent / "shared" / "lke-data")
    for c in candidates:
        if (c / "axxpxmd_zona_integritas").is_dir():
            return c
    return candidates[0]


LKE_DATA = _lke_data()
SHARED = LKE_DATA.parent
REAL_WORKBOOK = LKE_DATA / "axxpxmd_zona_integritas" / "form_kuesioner.xlsx"
MASTER_JSON = LKE_DATA / "axxpxmd_zona_integritas" / "response_master_soal_lkezi_2026.json"
STRUCTURE_DUMP = LKE_DATA / "axxpxmd_zona_integritas" / "form_kuesioner.structure.txt"
SKIP_REASON = (f"real LKE data not found at {LKE_DATA}: set LKETOOL_SHARED to the folder holding lke-data/ "
               "(or place it at ../shared beside the checkout) to run these tests")


def need_shared(path: Path) -> Path:
    """``path`` under the shared data, or skip the test saying how to enable it."""
    if not path.is_file():
        pytest.skip(SKIP_REASON)
    return path


@pytest.fixture(autouse=True)
def _indonesian_by_default(monkeypatch):
    # The CLI's language follows LKETOOL_LANG and the system locale; tests expect the
    # Indonesian default unless they choose otherwise, on any developer's machine.
    monkeypatch.setenv("LKETOOL_LANG", "id")


@pytest.fixture(autouse=True)
def _private_user_cache(tmp_path_factory, monkeypatch):
    """Caches that default to the user's cache folder (recap, links) go to a temporary
    one, never the real ~/.cache of whoever runs the tests."""
    monkeypatch.setenv("LKETOOL_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture
def real_workbook() -> Path:
    return need_shared(REAL_WORKBOOK)


@pytest.fixture
def master_json() -> Path:
    return need_shared(MASTER_JSON)


def pytest_collection_modifyitems(config, items):
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    skip = pytest.mark.skip(reason=MISSING_TOOL + "LibreOffice (soffice) is not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


# ---------------------------------------------------------------- tools: skip locally, fail in CI

#: In CI (``CI=true``, as GitHub Actions and GitLab set it) a missing tool is a failure: a
#: run that skipped every LibreOffice, PDF or browser check must not be green.
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
MISSING_TOOL = "missing tool: "
# Skip reasons that mean "a tool or package is not installed" (require_tool, importorskip,
# the hand-written LibreOffice skips); other skips (no ../shared data, Windows) stay skips.
_TOOL_SKIP = re.compile(r"^missing tool: |could not import |\bnot installed\b|\bis not available\b|"
                        r"\bnot on PATH\b", re.I)
#: Executables and Python modules each ``require_tool`` name stands for.
TOOLS = {
    "soffice": (("soffice", "libreoffice"), ()),
    "pdftotext": (("pdftotext",), ()),
    "pdftoppm": (("pdftoppm",), ()),
    "chromium": (("chromium", "chromium-browser", "google-chrome"), ()),
    "chromedriver": (("chromedriver",), ()),
    "node": (("node",), ()),
    "npm": (("npm",), ()),
    "openssl": (("openssl",), ()),
    "yaml": ((), ("yaml",)),
}


def tool_skip_reason(reason: str) -> bool:
    """True when a skip ``reason`` says a tool or package is missing."""
    return bool(_TOOL_SKIP.search(reason or ""))


def find_tool(name: str) -> str | None:
    """Path of executable ``name`` (see :data:`TOOLS`), or the module name when it is a
    Python package that imports; None when missing."""
    exes, modules = TOOLS.get(name, ((name,), ()))
    for exe in exes:
        found = shutil.which(exe)
        if found:
            return found
    for mod in modules:
        try:
            __import__(mod)
            return mod
        except ImportError:
            pass
    return None


def require_tool(name: str, why: str = "") -> str:
    """The path of tool ``name``; when it is missing the test skips, and in CI fails."""
    found = find_tool(name)
    if found is None:
        msg = f"{MISSING_TOOL}{name} is not installed" + (f" ({why})" if why else "")
        if IN_CI:
            pytest.fail(f"CI=true: {msg}; .ci/run installs it", pytrace=False)
        pytest.skip(msg)
    return found


def _fail_in_ci(rep) -> None:
    if not (IN_CI and rep.skipped):
        return
    reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
    reason = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    if tool_skip_reason(reason):
        rep.outcome = "failed"
        rep.longrepr = f"CI=true: a missing tool is a failure, not a skip: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_in_ci(outcome.get_result())  # a module-level importorskip


def pytest_report_header(config):
    # what this run can exercise, in the log of every run (CI or not)
    missing = [name for name in TOOLS if find_tool(name) is None]
    mode = "CI=true: missing tools fail" if IN_CI else "missing tools skip"
    return f"lketool tools ({mode}): " + (f"missing {', '.join(missing)}" if missing else "all present")


def pytest_sessionfinish(session, exitstatus):
    # exit code 5 (nothing collected or everything deselected) must not pass for a green run
    if IN_CI and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.config.get_terminal_writer().line("CI=true: no tests ran; failing", red=True)


# ---------------------------------------------------------------- golden files

def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden files from the current output instead of comparing "
                          "(review the diff; a run that updates does not compare)")


def pytest_configure(config):
    if config.getoption("--update-golden") and IN_CI:
        raise pytest.UsageError("--update-golden is refused when CI=true: golden files are updated by hand "
                                "and reviewed, never by the run that compares against them")


@pytest.fixture
def update_golden(request) -> bool:
    """True with ``--update-golden``: write golden files, do not compare."""
    return bool(request.config.getoption("--update-golden"))
