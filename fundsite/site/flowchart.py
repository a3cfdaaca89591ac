"""Draw where a fund's money goes as an icicle diagram: inline SVG at build time, no JavaScript.

Columns are the levels of the chain (the fund, its tasks, sub-projects, the districts that
receive the money); each node is a band whose height is its share of the fund, so a node's
children exactly fill its height. Every band links to its page (so the drawing is a
group of links, not an image), carries its name and amount in a <title>, and is labelled when it is tall enough to hold a line of text; the page puts
a table of the same flows beside it. Output is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from fundsite.site.svgcharts import _n, text_width

WIDTH = 720
HEIGHT = 640  # the whole fund
HEADER = 22  # column titles
GAP = 4  # between columns
TEXT = 12  # px
FILLS = ("#283593", "#3949ab", "#5c6bc0", "#7986cb")  # darker to lighter by level; white text keeps 4.5:1 on the first three
DARK_TEXT_FROM = 3  # levels from here on get dark text on a light band


@dataclass
class Node:
    label: str
    value: int  # yuan
    url: str | None = None  # relative link, made by the caller
    amount: str = ""  # the value as shown, "1,275 万元"
    children: list["Node"] = field(default_factory=list)


def _fit(text: str, width: float) -> str:
    """The label cut to the band's width, with an ellipsis when cut."""
    if text_width(text, TEXT) <= width:
        return text
    while text and text_width(text + "…", TEXT) > width:
        text = text[:-1]
    return text + "…" if text else ""


def icicle(chart_id: str, title: str, desc: str, root: Node, columns: list[str]) -> Markup:
    """The SVG of root's tree; columns name the levels (root first)."""
    depth = len(columns)
    col = (WIDTH - GAP * (depth - 1)) / depth
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fs-chart-svg fs-flow-svg" viewBox="0 0 {WIDTH} {HEADER + HEIGHT}" '
             f'width="{WIDTH}" height="{HEADER + HEIGHT}" role="group" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    for level, name in enumerate(columns):
        parts.append(f'<text x="{_n(level * (col + GAP))}" y="{TEXT + 2}" font-size="{TEXT}" font-weight="700" '
                     f'class="fs-chart-text">{escape(name)}</text>')

    def draw(node: Node, level: int, y: float, height: float) -> None:
        x = level * (col + GAP)
        fill = FILLS[min(level, len(FILLS) - 1)]
        colour = "#1a1a1a" if level >= DARK_TEXT_FROM else "#ffffff"
        band = (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(col)}" height="{_n(max(height, 0.5))}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="0.5"><title>{escape(node.label)}：{escape(node.amount)}</title></rect>')
        if height >= TEXT + 4:
            lines = [node.label, node.amount] if height >= 2 * TEXT + 8 else [f"{node.label} {node.amount}"]
            for i, line in enumerate(lines):
                band += (f'<text x="{_n(x + 4)}" y="{_n(y + TEXT + 2 + i * (TEXT + 3))}" font-size="{TEXT}" fill="{colour}">'
                         f'{escape(_fit(line, col - 8))}</text>')
        parts.append(f'<a href="{escape(node.url)}">{band}</a>' if node.url else band)
        child_y = y
        for child in node.children:
            child_height = height * child.value / node.value if node.value else 0.0
            draw(child, level + 1, child_y, child_height)
            child_y += child_height

    draw(root, 0, HEADER, HEIGHT)
    parts.append("</svg>")
    return Markup("".join(parts))
