"""Charts as SVG and PNG (issue 17, point 4), drawn with matplotlib (why: docs/decisions.md).

Pure: a ``Chart`` (labels and numbers, already in the reader's language) in, bytes out; no
database, no request. The web's dashboards inline the SVG and serve both formats as downloads,
and the weekly report by e-mail can draw the same charts (matplotlib also writes PDF).

Colours are the Okabe-Ito palette, told apart by colour-blind readers; the SVG has a
transparent background and mid-grey text and axes, so it reads on the light and the dark theme
alike; the PNG, opened outside the page, is drawn on white. Numbers on the axes are formatted
for the chart's locale with Babel (``1 234,5`` in Finnish).
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib
from babel.numbers import format_decimal
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

Kind = Literal["line", "bars", "hbars", "heatmap"]
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Okabe-Ito: distinguishable with the common colour-vision deficiencies."""
INK = "#666d75"
"""Text and axes: readable on white and on the dark theme's near-black."""
STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "porina",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": INK,
    "axes.facecolor": "none",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": INK,
    "grid.alpha": 0.25,
    "legend.frameon": False,
}
WIDTH, HEIGHT = 7.2, 3.2
"""Inches at 100 dpi: a 720x320 PNG, an SVG that scales to its column."""
DPI = 100


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Chart:
    """What to draw. ``labels`` run along the x axis (line, bars, heatmap columns) or down
    the y axis (hbars); a heatmap's ``series`` are its rows, top first."""

    kind: Kind
    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    locale: str = "en"
    y_label: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _number(locale: str) -> FuncFormatter:
    def show(value: float, _position: float | None = None) -> str:
        return str(format_decimal(value, format="#,##0.##", locale=locale))

    return FuncFormatter(show)


def _every(labels: Sequence[str], most: int = 10) -> list[int]:
    step = max(1, -(-len(labels) // most))
    return list(range(0, len(labels), step))


def _line(figure: Figure, chart: Chart) -> None:
    axes = figure.subplots()
    xs = range(len(chart.labels))
    for n, series in enumerate(chart.series):
        ys = [float("nan") if v is None else float(v) for v in series.values]
        axes.plot(
            xs,
            ys,
            color=PALETTE[n % len(PALETTE)],
            linewidth=2,
            label=series.label,
            marker="o" if len(ys) <= 31 else None,
            markersize=3,
        )
    _finish(axes, chart)


def _bars(figure: Figure, chart: Chart) -> None:
    axes = figure.subplots()
    count = max(len(chart.series), 1)
    width = 0.8 / count
    for n, series in enumerate(chart.series):
        xs = [i + (n - (count - 1) / 2) * width for i in range(len(chart.labels))]
        ys = [0.0 if v is None else float(v) for v in series.values]
        hatch = ("", "//", "..", "xx")[n % 4]
        axes.bar(
            xs,
            ys,
            width=width,
            color=PALETTE[n % len(PALETTE)],
            label=series.label,
            hatch=hatch,
            edgecolor="white",
            linewidth=0,
        )
    _finish(axes, chart)


def _hbars(figure: Figure, chart: Chart) -> None:
    axes = figure.subplots()
    ys = range(len(chart.labels))
    values = [0.0 if v is None else float(v) for v in chart.series[0].values]
    axes.barh(list(ys), values, color=PALETTE[0])
    axes.set_yticks(list(ys), [str(label) for label in chart.labels])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(_number(chart.locale))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(left=0, right=None if _highest(chart) > 0 else 1)
    axes.grid(axis="y", visible=False)
    axes.set_title(chart.title, loc="left")


def _heatmap(figure: Figure, chart: Chart) -> None:
    axes = figure.subplots()
    rows = [[float("nan") if v is None else float(v) for v in s.values] for s in chart.series]
    ramp = mcolors.LinearSegmentedColormap.from_list(
        "porina", ["#deebf7", "#0072B2", "#08306b"]
    ).with_extremes(bad=(0.5, 0.5, 0.5, 0.15))
    top = _highest(chart) or 1.0
    image = axes.imshow(rows, aspect="auto", cmap=ramp, interpolation="nearest", vmin=0, vmax=top)
    axes.set_yticks(range(len(chart.series)), [s.label for s in chart.series])
    ticks = _every(chart.labels, 12)
    axes.set_xticks(ticks, [chart.labels[i] for i in ticks])
    axes.grid(visible=False)
    bar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_formatter(_number(chart.locale))
    bar.outline.set_edgecolor(INK)
    axes.set_title(chart.title, loc="left")


def _highest(chart: Chart) -> float:
    return max((float(v) for s in chart.series for v in s.values if v is not None), default=0.0)


def _finish(axes: Axes, chart: Chart) -> None:
    ticks = _every(chart.labels)
    axes.set_xticks(ticks, [chart.labels[i] for i in ticks])
    axes.yaxis.set_major_formatter(_number(chart.locale))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0, top=None if _highest(chart) > 0 else 1)
    axes.set_title(chart.title, loc="left")
    if chart.y_label:
        axes.set_ylabel(chart.y_label)
    if len(chart.series) > 1:
        axes.legend(loc="upper left", fontsize=9, ncols=min(len(chart.series), 4))


DRAW = {"line": _line, "bars": _bars, "hbars": _hbars, "heatmap": _heatmap}


def _figure(chart: Chart) -> Figure:
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH, HEIGHT), layout="constrained")
        if chart.labels and chart.series:
            DRAW[chart.kind](figure, chart)
        else:
            figure.text(0.5, 0.5, chart.extra.get("empty", "—"), ha="center", va="center")
    return figure


