"""What rendering gives publishing: pages mkdocs renders from Markdown, entity pages already in
HTML (DirectPage), and the page shell's Markdown they are later written into (publish/page_shell.py).

A large package's rendered pages and CSVs wait in one spool file (PageSpool) instead of
memory; publishing reads them back from there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SHELL_SOURCE = "_shell/page.md"  # -> _shell/page/, depth 2 like districts/huadu/
SHELL_URL = "_shell/page/"
TITLE_MARK = "FSTITLEMARKER"
CONTENT_MARK = "FSCONTENTMARKER"
TOC_MARK = "FSTOCMARKER"

SHELL_MARKDOWN = f"""---
title: "{TITLE_MARK}"
---

<div>{CONTENT_MARK}</div>

## {TOC_MARK}
"""


def shell_markdown(with_toc: bool) -> str:
    """The shell's Markdown; without a table of contents for a page that has no sections."""
    return SHELL_MARKDOWN if with_toc else SHELL_MARKDOWN.replace(f"\n## {TOC_MARK}\n", "")


_HEADING = re.compile(r'<h([23]) id="([a-z0-9-]+)">(.*?)</h\1>')
_MARKDOWN_HEADING = re.compile(r"^#{1,6} ", re.M)


@dataclass
class DirectPage:
    url: str  # 'districts/huadu/'
    title: str
    content: str | None  # HTML, or None when it waits in a spool file
    spooled: tuple[Path, int, int] | None = None  # (spool file, offset, length): a large build does not hold every page
    reused: Path | None = None  # the published page, whose inputs did not change (page_memo.py): linked, not rendered

    def html(self) -> str:
        if self.content is not None:
            return self.content
        return spooled_bytes(self.spooled).decode("utf-8")


def spooled_bytes(where: tuple[Path, int, int]) -> bytes:
    """What PageSpool.put() put at where."""
    path, offset, length = where
    with open(path, "rb") as spool:
        spool.seek(offset)
        return spool.read(length)


class PageSpool:
    """Rendered pages and CSVs waiting on disk, all in one file: a file per page would cost a new
    file each, and making files is the dearest thing a large build does on some disks."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / "pages.spool"
        self._file = open(self.path, "ab")

    def put(self, data: bytes) -> tuple[Path, int, int]:
        offset = self._file.tell()
        self._file.write(data)
        return self.path, offset, len(data)

    def close(self) -> None:
        self._file.close()


def headings_of(content: str) -> list[tuple[str, str, str]]:
    """(level, id, inner HTML) of the h2/h3 headings the templates wrote."""
    return _HEADING.findall(content)


