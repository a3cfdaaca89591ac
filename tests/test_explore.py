"""Comparison pages and charts on the built site; the curated concept tables and their checks."""
from __future__ import annotations

import html
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import ROOT, copy_package, read_rows, run_build, write_rows
from fundsite.formatting import format_wan
from fundsite.load import load_package
from fundsite.model import build_model
from fundsite.formatting import printed_decimals
from fundsite.site.svgcharts import Bar, Row, bar_chart


@pytest.fixture(scope="module")
def model():
    pkg, problems = load_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    return build_model(pkg)


def article(site, url: str) -> str:
    raw = (site / url / "index.html").read_text(encoding="utf-8")
    return raw.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def figure(site, url: str, figure_id: str) -> str:
    page = article(site, url)
    start = page.index(f'<figure class="fs-chart" id="{figure_id}"')
    return page[start:page.index("</figure>", start)]


def table_rows(fragment: str) -> list[list[str]]:
    body = fragment.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)] for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


# -- comparison pages ---------------------------------------------------------
def test_compare_page_puts_guangzhou_and_heyuan_side_by_side(built_site):
    page = article(built_site, "compare/urban-new-jobs")
    glance = page.split('id="glance"', 1)[1].split("</table>", 1)[0]
    rows = {r[0]: r[1:] for r in table_rows(glance)}
    # Five-year cumulative targets: Guangzhou's 13th and 14th plan tables and text, Heyuan's 2023—2027 plan.
    assert rows["规划期累计目标"] == ["[100]（2020年） 万人 [110]（2025年） 万人 110 万人以上（2025年） 万人", "12.5万人以上（2027年） 万人"]
    # Annual district targets exist for Guangzhou only; Heyuan's column says so.
    assert rows["项目年度目标"][1] == "—"
    assert "越秀区：≥2.5万人 万人" in rows["项目年度目标"][0] and "南沙区：1万人次 万人次" in rows["项目年度目标"][0]
    notes = text_of(page.split('class="fs-caveats"', 1)[1].split("</div>", 1)[0])
    assert "累计还是每年" in notes and "单位" in notes


def test_every_linked_row_is_shown_with_its_printed_value(built_site, model):
    pages = {}
    for link in model.rows("concept_links"):
        cid = link["concept_id"]
        pages.setdefault(cid, text_of(article(built_site, f"compare/{cid}")))
        row = model.get(link["table_name"], link["row_id"])
        printed = row["target_raw"] if link["table_name"] == "plan_indicators" else row["value_raw"]
        assert " ".join(printed.split()) in pages[cid], (cid, link["row_id"])
        assert row["name"] in pages[cid]


def test_concept_notes_only_quote_numbers_from_their_rows(model):
    """The editorial notes restate figures; each must be printed in one of the concept's rows."""
    printed = defaultdict(str)
    for link in model.rows("concept_links"):
        row = model.get(link["table_name"], link["row_id"])
        fields = ("baseline_raw", "target_raw", "actual_raw", "raw_text") if link["table_name"] == "plan_indicators" else ("value_raw", "raw_text")
        printed[link["concept_id"]] += " ".join(row.get(f) or "" for f in fields) + " "
    for concept in model.rows("concepts"):
        for note in (concept["period_note"], concept["unit_note"]):
            for number in re.findall(r"(?<!专栏)(?<![\d.])\d+(?:\.\d+)?", note):  # "专栏2" names a table
                if re.fullmatch(r"(19|20)\d\d", number):
                    continue  # years name periods, they are not figures
                assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", printed[concept["concept_id"]]), (concept["concept_id"], number)


def test_indicator_pages_link_to_their_comparison(built_site):
    assert 'href="../../compare/skilled-workforce/"' in article(built_site, "plan-indicators/gz-hrss-14fyp-c2-07")
    project = article(built_site, "projects/huadu-ec-p03")
    assert 'href="../../compare/nanyue-housekeeping/"' in project and 'href="../../compare/cantonese-chef/"' in project


def test_compare_index_lists_every_concept(built_site, model):
    rows = table_rows(article(built_site, "compare"))
    assert [r[0] for r in rows] == [c["name"] for c in sorted(model.rows("concepts"), key=lambda c: c["sort_order"])]
    skilled = next(r for r in rows if r[0] == "技能人才总量")
    assert skilled[2:] == ["3", "0", "2", "1"]  # plan rows, project rows, 广州市, 河源市


@pytest.mark.parametrize("mutate, expected", [
    (lambda rows: rows[0].update(row_id="gz-hrss-14fyp-c9-99"),
     'pkg/data/concept_links.csv:2:row_id: foreign-key: "gz-hrss-14fyp-c9-99" is not in plan_indicators'),
    (lambda rows: rows[0].update(region_id="heyuan"),
     'pkg/data/concept_links.csv:2:region_id: consistency-error: "heyuan" differs from the region of plan gz-hrss-14fyp ("guangzhou")'),
    (lambda rows: rows[0].update(concept_id="no-such-concept"),
     'pkg/data/concept_links.csv:2:concept_id: foreign-key: "no-such-concept" is not in concepts.concept_id'),
])
def test_bad_concept_link_is_reported(tmp_path, mutate, expected):
    pkg = copy_package(tmp_path)
    path = pkg / "data" / "concept_links.csv"
    header, rows = read_rows(path)
    assert rows[0]["row_id"] == "gz-hrss-14fyp-c1-01"
    mutate(rows)
    write_rows(path, header, rows)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:-1] == [expected]


