"""Draw horizontal bar charts as inline SVG at build time: no JavaScript, no library.

Each row is a label on its own line(s) with one or more bars under it, so long
Chinese names never collide with the bars. Charts are drawn at a phone's column
width (WIDTH) and never scaled up: their text is the size it says on a 390 px
phone and on a desktop alike; a long label wraps onto further lines. Every bar carries its value as text
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

WIDTH = 350  # a 390 px phone's text column, so the drawing is never scaled down there
PAD = 8
LABEL_SIZE = 14  # px, label line(s) above the bars
LABEL_LINE = 18
VALUE_SIZE = 13
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 14
MIN_TRACK = 150  # the longest bar is at least this long
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


def wrap(text: str, size: float, width: float) -> list[str]:
    """The text in lines no wider than width (a character at a time: Chinese has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line or not lines else lines


def _row_height(row: Row, label_lines: int) -> float:
    bars = max(len(row.bars), 1)
    return LABEL_LINE * (label_lines - 1) + LABEL_SIZE + 6 + bars * BAR_HEIGHT + (bars - 1) * BAR_GAP + ROW_GAP


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
    prefixes = [f"{name}：" if legend else "" for name in series] or [""]
    value_space = max((text_width(prefixes[b.series % len(prefixes)] + b.text, VALUE_SIZE) for r in rows for b in r.bars), default=0) + 12
    # Wide enough for the longest bar plus its value; labels wrap to the width.
    width = max(WIDTH, PAD * 2 + MIN_TRACK + value_space)
    labels = [wrap(r.label, LABEL_SIZE, width - 2 * PAD) for r in rows]
    height = top + sum(_row_height(r, len(lines)) for r, lines in zip(rows, labels)) + PAD - ROW_GAP
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
    for row, lines in zip(rows, labels):
        spans = "".join(f'<tspan x="{PAD}" dy="{0 if i == 0 else LABEL_LINE}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        parts.append(f'<text x="{PAD}" y="{_n(y + LABEL_SIZE)}" font-size="{LABEL_SIZE}" class="fs-chart-text fs-chart-label">{spans}</text>')
        scale = max((float(b.value) for b in row.bars), default=0.0) if scale_per_row else overall
        by = y + LABEL_LINE * (len(lines) - 1) + LABEL_SIZE + 6
        for bar in row.bars:
            length = track * float(bar.value) / scale if scale > 0 else 0.0
            length = max(length, 1.0) if float(bar.value) > 0 else 0.0  # a tiny value stays visible
            fill = SERIES_FILLS[bar.series % len(SERIES_FILLS)]
            prefix = f"{series[bar.series]}：" if legend else ""
            parts.append(f'<rect x="{PAD}" y="{_n(by)}" width="{_n(length)}" height="{BAR_HEIGHT}" fill="{fill}" class="fs-series-{bar.series}"/>'
                         f'<text x="{_n(PAD + length + 6)}" y="{_n(by + BAR_HEIGHT - 3)}" font-size="{VALUE_SIZE}" class="fs-chart-text">{escape(prefix + bar.text)}</text>')
            by += BAR_HEIGHT + BAR_GAP
        y += _row_height(row, len(lines))
    parts.append("</svg>")
    # One line: Markdown must see the whole SVG as a single raw HTML block.
    return Markup("".join(parts))