CACHE_SIZE = 256
"""Rendered charts kept per process (SVG, PNG and PDF bytes, a few to some tens of KB
each): an unchanged dashboard draws nothing again."""
_CACHE: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_LOCK = threading.Lock()
RENDERS = [0]
"""How many charts were drawn (not served from the cache): tests count them."""


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _key(chart: Chart, form: str, background: str) -> tuple[Any, ...]:
    """Everything the drawing reads (the format, the theme's background, the size, the kind,
    every label and value, the language): the same key is the same bytes."""
    return (
        form,
        background,
        WIDTH,
        HEIGHT,
        DPI,
        chart.kind,
        chart.title,
        tuple(chart.labels),
        tuple((s.label, tuple(s.values)) for s in chart.series),
        chart.locale,
        chart.y_label,
        tuple(sorted(chart.extra.items())),
    )


def _save(chart: Chart, form: str, background: str) -> bytes:
    """The chart's bytes, from the cache when the same chart was drawn before."""
    key = _key(chart, form, background)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    drawn = _draw(chart, form, background)
    with _LOCK:
        _CACHE[key] = drawn
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return drawn


def _draw(chart: Chart, form: str, background: str) -> bytes:
    RENDERS[0] += 1
    with matplotlib.rc_context(STYLE):
        out = io.BytesIO()
        _figure(chart).savefig(
            out, format=form, dpi=DPI, facecolor=background, metadata=_metadata(form)
        )
    return out.getvalue()


def _metadata(form: str) -> dict[str, str | None]:
    """No creation date, so the same chart gives the same bytes."""
    if form == "svg":
        return {"Date": None, "Creator": None}
    if form == "pdf":
        return {"CreationDate": None, "Creator": None, "Producer": None}
    return {"Software": None}


def svg(chart: Chart) -> bytes:
    """The chart as a standalone SVG document (transparent background)."""
    return _save(chart, "svg", "none")


def png(chart: Chart) -> bytes:
    """The chart as a 720x320 PNG on white."""
    return _save(chart, "png", "white")


_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_FONT = re.compile(r"(?:(bold|normal|italic|oblique)\s+)*([\d.]+px)\s+(.+)")


def _attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; font: 10px 'DejaVu Sans'"`` as presentation attributes
    (``fill="#fff" font-size="10px" font-family="DejaVu Sans"``), which a page's Content
    Security Policy (``style-src 'self'``) lets through where inline styles are blocked."""
    out: list[str] = []
    for declaration in match.group(1).split(";"):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if not name or not value:
            continue
        font = _FONT.fullmatch(value) if name == "font" else None
        if font is not None:
            family = font.group(3).replace("'", "").replace('"', "")
            out += [f'font-size="{font.group(2)}"', f'font-family="{family}, sans-serif"']
        elif name != "font":
            out.append(f'{name}="{value}"')
    return " ".join(out)


def pdf(chart: Chart) -> bytes:
    """The chart as a one-page PDF on white (for reports)."""
    return _save(chart, "pdf", "white")


def inline_svg(chart: Chart, label: str) -> str:
    """The SVG element alone, to place in a page: no XML declaration or doctype, no inline
    styles (presentation attributes instead), a role and an accessible name (the data table
    beside it gives the figures)."""
    text = svg(chart).decode()
    element = text[text.index("<svg") :]
    element = _STYLE_ELEMENT.sub("", element)
    element = _STYLE_ATTRIBUTE.sub(_attributes, element)
    escaped = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
    return element.replace(
        "<svg ",
        f'<svg role="img" aria-label="{escaped}" class="chart-svg" '
        'stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
