"""Text from the data is only ever text: HTML, script, Markdown, Jinja and javascript: links in
names show up as typed on every kind of page, in page titles and in the search index.

The tiny package gets one hostile string per field below, each tagged so that a
test can find where it should appear; the site is built for real (build.py).
"""
from __future__ import annotations

import csv
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_build
from package_tools import make_tiny, read_table, write_table

HOSTILE = ('<script>alert("{tag}")</script>"><img src=x onerror=alert(1)> [点我](javascript:alert(2)) '
           "**粗体{tag}** {{{{ 7*7 }}}} {{% raw %}} &amp; ' OR '1'='1")
FIELDS = {  # tag -> (table, id, field)
    "R1": ("regions", "huadu", "name"),
    "U1": ("units", "huadu-employment-centre", "name"),
    "U2": ("units", "huadu-employment-centre", "short_name"),
    "D1": ("documents", "tiny-notice-a1", "title"),
    "D2": ("documents", "tiny-notice-a1", "short_title"),
    "D3": ("documents", "tiny-notice-a1", "description"),
    "P1": ("projects", "tiny-p02", "name"),
    "P2": ("projects", "tiny-p01", "goal_text"),
    "N1": ("indicators", "tiny-p02-i01", "name"),
    "N2": ("indicators", "tiny-p01-i01", "unit"),
    "A1": ("allocations", "tiny-a01", "function_name_raw"),
    "S1": ("stated_totals", "tiny-t01", "label_raw"),
    "L1": ("plans", "tiny-plan", "name"),
    "L2": ("plans", "tiny-plan", "short_name"),
    "I1": ("plan_indicators", "tiny-plan-t02", "name"),
    "I2": ("plan_indicators", "tiny-plan-t02", "target_raw"),
    "T1": ("plan_tasks", "tiny-plan-g1-m01", "text"),
    "Q1": ("quality_notes", "tiny-qn-01", "note"),
}
# Where each tagged string must be readable as text: page URL -> tags.
SHOWN = {
    "districts/huadu/": ["R1", "P1"],
    "units/huadu-employment-centre/": ["U1", "P1"],
    "documents/tiny-notice-a1/": ["D1", "D3", "P1", "N1", "S1", "Q1"],
    "projects/tiny-p02/": ["P1", "N1", "D2"],
    "projects/tiny-p01/": ["P2", "N2", "A1"],
    "plans/tiny-plan/": ["L1", "I1", "I2", "T1"],
    "plan-indicators/tiny-plan-t02/": ["I1", "I2", "L2"],
    "data-quality/": ["Q1"],
    "documents/": ["D1"],
    "projects/": ["P1"],
}
TITLES = {"districts/huadu/": "R1", "units/huadu-employment-centre/": "U1", "documents/tiny-notice-a1/": "D1",
          "projects/tiny-p02/": "P1", "plans/tiny-plan/": "L1"}


