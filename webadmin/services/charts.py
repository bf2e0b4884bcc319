"""Geometry of the report charts, drawn by the templates as inline SVG (no script, no library).

The page's Content-Security-Policy allows no inline script or style, so a chart is plain SVG
elements with presentation attributes; every number here is in SVG user units of the chart's
viewBox, and the browser scales the whole chart to the page's width.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

# Series colours (the admin's own palette): calls, service level, abandon rate.
FILLS = {"calls": "#1d4ed8", "sl": "#15803d", "abandon": "#dc2626"}


@dataclasses.dataclass(frozen=True)
class Bar:
    """One rectangle, with the text a mouse-over shows (`title`) and an optional label."""

    x: float
    y: float
    width: float
    height: float
    title: str
    kind: str = ""  # which series (a CSS class and a fill colour)
    label: str = ""

    @property
    def fill(self) -> str:
        return FILLS.get(self.kind, "#64748b")


@dataclasses.dataclass(frozen=True)
class Tick:
    """A grid line or axis label: its position and text."""

    at: float
    text: str


@dataclasses.dataclass(frozen=True)
class Chart:
    """Bars in a width x height box, the axis ticks, and the plot area's edges."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def nice_ceiling(value: float) -> float:
    """Return the smallest of 1, 2, 5 x 10^n at or above `value` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def hourly_chart(counts: Sequence[int], title: str) -> Chart:
    """Vertical bars of calls per hour of day (0-23); `title` has {hour} and {count} placeholders."""
    width, height, left, right, top, bottom = 720.0, 220.0, 40.0, 710.0, 12.0, 190.0
    top_value = nice_ceiling(max(counts, default=0))
    slot = (right - left) / len(counts) if counts else 0.0
    bars = []
    for hour, count in enumerate(counts):
        h = (bottom - top) * count / top_value
        bars.append(
            Bar(
                x=round(left + hour * slot + slot * 0.15, 2),
                y=round(bottom - h, 2),
                width=round(slot * 0.7, 2),
                height=round(h, 2),
                title=title.format(hour=f"{hour:02d}", count=count),
                kind="calls",
                label=str(count) if count else "",
            )
        )
    x_ticks = [Tick(round(left + hour * slot + slot / 2, 2), f"{hour:02d}") for hour in range(len(counts))]
    y_ticks = [
        Tick(round(bottom - (bottom - top) * part, 2), _number(top_value * part)) for part in (0, 0.5, 1)
    ]
    return Chart(width, height, left, right, top, bottom, bars, x_ticks, y_ticks)


def rate_chart(rows: Sequence[tuple[str, float | None, float | None]], titles: tuple[str, str]) -> Chart:
    """Horizontal bar pairs per queue: service level and abandon rate, both 0-100 %.

    `rows` are (label, service level, abandon rate) as 0..1 or None (nothing to measure: no bar);
    `titles` are the mouse-over texts of the two series, with {label} and {value} placeholders.
    """
    left, right, top, row_height = 150.0, 660.0, 24.0, 34.0  # room right of 100 % for its label
    height = top + row_height * max(1, len(rows)) + 22.0
    bottom = height - 22.0
    bars = []
    for n, (label, sl, abandon) in enumerate(rows):
        y = top + n * row_height + 4
        for offset, kind, value, title in ((0, "sl", sl, titles[0]), (13, "abandon", abandon, titles[1])):
            if value is None:
                continue
            shown = f"{100 * value:.1f}%"
            bars.append(
                Bar(
                    x=left,
                    y=y + offset,
                    width=round((right - left) * max(0.0, min(1.0, value)), 2),
                    height=11.0,
                    title=title.format(label=label, value=shown),
                    kind=kind,
                    label=shown,
                )
            )
    x_ticks = [Tick(round(left + (right - left) * p / 100, 2), f"{p}%") for p in (0, 25, 50, 75, 100)]
    y_ticks = [Tick(top + n * row_height + 15, label) for n, (label, _, _) in enumerate(rows)]
    return Chart(720.0, height, left, right, top, bottom, bars, x_ticks, y_ticks)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
