"""The scoring and display inside Pyodide (Python 3.14, WebAssembly) under Node: every
sample checked there through the page's bridge gives the results and the shown
numbers of native Python.  Float last digits may differ between Python versions; the
text people read must not."""
from __future__ import annotations

import json
import math
import subprocess

import pytest

from lketool.page import bridge
from page_helpers import ROOT, SAMPLES, built_site, need_tool

NODE_SCRIPT = r"""
import { loadPyodide } from "%(site)s/pyodide/pyodide.mjs";
import fs from "node:fs";
const site = "%(site)s";
const manifest = JSON.parse(fs.readFileSync(`${site}/files.json`, "utf8"));
const py = await loadPyodide({ indexURL: `${site}/pyodide/` , stdout: () => {} });
const purelib = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const w of manifest.wheels) {
  py.unpackArchive(new Uint8Array(fs.readFileSync(`${site}/wheels/${w}`)), "wheel", { extractDir: purelib });
}
const samples = JSON.parse(fs.readFileSync(0, "utf8"));
const bridge = py.pyimport("lketool.page.bridge");
const out = { python: py.runPython("import sys; sys.version.split()[0]"), views: {} };
for (const [name, path] of samples) {
  for (const lang of ["id", "en"]) {
    out.views[`${lang}:${name}`] = JSON.parse(bridge.check_bytes(new Uint8Array(fs.readFileSync(path)), name, lang));
  }
}
// the recap workbook, with the zip's parallel-block threshold lowered so that the path
// that would use threads natively runs here (Pyodide has none: it must not try)
py.runPython("import lketool.recap.zipping as z; z.PARALLEL_FROM = 4096; z.BLOCK = 1024");
const keys = Object.values(out.views).filter((v, i) => i %% 2 === 0).map(v => v.key);
out.recap = Buffer.from(bridge.recap_workbook(py.toPy(keys), "id").toJs()).toString("base64");
process.stdout.write(JSON.stringify(out));
"""


def _same(a, b, path="$"):
    """Equal, floats to 1e-9 relative (last digits may differ); everything else exactly."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), path
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, set(a) ^ set(b))
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


@pytest.fixture(scope="module")
def pyodide_views():
    node = need_tool("node")
    site = built_site()
    script = site.parent / "check_samples.mjs"
    script.write_text(NODE_SCRIPT % {"site": site.as_posix()}, encoding="utf-8")
    p = subprocess.run([node, str(script)], input=json.dumps([[s.name, str(s)] for s in SAMPLES]),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout)


def test_runs_in_pyodide_python(pyodide_views):
    assert pyodide_views["python"].startswith("3.14")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_sample_equals_native(pyodide_views, lang, tmp_path, monkeypatch):
    monkeypatch.setattr(bridge, "FILES", tmp_path / "files")
    for s in SAMPLES:
        native = json.loads(bridge.check_bytes(s.read_bytes(), s.name, lang))
        web = pyodide_views["views"][f"{lang}:{s.name}"]
        for v in (native, web):
            v.pop("key")
            v["result"].pop("lketool_version", None)
        _same(web, native)
        # what people read is identical text, whatever the float's last digits
        assert web["total_text"] == native["total_text"]
        assert web["verdict"]["lines"] == native["verdict"]["lines"]
        assert [r["value_text"] for r in web["score_rows"]] == [r["value_text"] for r in native["score_rows"]]
        assert [p["message"] for p in web["result"]["problems"]] == \
               [p["message"] for p in native["result"]["problems"]]


def test_recap_workbook_in_pyodide_reads_like_native(pyodide_views, tmp_path):
    """The page's recap download, written inside Pyodide (no threads, no cache folder),
    holds the same Ringkasan as the command line's recap of the same files."""
    import base64

    import openpyxl

    from lketool.recap import recap

    web = tmp_path / "web.xlsx"
    web.write_bytes(base64.b64decode(pyodide_views["recap"]))
    native = tmp_path / "native.xlsx"
    recap(SAMPLES, native, jobs=1, use_cache=False)

    def table(path):
        ws = openpyxl.load_workbook(path, read_only=True)["Ringkasan"]
        rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] is not None]
        # unit, total, verdicts (file paths differ: the page stores its own copies)
        return sorted((r[1], round(r[4], 9), r[28], r[29]) for r in rows if isinstance(r[4], float))

    assert table(web) == table(native) and len(table(web)) == len(SAMPLES)
