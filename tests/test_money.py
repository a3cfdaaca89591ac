"""One fund, one number: every aggregate on the site and in the downloads is recomputed here from the
counted flows (flows.csv, budgets.csv and the curated tables), independently of the build's own code.

The bundled package prints one 5,000万元 transfer three times (粤财社〔2024〕109号附件1,
穗财社〔2024〕27号附件2 and 附件3); 花都区就业中心's own budget (13,232.12万元) is another measure.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from conftest import ROOT, read_rows, run_build, write_rows
from package_tools import make_tiny
from test_explore import article, table_rows, text_of

DATA = ROOT / "datapackage" / "data"


def _csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _wan(yuan: int, rows: list[dict] = ()) -> str:
    """万元 with thousands separators and as many decimals as the printed 万元 amounts of rows had."""
    places = max((len(r["amount_raw"].rsplit(".", 1)[1]) for r in rows
                  if r.get("amount_unit_raw") == "万元" and "." in r["amount_raw"]), default=0)
    return f"{Decimal(yuan) / 10000:,.{places}f}"


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def flows(built_site) -> list[dict]:
    return _csv(built_site / "downloads" / "flows.csv")


@pytest.fixture(scope="module")
def budgets(built_site) -> list[dict]:
    return _csv(built_site / "downloads" / "budgets.csv")


@pytest.fixture(scope="module")
def curated() -> dict[str, list[dict]]:
    return {name: _csv(DATA / f"{name}.csv") for name in ("funds", "fund_views", "allocations", "regions", "units",
                                                           "projects", "stated_totals", "documents")}


# -- the downloads: a plain sum is right -------------------------------------------------------
def test_each_fund_sums_to_its_stated_total(flows, budgets, curated):
    totals = {t["total_id"]: int(t["amount_yuan"]) for t in curated["stated_totals"]}
    for fund in curated["funds"]:
        rows = flows if fund["kind"] == "transfer" else budgets
        assert sum(int(f["amount_yuan"]) for f in rows if f["fund_id"] == fund["fund_id"]) == totals[fund["total_id"]]
    assert sum(int(f["amount_yuan"]) for f in flows) == 50_000_000  # one 5,000万元, not three
    assert sum(int(f["amount_yuan"]) for f in budgets) == 132_321_200


def test_one_filter_and_one_groupby_give_the_district_figures(flows):
    """How much did each district get from the 2024 fund, and for what: one filter, one groupby."""
    fund = [f for f in flows if f["fund_id"] == "central-employment-subsidy-2024"]
    by_region = defaultdict(int)
    for f in fund:
        by_region[f["region"]] += int(f["amount_yuan"])
    assert by_region["海珠区"] == 2_600_000
    assert by_region["花都区"] == 500_000
    districts = {name: yuan for name, yuan in by_region.items() if name.endswith("区")}
    assert len(districts) == 11 and sum(districts.values()) == 14_950_000
    assert {f["project"] for f in fund if f["region"] == "花都区"} == {"“乐业羊城”行动-促进重点群体稳就业新跃升", "小微企业劳动关系事务托管服务"}


def test_flows_are_the_counted_rows_and_views_agree(flows, curated):
    views = {v["document_id"]: v for v in curated["fund_views"]}
    counted = {f["counted_document_id"] for f in curated["funds"]}
    assert not counted & set(views)
    rows = {a["allocation_id"]: a for a in curated["allocations"]}
    assert all(rows[f["flow_id"]]["document_id"] in counted for f in flows)
    assert all(a["document_id"] in counted | set(views) for a in curated["allocations"])
    by_flow = {(rows[f["flow_id"]]["project_id"], rows[f["flow_id"]]["recipient_unit_id"]): int(f["amount_yuan"])
               for f in flows}
    for doc, view in views.items():
        parts = [a for a in curated["allocations"] if a["document_id"] == doc]
        if view["grain"] == "fund":
            assert sum(int(a["amount_yuan"]) for a in parts) == sum(by_flow.values())
        else:
            split = defaultdict(int)
            for a in parts:
                split[(a["project_id"], a["recipient_unit_id"])] += int(a["amount_yuan"])
            assert split == by_flow


# -- every aggregate on the site, recomputed ---------------------------------------------------
def _subtree(rows: list[dict], key: str, parent: str, root: str) -> set[str]:
    found, stack = set(), [root]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(r[key] for r in rows if r[parent] == current)
    return found


def _sums(records: list[dict], keep) -> str:
    picked = [r for r in records if keep(r)]
    return _wan(sum(int(r["amount_yuan"]) for r in picked), picked) if picked else "—"


def _budget_rows(curated) -> list[dict]:
    budget_docs = {f["counted_document_id"] for f in curated["funds"] if f["kind"] == "budget"}
    return [a for a in curated["allocations"] if a["document_id"] in budget_docs]


def _flow_rows(curated, flows) -> list[dict]:
    ids = {f["flow_id"] for f in flows}
    return [a for a in curated["allocations"] if a["allocation_id"] in ids]


def test_districts_index_shows_one_number_per_district_and_measure(built_site, flows, curated):
    table = table_rows(article(built_site, "districts"))
    by_name = {row[0]: row for row in table}
    transfers, budgets = _flow_rows(curated, flows), _budget_rows(curated)
    for region in curated["regions"]:
        places = _subtree(curated["regions"], "region_id", "parent_region_id", region["region_id"])
        row = by_name[region["name"]]
        assert row[2] == _sums(transfers, lambda a: a["region_id"] in places), region["name"]
        assert row[3] == _sums(budgets, lambda a: a["region_id"] in places), region["name"]
    assert by_name["海珠区"][2:4] == ["260", "—"]
    assert by_name["花都区"][2:4] == ["50", "13,232.12"]
    assert by_name["广州市"][2] == "5,000"  # not 13,232.12 nor 15,000
    page = article(built_site, "districts")
    assert page.count('<figure class="fs-chart"') == 1  # one chart per fund, not one per view


def test_projects_index_counts_each_flow_once(built_site, flows, curated):
    page = article(built_site, "projects")
    transfers, budgets = _flow_rows(curated, flows), _budget_rows(curated)
    seen = 0
    for section in page.split("<h2>")[1:]:
        for row in table_rows(section):
            project = next(p for p in curated["projects"] if p["name"] == row[1])
            tree = _subtree(curated["projects"], "project_id", "parent_project_id", project["project_id"])
            assert row[3] == _sums(transfers, lambda a: a["project_id"] in tree), row[1]
            assert row[4] == _sums(budgets, lambda a: a["project_id"] in tree), row[1]
            seen += 1
    assert seen == len(curated["projects"])
    text = _flat(text_of(page))
    assert "推动劳动仲裁融合发展子项目140—" in text  # was 280: 附件2 + 附件3
    assert "2024年广州市公共就业服务能力提升示范项目资金项目5,000—" in text  # was 15,000
    assert "实施“产教评”技能生态区“样板工程”子项目1,275—" in text  # was 2,550


def test_units_and_documents_indexes_have_money_columns(built_site, flows, curated):
    transfers, budgets = _flow_rows(curated, flows), _budget_rows(curated)
    units = {row[1]: row for row in table_rows(article(built_site, "units"))}
    for unit in curated["units"]:
        row = units[unit["name"]]
        assert row[3] == _sums(transfers, lambda a: a["recipient_unit_id"] == unit["unit_id"]), unit["name"]
        assert row[4] == _sums(budgets, lambda a: a["recipient_unit_id"] == unit["unit_id"]), unit["name"]
    documents = table_rows(article(built_site, "documents"))
    views = {v["document_id"] for v in curated["fund_views"]}
    assert len(documents) == len(curated["documents"])
    for doc, row in zip(_documents_in_page_order(built_site, curated), documents):
        if doc["document_id"] in views:
            assert row[4:6] == ["—", "—"] and row[6].startswith("视图")
        else:
            assert row[4] == _sums(transfers, lambda a: a["document_id"] == doc["document_id"])
            assert row[5] == _sums(budgets, lambda a: a["document_id"] == doc["document_id"])
    column = [row[4] for row in documents if row[4] != "—"]
    assert column == ["5,000"]  # the column adds up to the money, once


def _documents_in_page_order(site, curated) -> list[dict]:
    page = article(site, "documents")
    ids = re.findall(r'<td class="fs-depth-\d"><a href="([^"]+)/"', page)
    by_id = {d["document_id"]: d for d in curated["documents"]}
    return [by_id[i.rstrip("/").rsplit("/", 1)[-1]] for i in ids]


def test_home_page_gives_each_fund_once(built_site, flows, budgets):
    page = article(built_site, "")
    section = page.split('id="主要数字"', 1)[1] if 'id="主要数字"' in page else page.split("主要数字", 1)[1]
    # The answer first: the first fund's money-flow chart (with its own table) comes before the funds table.
    rows = table_rows(re.sub(r"<figure.*?</figure>", "", section, flags=re.S))
    assert [(r[0], r[1], r[2]) for r in rows] == [  # each fund once, in the column of its measure
        ("2024年中央财政就业补助资金（公共就业服务能力提升示范项目）", _wan(sum(int(f["amount_yuan"]) for f in flows)), "—"),
        ("花都区劳动就业服务管理中心2024年项目支出预算", "—", "13,232.12")]
    assert "✓ 一致" in rows[0][3] and "✗" not in rows[0][3]


def test_region_and_unit_pages_sum_counted_flows(built_site, flows):
    haizhu = _flat(text_of(article(built_site, "districts/haizhu")))
    assert "2024年中央财政就业补助资金（公共就业服务能力提升示范项目）（下达资金）：260万元（5笔" in haizhu
    assert "520" not in haizhu  # 附件2 + 附件3 would give 520
    unit = _flat(text_of(article(built_site, "units/gz-labour-arbitration")))
    assert "合计80万元" in unit and "合计160" not in unit


def test_document_pages_say_which_rows_count_and_show_the_agreement(built_site):
    counted = _flat(text_of(article(built_site, "documents/sczs-2024-27-a2")))
    assert "本文件的56笔分配是2024年中央财政就业补助资金（公共就业服务能力提升示范项目）（下达资金）的逐笔资金流" in counted
    assert "按接收单位和预算科目拆分穗财社〔2024〕27号附件3分配计划表（区分科目）5,0005,000✓一致（56笔逐一相符）" in counted
    view = _flat(text_of(article(built_site, "documents/sczs-2024-27-a3")))
    assert "本文件是2024年中央财政就业补助资金（公共就业服务能力提升示范项目）的另一种列法（按接收单位和预算科目拆分）" in view


# -- the rules ----------------------------------------------------------------------------------
def test_a_document_of_no_fund_and_a_view_that_disagrees_fail(tmp_path):
    pkg = make_tiny(tmp_path)
    header, funds = read_rows(pkg / "data" / "funds.csv")
    write_rows(pkg / "data" / "funds.csv", header, [])
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        'pkg/data/allocations.csv:2:document_id: consistency-error: "tiny-notice-a1" belongs to no fund: add it to '
        "funds.csv as the counted document of a new fund, or to fund_views.csv if it restates money another document "
        "already counts")
    # The same rows as a view of a fund counted elsewhere, one yuan short.
    write_rows(pkg / "data" / "funds.csv", header, funds)
    a_header, allocations = read_rows(pkg / "data" / "allocations.csv")
    copies = [dict(a, allocation_id=a["allocation_id"] + "-v", document_id="tiny-notice") for a in allocations]
    copies[0]["amount_yuan"] = str(int(copies[0]["amount_yuan"]) - 1)
    copies[0]["note"] = "test"
    write_rows(pkg / "data" / "allocations.csv", a_header, allocations + copies)
    v_header, _ = read_rows(pkg / "data" / "fund_views.csv")
    write_rows(pkg / "data" / "fund_views.csv", v_header, [dict(document_id="tiny-notice", fund_id="tiny-fund", grain="flow",
                                                                label="copy", note="")])
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert ('pkg/data/allocations.csv:5:amount_yuan: view-mismatch: view tiny-notice gives 50.5999万元 for counted flow '
            'tiny-a01, which counts 50.6万元') in result.stdout.splitlines()


# -- follow the money -----------------------------------------------------------------------------
def test_money_flow_diagram_bands_fill_their_parents(built_site, flows):
    from test_explore import figure

    for url in ("", "documents/sczs-2024-27-a2"):
        chart = figure(built_site, url, "chart-central-employment-subsidy-2024-flow")
        svg = chart[chart.index("<svg"):chart.index("</svg>")]
        height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
        bands = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
        columns = defaultdict(float)
        for x, _y, h in bands:
            columns[x] += float(h)
        assert len(columns) == 4  # 资金, 任务, 子项目, 接收地区
        for x, total in columns.items():
            assert abs(total - columns["0.0"]) < 0.1 * len(bands), x  # each level fills the fund's height
        assert columns["0.0"] < height
        table = table_rows(chart)
        assert len(table) == len(flows) == 56
        assert sum(Decimal(row[2].replace(",", "")) for row in table) == 5000
        assert "<title>2024年中央财政就业补助资金（公共就业服务能力提升示范项目）：5,000 万元</title>" in svg
        assert "<title>海珠区：" in svg and 'href="' in svg


def test_sqlite_view_and_workbook_hold_the_same_counted_rows(built_site, flows, budgets):
    import sqlite3

    from openpyxl import load_workbook

    con = sqlite3.connect(built_site / "downloads" / "gd-employment-funds.sqlite")
    try:
        rows = con.execute("SELECT kind, flow_id, amount_yuan FROM counted_flows ORDER BY kind, flow_id").fetchall()
        by_region = dict(con.execute("SELECT region, SUM(amount_yuan) FROM counted_flows WHERE fund_id = "
                                     "'central-employment-subsidy-2024' GROUP BY region").fetchall())
    finally:
        con.close()
    expected = sorted([("transfer", f["flow_id"], int(f["amount_yuan"])) for f in flows]
                      + [("budget", b["flow_id"], int(b["amount_yuan"])) for b in budgets])
    assert rows == expected
    assert by_region["海珠区"] == 2_600_000
    sheet = load_workbook(built_site / "downloads" / "flows.xlsx")["flows"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(flows[0]) and len(values) - 1 == len(flows)
    assert sum(row[list(flows[0]).index("amount_yuan")] for row in values[1:]) == 50_000_000


def test_every_view_row_names_the_flow_it_restates(built_site, flows, curated):
    views = _csv(built_site / "downloads" / "view-rows.csv")
    view_docs = {v["document_id"]: v for v in curated["fund_views"]}
    expected = [a["allocation_id"] for a in curated["allocations"] if a["document_id"] in view_docs]
    assert sorted(v["allocation_id"] for v in views) == sorted(expected)
    flow_ids = {f["flow_id"]: f for f in flows}
    rows = {a["allocation_id"]: a for a in curated["allocations"]}
    for v in views:
        if v["grain"] == "fund":
            assert v["flow_id"] == ""
        else:
            flow = rows[v["flow_id"]]
            assert v["flow_id"] in flow_ids
            assert (flow["project_id"], flow["recipient_unit_id"]) == (rows[v["allocation_id"]]["project_id"],
                                                                      rows[v["allocation_id"]]["recipient_unit_id"])


def test_the_json_download_carries_the_counted_flows(built_site, flows, budgets):
    import json

    data = json.loads((built_site / "downloads" / "gd-employment-funds.json").read_text(encoding="utf-8"))
    counted = data["counted_flows"]
    assert sorted(f["flow_id"] for f in counted) == sorted(f["flow_id"] for f in flows + budgets)
    transfer = sum(f["amount_yuan"] for f in counted if f["kind"] == "transfer")
    assert transfer == 50_000_000 and transfer < sum(a["amount_yuan"] for a in data["tables"]["allocations"])


def test_fund_index_and_a_sub_project_answer_first(built_site):
    funds = table_rows(article(built_site, "funds"))
    assert [row[:4] for row in funds] == [
        ["2024年中央财政就业补助资金（公共就业服务能力提升示范项目）", "2024", "5,000", "—"],
        ["花都区劳动就业服务管理中心2024年项目支出预算", "2024", "—", "13,232.12"]]
    project = _flat(text_of(article(built_site, "projects/sczs-2024-27-s2")))
    assert "140万元：市仲裁院80、市人力资源市场服务中心40、海珠区人社局20" in project
    assert "穗财社〔2024〕27号附件2" in project  # the document the answer comes from, named on the first screen


def test_a_fund_with_many_flows_charts_them_summed_to_fewer_bands(tmp_path, monkeypatch):
    """At scale the money-flow chart and its table stop at the deepest level with at most
    MAX_FLOW_LEAVES bands: the table has one row per band, and the rows still sum to the fund."""
    from fundsite.check.package import check_package
    from fundsite.site import figures
    from fundsite.site.render import render_site
    from package_tools import make_tiny

    make_tiny(tmp_path)
    model, problems = check_package(tmp_path / "pkg", "pkg")
    assert problems == []
    fund = model.money.funds[0]
    flows = model.money.flows_by_fund[fund["fund_id"]]
    monkeypatch.setattr(figures, "MAX_FLOW_LEAVES", 1)
    output = render_site(model)
    page = next(p.content for p in output.direct if p.url == f"funds/{fund['fund_id']}/")
    chart = page.split(f'id="chart-{fund["fund_id"]}-flow"', 1)[1].split("</figure>", 1)[0]
    assert "图和表汇总到" in chart and "逐笔见下载数据中的资金流表（flows.csv）" in chart
    rows = table_rows(chart)
    assert 0 < len(rows) < len(flows)
    assert sum(int(r[1].removesuffix(" 笔")) for r in rows) == len(flows)
    assert sum(Decimal(r[2].replace(",", "")) for r in rows) * 10_000 == sum(a["amount_yuan"] for a in flows)
