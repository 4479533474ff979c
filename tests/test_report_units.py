"""Small pieces of the report: Indonesian formatting, safe file names, the chart."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from lketool.report import chart
from lketool.report.filters import angka, make_environment, persen, selisih, tanggal
from lketool.report.names import MAX_LEN, safe_key, unique_keys


# ---------------------------------------------------------------- filters

@pytest.mark.parametrize("value,digits,want", [
    (95.5833, 2, "95,58"), (19.875, 2, "19,88"), (1.625, 2, "1,63"), (2.675, 2, "2,68"), (1e-7, 2, "0,00"),
    (0, 2, "0,00"), (1234.5, 2, "1.234,50"),
    (1234567.891, 1, "1.234.567,9"), (-3.256, 2, "-3,26"), (-0.001, 2, "0,00"), (None, 2, "–"),
    (float("nan"), 2, "–"), ("abc", 2, "abc"), (7, 0, "7"),
])
def test_angka(value, digits, want):
    assert angka(value, digits) == want


def test_persen_tanggal_selisih():
    assert persen(0.9558) == "95,6%"
    assert persen(1) == "100,0%"
    assert persen(0.6, 0) == "60%"
    assert persen(None) == "–"
    assert tanggal(dt.date(2026, 11, 21)) == "21 November 2026"
    assert tanggal("2026-01-05") == "5 Januari 2026"
    assert tanggal(dt.datetime(2026, 8, 17, 10, 0)) == "17 Agustus 2026"
    assert selisih(3.254) == "+3,25"
    assert selisih(-1.5) == "-1,50"
    assert selisih(0.001) == "0,00"


def test_one_environment_is_strict_and_escapes():
    env = make_environment()
    assert env.from_string("{{ x | angka }} {{ y }}").render(x=95.58, y="<b>&") == "95,58 &lt;b&gt;&amp;"
    import jinja2
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ tidak_ada }}").render()


# ---------------------------------------------------------------- names

@pytest.mark.parametrize("name,want", [
    ("Dinas Kesehatan / UPT <Puskesmas>", "dinas-kesehatan-upt-puskesmas"),
    ("../../etc/passwd", "etc-passwd"),
    ("..", "unit"),
    ("CON", "con-unit"),
    ("nul", "nul-unit"),
    ('a<>:"/\\|?*b', "a-b"),
    ("Kantor Pertanahan Kota Sémarang", "kantor-pertanahan-kota-semarang"),
    ("   ", "unit"),
    (None, "unit"),
])
def test_safe_key(name, want):
    assert safe_key(name) == want


def test_safe_key_fallback_and_length():
    assert safe_key("???", "02-lke dinas") == "02-lke-dinas"
    long = safe_key("Badan " * 40)
    assert len(long) <= MAX_LEN and not long.endswith("-") and long.startswith("badan-badan")
    for k in (safe_key(x) for x in ["a/b", "a\\b", "c:d", "x" * 500, "\x00\x1f"]):
        assert k and "/" not in k and "\\" not in k and ":" not in k and ".." not in k and len(k) <= MAX_LEN


def test_unique_keys_case_insensitive_and_reserved():
    keys = unique_keys([("Dinas A", "f1"), ("DINAS A", "f2"), ("dinas-a", "f3"), ("Ringkasan", "f4"),
                        (None, "lke x")], reserved=("ringkasan", "manifest"))
    assert keys == ["dinas-a", "dinas-a-2", "dinas-a-3", "ringkasan-2", "lke-x"]
    long = unique_keys([("y" * 100, "a"), ("y" * 100, "b")])
    assert long[0] != long[1] and all(len(k) <= MAX_LEN for k in long)


# ---------------------------------------------------------------- chart

BARS = [chart.Bar("Manajemen Perubahan", 1.0), chart.Bar("Penataan Tatalaksana", 0.5),
        chart.Bar("Manajemen SDM", 0.7)]
THR = [("WBK", 0.6), ("WBBM", 0.75)]


def _pixels(data: bytes):
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(data))
    return img, img.convert("RGB")


def _extent(img, y: int, rgb) -> int:
    """Pixels from the first to the last pixel of colour ``rgb`` in row ``y`` (a bar's
    length, whatever lines cross it)."""
    xs = [x for x in range(img.width) if img.getpixel((x, y)) == tuple(rgb)]
    return xs[-1] - xs[0] + 1 if xs else 0


def test_png_is_drawn_by_matplotlib_at_print_resolution_and_bars_are_proportional():
    img, rgb = _pixels(chart.render_png(BARS, THR))
    assert img.format == "PNG"
    assert img.info.get("Software", "").lower().startswith("matplotlib")  # from the plotting library
    dpi = img.info.get("dpi")
    assert dpi and round(dpi[0]) >= 200 and round(dpi[1]) >= 200
    assert img.width >= 1500  # 7.6 in at 200 dpi: sharp at the 16.5 cm it is printed
    lengths = {}
    for status in ("good", "poor", "fair"):
        lengths[status] = max(_extent(rgb, y, chart.COLORS[status]) for y in range(0, img.height, 2))
    # 100 %, 50 % (below WBK: red), 70 % (between WBK and WBBM: amber)
    assert abs(lengths["poor"] / lengths["good"] - 0.5) < 0.01
    assert abs(lengths["fair"] / lengths["good"] - 0.7) < 0.01


def test_png_and_svg_show_the_same_labels():
    svg = chart.render_svg(BARS, THR)
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    for b in BARS:
        assert b.label in texts  # real names, not capitals of a pixel font
    assert "WBK 60%" in texts and "WBBM 75%" in texts


def test_svg_is_well_formed_and_escapes_labels():
    svg = chart.render_svg([chart.Bar("<b>A & B</b>", 0.4)], THR, title="Unit <x> & y")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>A & B</b>" in texts  # labels stay text
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Unit <x> & y"
    assert "<b>" not in svg and "<x>" not in svg
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")
             if r.get("fill") == "#%02x%02x%02x" % chart.COLORS["poor"]]
    assert len(rects) == 1 and abs(float(rects[0].get("width")) - 490 * 0.4) < 0.01


def test_tpi_bars_drawn_when_present():
    svg = chart.render_svg([chart.Bar("A", 0.9, 0.5)], THR)
    assert "TPI 50,0%" in svg
    assert "TPI" not in chart.render_svg([chart.Bar("A", 0.9)], THR)


def test_matplotlib_only_on_the_word_report_path(tmp_path):
    """`check` and an HTML-only report never import matplotlib (seconds on a cold Windows
    start); a Word report does."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sample = sorted((root / "samples").glob("*.xlsx"))[0]
    probe = ("import sys, runpy\nsys.argv = ['lketool', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('lketool', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('MPL', 'matplotlib' in sys.modules)\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(root)}

    def loaded(*args):
        r = subprocess.run([sys.executable, "-c", probe, *map(str, args)], capture_output=True, text=True,
                           env=env, cwd=tmp_path)
        return "MPL True" in r.stdout

    assert not loaded("check", sample)
    assert not loaded("report", sample, "-o", tmp_path / "h", "--format", "html", "-q")
    assert loaded("report", sample, "-o", tmp_path / "w", "--format", "docx", "-q")
