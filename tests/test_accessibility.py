"""axe-core (from npm, pinned in package.json) finds no serious or critical violations on the main page kinds.

The script is injected into Debian's Chromium by Playwright after each page
has loaded and its own scripts have run, so it checks what a reader gets.
Install it with `npm ci` at the repository root (.ci/run does).
"""
from __future__ import annotations

import json

import pytest

from browser_support import browser, search, server  # noqa: F401 (pytest fixtures)
from conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PAGES = {
    "home": "/",
    "district": "/districts/huadu/",
    "project": "/projects/huadu-ec-p01/",
    "plan": "/plans/gz-hrss-14fyp/",
    "comparison": "/compare/urban-new-jobs/",
    "districts with charts": "/districts/",
    "units index (sortable)": "/units/",
}


def _axe_violations(page) -> list[dict]:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` in the repository root")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")


def _blocking(violations: list[dict]) -> str:
    found = [v for v in violations if v["impact"] in BLOCKING]
    return json.dumps(found, ensure_ascii=False, indent=1) if found else ""


def test_axe_is_the_pinned_version():
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` in the repository root")
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned


SIZES = {"desktop": {"viewport": {"width": 1366, "height": 900}},
         "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_serious_violations(server, browser, name, size):
    """At both sizes: on a phone, wide tables are laid out as cards (assets/table-cards.js)."""
    page = browser.new_page(**SIZES[size])
    page.goto(server + PAGES[name])
    page.wait_for_load_state("load")
    assert _blocking(_axe_violations(page)) == ""
    page.close()


@pytest.mark.parametrize("name", ["district", "project", "plan", "districts with charts"])
def test_dark_scheme_has_no_serious_violations(server, browser, name):
    """The dark palette (the reader's system setting, or the header's toggle) keeps contrast."""
    page = browser.new_page(color_scheme="dark")
    page.goto(server + PAGES[name])
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert _blocking(_axe_violations(page)) == ""
    page.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_search_results_have_no_serious_violations(server, browser, size):
    page = browser.new_page(**SIZES[size])
    assert search(page, server, "花都")  # the results are listed, facets filled
    assert _blocking(_axe_violations(page)) == ""
    page.close()