def hostile(tag: str) -> str:
    return HOSTILE.format(tag=tag)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    pkg = make_tiny(root)
    for tag, (table, key, field) in FIELDS.items():
        path = pkg / "data" / f"{table}.csv"
        header, rows = read_table(path)
        row = next(r for r in rows if r[header[0]] == key)
        row[field] = hostile(tag)
        if table == "allocations":
            row["function_code"] = "2080799"  # the classification is shown only beside a code
        # Parsed values must stand in their raw text (raw_agreement.py): keep the printed number beside the hostile text.
        if (table, field) == ("indicators", "unit"):
            row["value_raw"] = f'{row["operator"]}{row["value"]} {hostile(tag)}'
            row.update(value_norm="", value_max_norm="", unit_norm="")  # a unit that names no base unit (normalise.py)
        if (table, field) == ("plan_indicators", "target_raw"):
            row["target_raw"] = f'{hostile(tag)} {row["target_value"]}'
        if field == "name" and "name_raw" in row:  # a name is its printed name (rules.check_names_against_raw)
            row["name_raw"] = row["name"]
        write_table(path, header, rows)
    result = run_build("--package", "pkg", "--out", str(root / "site"), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


class _Page(HTMLParser):
    """Visible text, the <title>, and every tag with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.title = ""
        self.tags: list[tuple[str, dict]] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def squash(text: str) -> str:
    return " ".join(text.split())


def test_no_markup_from_the_data_takes_effect(site):
    pages = sorted(site.rglob("*.html"))
    offenders = []
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        for needle in ("<script>alert", "<img src=x", "<strong>粗体", "<em>粗体"):
            if needle in raw:
                offenders.append(f"{path.relative_to(site)}: {needle}")
        for tag, attrs in parse(path).tags:
            if any(name.startswith("on") and "alert" in (value or "") for name, value in attrs.items()):
                offenders.append(f"{path.relative_to(site)}: <{tag} {attrs}>")
            for name in ("href", "src", "action", "formaction"):
                if (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:text/html")):
                    offenders.append(f"{path.relative_to(site)}: {name}={attrs[name]}")
    assert offenders == []
    assert len(pages) > 20


@pytest.mark.parametrize("url", sorted(SHOWN))
def test_hostile_text_reads_as_typed(site, url):
    """Each string is on the page exactly as typed: escaped HTML, Markdown and Jinja left alone."""
    text = squash(" ".join(parse(site / url / "index.html").text))
    missing = [tag for tag in SHOWN[url] if squash(hostile(tag)) not in text]
    assert missing == []


@pytest.mark.parametrize("url", sorted(TITLES))
def test_page_title_is_escaped(site, url):
    raw = (site / url / "index.html").read_text(encoding="utf-8")
    title_tag = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
    assert "<" not in title_tag
    assert html.unescape(title_tag).startswith(hostile(TITLES[url]))


def test_search_records_hold_the_names_verbatim(site):
    """The exact-name table is JSON that the search page shows as text (textContent): it holds
    each title exactly as the data has it, markup and all, never half-escaped."""
    entries = {}
    for shard in sorted((site / "search" / "exact").glob("[0-9]*.json")):
        for hits in json.loads(shard.read_text(encoding="utf-8")).values():
            entries.update((url, title) for url, title, *_ in hits)
    for url, tag in TITLES.items():
        assert entries[url] == hostile(tag), url


def test_downloads_keep_the_text_verbatim(site):
    """Escaping is for HTML only: the CSV downloads hold exactly what the data holds."""
    with open(site / "files/projects/tiny-p02-indicators.csv", encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert hostile("N1") in names


@pytest.fixture(scope="module")
def hostile_server(site):
    from browser_support import serving

    with serving(site) as base:
        yield base


@pytest.mark.browser
def test_searching_for_hostile_names_runs_nothing(hostile_server):
    """In Chromium: search results show the names as text; no dialog opens, no injected image loads."""
    from browser_support import ARGS, CHROMIUM, search

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        results = search(page, hostile_server, "粗体")
        assert "/projects/tiny-p02/" in results
        shown = page.locator("#fs-results").inner_text()
        injected = page.evaluate("() => document.querySelectorAll('#fs-results img, #fs-results script').length")
        browser.close()
    assert dialogs == [] and injected == 0
    assert not any(url.endswith("/x") for url in requests)
    assert '<script>alert("P1")</script>' in shown.replace("\u200b", "")


def test_a_link_made_again_is_escaped_as_its_text_asks():
    """A page makes each link once (site/pages.py Links): a plain text is escaped, the same
    characters given as Markup are not escaped again, whichever came first."""
    from markupsafe import Markup

    from fundsite.site.pages import Links

    links = Links("projects/p1/")
    plain = links.doc({"document_id": "d1", "short_title": "A&amp;B"})
    marked = links.doc({"document_id": "d1", "short_title": Markup("A&amp;B")})
    assert plain == '<a href="../../documents/d1/">A&amp;amp;B</a>'
    assert marked == '<a href="../../documents/d1/">A&amp;B</a>'
    assert links.doc({"document_id": "d1", "short_title": "A&amp;B"}) is plain
