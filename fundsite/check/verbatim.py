"""Check that raw values in the data stand verbatim in their source text.

The seeds are PDF text: cells break across lines and pick up padding spaces,
and seed 002 keeps Markdown/HTML remnants. Matching therefore ignores all
whitespace and those remnants, but nothing else: punctuation, full-width
signs and typos must match exactly.
"""
from __future__ import annotations

import re
from pathlib import Path

# Which columns hold text copied from the source, per table.
RAW_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("title_raw", "doc_number_raw", "issue_date_raw"),
    "projects": ("name_raw", "seq_label", "period_raw", "goal_text"),
    "allocations": ("amount_raw", "function_name_raw", "dept_econ_name_raw", "gov_econ_name_raw", "direct_fund_raw", "content_text", "goal_text"),
    "indicators": ("level1_raw", "level2_raw", "name_raw", "operator_raw", "value_raw", "raw_text"),
    "plan_indicators": ("seq_label", "category_raw", "baseline_raw", "target_raw", "actual_raw", "raw_text"),
    "plan_tasks": ("seq_label", "text"),
    "plan_task_units": ("unit_name_raw",),
    "glossary": ("term", "definition", "raw_text"),
    "stated_totals": ("label_raw", "amount_raw"),
    "funds": ("name_raw",),
    "budget_subjects": ("name", "raw_text"),
}

# A raw value may skip page furniture between two of its pieces: "A … B".
GAP = " … "

_REMNANTS = re.compile(r"<sup>\d+</sup>|</?b>|\*\*")
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Drop whitespace and converter remnants, keep every other character."""
    return _SPACE.sub("", _REMNANTS.sub("", text))


class SourceTexts:
    """Source texts, squeezed once, looked up by file name: the files of a folder (the seeds),
    or texts already read (SourceTexts.of(model.source_texts))."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else None
        self.texts: dict[str, str] = {}
        self._cache: dict[str, str] = {}

    @classmethod
    def of(cls, texts: dict[str, str]) -> "SourceTexts":
        found = cls()
        found.texts = texts
        return found

    def text(self, source_file: str) -> str | None:
        if source_file not in self._cache:
            if source_file not in self.texts and self.folder is not None and (self.folder / source_file).is_file():
                self.texts[source_file] = (self.folder / source_file).read_text(encoding="utf-8")
            if source_file not in self.texts:
                return None
            self._cache[source_file] = squeeze(self.texts[source_file])
        return self._cache[source_file]

    def contains(self, source_file: str, raw: str) -> bool:
        """True when every piece of raw appears in the source, in order."""
        text = self.text(source_file)
        if text is None:
            return False
        start = 0
        for piece in raw.split(GAP):
            needle = squeeze(piece)
            if not needle:
                continue
            found = text.find(needle, start)
            if found < 0:
                return False
            start = found + len(needle)
        return True
