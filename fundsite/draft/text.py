"""Reading flattened PDF text: physical lines, line spans, wrapped lines."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path


def read_lines(path: Path) -> list[str]:
    """Physical lines; split on \\n so a last line without newline is kept."""
    return Path(path).read_text(encoding="utf-8").split("\n")


def width(text: str) -> float:
    """Column width: ASCII counts half, so "中心2020年IPv6升级改造项目" still fits a name column."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def join_lines(parts) -> str:
    """Join wrapped (line, text) pieces with no separator: the PDF wrapped them, the author did not."""
    return "".join(t for _, t in parts).strip()


def line_span(numbers) -> str:
    """[17, 18, 20] -> "17-18,20"."""
    nums = sorted(set(numbers))
    out, start = [], nums[0]
    for a, b in zip(nums, nums[1:] + [None]):
        if b != a + 1:
            out.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    return ",".join(out)


def number(text: str) -> str:
    """'100.00' -> '100', '12.5' -> '12.5' (no float noise)."""
    return format(Decimal(text).normalize(), "f")


class Joined:
    """Lines joined with no separator, remembering which line each character came from.

    Indicator paragraphs are re-wrapped by the PDF with no regard for where an
    indicator ends, so readers search the joined text and map matches back to lines.
    """

    def __init__(self, numbered_lines):
        self.text = ""
        self.owner: list[int] = []
        for no, line in numbered_lines:
            self.text += line
            self.owner += [no] * len(line)

    def pieces(self, start: re.Pattern) -> list[tuple[re.Match, int]]:
        """Every match of `start` with where its piece ends: at the next match, or at the end of the text."""
        starts = list(start.finditer(self.text))
        return list(zip(starts, [m.start() for m in starts[1:]] + [len(self.text)]))

    def lines_of(self, start: int, end: int) -> list[int]:
        """The lines holding the non-blank characters of text[start:end]."""
        return sorted({self.owner[i] for i in range(start, end) if not self.text[i].isspace()})


CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”《》])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”《》\d])"
                     r"|(?<=[\d])\s+(?=[\u4e00-\u9fff\uff00-\uffef])")


def tidy(text: str) -> str:
    """Remove the spaces a line wrap leaves between Chinese characters ("关于印发 《…》" -> "关于印发《…》")."""
    return CJK_GAP.sub("", text.strip())
