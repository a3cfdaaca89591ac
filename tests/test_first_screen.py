"""Answers first: every entity page opens with its answer (how much, how many, which document)
and its main chart, both on the first screen of a desktop (1366×900) and of a phone (390×844).

Set FUNDSITE_SCREENS=/some/folder to also save each first screen as <kind>-<size>.png there.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_support import browser, server  # noqa: F401 (pytest fixtures)

pytestmark = pytest.mark.browser

SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}

# Each page kind: (page, the id of its main chart, which must be the article's first chart).
PAGES = {
    "project": ("/projects/huadu-ec-p01/", "chart-huadu-ec-p01-kinds"),
    "project-children": ("/projects/sczs-2024-27-t1/", "chart-sczs-2024-27-t1-sczs-2024-27-a2"),
    "project-sub": ("/projects/sczs-2024-27-s2/", "chart-sczs-2024-27-s2-kinds"),
    "document": ("/documents/sczs-2024-27-a2/", "chart-central-employment-subsidy-2024-flow"),
    "document-view": ("/documents/sczs-2024-27-a3/", "chart-sczs-2024-27-a3-regions"),
    "document-budget": ("/documents/huadu-ec-targets/", "chart-huadu-ec-budget-2024-flow"),
    "plan": ("/plans/gz-hrss-14fyp/", "chart-gz-hrss-14fyp-c2-01-targets"),
    "home": ("/", "chart-central-employment-subsidy-2024-flow"),
    "fund": ("/funds/central-employment-subsidy-2024/", "chart-central-employment-subsidy-2024-flow"),
    # A district's and a unit's money by project, of the fund they received (counted flows only).
    "district": ("/districts/huadu/", "chart-sczs-2024-27-a2-projects"),
    "unit": ("/units/gz-hrss/", "chart-sczs-2024-27-a2-projects"),
    # A family of district projects: what it is and how many districts, then the districts' common indicator.
    "family": ("/families/gz-hrss-f-employment-subsidy/", "chart-gz-hrss-f-employment-subsidy-districts"),
}

# Page-top positions (the page is not scrolled): the answer is the first amount, else the lead.
FIRST_SCREEN = """() => {
    const article = document.querySelector('article');
    const answer = article.querySelector('.fs-amount') || article.querySelector('.fs-lead');
    const figure = article.querySelector('figure.fs-chart');
    const svg = figure && figure.querySelector('svg.fs-chart-svg');
    return {
        answer: answer ? answer.getBoundingClientRect().top + window.scrollY : null,
        answerText: answer ? answer.textContent.trim().slice(0, 40) : null,
        chartId: figure ? figure.id : null,
        chart: svg ? svg.getBoundingClientRect().top + window.scrollY : null,
    };
}"""

CHART_TEXT = """() => [...document.querySelectorAll('svg.fs-chart-svg text')].filter((t) => t.checkVisibility()).map((t) => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
})"""

SEEN = 40  # px of the chart at least on the first screen: its first line, not just its top edge


def _open(browser, server, url, size):
    page = browser.new_page(**SIZES[size])
    page.goto(server + url)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_the_answer_and_the_main_chart_are_on_the_first_screen(server, browser, kind, size):
    url, chart_id = PAGES[kind]
    page = _open(browser, server, url, size)
    height = SIZES[size]["viewport"]["height"]
    found = page.evaluate(FIRST_SCREEN)
    assert found["chartId"] == chart_id, found  # the main chart comes first, rendered once
    assert page.locator(f'[id="{chart_id}"]').count() == 1
    assert found["answer"] is not None and found["answer"] < height, found
    assert found["chart"] is not None and found["chart"] + SEEN <= height, found
    assert found["answer"] < found["chart"], found  # the answer in words, then its chart
    folder = os.environ.get("FUNDSITE_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{kind}-{size}.png"))
    page.close()


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_chart_text_on_a_phone_is_never_under_11_px(server, browser, kind):
    page = _open(browser, server, PAGES[kind][0], "phone")
    sizes = page.evaluate(CHART_TEXT)
    assert sizes, "no chart on the page"
    assert min(sizes) >= 11, sorted(sizes)[:5]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # a wide drawing scrolls in its own box
    page.close()


def test_the_secondary_facts_follow_the_main_chart(built_site):
    """层级、预算单位、名称原文 and the like come after the chart, not before it."""
    page = (built_site / "projects" / "huadu-ec-p01" / "index.html").read_text(encoding="utf-8")
    assert page.index('class="fs-lead"') < page.index('class="fs-amount"') < page.index('<figure class="fs-chart"') \
        < page.index("<dt>层级</dt>") < page.index("<dt>预算单位</dt>")
    doc = (built_site / "documents" / "sczs-2024-27-a2" / "index.html").read_text(encoding="utf-8")
    assert doc.index("<dt>文号</dt>") < doc.index('<figure class="fs-chart"') < doc.index("<dt>标题原文</dt>")
    assert doc.count('id="chart-central-employment-subsidy-2024-flow"') == 1
