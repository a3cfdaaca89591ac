"""Crawl a built site on disk: every internal link, anchor, asset and download, and what reaches what."""
from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = ("href", "src", "poster", "data")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in LINK_ATTRS:
            if attrs.get(name):
                self.links.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append(candidate.split()[0])


@dataclass
class Crawl:
    site: Path
    pages: dict[Path, _Page] = field(default_factory=dict)
    checked: int = 0  # internal links and anchors looked at
    broken: list[str] = field(default_factory=list)
    edges: dict[Path, set[Path]] = field(default_factory=dict)  # file -> files it links to

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.site))


def _is_external(link: str) -> bool:
    parts = urlsplit(link)
    return bool(parts.scheme) or link.startswith("//")


def _target(site: Path, source: Path, link: str) -> Path:
    parts = urlsplit(link)
    if not parts.path:
        return source
    base = site if parts.path.startswith("/") else source.parent
    target = (base / unquote(parts.path).lstrip("/")).resolve()
    return target / "index.html" if target.is_dir() else target


@functools.lru_cache(maxsize=None)
def _svg_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def crawl(site: Path) -> Crawl:
    """Check every internal link of every HTML page and CSS file under site."""
    site = site.resolve()
    result = Crawl(site)
    for path in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        result.pages[path] = page
    for path, page in result.pages.items():
        result.edges[path] = set()
        for link in page.links:
            if _is_external(link):
                continue
            result.checked += 1
            target = _target(site, path, link)
            if not target.is_file() or site not in target.parents:
                result.broken.append(f"{result.rel(path)} -> {link}")
                continue
            result.edges[path].add(target)
            fragment = unquote(urlsplit(link).fragment)
            if fragment and target.suffix == ".html" and fragment not in result.pages[target].ids:
                result.broken.append(f"{result.rel(path)} -> {link} (no such anchor)")
            if fragment and target.suffix == ".svg" and f'id="{fragment}"' not in _svg_text(target):
                result.broken.append(f"{result.rel(path)} -> {link} (no such icon)")
    for css in sorted(site.rglob("*.css")):
        for match in _CSS_URL.finditer(css.read_text(encoding="utf-8")):
            link = match.group(2)
            if _is_external(link) or link.startswith("data:") or link.startswith("#"):
                continue
            result.checked += 1
            if not _target(site, css, link).is_file():
                result.broken.append(f"{result.rel(css)} -> {link}")
    return result


def reachable(result: Crawl, start: str = "index.html") -> set[Path]:
    """Every file a reader can reach from the home page by following links."""
    first = result.site / start
    seen, queue = {first}, deque([first])
    while queue:
        for target in result.edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def search_fragments(site: Path) -> dict[str, dict]:
    """What Pagefind indexed of each page, by URL ('/districts/'): its content (the segmenter's
    zero-width spaces taken out), meta (title, kind, summary) and filters. A fragment is gzip
    holding 'pagefind_dcd' and JSON."""
    import gzip
    import json

    found = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[len(b"pagefind_dcd"):])
        record["content"] = record["content"].replace("\u200b", "")
        record["url"] = "/" + record["meta"]["url"].removeprefix("./")  # the page's, not the record file's
        found[record["url"]] = record
    return found
