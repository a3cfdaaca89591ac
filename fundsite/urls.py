"""Where each entity's page and files live in the built site.

Every URL is built from an id that the checks have already proved to be a
safe slug, so no data value can climb out of its folder.
"""
from __future__ import annotations

import posixpath

SECTIONS = {
    "regions": "districts",
    "projects": "projects",
    "units": "units",
    "documents": "documents",
    "plans": "plans",
    "plan_indicators": "plan-indicators",
}


def page_url(table: str, key: str) -> str:
    """Directory URL of an entity page, relative to the site root: 'districts/huadu/'."""
    return f"{SECTIONS[table]}/{key}/"


def page_source(table: str, key: str) -> str:
    """Markdown file under site_src/ that mkdocs turns into page_url()."""
    return f"{SECTIONS[table]}/{key}.md"


def index_url(table: str) -> str:
    return f"{SECTIONS[table]}/"


def file_url(table: str, key: str, suffix: str) -> str:
    """A per-entity download: 'files/districts/huadu-allocations.csv'."""
    return f"files/{SECTIONS[table]}/{key}-{suffix}"


def relative(from_url: str, to_url: str) -> str:
    """Relative link between two site-root-relative URLs (directory URLs end in '/')."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target_is_dir = to_url.endswith("/") or to_url == ""
    rel = posixpath.relpath("/" + to_url, "/" + base) if to_url else posixpath.relpath("/", "/" + base)
    if target_is_dir and rel != ".":
        rel += "/"
    elif rel == ".":
        rel = "./"
    return rel
