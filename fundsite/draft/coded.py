"""Coded indicator runs: "1、1-产出指标；11-数量指标；名称；实施周期指标值:≥20人；年度指标值:≥20人。"

The shape of seed 001 (source-notes 6.10, 6.25): each printed indicator carries two values,
so it gives two rows, part 1 for 实施周期 and part 2 for 年度.  The run is re-wrapped at
any character ("实施周期指标" / "值:", "3" / "、1-产出指标"), so the reader works on the
document's lines joined without separators.
"""
from __future__ import annotations

import re

from fundsite.draft.indicator import indicator
from fundsite.draft.text import Joined

START = re.compile(r"(?<!\d)(\d+)\s*、\s*(\d+\s*-\s*(?:产出指标|效益指标|满意度指标|成本指标|可持续影响指标))\s*[；;]")
PIECE = re.compile(r"^(?P<l2>\d+\s*-[^；;]*)[；;](?P<name>.*?)[；;]\s*实\s*施\s*周\s*期\s*指\s*标\s*值\s*[:：](?P<cycle>.*?)"
                   r"[；;]\s*年\s*度\s*指\s*标\s*值\s*[:：](?P<year>.*)$", re.S)
# Where a run ends when nothing follows: a line that is not indicator text (a project row, a header).
PLAIN_END = re.compile(r"。")


def coded_indicators(lines: list[str]) -> list[dict]:
    joined = Joined((no, line.strip()) for no, line in enumerate(lines, start=1) if line.strip())
    text = joined.text
    out = []
    for m, end in joined.pieces(START):
        body = text[m.end():end]
        found = PIECE.match(body)
        if not found:
            out.append(dict(_unread=text[m.start():end][:200], lines=joined.lines_of(m.start(), min(end, m.end() + 80))))
            continue
        year = found.group("year")
        stop = year.find("。")                       # the run ends at the first "。" after the last value
        if stop >= 0:
            year = year[:stop + 1]
        piece_end = m.end() + found.start("year") + len(year)
        piece = text[m.start():piece_end]
        src = joined.lines_of(m.start(), piece_end)
        name_raw = found.group("name")
        for k, (period, value) in enumerate((("实施周期", found.group("cycle")), ("年度", year)), start=1):
            for row in indicator(m.group(2), found.group("l2"), name_raw.strip(), value.strip().rstrip("。"), period, piece, src):
                row["part"] = k
                out.append(row)
    return out
