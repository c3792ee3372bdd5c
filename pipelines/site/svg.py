"""Small SVG charts drawn at build time, so the site needs no script, no network and no browser to make them.

The trend site shows a handful of series per page (a body's 行政许可 decisions over the years, its requests'
outcome rates, a region's bodies reporting …). Two chart kinds cover them:

- :func:`bar_chart`: grouped (or stacked) bars per category, for counts and amounts, which must start at zero
  and stay readable with a single year;
- :func:`line_chart`: lines with a dot per value, for rates and shares, broken where a year has no value (a
  missing report or an unprinted cell is a gap, never a zero).

Every mark carries an SVG ``<title>`` (the browser's own tooltip, no script). Text is escaped and numbers are
written with fixed precision, so the same data gives the same bytes. Text inherits the page's font (a CJK
stack in the site's CSS), so Chinese labels render with the page's glyphs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

#: Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), yellow left out (low contrast).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")

WIDTH = 480
HEIGHT = 250
FONT_PX = 12
MARGIN_TOP = 30
MARGIN_RIGHT = 12
MARGIN_BOTTOM = 28
MAX_BAR = 40


@dataclass(frozen=True)
class Series:
    """One named series: a value (or None: not printed / no report) per category of the chart."""

    name: str
    values: tuple[float | None, ...]


Formatter = Callable[[float], str]


def compact_number(value: float) -> str:
    """A tick label short enough for an axis: 亿 (10⁸) and 万 (10⁴) for large values, at most one decimal."""
    magnitude = abs(value)
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        if magnitude >= size:
            return _trim(f"{value / size:.1f}") + unit
    if value == int(value):
        return str(int(value))
    return _trim(f"{value:.2f}")


def percent(value: float) -> str:
    """A share (0.25) as a percentage label (25%)."""
    return _trim(f"{value * 100:.1f}") + "%"


def exact_number(value: float) -> str:
    """A value as printed, for tooltips: thousands separators, up to six decimals, no trailing zeros."""
    if value == int(value):
        return f"{int(value):,}"
    return _trim(f"{value:,.6f}")


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_ticks(low: float, high: float, count: int = 6, integers: bool = False) -> list[float]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 × 10ᵏ) covering ``[low, high]``, zero included.

    ``integers``: the data are counts, so no tick falls between two whole numbers (0, 1, 2, not 0.25 …).
    """
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integers:
        step = max(1.0, 2 * step if step % 1 else step)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    tick = start
    while tick < high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    if ticks[-1] < high:
        ticks.append(round(tick, 10))
    return ticks


def _text_width(text: str, px: float = FONT_PX) -> float:
    """Approximate rendered width: wide (CJK) characters one em, others about 0.6 em."""
    return sum(px if ord(char) > 0x2E80 else px * 0.6 for char in text)


def _f(number: float) -> str:
    """A coordinate with one decimal, no negative zero: fixed text for fixed input."""
    text = f"{number:.1f}"
    return "0.0" if text == "-0.0" else text


@dataclass(frozen=True)
class _Frame:
    """The plot area inside the margins and the value → y mapping."""

    left: float
    top: float
    width: float
    height: float
    ticks: tuple[float, ...]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.top + self.height * (1 - (value - low) / (high - low))


def _frame(values: Sequence[float], tick_format: Formatter, width: int, height: int, top: float) -> _Frame:
    integers = all(float(v).is_integer() for v in values) and tick_format is not percent
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0), integers=integers)
    label_width = max(_text_width(tick_format(t)) for t in ticks)
    left = label_width + 12
    return _Frame(
        left=left,
        top=top,
        width=width - left - MARGIN_RIGHT,
        height=height - top - MARGIN_BOTTOM,
        ticks=tuple(ticks),
    )


def _open(title: str, width: int, height: int, chart_id: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]


def _legend(series: Sequence[Series], width: int) -> tuple[list[str], float]:
    """The legend above the plot, wrapped into rows; returns its marks and the top of the plot below it.
    A single series needs none (the figure's caption names it)."""
    parts: list[str] = []
    if len(series) < 2:
        return parts, MARGIN_TOP - 12
    x = 4.0
    y = 14.0
    for index, one in enumerate(series):
        label_width = _text_width(one.name) + 24
        if x + label_width > width and x > 4:
            x, y = 4.0, y + 16
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{_f(x)}" y="{_f(y - 9)}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{_f(x + 14)}" y="{_f(y)}" class="legend">{escape(one.name)}</text>')
        x += label_width
    return parts, max(y + 20, MARGIN_TOP)


