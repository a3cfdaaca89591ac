"""The sitemap lists every page: mkdocs's lists only the pages it rendered itself.

Entity pages are written into the theme's page shell after mkdocs (page_shell.py), so
mkdocs's sitemap.xml holds the shell and none of them. With a site address set, the
shell's entry is dropped and one entry per entity page added, dated like mkdocs's own
(the build date, SOURCE_DATE_EPOCH); sitemap.xml.gz is written again to match. Without
an address a sitemap cannot list anything (its URLs must be absolute) and is left empty.
"""
from __future__ import annotations

import gzip
import re
from pathlib import Path
from xml.sax.saxutils import escape

_ENTRY = re.compile(r"\s*<url>\s*<loc>(.*?)</loc>\s*(?:<lastmod>(.*?)</lastmod>\s*)?</url>", re.S)


def complete_sitemap(site_dir: Path, site_url: str, page_urls: list[str], shell_url: str) -> None:
    path = site_dir / "sitemap.xml"
    if not site_url or not path.is_file():
        return
    found = _ENTRY.findall(path.read_text(encoding="utf-8"))
    lastmod = next((date for _, date in found if date), "")
    entries = {loc: date for loc, date in found if not loc.endswith("/" + shell_url)}
    for url in page_urls:
        entries.setdefault(escape(site_url + url), lastmod)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, date in sorted(entries.items()):
        lines.append(f"    <url>\n         <loc>{loc}</loc>" + (f"\n         <lastmod>{date}</lastmod>" if date else "")
                     + "\n    </url>")
    lines.append("</urlset>\n")
    data = "\n".join(lines).encode("utf-8")
    path.unlink()  # never write through a hard link into the published site
    path.write_bytes(data)
    zipped = site_dir / "sitemap.xml.gz"
    zipped.unlink(missing_ok=True)
    zipped.write_bytes(gzip.compress(data, mtime=0))
