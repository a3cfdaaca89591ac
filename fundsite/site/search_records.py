"""What the site's search finds: a record per page, and the table of exact names and 文号.

Search is Pagefind's static index (search_index.py writes it): a query fetches only the
index chunks and result fragments it needs, never the whole index. Each page reaches
Pagefind as a small HTML record written from the data (record_html), not as its full
page: parsing every built page would cost more than building it, and the record says
what matters with weights a full page cannot carry:

  title                      10   a project's, unit's or document's full name
  names                       8   文号 and its variants, short titles, aliases, district names
  text                        1   what the page lists: goals, indicators, units, projects
  title pieces                2   every two characters of the title's Chinese, so that a
                                  partial word (军家, 业安置) finds 随军家属 and 就业安置 even
                                  where the segmenter cut the word elsewhere

Exact names come first: a reader who types a 文号 or a full name expects that page on
top. Every record's names, normalised (normalise(): width, case, brackets and spaces
folded, so 穗财社[2024]27号 and 穗财社（２０２４）２７号 are one key), go into small JSON
shards chosen by a hash of the key (shard_of); the search page fetches the one shard its
query falls in. site_src/assets/search-keys.js repeats normalise() and shard_of(): the
tests check that both give the same keys.
"""
from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

# The facets a reader filters results by, in the order the search page shows them.
FACETS = ("类型", "地区", "文件", "年份")
BUNDLE_FILTER = "bundle"  # a hidden filter: the index bundle a record is in (search_index.py)

# Folded away before exact names are compared: spaces and the brackets and marks a 文号 or
# a name is written with in one place and not in another.
_FOLDED = re.compile(r"[\s〔〕\[\]()（）【】〈〉《》<>「」『』\"'“”‘’·・.,，。、:：;；!！?？\-—–_/\\]+")
_DOC_NUMBER = re.compile(r"^(?P<issuer>.+?)〔(?P<year>\d{4})〕(?P<number>\d+)号$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Exact matches of one name are listed in this order of kinds: the place before its bureau,
# a plan before the document that prints it.
KIND_ORDER = ("地区", "单位", "规划", "对比", "文件", "资金", "项目", "规划指标")
SHARD_BYTES = 8_000  # about this much JSON per exact-name shard: what one query fetches of them
KEY_ENTRIES = 20  # pages listed under one exact name at most (the rest are among the search results)


def normalise(text: str) -> str:
    """The form names are compared in: NFKC (full-width digits and brackets to ASCII),
    lower case, spaces and brackets removed."""
    return _FOLDED.sub("", unicodedata.normalize("NFKC", text).lower())


def doc_number_keys(doc_number: str) -> list[str]:
    """A 文号's exact keys: as printed, without its 号, and its short form (27号)."""
    keys = [normalise(doc_number)]
    match = _DOC_NUMBER.match(unicodedata.normalize("NFKC", doc_number).replace("[", "〔").replace("]", "〕")
                              .replace("(", "〔").replace(")", "〕"))
    if match:
        keys += [keys[0].removesuffix("号"), f"{int(match['number'])}号"]
    return keys


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32 bits) of the key's UTF-8 bytes, modulo the number of shards."""
    value = 2166136261
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value % shards


def title_pieces(title: str) -> str:
    """Every two neighbouring Chinese characters of the title, space-separated."""
    return " ".join(run[i:i + 2] for run in _HAN.findall(title) for i in range(len(run) - 1))


@dataclass
class SearchRecord:
    url: str  # 'projects/sczs-2024-27-a3-p01/'; '' for the home page
    title: str
    kind: str  # a 类型 facet value: 项目, 文件, 地区, ...
    text: str = ""  # plain text
    names: list[str] = field(default_factory=list)  # exact names besides the title
    doc_numbers: list[str] = field(default_factory=list)  # its own 文号: exact, without 号, and short (27号)
    cites: list[str] = field(default_factory=list)  # the 文号 of the documents it comes from: weighted, not exact
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> values
    summary: str = ""  # one line under the result's title: where the page comes from

    def facets(self) -> dict[str, list[str]]:
        """The facet values, its kind always among its 类型."""
        facets = {facet: list(self.filters.get(facet, ())) for facet in FACETS if self.filters.get(facet)}
        facets["类型"] = list(dict.fromkeys([self.kind, *facets.get("类型", ())]))
        return facets

    def exact_keys(self) -> list[str]:
        keys = [normalise(self.title)] + [normalise(name) for name in self.names]
        for number in self.doc_numbers:
            keys += doc_number_keys(number)
        return list(dict.fromkeys(key for key in keys if key))