def _axes(frame: _Frame, categories: Sequence[str], tick_format: Formatter) -> list[str]:
    parts: list[str] = []
    right = frame.left + frame.width
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(f'<line x1="{_f(frame.left)}" y1="{_f(y)}" x2="{_f(right)}" y2="{_f(y)}" class="grid"/>')
        parts.append(
            f'<text x="{_f(frame.left - 6)}" y="{_f(y + 4)}" text-anchor="end" class="tick">'
            f"{escape(tick_format(tick))}</text>"
        )
    band = frame.width / max(len(categories), 1)
    step = max(1, math.ceil(max((_text_width(c) for c in categories), default=0) / max(band - 4, 1)))
    bottom = frame.top + frame.height
    for index, category in enumerate(categories):
        if index % step:
            continue
        x = frame.left + band * (index + 0.5)
        parts.append(
            f'<text x="{_f(x)}" y="{_f(bottom + 16)}" text-anchor="middle" class="tick">{escape(category)}</text>'
        )
    zero = frame.y(0.0)
    parts.append(f'<line x1="{_f(frame.left)}" y1="{_f(zero)}" x2="{_f(right)}" y2="{_f(zero)}" class="axis"/>')
    return parts


def _empty(title: str, width: int, height: int, chart_id: str, message: str) -> str:
    parts = _open(title, width, height, chart_id)
    parts.append(
        f'<text x="{_f(width / 2)}" y="{_f(height / 2)}" text-anchor="middle" class="empty">{escape(message)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str,
    stacked: bool = False,
    tick_format: Formatter = compact_number,
    value_format: Formatter = exact_number,
    width: int = WIDTH,
    height: int = HEIGHT,
    empty_message: str = "no figures printed",
) -> str:
    """Bars per category, one per series side by side (or stacked): an SVG element as text.

    ``chart_id`` makes the element ids unique on a page. A None value draws no bar (it is not a zero).
    """
    present = [v for one in series for v in one.values if v is not None]
    if not present:
        return _empty(title, width, height, chart_id, empty_message)
    legend, top = _legend(series, width)
    if stacked:
        totals = [sum(v for one in series if (v := one.values[i]) is not None) for i in range(len(categories))]
        frame = _frame([*totals, *present], tick_format, width, height, top)
    else:
        frame = _frame(present, tick_format, width, height, top)
    parts = _open(title, width, height, chart_id)
    parts += _axes(frame, categories, tick_format)
    band = frame.width / max(len(categories), 1)
    # Bars at most MAX_BAR wide: a single year must not fill the chart with one slab.
    group = min(band * 0.8, MAX_BAR * (1 if stacked else max(len(series), 1)))
    bar = group if stacked else group / max(len(series), 1)
    for index, category in enumerate(categories):
        base = 0.0
        for number, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            x = frame.left + band * index + (band - group) / 2 + (0 if stacked else bar * number)
            start, end = (base, base + value) if stacked else (0.0, value)
            y_top, y_bottom = sorted((frame.y(start), frame.y(end)))
            colour = PALETTE[number % len(PALETTE)]
            label = f"{one.name} {category}: {value_format(value)}"
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(y_top)}" width="{_f(max(bar - 1, 1))}" '
                f'height="{_f(max(y_bottom - y_top, 0.5))}" fill="{colour}">'
                f"<title>{escape(label)}</title></rect>"
            )
            if stacked:
                base += value
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str,
    tick_format: Formatter = compact_number,
    value_format: Formatter = exact_number,
    width: int = WIDTH,
    height: int = HEIGHT,
    empty_message: str = "no figures printed",
) -> str:
    """Lines over the categories with a dot per value; a None breaks the line (a gap, not a zero)."""
    present = [v for one in series for v in one.values if v is not None]
    if not present:
        return _empty(title, width, height, chart_id, empty_message)
    legend, top = _legend(series, width)
    frame = _frame(present, tick_format, width, height, top)
    parts = _open(title, width, height, chart_id)
    parts += _axes(frame, categories, tick_format)
    band = frame.width / max(len(categories), 1)
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((frame.left + band * (index + 0.5), frame.y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for index, value in enumerate(one.values):
            if value is None:
                continue
            x, y = frame.left + band * (index + 0.5), frame.y(value)
            label = f"{one.name} {categories[index]}: {value_format(value)}"
            parts.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{colour}"><title>{escape(label)}</title></circle>'
            )
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts)
