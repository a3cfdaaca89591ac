"""Write entity pages straight into the built site, in the theme's own page shell.

mkdocs renders every page through Markdown and the whole theme; at thousands of
entity pages that dominates the build. Entity templates (*.html.j2) produce HTML
already, so mkdocs renders a single shell page (same depth as every entity page,
so every relative asset link is right; its Markdown is site/rendered.py's), and after
mkdocs has built the site (the on_post_build hook, mkdocs_site.py) each entity page
is that shell with its title, table of contents and content filled in. (What search
finds of each page is its record from the renderer, see search_records.py.)
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from fundsite.publish.unchanged_files import link_if_same, link_or_copy, write_new
from fundsite.site.rendered import (_MARKDOWN_HEADING, CONTENT_MARK, SHELL_URL, TITLE_MARK, TOC_MARK, DirectPage,
                                    headings_of)


class TemplateError(RuntimeError):
    """A template wrote Markdown into a page that never goes through Markdown."""


_SLOT = re.compile("\x00(TOC|CONTENT|SKIP|URL)\x00")
# The shell's canonical link names the shell; each page's names the page (when site_url is set).
_SHELL_CANONICAL = re.compile(r'(<link rel="canonical" href="[^"]*?)' + re.escape(SHELL_URL) + '(")')


_INDENT = re.compile(r"\n\s+")


def _squeeze(html_text: str) -> str:
    """The theme's indentation and blank lines out: each run of white space that starts a line
    becomes one line break, which HTML shows as it showed the run. Text holding <pre> or
    <textarea>, where white space shows as it is, is kept whole."""
    if "<pre" in html_text or "<textarea" in html_text:
        return html_text
    return _INDENT.sub("\n", html_text)


@dataclass
class Shell:
    """The theme's page cut into static text and slots: TOC (twice: sidebar and
    mobile nav), CONTENT and the skip-to-content link target."""

    toc_item: str | None  # None: a shell without a table of contents
    parts: list[str]  # static text and slot names, alternating

    @classmethod
    def parse(cls, text: str, heading: str = TITLE_MARK) -> "Shell":
        """heading: the theme's h1 of the page (a page in the navigation has its title from there)."""
        anchor = f'href="#{TOC_MARK.lower()}" class="md-nav__link"'
        toc_item = None
        while anchor in text:
            at = text.index(anchor)
            start = text.rindex('<li class="md-nav__item">', 0, at)
            end = text.index("</li>", at) + len("</li>")
            toc_item = text[start:end]
            text = text[:start] + "\x00TOC\x00" + text[end:]
        content_start = text.index(f"<h1>{heading}</h1>")
        marker_h2 = f'<h2 id="{TOC_MARK.lower()}">{TOC_MARK}</h2>'
        if toc_item is None and marker_h2 in text:
            raise ValueError("the shell page has no table of contents")
        end_mark = marker_h2 if toc_item else f"<div>{CONTENT_MARK}</div>"
        content_end = text.index(end_mark) + len(end_mark)
        text = text[:content_start] + "\x00CONTENT\x00" + text[content_end:]
        text = text.replace(f'href="#{TOC_MARK.lower()}"', 'href="#\x00SKIP\x00"')
        text = _SHELL_CANONICAL.sub("\\1\x00URL\x00\\2", text)
        if TOC_MARK in text:
            raise ValueError("the shell page uses the TOC marker in an unexpected place")
        parts = _SLOT.split(text)
        # The theme indents its HTML: about 3.7 KB of a 25 KB page, times every entity page.
        # Only the shell's own text is squeezed, never a page's content.
        return cls(toc_item and _squeeze(toc_item), [part if i % 2 else _squeeze(part) for i, part in enumerate(parts)])

    def render(self, page: DirectPage, content: str, headings: list[tuple[str, str, str]]) -> str:
        title = html.escape(page.title)
        toc = "".join(
            self.toc_item.replace(f"#{TOC_MARK.lower()}", f"#{anchor}").replace(TOC_MARK, text)
            for level, anchor, text in headings if level == "2") if self.toc_item else ""
        slots = {"TOC": toc, "CONTENT": content, "SKIP": headings[0][1] if headings else "", "URL": html.escape(page.url)}
        # split() with a capturing group alternates text and slot names.
        return "".join(slots[part] if i % 2 else part.replace(TITLE_MARK, title) for i, part in enumerate(self.parts))


def _checked_html(page: DirectPage) -> str:
    content = page.html()
    if _MARKDOWN_HEADING.search(content):
        raise TemplateError(f"{page.url}: a template wrote a Markdown heading; these pages are HTML, use h2()")
    return content


def write_direct_pages(site_dir: Path, pages: list[DirectPage], previous: Path | None = None,
                       nav_fills: list[DirectPage] = (), memo=None) -> int:
    """Fill the shell for every page, drop the shell; return how many pages were linked.

    Pages in the navigation (nav_fills) were built by mkdocs from the shell's Markdown, so
    that the navigation marks them as the current page: each is filled into its own shell.

    A page whose bytes are those of the same page in the previous site (`previous`)
    is hard-linked from there instead of written (see unchanged_files.py), and so is a page
    not rendered because its inputs did not change (page.reused; memo: the build's PageMemo,
    which refuses a shell other than the one those pages were written into)."""
    shell_dir = site_dir / SHELL_URL
    shell_text = (shell_dir / "index.html").read_text(encoding="utf-8")
    if memo is not None:
        memo.check_shell(shell_text)
    shell = Shell.parse(shell_text)
    for page in sorted(nav_fills, key=lambda p: p.url):
        content = _checked_html(page)
        target = site_dir / page.url / "index.html"
        own_shell = Shell.parse(target.read_text(encoding="utf-8"), heading=html.escape(page.title))
        target.unlink()  # mkdocs's placeholder
        target.write_text(own_shell.render(page, content, headings_of(content)), encoding="utf-8")
    linked = 0
    for page in sorted(pages, key=lambda p: p.url):
        target = site_dir / page.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.reused is not None:
            link_or_copy(page.reused, target)
            linked += 1
            continue
        content = _checked_html(page)
        headings = headings_of(content)
        data = shell.render(page, content, headings).encode("utf-8")
        if previous and link_if_same(previous / page.url / "index.html", data, target):
            linked += 1
        else:
            write_new(target, data)
    for leftover in sorted(shell_dir.parent.rglob("*"), reverse=True):
        leftover.unlink() if leftover.is_file() else leftover.rmdir()
    shell_dir.parent.rmdir()
    return linked
