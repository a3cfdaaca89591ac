"""Search as a reader uses it, in Chromium: the golden queries, facets, shared links, weight.

tests/search/golden_queries.tsv holds the queries and the page a reader means by each
(文号, names, partial words, places, units, indicators, plans, one-character typos). Add
a line with every data addition that brings a new kind of name.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser_support import browser, search, server  # noqa: F401 (pytest fixtures)
from fundsite.site.search_records import SearchRecord, doc_number_keys, exact_shards, normalise, record_html, shard_of

GOLDEN = Path(__file__).parent / "search" / "golden_queries.tsv"


def golden_queries() -> list[tuple[str, list[str], str]]:
    rows = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected, why = line.split("\t")
            rows.append((query, expected.split("|"), why))
    return rows


def test_the_golden_set_is_big_enough_and_names_pages_that_exist(built_site):
    rows = golden_queries()
    assert len(rows) >= 40
    for query, expected, _ in rows:
        for url in expected:
            assert (built_site / url / "index.html").is_file(), (query, url)


@pytest.mark.browser
def test_golden_queries_find_the_page_a_reader_means(server, browser, capsys):
    page = browser.new_page()
    first, top3, misses = 0, 0, []
    rows = golden_queries()
    for query, expected, why in rows:
        found = [url.strip("/") + "/" for url in search(page, server, query)[:3]]
        first += bool(found) and found[0] in expected
        top3 += any(url in found for url in expected)
        if not (found and found[0] in expected):
            misses.append(f"{query} ({why}): expected {expected}, got {found}")
    page.close()
    with capsys.disabled():
        print(f"\nsearch ranking: {first}/{len(rows)} first ({first / len(rows):.0%}), "
              f"{top3}/{len(rows)} in the top 3 ({top3 / len(rows):.0%})")
    assert top3 == len(rows), "\n".join(misses)
    assert first >= 0.9 * len(rows), "\n".join(misses)


@pytest.mark.browser
def test_facets_filter_results_with_counts_and_live_in_the_address(server, browser):
    page = browser.new_page()
    everything = search(page, server, "花都区")
    projects = search(page, server, "花都区", kind="项目")
    assert projects and len(projects) < len(everything)
    assert all(url.startswith("/projects/") for url in projects)
    kinds = page.locator("select[name=kind] option").all_text_contents()
    assert f"项目（{len(projects)}）" in kinds  # counts are of the current results
    assert any(option.startswith("地区（") for option in kinds)  # other kinds stay in reach
    # A facet chosen on the page goes into the address, so the search can be shared.
    page.select_option("select[name=year]", "2024")
    page.wait_for_function("() => location.search.includes('year=2024')")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === '花都区'")
    assert "kind=%E9%A1%B9%E7%9B%AE" in page.url
    page.close()


@pytest.mark.browser
def test_a_shared_search_link_shows_the_same_results(server, browser):
    page = browser.new_page()
    assert search(page, server, "27号", kind="文件")[:1] == ["/documents/sczs-2024-27/"]
    assert page.input_value("#fs-q") == "27号" and page.input_value("select[name=kind]") == "文件"
    assert "名称或文号完全匹配" in page.locator("#fs-results li").first.inner_text()
    page.close()


@pytest.mark.browser
def test_exact_matches_show_while_pagefind_still_searches(server, browser):
    """On a large site Pagefind can take seconds (its index chunks are held back here): the page
    the 文号 names is listed at once, and the rest follow."""
    page = browser.new_page()
    held, released = [], []
    page.route("**/pagefind/index/**", lambda route: route.continue_() if released else held.append(route))
    page.goto(server + "/search/?" + "q=" + "穗财社〔2024〕27号")
    page.wait_for_selector("#fs-results li")
    assert page.locator("#fs-results a.fs-result__title").first.get_attribute("href") == "/documents/sczs-2024-27/"
    assert "正在查找其他结果" in page.inner_text("#fs-status")
    assert page.evaluate("() => document.getElementById('fs-results').dataset.doneFor") is None
    released.append(True)
    for route in held:
        route.continue_()
    page.wait_for_function("q => document.getElementById('fs-results').dataset.doneFor === q", arg="穗财社〔2024〕27号")
    assert "完全匹配" in page.inner_text("#fs-status")
    page.close()


@pytest.mark.browser
def test_pages_mkdocs_renders_from_markdown_are_found_by_their_title_and_text(server, browser):
    """Their records are made from their Markdown before mkdocs runs (mkdocs_site.markdown_records):
    the hand-written pages by the navigation's title, the renderer's Markdown pages by theirs."""
    page = browser.new_page()
    for query, url in (("维护指南", "/guide/"), ("关于本站", "/about/"), ("数据字典", "/data-dictionary/"),
                       ("版本发布", "/releases/"), ("城镇登记失业率", "/compare/registered-unemployment-rate/"),
                       ("添加一份新通知", "/guide/"), ("不悄悄改正", "/about/")):  # the last two: words of their text
        assert url in search(page, server, query)[:3], query
    page.close()


@pytest.mark.browser
def test_the_search_page_is_not_a_result(server, browser):
    page = browser.new_page()
    for query in ("随军家属", "文号", "筛选"):
        assert "/search/" not in search(page, server, query), query
    page.close()


@pytest.mark.browser
def test_search_works_by_keyboard_on_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(server + "/search/")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === ''")
    page.keyboard.type("随军家属")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === '随军家属'")
    first = page.locator("#fs-results a.fs-result__title").first
    assert first.get_attribute("href") == "/projects/huadu-ec-p01/"
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.close()


@pytest.mark.browser
def test_no_page_but_the_search_page_downloads_anything_for_search(server, browser, built_site):
    assert not (built_site / "search" / "search_index.json").exists()
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    for url in ("/", "/districts/huadu/", "/projects/huadu-ec-p01/", "/plans/gz-hrss-14fyp/"):
        page.goto(server + url)
        page.wait_for_load_state("load")
        page.locator("#fs-header-q").focus()
    assert [url for url in fetched if "pagefind" in url or "/search/" in url] == []
    page.close()


def test_the_themes_own_search_is_not_published(built_site):
    """Neither its worker nor its language files (1 MB), nor their address in any page's config."""
    assert not (built_site / "assets/javascripts/workers").exists()
    assert not (built_site / "assets/javascripts/lunr").exists()
    config = json.loads((built_site / "projects/huadu-ec-p01/index.html").read_text(encoding="utf-8")
                        .split('<script id="__config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert "search" not in config and not any(key.startswith("search.") for key in config["translations"])


@pytest.mark.browser
def test_the_page_and_the_build_make_the_same_keys(server, browser):
    """search-keys.js (in the browser) and search_records.py fold and hash names alike."""
    names = ["穗财社〔2024〕27号", "穗财社（２０２４）２７号", "粤财社[2024]109号", "“粤菜师傅”培训人次",
             "广州市人力资源和社会保障局（局本级）", "ＡＢＣ abc", "河源市 各县（区）", "白云区-社保卡发行管理工作经费"]
    page = browser.new_page()
    page.goto(server + "/search/")
    got = page.evaluate("""async (names) => {
        const keys = await import('/assets/search-keys.js');
        return names.map((n) => [keys.normalise(n), keys.shardOf(keys.normalise(n), 7), keys.pieces(n)]);
    }""", names)
    page.close()
    from fundsite.site.search_records import title_pieces

    assert got == [[normalise(n), shard_of(normalise(n), 7), list(dict.fromkeys(title_pieces(n).split()))] for n in names]


def test_a_doc_number_is_found_in_its_common_forms():
    keys = doc_number_keys("穗财社〔2024〕27号")
    assert keys == ["穗财社202427号", "穗财社202427", "27号"]
    for typed in ["穗财社[2024]27号", "穗财社（２０２４）２７号", "穗财社 〔2024〕 27号", "穗财社(2024)27"]:
        assert normalise(typed) in keys, typed


def test_exact_shards_list_every_key_once_in_the_shard_it_hashes_to():
    records = [SearchRecord(f"p/{n}/", f"项目{n}", "项目", names=[f"别名{n}"]) for n in range(1000)]
    records.append(SearchRecord("documents/d/", "通知", "文件", doc_numbers=["穗财社〔2024〕27号"]))
    files = exact_shards(records)
    meta = json.loads(files["meta.json"])
    assert meta["shards"] == len(files) - 1 and meta["keys"] == 2004
    for name, data in files.items():
        if name != "meta.json":
            for key in json.loads(data):
                assert shard_of(key, meta["shards"]) == int(name.removesuffix(".json"))
    shard = json.loads(files[f"{shard_of('27号', meta['shards'])}.json"])
    assert shard["27号"] == [["documents/d/", "通知", "文件", "", {"类型": ["文件"]}]]


def test_a_record_is_escaped_html_whatever_its_text():
    from html.parser import HTMLParser

    hostile = '<script>alert("x")</script>&amp; "引号" <img src=x onerror=alert(1)>'
    html_text = record_html(SearchRecord("p/", hostile, "项目", text=hostile, names=[hostile], filters={"地区": [hostile]}))

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    parsed = Collect()
    parsed.feed(html_text)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert parsed.text.count(hostile) >= 4  # title, h1, names, text (and the facet)


def test_exact_shards_stay_small_when_many_pages_share_a_name():
    """At scale one name (第01区就业促进项目01) can title hundreds of pages: a shard lists the
    first 20 of them, and the number of shards grows with the table's bytes, not its keys."""
    from fundsite.site.search_records import KEY_ENTRIES, SHARD_BYTES

    records = [SearchRecord(f"projects/c{c:03d}-p{n:02d}/", f"第01区就业促进项目{n:02d}", "项目",
                            filters={"地区": [f"合成市{c:03d}"]}, summary="项目 · 合成市") for c in range(300) for n in range(40)]
    files = exact_shards(records)
    shards = {name: json.loads(data) for name, data in files.items() if name != "meta.json"}
    assert all(len(entries) == KEY_ENTRIES for shard in shards.values() for entries in shard.values())
    assert max(len(data) for name, data in files.items() if name != "meta.json") <= 3 * SHARD_BYTES


@pytest.mark.browser
def test_the_search_page_fetches_nothing_before_a_query_and_facets_when_opened(server, browser):
    page = browser.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server + "/search/")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === ''")
    assert [url for url in fetched if "/pagefind/" in url or "/search/exact/" in url] == []
    page.fill("#fs-q", "花都区")
    page.press("#fs-q", "Enter")
    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === '花都区'")
    assert [url for url in fetched if "/pagefind/" in url] and not [url for url in fetched if "/pagefind/filter/" in url]
    page.locator("#fs-facets-box summary").click()
    page.wait_for_function("() => document.querySelectorAll('select[name=kind] option').length > 2")
    assert [url for url in fetched if "/pagefind/filter/" in url]
    page.close()
