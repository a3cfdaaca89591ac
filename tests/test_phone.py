"""On a 390 px phone, in Chromium: wide tables read as cards, the answer columns on screen.

A cell counts as off-screen when it is rendered (not inside a closed <details>) and its
right edge lies beyond the viewport; no page may need sideways scrolling.
"""
from __future__ import annotations

import pytest

from browser_support import browser, server  # noqa: F401 (pytest fixtures)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Each page kind, and the column whose values are the page's answer.
PAGES = {
    "/districts/haizhu/": "金额（万元）",
    "/districts/": "下达资金（万元）",
    "/projects/huadu-ec-p01/": "目标值",
    "/documents/sczs-2024-27-a3/": "金额（万元）",
    "/units/gz-hrss/": None,
    "/plans/gz-hrss-14fyp/": "目标",
    "/funds/central-employment-subsidy-2024/": None,
    "/compare/skilled-workforce/": None,
    "/": None,
    "/downloads/": None,
}

OFF_SCREEN = """() => {
    const out = [];
    document.querySelectorAll('.md-content td, .md-content th').forEach((cell) => {
        const box = cell.getBoundingClientRect();
        if (box.width && box.right > window.innerWidth + 1 && cell.checkVisibility()) {
            out.push(cell.textContent.trim().slice(0, 20) + ' @' + Math.round(box.right));
        }
    });
    return out;
}"""


@pytest.mark.parametrize("url", sorted(PAGES))
def test_no_table_cell_is_off_screen_on_a_phone(server, browser, url):
    page = browser.new_page(**PHONE)
    page.goto(server + url)
    page.wait_for_load_state("load")
    assert page.evaluate(OFF_SCREEN) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    answer = PAGES[url]
    if answer:
        cells = page.locator(f'.md-content td[data-label^="{answer}"]:visible')  # not a folded chart table's
        assert cells.count() > 0, f"no {answer} cells"
        first = cells.first
        first.scroll_into_view_if_needed()
        box = first.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= 390
        assert first.is_visible()
    page.close()


def test_on_a_desktop_tables_stay_tables(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + "/districts/haizhu/")
    page.wait_for_load_state("load")
    table = page.locator("table[data-fs-cards]").first
    assert table.evaluate("t => getComputedStyle(t).display") in ("table", "inline-block")  # the theme's, not cards
    assert table.evaluate("t => getComputedStyle(t).borderTopStyle") == "solid"  # the theme's look
    assert table.locator("thead").is_visible()
    assert table.get_attribute("role") == "table"  # the roles stay, whatever the layout
    page.close()


@pytest.mark.parametrize("url", ["/projects/huadu-ec-p01/", "/plans/gz-hrss-14fyp/", "/documents/sczs-2024-27-a3/"])
def test_printed_tables_wrap_instead_of_being_cut(server, browser, url):
    """Printed (A4 width), every rendered table cell lies inside the page's text column, and
    headings keep with what follows them."""
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.goto(server + url)
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    right = page.evaluate("() => document.querySelector('article').getBoundingClientRect().right")
    cut = page.evaluate("""(right) => [...document.querySelectorAll('article td, article th')]
        .filter((c) => c.checkVisibility() && c.getBoundingClientRect().right > right + 1)
        .map((c) => c.textContent.trim().slice(0, 20))""", right)
    assert cut == []
    assert page.evaluate("() => getComputedStyle(document.querySelector('article h2')).breakAfter") == "avoid"
    page.close()


CHART_TEXT = """() => [...document.querySelectorAll('svg.fs-chart-svg text')].filter((t) => t.checkVisibility()).map((t) => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
})"""


@pytest.mark.parametrize("url", ["/", "/districts/", "/plans/gz-hrss-14fyp/", "/documents/sczs-2024-27-a3/",
                                 "/funds/central-employment-subsidy-2024/"])
@pytest.mark.parametrize("width", [390, 1366])
def test_chart_text_is_never_under_11_px(server, browser, url, width):
    page = browser.new_page(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page.goto(server + url)
    page.wait_for_load_state("load")
    sizes = page.evaluate(CHART_TEXT)
    assert sizes, "no chart on the page"
    assert min(sizes) >= 11, sorted(sizes)[:5]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # a wide drawing scrolls in its own box
    page.close()


def test_a_card_cell_keeps_its_content_beside_its_label(server, browser):
    """Cells that mix text, links and units flow beside the column's name, never under it."""
    page = browser.new_page(**PHONE)
    page.goto(server + "/compare/urban-new-jobs/")
    page.wait_for_load_state("load")
    misplaced = page.evaluate("""() => [...document.querySelectorAll('td[data-label]')].filter((td) => td.checkVisibility())
        .flatMap((td) => {
            const edge = td.getBoundingClientRect().left + parseFloat(getComputedStyle(td, '::before').width) - 1;
            return [...td.querySelectorAll('a, small')].filter((el) => el.getBoundingClientRect().left < edge)
                .map((el) => el.textContent.trim());
        })""")
    assert misplaced == []
    page.goto(server + "/districts/")
    page.wait_for_load_state("load")
    marks = page.evaluate("""() => [...document.querySelectorAll('td.fs-subtotal')].map((td) => getComputedStyle(td, '::after').content)""")
    assert marks and set(marks) == {'"（小计）"'}  # a subtotal still says so on a card
    page.close()
