"""In a real browser: Chinese search lands on the right page, charts come with their tables, index tables sort and filter."""
from __future__ import annotations

import pytest

from browser_support import browser, search, server  # noqa: F401 (pytest fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query, first, also_near_top", [
    ("花都", "/districts/huadu/", []),
    ("技能人才", "/compare/skilled-workforce/", []),
    ("产教评", "/projects/sczs-2024-27-s1a/", []),
    ("南粤家政", "/compare/nanyue-housekeeping/",
     ["/plan-indicators/gz-hrss-14fyp-c2-12/", "/plan-indicators/hy-employment-2023-2027-t09/"]),
])
def test_search_lands_on_the_right_page(server, browser, query, first, also_near_top):
    page = browser.new_page()
    results = search(page, server, query)
    assert results[:1] == [first], results[:5]
    for url in also_near_top:
        assert url in results[:3], results[:5]
    page.close()


def test_chart_has_a_name_and_a_table_of_its_figures(server, browser):
    page = browser.new_page()
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(server + "/districts/")
    chart = page.locator("#chart-sczs-2024-27-a2-regions")  # the fund's counted document: each flow once
    drawing = chart.get_by_role("img", name="2024年中央财政就业补助资金（公共就业服务能力提升示范项目）：各地区获分配金额")
    assert drawing.is_visible()
    bars = chart.locator("svg rect").count()
    table = chart.locator("details table")
    assert not table.is_visible()  # folded until asked for
    chart.locator("details summary").click()
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == bars == 12
    assert rows.filter(has_text="花都区").inner_text().split("\t") == ["花都区", "50", "2"]
    assert [url for url in requests if not url.startswith(server)] == []
    page.close()


def _column(page, table, index):
    return table.locator(f"tbody tr td:nth-child({index})").all_inner_texts()


def test_click_a_header_to_sort(server, browser):
    page = browser.new_page()
    page.goto(server + "/units/")
    table = page.locator(".fs-sortable table").first
    header = table.locator("thead th", has_text="分配笔数")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    counts = [int(x) for x in _column(page, table, 7)]
    assert counts == sorted(counts) and counts[-1] >= 10  # numeric order: 9 before 10
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert [int(x) for x in _column(page, table, 7)] == sorted(counts, reverse=True)
    # Money sorts as numbers with thousands separators, units without money ("—") last.
    table.locator("thead th", has_text="获分配资金").locator("button").click()
    money = _column(page, table, 4)
    amounts = [float(x.replace(",", "")) for x in money if x != "—"]
    assert amounts == sorted(amounts) and money[len(amounts):] == ["—"] * (len(money) - len(amounts))
    # Sorting by another column moves the marker there.
    table.locator("thead th", has_text="单位").first.locator("button").click()
    assert header.get_attribute("aria-sort") is None
    page.close()


def test_filter_box_hides_rows_that_do_not_match(server, browser):
    page = browser.new_page()
    page.goto(server + "/units/")
    wrapper = page.locator(".fs-sortable").first
    total = wrapper.locator("tbody tr").count()
    wrapper.get_by_label("筛选本表").fill("花都")
    visible = wrapper.locator("tbody tr:visible")
    assert 0 < visible.count() < total
    assert all("花都" in text for text in visible.all_inner_texts())
    assert wrapper.locator(".fs-filter-count").inner_text() == f"显示 {visible.count()} / {total} 行"
    wrapper.get_by_label("筛选本表").fill("")
    assert wrapper.locator("tbody tr:visible").count() == total
    page.close()


def test_tables_read_well_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/districts/")
    table = page.locator(".fs-sortable table").first
    names = table.locator("tbody tr td:first-child").all_inner_texts()
    assert names[:3] == ["广东省", "广州市", "广州市本级"] and "河源市" in names  # the data's own order
    assert page.locator("button.fs-sort, .fs-filter").count() == 0
    assert page.locator("#chart-sczs-2024-27-a2-regions svg").is_visible()  # charts need no script
    context.close()


def test_a_provenance_link_opens_the_source_with_its_lines_marked(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/projects/sczs-2024-27-s1a/")
    link = page.locator(".fs-provenance a", has_text="原文第")
    lines = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    marked = page.locator(".fs-line.fs-hl")
    start, end = (int(x) for x in lines.split("第")[1].split("行")[0].strip().split("-"))
    assert marked.count() == end - start + 1
    assert marked.first.get_attribute("id") == f"L{start}" and marked.first.is_visible()
    page.close()


def test_entity_page_tables_sort_like_the_index_tables(server, browser):
    page = browser.new_page()
    page.goto(server + "/funds/central-employment-subsidy-2024/")
    table = page.locator(".fs-money .fs-sortable table").first
    header = table.locator("thead th", has_text="金额（万元）")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    column = [cell.replace(",", "") for cell in _column(page, table, 4)]
    amounts = [float(x) for x in column if x not in ("—", "")]
    assert len(amounts) > 3 and amounts == sorted(amounts)
    # The total stays at the foot, whatever the order.
    assert table.locator("tfoot th").first.inner_text().startswith("合计")
    # Indicator tables sort too.
    page.goto(server + "/projects/huadu-ec-p01/")
    assert page.locator(".fs-indicators.fs-sortable button.fs-sort").count() > 0
    page.close()
