"""The area profile chart: one horizontal bar per area (share of the area's weight),
with the WBK and WBBM minimum shares as vertical lines, drawn twice from the same
geometry: as inline SVG for HTML and as PNG for Word.

The PNG is written here with ``zlib``/``struct`` and a 5x7 pixel font instead of
matplotlib: the chart is six bars, and matplotlib would add tens of megabytes and
half a second of import to every run (and a font-cache build on a first run on
Windows) for no gain a reader would see."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from lketool.report import font5x7
from lketool.report.filters import persen

# Short labels, so the pixel font fits; an unknown area falls back to its own name.
SHORT_NAMES = {"MP": "Manajemen Perubahan", "PT": "Penataan Tatalaksana", "SDM": "Manajemen SDM",
               "AK": "Penguatan Akuntabilitas", "PW": "Penguatan Pengawasan", "PP": "Pelayanan Publik"}

COLORS = {"good": (46, 125, 50), "fair": (239, 160, 0), "poor": (198, 40, 40), "tpi": (120, 144, 156),
          "axis": (97, 97, 97), "grid": (224, 224, 224), "text": (33, 33, 33), "bg": (255, 255, 255),
          "wbk": (230, 81, 0), "wbbm": (21, 101, 192)}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1 share of the area's weight
    tpi: float | None = None


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    color: str


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    anchor: str  # start | middle | end
    color: str
    bold: bool = False


def _layout(bars: list[Bar], thresholds: list[tuple[str, float]]):
    """Shapes in a 760-wide coordinate space, shared by both renderers."""
    has_tpi = any(b.tpi is not None for b in bars)
    left, right, top = 210, 700, 36
    row_h = 44 if has_tpi else 34
    bar_h = 16 if has_tpi else 20
    height = top + row_h * len(bars) + 44 + (20 if has_tpi else 0)
    width = 760
    plot_w = right - left
    shapes: list = [_Rect(0, 0, width, height, "bg")]
    bottom = top + row_h * len(bars)
    for pct in range(0, 101, 20):
        x = left + plot_w * pct / 100
        shapes.append(_Rect(x, top - 6, 1, bottom - top + 6, "grid"))
        shapes.append(_Text(x, bottom + 18, f"{pct}%", 11, "middle", "axis"))
    low = min((m for _, m in thresholds), default=0.6)
    high = max((m for _, m in thresholds), default=0.75)
    for i, b in enumerate(bars):
        y = top + row_h * i + (row_h - (bar_h * 2 + 2 if has_tpi else bar_h)) / 2
        v = min(max(b.value, 0.0), 1.0)
        status = "good" if b.value >= high else "fair" if b.value >= low else "poor"
        shapes.append(_Rect(left, y, max(plot_w * v, 1), bar_h, status))
        shapes.append(_Text(left - 8, y + bar_h / 2 + 4, b.label.upper(), 11, "end", "text"))
        shapes.append(_Text(left + plot_w * v + 6, y + bar_h / 2 + 4, persen(b.value), 11, "start", "text", True))
        if has_tpi:
            t = min(max(b.tpi or 0.0, 0.0), 1.0)
            ty = y + bar_h + 2
            shapes.append(_Rect(left, ty, max(plot_w * t, 1), bar_h, "tpi"))
            shapes.append(_Text(left + plot_w * t + 6, ty + bar_h / 2 + 4,
                                "TPI " + (persen(b.tpi) if b.tpi is not None else "-"), 11, "start", "axis"))
    # Threshold lines after the bars so they stay visible across them; value labels
    # are drawn again on a white box so a line never runs through a number.
    labels = [s for s in shapes if isinstance(s, _Text) and s.x > left and s.anchor == "start"]
    for i, (name, minimum) in enumerate(thresholds):
        x = left + plot_w * minimum
        color = "wbk" if name.upper() == "WBK" else "wbbm"
        shapes.append(_Rect(x - 1, top - 8, 2, bottom - top + 8, color))
        shapes.append(_Text(x + (-4 if i % 2 == 0 else 4), top - 14, f"{name} {persen(minimum, 0)}", 11,
                            "end" if i % 2 == 0 else "start", color, True))
    for t in labels:
        shapes.append(_Rect(t.x - 2, t.y - 11, len(t.text) * 6.5 + 4, 14, "bg"))
        shapes.append(t)
    shapes.append(_Rect(left, top - 6, 1, bottom - top + 6, "axis"))
    if has_tpi:
        shapes.append(_Rect(left, bottom + 28, 14, 10, "good"))
        shapes.append(_Text(left + 20, bottom + 37, "Unit", 11, "start", "text"))
        shapes.append(_Rect(left + 80, bottom + 28, 14, 10, "tpi"))
        shapes.append(_Text(left + 100, bottom + 37, "TPI", 11, "start", "text"))
    return width, height, shapes


def _hex(rgb):
    return "#%02x%02x%02x" % rgb


def render_svg(bars: list[Bar], thresholds: list[tuple[str, float]], title: str = "") -> str:
    """Inline SVG (no external fonts, no script); all text is escaped."""
    width, height, shapes = _layout(bars, thresholds)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" role="img" aria-label={quoteattr(title or "Profil capaian per area")} '
           'font-family="Arial, Helvetica, sans-serif">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for s in shapes:
        if isinstance(s, _Rect):
            out.append(f'<rect x="{s.x:g}" y="{s.y:g}" width="{s.w:g}" height="{s.h:g}" '
                       f'fill="{_hex(COLORS[s.color])}"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{s.x:g}" y="{s.y:g}" font-size="{s.size:g}" text-anchor="{s.anchor}" '
                       f'fill="{_hex(COLORS[s.color])}"{weight}>{escape(s.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def render_png(bars: list[Bar], thresholds: list[tuple[str, float]], scale: int = 2) -> bytes:
    """The same chart as PNG bytes (RGB, ``scale`` pixels per SVG unit)."""
    width, height, shapes = _layout(bars, thresholds)
    W, H = int(width * scale), int(height * scale)
    canvas = _Canvas(W, H)
    for s in shapes:
        if isinstance(s, _Rect):
            canvas.fill(round(s.x * scale), round(s.y * scale), max(round(s.w * scale), 1),
                        max(round(s.h * scale), 1), COLORS[s.color])
        else:
            px = max(1, round(s.size * scale / 9))  # 7 rows + spacing ~ the SVG font's cap height
            adv = (font5x7.WIDTH + 1) * px
            tw = adv * len(s.text) - px
            x0 = s.x * scale - (tw if s.anchor == "end" else tw / 2 if s.anchor == "middle" else 0)
            y0 = s.y * scale - font5x7.HEIGHT * px
            for i, ch in enumerate(s.text):
                for gx, gy in font5x7.glyph(ch):
                    canvas.fill(round(x0 + i * adv + gx * px), round(y0 + gy * px), px + (1 if s.bold else 0),
                                px, COLORS[s.color])
    return canvas.png()


class _Canvas:
    def __init__(self, w: int, h: int):
        self.w, self.h = w, h
        self.rows = [bytearray(b"\xff" * (w * 3)) for _ in range(h)]

    def fill(self, x: int, y: int, w: int, h: int, rgb) -> None:
        x0, x1 = max(x, 0), min(x + w, self.w)
        if x1 <= x0:
            return
        run = bytes(rgb) * (x1 - x0)
        for yy in range(max(y, 0), min(y + h, self.h)):
            self.rows[yy][x0 * 3:x1 * 3] = run

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(r) for r in self.rows)  # filter type 0 on every row

        def chunk(tag: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

        # pHYs at 192 dpi so Word shows scale=2 at its natural size
        dpm = round(96 * 2 / 0.0254)
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"pHYs", struct.pack(">IIB", dpm, dpm, 1))
                + chunk(b"IDAT", zlib.compress(raw, 6))
                + chunk(b"IEND", b""))


def area_bars(areas: list[dict]) -> list[Bar]:
    """Bars from the context's ``areas`` rows (``id``, ``name``, ``share``, ``tpi_share``)."""
    return [Bar(SHORT_NAMES.get(a["id"], a["name"]), a["share"], a.get("tpi_share")) for a in areas]
