"""With the site's address set (--site-url, or mkdocs.yml's site_url), everything that must
name the site absolutely does: canonical links, the sitemap, data.json and the feed."""
from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_build
from package_tools import make_tiny

BASE = "https://example.org/gd-funds/"


@pytest.fixture(scope="module")
def addressed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("addressed")
    make_tiny(root)
    result = run_build("--package", "pkg", "--out", "site", "--site-url", BASE.rstrip("/"), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def _pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" if p.parent != site else ""
                  for p in site.rglob("index.html"))


def test_every_page_names_itself_as_canonical(addressed):
    for url in _pages(addressed):
        raw = (addressed / url / "index.html").read_text(encoding="utf-8")
        assert re.findall(r'<link rel="canonical" href="([^"]*)"', raw) == [BASE + url], url


def test_the_sitemap_lists_every_page_by_its_address(addressed):
    tree = ET.parse(addressed / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert sorted(locs) == sorted(BASE + url for url in _pages(addressed))
    assert all(url.find("s:lastmod", ns) is not None for url in tree.getroot().findall("s:url", ns))
    assert gzip.decompress((addressed / "sitemap.xml.gz").read_bytes()) == (addressed / "sitemap.xml").read_bytes()


def test_the_catalogue_and_the_feed_link_absolutely(addressed):
    catalogue = json.loads((addressed / "data.json").read_text(encoding="utf-8"))
    links = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("@id", "landingPage", "downloadURL", "accessURL", "references") and isinstance(value, str):
            links.append(value)

    walk(catalogue)
    assert links and all(link.startswith(BASE) for link in links), links
    feed = (addressed / "feed.xml").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', feed)
    assert hrefs and all(h.startswith(BASE) for h in hrefs), hrefs


def test_without_an_address_nothing_pretends_to_one(built_site):
    assert "<loc>" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in (built_site / "districts" / "huadu" / "index.html").read_text(encoding="utf-8")


def test_a_site_url_that_is_not_a_web_address_is_refused(tmp_path):
    make_tiny(tmp_path)
    result = run_build("--package", "pkg", "--out", "site", "--site-url", "javascript:alert(1)", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "build.py: error: --site-url 'javascript:alert(1)': the site's address must start with http:// or https://.")
    assert not (tmp_path / "site").exists()


def test_every_entity_page_carries_its_citation(addressed):
    from fundsite.kinds import KINDS

    sections = {kind.section for kind in KINDS if kind.section != "compare"}
    pages = [url for url in _pages(addressed) if url.count("/") == 2 and url.split("/")[0] in sections]
    assert pages
    for url in pages:
        raw = (addressed / url / "index.html").read_text(encoding="utf-8")
        gbt = re.search(r'<p id="cite-gbt" class="fs-cite-text" data-cited-on>(.*?)</p>', raw).group(1)
        assert gbt.endswith(f"[DB/OL]. 数据版本 {_version(addressed)}. ({_date(addressed)})[引用日期]. {BASE}{url}."), url
        assert f"  url = {{{BASE}{url}}},\n" in raw


def _version(site: Path) -> str:
    return json.loads((site / "data.json").read_text(encoding="utf-8"))["dataset"][0]["version"]


def _date(site: Path) -> str:
    return json.loads((site / "data.json").read_text(encoding="utf-8"))["dataset"][0]["modified"][:10]


def test_bibtex_escapes_what_tex_would_read():
    from fundsite.site.citation import cite

    c = cite("projects/p/", "50%_{花都}#1 & $~^\\", "出版者", "站点", "1.0.0", "2026-12-04", "")
    assert "  title = {50\\%\\_\\{花都\\}\\#1 \\& \\$\\~{}\\^{}\\textbackslash{}},\n" in c.bibtex
    assert c.url == "/projects/p/"  # no address known: the page's path
