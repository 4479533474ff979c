"""Build the LKE page: a static site where lketool runs in the browser.

    python tools/build_page.py OUTDIR [--cache DIR]

OUTDIR gets the page (``lketool/page/``) with its words from the message catalogue
(``messages.json``, :func:`lketool.page.page_messages`), the Pyodide runtime pinned to
:data:`PYODIDE_VERSION` (from the npm registry), the lketool wheel built from this
checkout and exactly the wheels the page needs (:data:`WHEELS`), a service worker for
offline use and ``files.json`` listing every file with its size and sha256.  Nothing is
loaded from a CDN at run time.  Serve it with ``lketool serve --site OUTDIR`` or put the
folder on any static web server (docs/page.md).

Downloads (npm, PyPI) are kept under the cache folder (``--cache``, else
``$LKETOOL_PAGE_CACHE``, else ``~/.cache/lketool-page``), so a second build needs no
network.  The lketool wheel is installed in the browser without its declared
dependencies: those pull pandas and numpy, which the check path never imports."""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYODIDE_VERSION = "314.0.7"
#: The Pyodide files the page loads (the rest of the npm package is for Node/typing).
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: Pyodide 314.x wheels are tagged pyemscripten_2026_0 (its ABI), CPython 3.14.
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"
PYODIDE_PYTHON = "3.14"
#: (distribution, version, kind): "wasm" = the Pyodide wheel from PyPI, "any" = a pure
#: wheel from PyPI, "pure-sdist" = a pure wheel built from the sdist (MarkupSafe
#: publishes no pure wheel; without its C speedups it is plain Python).
WHEELS = (
    ("python-calamine", "0.9.1", "wasm"),
    ("openpyxl", "3.1.5", "any"),
    ("et_xmlfile", "2.0.0", "any"),
    ("xlsxwriter", "3.3.1", "any"),
    ("jinja2", "3.1.6", "any"),
    ("markupsafe", "3.0.4", "pure-sdist"),
)
#: What each wheel is for (documented in files.json and docs/page.md).
WHEEL_PURPOSE = {"python-calamine": "reads workbooks", "openpyxl": "annotated copy",
                 "et_xmlfile": "openpyxl", "xlsxwriter": "recap workbook", "jinja2": "HTML report",
                 "markupsafe": "jinja2", "lketool": "the checker"}


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""


def default_cache() -> Path:
    env = os.environ.get("LKETOOL_PAGE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "lketool-page"


def _run(cmd: list[str], what: str, cwd: Path | None = None, env: dict | None = None) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BuildError(f"{what}: '{cmd[0]}' is not installed")
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise BuildError(f"{what} failed ({' '.join(cmd[:4])} ...):\n{tail}")


def _norm(name: str) -> str:
    return name.lower().replace("-", "_")


# ------------------------------------------------------------------ downloads

def pyodide_runtime(cache: Path, version: str = PYODIDE_VERSION) -> Path:
    """The folder holding the Pyodide npm package ``version`` (downloaded once)."""
    dest = cache / f"pyodide-{version}"
    if all((dest / f).is_file() for f in RUNTIME_FILES):
        return dest
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        npm = shutil.which("npm") or "npm"
        _run([npm, "pack", f"pyodide@{version}", "--pack-destination", tmp, "--silent"],
             f"npm pack pyodide@{version}", cwd=Path(tmp))
        tgz = next(Path(tmp).glob("pyodide-*.tgz"), None)
        if tgz is None:
            raise BuildError(f"npm pack pyodide@{version} gave no archive")
        out = Path(tmp) / "x"
        with tarfile.open(tgz) as tar:
            for m in tar.getmembers():  # only plain files inside package/, nothing else
                if m.isfile() and m.name.startswith("package/") and ".." not in m.name.split("/"):
                    tar.extract(m, out, filter="data") if hasattr(tarfile, "data_filter") else tar.extract(m, out)
        pkg = out / "package"
        meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
        if meta.get("version") != version:
            raise BuildError(f"npm gave pyodide {meta.get('version')}, expected {version}")
        missing = [f for f in RUNTIME_FILES if not (pkg / f).is_file()]
        if missing:
            raise BuildError(f"pyodide {version} lacks {', '.join(missing)}")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(pkg), dest)
    return dest


def _find_wheel(folder: Path, dist: str, version: str) -> Path | None:
    for p in sorted(folder.glob("*.whl")):
        name, ver = p.name.split("-")[:2]
        if _norm(name) == _norm(dist) and ver == version:
            return p
    return None


