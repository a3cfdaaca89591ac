"""Machine-readable announcements: a DCAT catalogue (data.json) and an Atom feed (feed.xml).

Both are built from the data alone, so they are as reproducible as the rest of
the site: dates come from the release log, ids are name-based UUIDs (uuid5) of
the package name and the thing announced.

Links: when the package's `homepage` (or mkdocs.yml's `site_url`) is set, every
link is absolute. Otherwise links are relative to the site root, where both
files live -- valid in Atom (resolved against the feed's own address) and
accepted by DCAT-US harvesters that are pointed at the site's data.json.
"""
from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape, quoteattr

from fundsite.site.downloads import PackageMeta
from fundsite.releases import ReleaseView

DCAT_US = "https://project-open-data.cio.gov/v1.1/schema"


def absolute(base: str, path: str) -> str:
    """A site-root-relative path made absolute against base, or left relative when base is empty."""
    if not base:
        return path or "./"
    return base.rstrip("/") + "/" + path


def stable_id(meta: PackageMeta, *parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(["gd-employment-funds", meta.name, *parts])))


def data_json(meta: PackageMeta, artefacts: list[dict], releases: list[ReleaseView], base: str) -> bytes:
    """A DCAT-US 1.1 (Project Open Data) catalogue with one dataset: the package.

    Each distribution carries its byteSize and a sha256 checksum (DCAT 2 /
    SPDX terms, an extension to the DCAT-US fields).
    """
    issued = releases[-1].date if releases else meta.date
    dataset = {
        "@type": "dcat:Dataset",
        "identifier": meta.homepage or meta.name,
        "title": meta.title,
        "description": meta.description,
        "keyword": meta.keywords,
        "issued": issued,
        "modified": meta.date,
        "version": meta.version,
        "publisher": {"@type": "org:Organization", "name": meta.publisher_zh,
                      **({"alternateName": meta.publisher_en} if meta.publisher_en != meta.publisher_zh else {})},
        "contactPoint": {"@type": "vcard:Contact", "fn": meta.publisher_zh},
        "accessLevel": "public",
        "license": meta.licence_url or meta.licence_name,
        "language": ["zh-CN"],
        "landingPage": absolute(base, ""),
        "describedBy": absolute(base, "data-dictionary/"),
        "describedByType": "text/html",
        "references": [absolute(base, "releases/"), absolute(base, "feed.xml")],
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "title": a["name"],
                "description": a["description"],
                "downloadURL": absolute(base, a["url"]),
                "mediaType": a["media_type"],
                "format": a["format"],
                "byteSize": a["size"],
                "checksum": {"algorithm": "sha256", "checksumValue": a["sha256"]},
                **({"conformsTo": "https://datapackage.org/"} if a["name"].endswith(".zip") else {}),
            }
            for a in artefacts
        ],
    }
    catalogue = {
        "@context": f"{DCAT_US}/catalog.jsonld",
        "@id": absolute(base, "data.json"),
        "@type": "dcat:Catalog",
        "conformsTo": DCAT_US,
        "describedBy": f"{DCAT_US}/catalog.json",
        "dataset": [dataset],
    }
    return (json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def _element(tag: str, text: str, **attrs) -> str:
    attributes = "".join(f" {k.rstrip('_')}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{attributes}>{escape(text)}</{tag}>"


def _link(href: str, rel: str = "alternate", type_: str = "text/html") -> str:
    return f"<link rel={quoteattr(rel)} type={quoteattr(type_)} href={quoteattr(href)}/>"


def atom_feed(meta: PackageMeta, releases: list[ReleaseView], documents: dict[str, dict], base: str) -> bytes:
    """Releases and the documents each release added, newest first."""
    entries = []
    for release in releases:  # newest first
        counts = "；".join(f"{t} +{c['added']} ~{c['changed']} -{c['removed']}" for t, c in release.counts.items())
        summary = release.summary + (f"（变化：{counts}）" if counts else "")
        entries.append((release.date, 0, [
            _element("id", stable_id(meta, "release", release.version)),
            _element("title", f"数据版本 {release.version} 发布 / Release {release.version}"),
            _element("updated", _stamp(release.date)),
            _element("published", _stamp(release.date)),
            _link(absolute(base, f"releases/#{release.anchor}")),
            '<category term="release" label="版本发布"/>',
            _element("summary", summary, type="text"),
        ]))
        for position, doc_id in enumerate(release.documents_added):
            doc = documents.get(doc_id)
            if doc is None:
                continue
            entries.append((release.date, 1 + position, [
                _element("id", stable_id(meta, "document", doc_id)),
                _element("title", f"新增文件：{doc['title']}"),
                _element("updated", _stamp(release.date)),
                _element("published", _stamp(release.date)),
                _link(absolute(base, f"documents/{doc_id}/")),
                '<category term="document" label="新增文件"/>',
                _element("summary", " ".join(str(doc.get("description") or doc["title"]).split()), type="text"),
            ]))
    entries.sort(key=lambda e: (e[0], -e[1]), reverse=True)
    updated = max((e[0] for e in entries), default=meta.date)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        "  " + _element("id", stable_id(meta, "feed")),
        "  " + _element("title", f"{meta.title}：版本发布与新增文件"),
        "  " + _element("subtitle", "每次数据发布及其新增的文件 / Data releases and the documents they add"),
        "  " + _element("updated", _stamp(updated)),
        f"  <author>{_element('name', meta.publisher_zh)}</author>",
        "  " + _link(absolute(base, "feed.xml"), "self", "application/atom+xml"),
        "  " + _link(absolute(base, "releases/")),
        "  " + _element("rights", f"{meta.licence_title} ({meta.licence_name})"),
        "  " + _element("generator", "fundsite"),
    ]
    for _, _, parts in entries:
        lines.append("  <entry>")
        lines.extend("    " + p for p in parts)
        lines.append("  </entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def site_base(descriptor: dict, mkdocs_site_url: str = "") -> str:
    """The absolute address of the site root, or '' when neither the package nor mkdocs.yml gives one."""
    base = str(descriptor.get("homepage") or mkdocs_site_url or "").strip()
    return base if base.startswith(("http://", "https://")) else ""