def record_html(record: SearchRecord, bundle: str | None = None) -> str:
    """The page as Pagefind indexes it (see the module's docstring for the weights); bundle: the
    index bundle it goes into, as the hidden filter BUNDLE_FILTER, for the records of the second
    and later bundles (search_index.py; the first bundle's go untagged)."""
    e = html.escape
    filters = record.facets()
    names = " ".join(record.names + record.doc_numbers + record.cites)
    return ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>'
            f'{e(record.title)}</title></head><body>'
            f'<h1 data-pagefind-weight="10" data-pagefind-meta="title">{e(record.title)}</h1>'
            f'<p data-pagefind-weight="8">{e(names)}</p>'
            f'<p data-pagefind-weight="1">{e(record.text)}</p>'
            f'<p data-pagefind-weight="2">{e(title_pieces(record.title))}</p>'
            # Facets and the result's lines are read from here, not searched.
            '<div data-pagefind-ignore>'
            # The page's address: records are files named by a digest, not folders like the site's.
            f'<span data-pagefind-meta="url">./{e(record.url)}</span>'
            f'<span data-pagefind-meta="kind">{e(record.kind)}</span>'
            f'<span data-pagefind-meta="summary">{e(record.summary)}</span>'
            + "".join(f'<span data-pagefind-filter="{e(facet)}">{e(value)}</span>'
                      for facet in FACETS for value in filters.get(facet, ()))
            + (f'<span data-pagefind-filter="{BUNDLE_FILTER}">{e(bundle)}</span>' if bundle else "")
            + "</div></body></html>")


def exact_shards(records: list[SearchRecord]) -> dict[str, bytes]:
    """The exact-name table as files: meta.json (how many shards) and <n>.json, each
    {key: [[url, title, kind, summary, {facet: values}], ...]} for the keys that hash to n.
    A name shared by many pages lists the first KEY_ENTRIES (bigger answers first); the
    number of shards follows the table's size, so that a shard stays small whatever the
    number of pages or of pages per name."""
    by_key: dict[str, list[list]] = {}
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    for record in sorted(records, key=lambda r: (order.get(r.kind, len(order)), r.url)):
        entry = [record.url, record.title, record.kind, record.summary, record.facets()]
        for key in record.exact_keys():
            entries = by_key.setdefault(key, [])
            if len(entries) < KEY_ENTRIES:
                entries.append(entry)
    size = sum(len(_json({key: entries})) for key, entries in by_key.items())
    count = max(1, math.ceil(size / SHARD_BYTES))
    shards: list[dict] = [{} for _ in range(count)]
    for key in sorted(by_key):
        shards[shard_of(key, count)][key] = by_key[key]
    files = {"meta.json": _json({"shards": count, "keys": len(by_key)})}
    files.update((f"{n}.json", _json(shard)) for n, shard in enumerate(shards))
    return files


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


_SKIPPED = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def record_from_markdown(url: str, title: str, markdown_text: str, kind: str, extensions: list,
                         extension_configs: dict) -> SearchRecord:
    """The record of a page mkdocs renders from Markdown: its title and the text of its Markdown
    as HTML, converted with mkdocs's extensions and their settings (mkdocs.yml)."""
    import markdown

    page_html = markdown.Markdown(extensions=extensions, extension_configs=extension_configs).convert(markdown_text)
    text = _TAG.sub(" ", _SKIPPED.sub(" ", page_html))
    return SearchRecord(url, title, kind, " ".join(html.unescape(text).split()), summary=kind)