# -- charts -------------------------------------------------------------------
def test_district_chart_sums_each_documents_allocations(built_site, model):
    chart = figure(built_site, "districts", "chart-sczs-2024-27-a2-regions")
    svg = chart[chart.index("<svg"):chart.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="chart-sczs-2024-27-a2-regions-title chart-sczs-2024-27-a2-regions-desc"' in svg
    assert ('<title id="chart-sczs-2024-27-a2-regions-title">2024年中央财政就业补助资金（公共就业服务能力提升示范项目）：'
            '各地区获分配金额</title>') in svg
    assert '<desc id="chart-sczs-2024-27-a2-regions-desc">' in svg
    rows = [a for a in model.rows("allocations") if a["document_id"] == "sczs-2024-27-a2"]
    sums = defaultdict(int)
    for a in rows:
        sums[model.get("regions", a["region_id"])["name"]] += a["amount_yuan"]
    expected = sorted(sums.items(), key=lambda kv: -kv[1])
    table = table_rows(chart)
    assert [(r[0], r[1]) for r in table] == [(name, format_wan(yuan, printed_decimals(rows))) for name, yuan in expected]
    assert svg.count("<rect") == len(expected)  # one bar per row of the table
    huadu = next(r for r in table if r[0] == "花都区")
    assert huadu == ["花都区", "50", "2"]


def test_document_page_charts_money_by_recipient_and_by_task(built_site, model):
    rows = [a for a in model.rows("allocations") if a["document_id"] == "sczs-2024-27-a3"]
    by_unit, by_task, counts = defaultdict(int), defaultdict(int), defaultdict(int)
    for a in rows:
        by_unit[model.get("units", a["recipient_unit_id"])["short_name"]] += a["amount_yuan"]
        task = model.get("projects", a["project_id"])
        while task["level"] != "task":
            task = model.get("projects", task["parent_project_id"])
        label = f'任务{task["seq_label"]}：{task["name"]}'
        by_task[label] += a["amount_yuan"]
        counts[label] += 1
    units = table_rows(figure(built_site, "documents/sczs-2024-27-a3", "chart-sczs-2024-27-a3-units"))
    assert {r[0]: r[1] for r in units} == {name: format_wan(yuan, 2) for name, yuan in by_unit.items()}
    assert units[0] == ["市人社局", "2,785.00", "9"]  # largest first
    tasks = table_rows(figure(built_site, "documents/sczs-2024-27-a3", "chart-sczs-2024-27-a3-tasks"))
    assert tasks == [[label, format_wan(yuan, 2), str(counts[label])] for label, yuan in sorted(by_task.items(), key=lambda kv: -kv[1])]
    assert tasks[0][:2] == ["任务1：实施新质生产力人才培育行动，促进技能人才培养规模质量新跃升", "2,820.00"]


def test_plan_chart_shows_printed_baselines_and_targets(built_site, model):
    chart = figure(built_site, "plans/gz-hrss-14fyp", "chart-gz-hrss-14fyp-c2-01-targets")
    rows = {r[0]: r[1:] for r in table_rows(chart)}
    assert rows["技能人才总量"] == ["万人", "275（2020年）", "320（2025年）"]
    assert rows["“南粤家政”培训人次"] == ["万人次", "[12]（2020年）", "[23]（2025年）"]
    assert "目标：320（2025年）" in chart and "基数：[161.53]（2020年）" in chart


def test_project_page_counts_indicator_kinds(built_site, model):
    rows = table_rows(figure(built_site, "projects/huadu-ec-p01", "chart-huadu-ec-p01-kinds"))
    counts = defaultdict(int)
    for i in model.rows("indicators"):
        if i["project_id"] == "huadu-ec-p01":
            counts[i["level1"]] += 1
    assert {r[0]: int(r[1]) for r in rows} == dict(counts)


def test_bar_chart_is_deterministic_and_escapes_text():
    rows = [Row("<b>甲</b> & 乙", [Bar(Decimal("1.5"), "1.5 万元")]), Row("丙", [Bar(3, "3 万元")])]
    first = bar_chart("c1", 'A "title" <x>', "desc & more", rows)
    assert first == bar_chart("c1", 'A "title" <x>', "desc & more", rows)
    assert "<b>" not in first and "&lt;b&gt;甲&lt;/b&gt; &amp; 乙" in first
    assert '<title id="c1-title">A &quot;title&quot; &lt;x&gt;</title>' in first
    assert "\n" not in first  # one line: a raw HTML block for Markdown
    widths = [float(w) for w in re.findall(r'<rect x="8" y="[\d.]+" width="([\d.]+)"', first)]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.1)  # lengths proportional to values
