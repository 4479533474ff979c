"""Small pieces of the report: Indonesian formatting, safe file names, the chart."""
from __future__ import annotations

import datetime as dt
import struct
import xml.etree.ElementTree as ET
import zlib

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


def _decode_png(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF, tag
        chunks.setdefault(tag, b"")
        chunks[tag] += body
        pos += 12 + n
    w, h, depth, ctype = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, ctype) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    assert len(raw) == h * (1 + 3 * w)
    rows = [raw[y * (1 + 3 * w) + 1:(y + 1) * (1 + 3 * w)] for y in range(h)]
    return w, h, rows


def _extent(row: bytes, rgb) -> int:
    """Pixels from the first to the last pixel of colour ``rgb`` in a row (a bar's
    length, whatever lines cross it)."""
    xs = [i // 3 for i in range(0, len(row), 3) if tuple(row[i:i + 3]) == tuple(rgb)]
    return xs[-1] - xs[0] + 1 if xs else 0


def test_png_is_valid_and_bars_are_proportional():
    w, h, rows = _decode_png(chart.render_png(BARS, THR, scale=2))
    assert w == 760 * 2
    axis = 2  # the y axis (1 unit wide) is drawn over the first pixels of every bar
    full = max(_extent(r, chart.COLORS["good"]) for r in rows) + axis  # 100 % bar
    half = max(_extent(r, chart.COLORS["poor"]) for r in rows) + axis  # 50 %: below WBK, red
    fair = max(_extent(r, chart.COLORS["fair"]) for r in rows) + axis  # 70 %: between WBK and WBBM, amber
    assert full == 490 * 2
    assert abs(half / full - 0.5) < 0.005
    assert abs(fair / full - 0.7) < 0.005


def test_svg_is_well_formed_and_escapes_labels():
    svg = chart.render_svg([chart.Bar("<b>A & B</b>", 0.4)], THR, title="Unit <x> & y")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<B>A & B</B>" in texts  # labels are upper-cased, and stay text
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Unit <x> & y"
    assert "<b>" not in svg and "<x>" not in svg
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")
             if r.get("fill") == "#%02x%02x%02x" % chart.COLORS["poor"]]
    assert len(rects) == 1 and abs(float(rects[0].get("width")) - 490 * 0.4) < 0.01


def test_tpi_bars_drawn_when_present():
    svg = chart.render_svg([chart.Bar("A", 0.9, 0.5)], THR)
    assert "TPI 50,0%" in svg
    assert "TPI" not in chart.render_svg([chart.Bar("A", 0.9)], THR)
