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


def test_the_header_search_box_opens_the_search_page_with_its_results(server, browser):
    """On a desktop the header holds a search box; Enter opens the search page with the query
    in its address, the district first. Nothing of the index is fetched before that."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server + "/districts/huadu/")
    assert not [url for url in fetched if "pagefind" in url or "/search/" in url]
    page.locator("#fs-header-q").fill("花都")
    page.locator("#fs-header-q").press("Enter")
    page.wait_for_function("() => document.getElementById('fs-results')?.dataset.doneFor === '花都'")
    assert page.url == server + "/search/?q=%E8%8A%B1%E9%83%BD"
    assert page.locator("#fs-results a.fs-result__title").first.get_attribute("href") == "/districts/huadu/"
    page.close()


def test_on_a_phone_the_header_shows_a_search_button_that_opens_the_search_page(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(server + "/projects/")
    assert not page.locator("#fs-header-q").is_visible()
    button = page.get_by_role("button", name="搜索")
    assert button.is_visible()
    button.click()
    page.wait_for_url(server + "/search/?q=")
    assert page.evaluate("() => document.activeElement.id") == "fs-q"
    page.close()


def test_a_citation_is_dated_today_and_copies(server, browser):
    import datetime

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + "/projects/huadu-ec-p01/")
    page.locator(".fs-cite summary").click()
    text = page.locator("#cite-gbt").inner_text()
    assert f"[{datetime.date.today().isoformat()}]" in text and "引用日期" not in text
    assert text.startswith("广东就业资金透明度项目. 花都区随军家属就业安置财政补贴//广东就业资金透明度[DB/OL]. 数据版本 ")
    page.locator("button[data-copy=cite-bibtex]").click()
    assert page.evaluate("() => navigator.clipboard.readText()").startswith("@misc{fundsite-projects-huadu-ec-p01,")
    context.close()
