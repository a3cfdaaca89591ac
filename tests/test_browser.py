"""A real browser (Debian's headless Chromium, driven by Playwright) walks the built site."""
from __future__ import annotations

import pytest

from browser_support import browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_home_to_district_to_project(server, browser):
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))

    page.goto(server + "/")
    assert "广东就业资金透明度" in page.title()
    page.get_by_role("link", name="花都区", exact=True).first.click()
    page.wait_for_url("**/districts/huadu/")
    assert page.locator("h1").inner_text() == "花都区"
    assert "13,232.12 万元" in page.locator("article").inner_text()

    page.get_by_role("link", name="花都区随军家属就业安置财政补贴").first.click()
    page.wait_for_url("**/projects/huadu-ec-p01/")
    indicators = page.locator(".fs-indicators tbody tr")
    assert indicators.count() == 12
    assert "申领随军家属补贴人数" in indicators.first.inner_text()
    provenance = page.locator("aside.fs-provenance")
    assert "原文第 10-43 行" in provenance.inner_text()  # a link into the published source text
    assert "sources/001_574537a2c8286da2/?lines=10-43#L10" in provenance.locator("a", has_text="原文第").get_attribute("href")

    page.get_by_role("link", name="首页").first.click()
    page.wait_for_url(server + "/")

    assert errors == []
    outside = [url for url in requests if not url.startswith(server) and not url.startswith("data:")]
    assert outside == []
    page.close()


def test_search_finds_a_district(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.locator("label.md-search__icon, input.md-search__input").first.click()
    page.locator("input.md-search__input").fill("花都")
    page.locator("input.md-search__input").press("End")  # the theme searches on keyup; fill() alone only works if the index loads later
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "花都" in page.locator(".md-search-result").inner_text()
    page.close()
