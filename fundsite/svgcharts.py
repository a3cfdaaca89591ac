"""Draw horizontal bar charts as inline SVG at build time: no JavaScript, no library.

Each row is a label on its own line with one or more bars under it, so long
Chinese names never collide with the bars. Every bar carries its value as text
(prefixed with the series name when there are several series), so the chart
never relies on colour alone. The SVG has role="img" with a <title> and <desc>;
the page puts a table of the same figures beside it.

Output is deterministic: coordinates are rounded to one decimal, rows keep the
order they were given, every text is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH = 720
PAD = 8
LABEL_SIZE = 14  # px, label line above the bars
VALUE_SIZE = 13
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 14
MIN_TRACK = 360  # the longest bar is at least this long
LEGEND_HEIGHT = 24
# Indigo shades that keep 3:1 against white (WCAG non-text contrast); the value
# text beside each bar names its series anyway.
SERIES_FILLS = ("#3949ab", "#00838f", "#8e24aa")


@dataclass
class Bar:
    value: Decimal | int | float  # drives the length only
    text: str  # what the reader sees: the printed figure or a formatted sum
    series: int = 0


@dataclass
class Row:
    label: str
    bars: list[Bar] = field(default_factory=list)


def _n(x: float) -> str:
    """Coordinates with one decimal and no '-0.0', so output is stable."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def text_width(text: str, size: float) -> float:
    """A generous estimate of rendered width: CJK and full-width signs are one em, the rest about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _row_height(row: Row) -> float:
    bars = max(len(row.bars), 1)
    return LABEL_SIZE + 6 + bars * BAR_HEIGHT + (bars - 1) * BAR_GAP + ROW_GAP


def bar_chart(chart_id: str, title: str, desc: str, rows: list[Row], series: list[str] | None = None,
              scale_per_row: bool = False) -> Markup:
    """An SVG with one row per label.

    series: names of the series (a legend is drawn when there are two or more).
    scale_per_row: each row is scaled to its own largest bar, for rows whose
    units differ (a plan's 万人 next to its %); otherwise one scale for all.
    """
    series = series or []
    legend = len(series) > 1
    top = PAD + (LEGEND_HEIGHT if legend else 0)
    height = top + sum(_row_height(r) for r in rows) + PAD - ROW_GAP
    prefixes = [f"{name}：" if legend else "" for name in series] or [""]
    value_space = max((text_width(prefixes[b.series % len(prefixes)] + b.text, VALUE_SIZE) for r in rows for b in r.bars), default=0) + 12
    label_space = max((text_width(r.label, LABEL_SIZE) for r in rows), default=0)
    # Wide enough for every label and for the longest bar plus its value; the
    # browser scales the whole drawing down to the column width.
    width = max(WIDTH, PAD * 2 + label_space, PAD * 2 + MIN_TRACK + value_space)
    track = width - 2 * PAD - value_space
    overall = max((float(b.value) for r in rows for b in r.bars), default=0.0)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fs-chart-svg" viewBox="0 0 {_n(width)} {_n(height)}" '
             f'width="{_n(width)}" height="{_n(height)}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    if legend:
        x = PAD
        for i, name in enumerate(series):
            parts.append(f'<rect x="{_n(x)}" y="{_n(PAD + 2)}" width="14" height="14" fill="{SERIES_FILLS[i % len(SERIES_FILLS)]}" class="fs-series-{i}"/>'
                         f'<text x="{_n(x + 20)}" y="{_n(PAD + 14)}" font-size="{VALUE_SIZE}" class="fs-chart-text">{escape(name)}</text>')
            x += 20 + VALUE_SIZE * (len(name) + 2)
    y = top
    for row in rows:
        parts.append(f'<text x="{PAD}" y="{_n(y + LABEL_SIZE)}" font-size="{LABEL_SIZE}" class="fs-chart-text fs-chart-label">{escape(row.label)}</text>')
        scale = max((float(b.value) for b in row.bars), default=0.0) if scale_per_row else overall
        by = y + LABEL_SIZE + 6
        for bar in row.bars:
            length = track * float(bar.value) / scale if scale > 0 else 0.0
            length = max(length, 1.0) if float(bar.value) > 0 else 0.0  # a tiny value stays visible
            fill = SERIES_FILLS[bar.series % len(SERIES_FILLS)]
            prefix = f"{series[bar.series]}：" if legend else ""
            parts.append(f'<rect x="{PAD}" y="{_n(by)}" width="{_n(length)}" height="{BAR_HEIGHT}" fill="{fill}" class="fs-series-{bar.series}"/>'
                         f'<text x="{_n(PAD + length + 6)}" y="{_n(by + BAR_HEIGHT - 3)}" font-size="{VALUE_SIZE}" class="fs-chart-text">{escape(prefix + bar.text)}</text>')
            by += BAR_HEIGHT + BAR_GAP
        y += _row_height(row)
    parts.append("</svg>")
    # One line: Markdown must see the whole SVG as a single raw HTML block.
    return Markup("".join(parts))