def dependency_wheels(cache: Path) -> list[Path]:
    """The pinned wheels of :data:`WHEELS` (downloaded, or built, once into the cache)."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"]
    out = []
    for dist, version, kind in WHEELS:
        whl = _find_wheel(folder, dist, version)
        if whl is None:
            spec = f"{dist}=={version}"
            if kind == "wasm":
                _run(pip + ["download", "--no-deps", "--only-binary=:all:", "--platform", PYODIDE_PLATFORM,
                            "--python-version", PYODIDE_PYTHON, "--implementation", "cp",
                            "--abi", "cp" + PYODIDE_PYTHON.replace(".", ""), spec, "-d", str(folder)],
                     f"pip download {spec} (Pyodide wheel)")
            elif kind == "any":
                _run(pip + ["download", "--no-deps", "--only-binary=:all:", "--platform", "any",
                            "--python-version", PYODIDE_PYTHON, spec, "-d", str(folder)], f"pip download {spec}")
            else:
                with tempfile.TemporaryDirectory(dir=cache) as tmp:
                    _run(pip + ["download", "--no-deps", "--no-binary=:all:", spec, "-d", tmp],
                         f"pip download {spec} (sdist)")
                    sdist = next(Path(tmp).glob("*.tar.gz"))
                    # No compiler: MarkupSafe's setup.py then builds its plain-Python wheel.
                    env = dict(os.environ, CC="false", LDSHARED="false", CXX="false")
                    _run(pip + ["wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", str(sdist),
                                "-w", str(folder)], f"build a pure wheel of {spec}", env=env)
            whl = _find_wheel(folder, dist, version)
            if whl is None:
                raise BuildError(f"no wheel of {dist} {version} after downloading it")
        if kind != "wasm" and not whl.name.endswith("-none-any.whl"):
            raise BuildError(f"{whl.name} is not a pure-Python wheel")
        out.append(whl)
    return out


def lketool_wheel(dest: Path, source: Path = ROOT) -> Path:
    """Build the lketool wheel from ``source`` (a clean copy, so no stale build/ leaks in)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "setup.py", "README.md"):
            shutil.copy2(source / name, src / name)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "~$*", ".lketool-cache")
        for name in ("lketool", "report_templates", "templates_xlsx"):
            if (source / name).is_dir():
                shutil.copytree(source / name, src / name, ignore=ignore)
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir",
              str(src), "-w", str(Path(tmp) / "dist")], "build the lketool wheel")
        whl = next((Path(tmp) / "dist").glob("lketool-*.whl"))
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(whl, dest / whl.name))


# ------------------------------------------------------------------ the site

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_site(outdir: str | Path, cache: str | Path | None = None, *, quiet: bool = False) -> dict:
    """Assemble the site in ``outdir`` (replaced when it holds an earlier build) and
    return its manifest (the content of ``files.json``) with size totals added."""
    from lketool.page import MESSAGES_FILE, PAGE_DIR, PAGE_FILES, SERVICE_WORKER, page_messages

    outdir = Path(outdir)
    cache = Path(cache) if cache else default_cache()
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / "files.json").is_file():
        raise BuildError(f"{outdir} is not empty and holds no earlier page build; choose an empty folder")
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))

    say(f"Pyodide {PYODIDE_VERSION} (npm) ...")
    runtime = pyodide_runtime(cache)
    say("wheels (PyPI) ...")
    deps = dependency_wheels(cache)

    outdir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".page-", dir=outdir.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
    try:
        say("lketool wheel ...")
        own = lketool_wheel(stage / "wheels")
        for f in PAGE_FILES:
            shutil.copy2(PAGE_DIR / f, stage / f)
        # the interface's words, from the message catalogue (page.* keys), id + en
        (stage / MESSAGES_FILE).write_text(json.dumps(page_messages(), ensure_ascii=False, indent=1, sort_keys=True),
                                           encoding="utf-8")
        (stage / "pyodide").mkdir()
        for f in RUNTIME_FILES:
            shutil.copy2(runtime / f, stage / "pyodide" / f)
        for whl in deps:
            shutil.copy2(whl, stage / "wheels" / whl.name)
        wheels = [w.name for w in deps] + [own.name]
        purpose = {_norm(k): v for k, v in WHEEL_PURPOSE.items()}
        files = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        listing = [{"path": f, "size": (stage / f).stat().st_size, "sha256": sha256(stage / f)} for f in files]
        version = hashlib.sha256(json.dumps(listing, sort_keys=True).encode()).hexdigest()[:16]
        sw = (PAGE_DIR / SERVICE_WORKER).read_text(encoding="utf-8")
        precache = ["./"] + files + ["files.json"]
        sw = sw.replace("__VERSION__", version).replace("__FILES__", json.dumps(precache))
        (stage / SERVICE_WORKER).write_text(sw, encoding="utf-8")
        listing.append({"path": SERVICE_WORKER, "size": (stage / SERVICE_WORKER).stat().st_size,
                        "sha256": sha256(stage / SERVICE_WORKER)})
        listing.sort(key=lambda e: e["path"])
        manifest = {"version": version, "pyodide": PYODIDE_VERSION, "wheels": wheels,
                    "wheel_purpose": {w: purpose.get(_norm(w.split("-")[0]), "") for w in wheels},
                    "files": listing}
        (stage / "files.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if outdir.exists():
            shutil.rmtree(outdir)
        os.replace(stage, outdir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    raw = gz = 0
    for p in outdir.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            raw += len(data)
            gz += len(gzip.compress(data, 6))
    manifest["raw_bytes"], manifest["gzip_bytes"] = raw, gz
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the LKE page (static site; lketool runs in the browser).")
    ap.add_argument("outdir", help="folder to write the site to (replaced if it holds an earlier build)")
    ap.add_argument("--cache", default=None, help="download cache (default $LKETOOL_PAGE_CACHE or ~/.cache/lketool-page)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        m = build_site(args.outdir, args.cache)
    except BuildError as exc:
        print(f"build_page: {exc}", file=sys.stderr)
        return 2
    mb = 1024 * 1024
    print(f"{args.outdir}: {len(m['files']) + 1} files, {m['raw_bytes'] / mb:.1f} MB raw, "
          f"{m['gzip_bytes'] / mb:.1f} MB gzip (Pyodide {m['pyodide']}; wheels: {', '.join(m['wheels'])})")
    print(f"serve it: lketool serve --site {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
