"""A search index in several bundles finds what one index finds (search_index.py, search.js).

A large site's index is made in bundles of at most BUNDLE_RECORDS records; here the bundled
data is built with FUNDSITE_SEARCH_BUNDLE_RECORDS=100, which makes several bundles of it, and
its search is compared with the one-bundle site's, query by query, in Chromium.
"""
from __future__ import annotations

import json
import math

import pytest

from browser_support import browser, search, server, serving  # noqa: F401 (pytest fixtures)
from conftest import run_build
from fundsite.publish.search_index import split_into_bundles
from fundsite.site.search_records import SearchRecord
from test_search import golden_queries

PER_BUNDLE = 100


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("split") / "site"
    result = run_build("--out", str(out), env_extra={"FUNDSITE_SEARCH_BUNDLE_RECORDS": str(PER_BUNDLE)})
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def split_server(split_site):
    with serving(split_site) as base:
        yield base


def _fragments(bundle) -> int:
    return sum(1 for _ in (bundle / "fragment").glob("*.pf_fragment"))


def test_the_index_is_in_bundles_and_only_the_first_carries_pagefind_js(split_site, built_site):
    listing = json.loads((split_site / "search" / "bundles.json").read_text(encoding="utf-8"))
    records = _fragments(built_site / "pagefind")
    assert listing == {"bundles": ["pagefind/"] + [f"pagefind-{n}/" for n in range(2, len(listing["bundles"]) + 1)],
                       "filter": "bundle"}
    assert len(listing["bundles"]) == math.ceil(records / PER_BUNDLE) > 1
    folders = [split_site / name for name in listing["bundles"]]
    assert sum(_fragments(folder) for folder in folders) == records  # every page once
    assert (folders[0] / "pagefind.js").is_file() and list(folders[0].glob("wasm.*.pagefind"))
    for folder in folders[1:]:
        assert (folder / "pagefind-entry.json").is_file()
        assert not (folder / "pagefind.js").exists() and not list(folder.glob("wasm.*")), folder
    assert json.loads((built_site / "search" / "bundles.json").read_text(encoding="utf-8"))["bundles"] == ["pagefind/"]


def test_a_records_bundle_follows_its_address_not_the_order():
    records = [SearchRecord(f"projects/p{n}/", f"项目{n}", "项目") for n in range(1000)]
    bundles = split_into_bundles(records, 300)
    assert len(bundles) == 4 and sorted(len(b) for b in bundles)[0] > 150
    again = split_into_bundles(list(reversed(records)) + [SearchRecord("projects/new/", "新", "项目")], 300)
    assert [{r.url for r in b} for b in bundles] == [{r.url for r in b} - {"projects/new/"} for b in again]
    assert split_into_bundles(records[:300], 300) == [records[:300]]
    assert split_into_bundles([], 300) == [[]]


def _all_results(page, base: str, query: str) -> list[str]:
    """Every result of the query: the first ones, then each "more" until there are no more."""
    search(page, base, query)
    while page.eval_on_selector("#fs-more", "button => !button.hidden"):
        page.click("#fs-more")
        page.wait_for_function("() => !document.getElementById('fs-more').disabled")  # the batch is in
    return page.locator("#fs-results a.fs-result__title").evaluate_all("links => links.map(a => a.getAttribute('href'))")


@pytest.mark.browser
def test_bundles_find_the_same_pages_as_one_index(server, split_server, browser):
    # Words some bundles lack (语义化 is on one page; 随军家属, 粤菜师傅, 见习, 残疾人 and 担保 on a
    # few, so that the first bundle is searched or not): merged naively, a bundle without the word
    # would return its pages holding the others.
    queries = ["语义化 就业", "随军家属 河源", "随军家属 补贴", "粤菜师傅 培训", "见习 补贴",
               "创业 担保 贷款", "河源市 就业", "培训 补贴 花都", "穗财社〔2024〕27号",
               "广州市人力资源和社会保障局", "就业", "军家", "花都区随军家属就业安置财政补贴"]
    one, split = browser.new_page(), browser.new_page()
    for query in queries:
        expected = _all_results(one, server, query)
        assert sorted(_all_results(split, split_server, query)) == sorted(expected), query
        assert split.inner_text("#fs-status") == one.inner_text("#fs-status"), query
    assert _all_results(split, split_server, "语义化 就业") == []
    # Where a bundle has no word beginning with a query word, Pagefind takes the longest of its
    # words that begins the query word instead (残 for 残疾, of 残疾人 cut by the browser's
    # segmenter). One index does so only when no page has such a word. Bundles can then add a
    # page (here the comparisons' index, which has 残 and 人) but never lose one.
    expected = set(_all_results(one, server, "残疾人 就业"))
    assert expected and set(_all_results(split, split_server, "残疾人 就业")) >= expected
    one.close()
    split.close()


@pytest.mark.browser
@pytest.mark.parametrize("query, kind", [("创业 担保 贷款", "项目"), ("见习 补贴", "项目"), ("就业 补贴", "地区")])
def test_facets_count_the_same_with_bundles(server, split_server, browser, query, kind):
    one, split = browser.new_page(), browser.new_page()
    assert sorted(search(split, split_server, query, kind=kind)) == sorted(search(one, server, query, kind=kind))
    for select in ("kind", "region", "doc", "year"):
        options = f"select[name={select}] option"
        assert split.locator(options).all_text_contents() == one.locator(options).all_text_contents(), select
    one.close()
    split.close()


@pytest.mark.browser
def test_golden_queries_find_their_page_in_the_top_three_with_bundles(split_server, browser):
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    misses = []
    for query, expected, why in golden_queries():
        found = [url.strip("/") + "/" for url in search(page, split_server, query)[:3]]
        if not any(url in found for url in expected):
            misses.append(f"{query} ({why}): expected {expected}, got {found}")
    page.close()
    assert not misses, "\n".join(misses)
    # One copy of Pagefind's code and WebAssembly, from the first bundle; the others' indexes.
    assert [url for url in fetched if "wasm." in url] and all("/pagefind/" in url for url in fetched if "wasm." in url)
    assert any("/pagefind-2/" in url for url in fetched)


@pytest.mark.browser
@pytest.mark.parametrize("dropped", ["**/pagefind-2/pagefind-entry.json*", "**/search/bundles.json"])
def test_a_bundle_that_does_not_load_is_said_and_the_next_query_tries_again(split_server, browser, dropped):
    page = browser.new_page()
    failed = []

    def drop_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()
    page.route(dropped, drop_once)
    page.goto(split_server + "/search/?q=随军家属")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.failedFor === '随军家属'", timeout=60000)
    assert failed and page.inner_text("#fs-status") == "搜索没有完成：索引文件没有加载成功，请检查网络后再试。"
    page.press("#fs-q", "Enter")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === '随军家属'")
    found = page.locator("#fs-results a.fs-result__title").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert found[0] == "/projects/huadu-ec-p01/" and len(found) == len(set(found))  # no bundle merged twice
    page.close()
