"""Where each entity's page and files live in the built site.

Every URL is built from an id that the checks have already proved to be a
safe slug, so no data value can climb out of its folder.
"""
from __future__ import annotations

from fundsite.kinds import BY_TABLE


def page_url(table: str, key: str) -> str:
    """Directory URL of an entity page, relative to the site root: 'districts/huadu/'."""
    return f"{BY_TABLE[table].section}/{key}/"


def index_url(table: str) -> str:
    return f"{BY_TABLE[table].section}/"


def file_url(table: str, key: str, suffix: str) -> str:
    """A per-entity download: 'files/districts/huadu-allocations.csv'."""
    return f"files/{BY_TABLE[table].section}/{key}-{suffix}"


def relative(from_url: str, to_url: str) -> str:
    """Relative link between two site-root-relative URLs (directory URLs end in '/').

    Plain string work on path segments (posixpath.relpath costs more than the rest
    of a link at tens of thousands of pages); URLs here never hold '.' or '..'
    segments, since they are built from checked ids."""
    base = from_url if from_url.endswith("/") or not from_url else from_url.rsplit("/", 1)[0] + "/" if "/" in from_url else ""
    base_parts = [p for p in base.split("/") if p]
    to_parts = [p for p in to_url.split("/") if p]
    common = 0
    for a, b in zip(base_parts, to_parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + to_parts[common:]) or "."
    target_is_dir = to_url.endswith("/") or to_url == ""
    if target_is_dir and rel != ".":
        rel += "/"
    elif rel == ".":
        rel = "./"
    return rel
