"""Footnote marks in a source text (`<sup>n</sup>`, seed 002) and the stored texts that carry them.

Seed 002 marks 28 terms in its body with `<sup>n</sup>`; each n is an entry of its annexed
名词解释 (the glossary table). The stored texts (plan_tasks.text, plan_indicators.raw_text)
drop the marks, as the verbatim check does (verbatim.squeeze), so which marks a stored
text carries, and where, is read back from the source: the text is found in the squeezed
source near its source_lines, and every mark whose position falls inside the found span
belongs to it (a mark right after the text's last character, as in "…圆梦计划<sup>15</sup>",
belongs to it too). The check (source_check.check_footnotes) holds the glossary_marks table
(one row per entry and data row) to this reading; the pages place each mark's link where the
mark stood.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from fundsite.check.verbatim import GAP, squeeze

MARK = re.compile(r"<sup>(\d+)</sup>")
_TOKENS = re.compile(r"(<sup>\d+</sup>|</?b>|\*\*|\s+)")
_LINES = re.compile(r"(\d+)(?:-(\d+))?")


class Mark(NamedTuple):
    n: int  # the footnote number
    position: int  # index in the stored text right after the character the mark followed
    line: int  # the source line that prints the mark


def line_numbers(source_lines: str | None) -> set[int]:
    """{line, …} of a source_lines value such as "93,99-101"."""
    found = set()
    for match in _LINES.finditer(source_lines or ""):
        start = int(match.group(1))
        found.update(range(start, int(match.group(2) or start) + 1))
    return found


class MarkedSource:
    """A source text squeezed as the verbatim check squeezes it, remembering the line of every
    kept character and the position and line of every footnote mark."""

    def __init__(self, text: str):
        kept: list[str] = []
        self.line_of: list[int] = []
        self.marks: list[tuple[int, int, int]] = []  # (squeezed offset, n, line)
        for number, line in enumerate(text.split("\n"), start=1):
            for token in _TOKENS.split(line):
                if not token:
                    continue
                mark = MARK.fullmatch(token)
                if mark:
                    self.marks.append((len(kept), int(mark.group(1)), number))
                elif not _TOKENS.fullmatch(token):
                    kept.extend(token)
                    self.line_of.extend([number] * len(token))
        self.text = "".join(kept)
        assert self.text == squeeze(text)

    def marks_in(self, stored: str | None, source_lines: str | None) -> list[Mark]:
        """Every mark the stored text carries, in order."""
        if not stored:
            return []
        lines = line_numbers(source_lines)
        found: list[Mark] = []
        offset_in_stored = 0
        search_from = 0
        for piece in stored.split(GAP):
            needle = squeeze(piece)
            start = self._find(needle, lines, search_from) if needle else -1
            if start >= 0:
                end = start + len(needle)
                # squeezed index -> index in the stored piece
                positions = [i for i, ch in enumerate(piece) if squeeze(ch)]
                for offset, n, line in self.marks:
                    if start < offset <= end:
                        found.append(Mark(n, offset_in_stored + positions[offset - start - 1] + 1, line))
                search_from = end
            offset_in_stored += len(piece) + len(GAP)
        return found

    def _find(self, needle: str, lines: set[int], search_from: int) -> int:
        """The occurrence of needle that starts on one of `lines` (the first one if none does)."""
        first, at = -1, self.text.find(needle, search_from)
        while at >= 0:
            if first < 0:
                first = at
            if not lines or self.line_of[at] in lines:
                return at
            at = self.text.find(needle, at + 1)
        return first


def footnote_segments(stored: str, marks: list[Mark]) -> list[tuple[str, int | None]]:
    """The stored text cut at its marks: [(text, n or None), …] for a template to join, escaping
    each text and linking each n."""
    segments, last = [], 0
    for mark in sorted(marks, key=lambda m: m.position):
        segments.append((stored[last:mark.position], mark.n))
        last = mark.position
    segments.append((stored[last:], None))
    return segments
