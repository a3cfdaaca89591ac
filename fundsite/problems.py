"""The one error model of the build: a Problem is one line a maintainer can act on."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Values longer than this are cut in messages: the line must stay readable, and
# the row and field already say where the whole value is.
SHOWN_CHARS = 40
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Zs"}  # controls, zero-width, bidi marks, odd spaces
_LINE_BREAKING = {"Cc", "Zl", "Zp"}  # what would split or garble a problem line
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str, categories: set[str]) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    if ch != " " and unicodedata.category(ch) in categories:
        return f"\\u{ord(ch):04x}"
    return ch


def visible(text: str, categories: set[str] = _INVISIBLE) -> str:
    """text with line breaks, tabs and invisible characters written as escapes."""
    return "".join(_escape(ch, categories) for ch in text)


def quoted(value) -> str:
    """A data value as a message shows it: in double quotes, every character
    visible (a zero-width space in an id is the whole problem), and cut short
    if long."""
    text = "" if value is None else str(value)
    if len(text) > SHOWN_CHARS + 10:
        return f'"{visible(text[:SHOWN_CHARS])}…" ({len(text):,} characters)'
    return f'"{visible(text)}"'


@dataclass(frozen=True, order=True)
class Problem:
    """A data problem, printed as `path:row:field: error-type: message`.

    row is the CSV line number (the header is line 1), or 0 when the problem
    concerns a whole file; field is "-" when no single field is at fault.
    """

    path: str
    row: int
    field: str
    kind: str
    message: str

    def line(self) -> str:
        # One problem, one line, whatever a column name or message holds.
        row = str(self.row) if self.row else "-"
        return visible(f"{self.path}:{row}:{self.field or '-'}: {self.kind}: {self.message}", _LINE_BREAKING)


def summary(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    return f"Build aborted: {len(problems)} {noun} in {files} {fnoun}. The published site was not changed."
