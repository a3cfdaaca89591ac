"""A ready citation for every entity page: GB/T 7714-2015 and BibTeX.

GB/T 7714-2015 cites an online database as
  主要责任者. 题名[DB/OL]. 版本. (更新日期)[引用日期]. 获取和访问路径.
The 引用日期 is the day the reader cites the page, which a static page cannot know: the
page shows the placeholder 引用日期, and site_src/assets/cite.js puts in today's date.
Without a site address (--site-url) the page's path stands where its address would.
"""
from __future__ import annotations

from dataclasses import dataclass

CITED_ON = "引用日期"  # replaced by today's date in the reader's browser

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                   "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


@dataclass(frozen=True)
class Citation:
    gbt: str
    bibtex: str
    url: str


def cite(page_url: str, title: str, publisher: str, site_title: str, version: str, date: str,
         site_url: str) -> Citation:
    url = (site_url or "/") + page_url
    gbt = f"{publisher}. {title}//{site_title}[DB/OL]. 数据版本 {version}. ({date})[{CITED_ON}]. {url}."
    key = "fundsite-" + (page_url.strip("/").replace("/", "-") or "home")
    fields = [("title", _bib(title)), ("author", "{" + _bib(publisher) + "}"), ("year", date[:4]),
              ("version", _bib(version)), ("date", date), ("url", url), ("organization", _bib(site_title))]
    bibtex = "@misc{" + key + ",\n" + "".join(f"  {name} = {{{value}}},\n" for name, value in fields) + "}"
    return Citation(gbt, bibtex, url)


def _bib(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)
