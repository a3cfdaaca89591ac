"""Every internal link, anchor, asset and download of the built site resolves, every page and
download can be reached from the home page, and every download opens."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from site_crawl import crawl, reachable

DOWNLOAD_FOLDERS = ("files", "downloads")


@pytest.fixture(scope="module")
def site_crawl(built_site):
    return crawl(built_site)


def test_every_internal_link_anchor_and_asset_resolves(site_crawl):
    print(f"\n{len(site_crawl.pages)} pages, {site_crawl.checked} internal links and anchors, {len(site_crawl.broken)} broken")
    assert site_crawl.broken == []
    assert len(site_crawl.pages) > 300 and site_crawl.checked > 10_000


def test_every_page_and_download_is_reachable_from_home(site_crawl, built_site):
    reached = reachable(site_crawl)
    site = site_crawl.site
    pages = {p for p in site_crawl.pages if p.name != "404.html"}
    downloads = {p for folder in DOWNLOAD_FOLDERS for p in (site / folder).rglob("*") if p.is_file() and p.suffix != ".html"}
    unreached = sorted(site_crawl.rel(p) for p in (pages | downloads) - reached)
    assert unreached == []
    assert len(downloads) > 100


def _opens(path: Path) -> str | None:
    """None if the file opens as what its name says, else why not."""
    data = path.read_bytes()
    if not data:
        return "empty"
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        if not rows or any(len(r) != len(rows[0]) for r in rows):
            return "ragged or empty CSV"
    elif path.suffix in (".xlsx", ".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.testzip()
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".sqlite":
        connection = sqlite3.connect(":memory:")
        connection.deserialize(data)
        if not connection.execute("select count(*) from sqlite_master where type = 'table'").fetchone()[0]:
            return "no tables"
    return None


def test_every_download_opens(built_site):
    files = sorted(p for folder in DOWNLOAD_FOLDERS for p in (built_site / folder).rglob("*")
                   if p.is_file() and p.suffix != ".html")
    failures = {str(p.relative_to(built_site)): why for p in files if (why := _opens(p))}
    assert failures == {}
    assert {p.suffix for p in files} >= {".csv", ".xlsx", ".zip", ".json", ".sqlite"}
