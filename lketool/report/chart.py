"""The area profile chart: one horizontal bar per area (share of the area's weight),
with the WBK and WBBM minimum shares as vertical lines: as inline SVG for HTML (built
here from escaped parts) and as a print-resolution PNG for Word, drawn with matplotlib
from the same bars and lines."""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from lketool.report.filters import persen

# Short labels, so the chart stays readable; an unknown area falls back to its own name.
PNG_DPI = 200
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
        shapes.append(_Text(left - 8, y + bar_h / 2 + 4, b.label, 11, "end", "text"))
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


def render_png(bars: list[Bar], thresholds: list[tuple[str, float]], dpi: int = PNG_DPI) -> bytes:
    """The same chart as a PNG for Word, drawn with matplotlib (Agg, DejaVu Sans, which
    ships with matplotlib) at ``dpi`` (print resolution).  matplotlib is imported here
    only, so ``lketool check`` never pays for it."""
    import io

    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    has_tpi = any(b.tpi is not None for b in bars)
    low = min((m for _, m in thresholds), default=0.6)
    high = max((m for _, m in thresholds), default=0.75)
    n = len(bars)
    fig = Figure(figsize=(7.6, 0.9 + (0.55 if has_tpi else 0.4) * max(n, 1) + (0.3 if has_tpi else 0)), dpi=dpi)
    ax = fig.add_subplot()
    rc = {"family": "DejaVu Sans"}
    h = 0.38 if has_tpi else 0.6
    ys = list(range(n))[::-1]  # first area on top, as in the SVG
    for y, b in zip(ys, bars):
        v = min(max(b.value, 0.0), 1.0)
        status = "good" if b.value >= high else "fair" if b.value >= low else "poor"
        off = h / 2 if has_tpi else 0
        ax.barh(y + off, v, height=h, color=_hex(COLORS[status]), zorder=2)
        ax.text(v + 0.012, y + off, persen(b.value), va="center", ha="left", fontsize=8, fontweight="bold",
                color=_hex(COLORS["text"]), zorder=4, fontdict=rc,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})
        if has_tpi:
            t = min(max(b.tpi or 0.0, 0.0), 1.0)
            ax.barh(y - h / 2, t, height=h, color=_hex(COLORS["tpi"]), zorder=2)
            ax.text(t + 0.012, y - h / 2, "TPI " + (persen(b.tpi) if b.tpi is not None else "-"), va="center",
                    ha="left", fontsize=7.5, color=_hex(COLORS["axis"]), zorder=4, fontdict=rc,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})
    for i, (name, minimum) in enumerate(thresholds):
        color = _hex(COLORS["wbk" if name.upper() == "WBK" else "wbbm"])
        ax.axvline(minimum, color=color, linewidth=1.4, zorder=3)
        ax.text(minimum + (-0.008 if i % 2 == 0 else 0.008), n - 0.45, f"{name} {persen(minimum, 0)}",
                ha="right" if i % 2 == 0 else "left", va="bottom", fontsize=8, fontweight="bold", color=color,
                fontdict=rc)
    ax.set_xlim(0, 1.0)
    ax.set_ylim(-0.6, n - 0.4 + 0.35)
    ax.set_yticks(ys, [b.label for b in bars], fontsize=8.5, fontfamily="DejaVu Sans")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x * 100:.0f}%"))
    ax.set_xticks([i / 5 for i in range(6)])
    ax.tick_params(axis="x", labelsize=8, colors=_hex(COLORS["axis"]))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=_hex(COLORS["grid"]), zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if has_tpi:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=_hex(COLORS["good"]), label="Unit"),
                           Patch(color=_hex(COLORS["tpi"]), label="TPI")],
                  loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False,
                  prop={"family": "DejaVu Sans", "size": 8})
    # Fixed margins instead of tight_layout (which draws the figure twice): room on the
    # left for the longest label at 8.5 pt, about 0.075 in a character.
    width, height = fig.get_size_inches()
    left = min(0.45, (0.25 + 0.065 * max((len(b.label) for b in bars), default=10)) / width)
    bottom = ((0.75 if has_tpi else 0.4) / height)
    fig.subplots_adjust(left=left, right=0.93, top=1 - 0.3 / height, bottom=bottom)
    buf = io.BytesIO()
    # compress_level 1: a third of the time of the default, for a few KB more
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def chart_data(bars: list[Bar], thresholds: list[tuple[str, float]]) -> dict:
    """The chart as plain data for a report context (picklable, no matplotlib):
    ``{"bars": [[label, share, tpi share or None], ...], "batas": [[name, minimum], ...]}``."""
    return {"bars": [[b.label, b.value, b.tpi] for b in bars], "batas": [[n, m] for n, m in thresholds]}


def png_from_data(data: dict, dpi: int = PNG_DPI) -> bytes:
    """:func:`render_png` of a context's ``grafik`` (see :func:`chart_data`)."""
    return render_png([Bar(str(lb), float(v), None if t is None else float(t)) for lb, v, t in data["bars"]],
                      [(str(n), float(m)) for n, m in data["batas"]], dpi=dpi)


def area_bars(areas: list[dict]) -> list[Bar]:
    """Bars from the context's ``areas`` rows (``id``, ``name``, ``share``, ``tpi_share``)."""
    return [Bar(SHORT_NAMES.get(a["id"], a["name"]), a["share"], a.get("tpi_share")) for a in areas]
