"""The bundled data built into a site: values on pages, one page per entity, reproducibility."""
from __future__ import annotations

import hashlib
import os
import json
import html
import re
from pathlib import Path

import pytest

from conftest import ROOT, copy_package, read_rows, run_build, write_rows
from site_crawl import search_fragments
from fundsite import urls
from fundsite.kinds import KINDS
from fundsite.load import load_package
from fundsite.model import KEYS, build_model


def page_text(site: Path, url: str) -> str:
    """The visible text of a built page, whitespace collapsed."""
    raw = (site / url / "index.html").read_text(encoding="utf-8")
    article = raw.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", article)
    return " ".join(html.unescape(text).split())


@pytest.fixture(scope="module")
def model():
    pkg, problems = load_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    return build_model(pkg)


def test_district_page_shows_each_fund_once(built_site):
    text = page_text(built_site, "districts/huadu")
    # 001 合计 13,232.12万元 (the unit's own budget); 穗财社〔2024〕27号附件2 gives 花都区人社局 40 (line 1376)
    # + 10 (line 1827). 附件3 restates those 50 by budget code: a view, not more money.
    assert ("另：花都区劳动就业服务管理中心2024年项目支出预算（单位预算）：13,232.12 万元（12 个预算项目，见 花都区就业中心项目支出绩效目标表 ）。"
            "这是单位自己的预算，不是上级下达的钱，不能与上面的下达资金相加。") in text
    assert "2024年中央财政就业补助资金（公共就业服务能力提升示范项目）（下达资金）： 50 万元 （2 笔，见 穗财社〔2024〕27号附件2 分配方案及绩效目标 ）" in text
    assert "附件3" not in text
    assert "市就业补助资金 花都区就业中心 花都区 11,024.94 11,024.94 万元" in text


def test_project_page_shows_its_indicators(built_site):
    text = page_text(built_site, "projects/huadu-ec-p01")
    assert "申领随军家属补贴人数" in text
    assert "1.1 产出指标 数量指标 申领随军家属补贴人数 ≥ 20 人 实施周期 ≥20人" in text
    assert "1.2 产出指标 数量指标 申领随军家属补贴人数 ≥ 20 人 年度 ≥20人" in text
    compound = page_text(built_site, "projects/sczs-2024-27-s1a")
    assert "链主企业数" in compound and "≥ 20" in compound and "1,275 万元" in compound


def test_document_page_reconciles_its_totals(built_site):
    text = page_text(built_site, "documents/sczs-2024-27-a3")
    assert "合计核对" in text
    assert "✗ 相差" not in text
    assert text.count("✓ 一致") == 67 + 2  # its 67 stated totals, and the fund's two views against its flows
    assert ("文件自身列出的 67 个合计（其中 27 个是各明细行的合计，只与该行的子项目和科目编码所指的分配行相比），"
            "与本站分配行之和逐一比对： 全部一致 ，分毫不差。") in text
    # Each row's printed 合计 (附件3 line 2224: "210.00" then 55.00, 50.00, 45.00, 60.00 in four colleges' columns),
    # named by its sub-project and the three codes printed on the row, against the rows that carry them.
    assert ("合计： 实施科教城技能人才就业创业“品质工程” （科目 2080799/30227/50502 ） 附件3 第06明细行 合计栏 "
            "子项目1-新质生产力人才培育行动-科教城技能人才就业创业“品质工程” 2080799/30227/50502 "
            "210.00 210.00（4 行） ✓ 一致 第 2218-2224 行") in text
    assert "（科目 2300248/—/51301 ） 附件3 第21明细行 合计栏" in text and "485.00 485.00（11 行） ✓ 一致" in text


def test_document_pages_show_the_budget_codes_they_print(built_site):
    """穗财社〔2024〕27号 lines 24-25 and 粤财社〔2024〕109号 lines 95-105 name the codes to book the money under;
    附件3's function codes are checked against them (2080799 under 20807; 2300248 is the onward transfer)."""
    text = page_text(built_site, "documents/sczs-2024-27")
    assert ("本文件要求此项资金按 2024 年政府收支分类科目列收支： 收支 科目编码 科目名称 原文 "
            "收入 1100248 社会保障和就业共同财政事权转移支付收入 "
            "收入请列入 2024年政府收支分类科目“1100248社会保障和就业共同财政事权转移支付收入” （ 第 24-25 行 ） "
            "支出 20807 就业补助 支出列入“20807就业补助”，并按支出用途分别列入相关项级科目 （ 第 25-27 行 ）") in text
    assert ("中带支出功能分类科目的 69 个分配行，26 行在支出科目之下（2080701、2080712、2080799），"
            "43 行转给下级政府，列 2300248") in text and "✓ 全部相符" in text
    province = page_text(built_site, "documents/ycs-2024-109")
    assert "支出 20807 就业补助 支出列入“20807 就业补 … 助”，并按支出用途分别列入相关项级科目 （ 第 97-105 行 ）" in province
    assert "穗财社〔2024〕27号 要求" not in province  # its own codes, not its parent's again
    view = page_text(built_site, "documents/sczs-2024-27-a3")
    assert "穗财社〔2024〕27号 要求此项资金按 2024 年政府收支分类科目列收支" in view
    assert "本文件中带支出功能分类科目的 68 个分配行，26 行在支出科目之下（2080701、2080712、2080799），42 行转给下级政府" in view
    raw = (built_site / "documents" / "sczs-2024-27-a3" / "index.html").read_text(encoding="utf-8")
    assert raw.index('class="fs-chart"') < raw.index('id="budget-subjects"') < raw.index('id="reconcile"')
    assert 'href="../../sources/000_ddfa3951f4f4e46b/?lines=24-25#L24"' in raw
    fund = page_text(built_site, "funds/central-employment-subsidy-2024")
    assert ("预算科目 收入列 1100248 社会保障和就业共同财政事权转移支付收入；支出列 20807 就业补助（ 穗财社〔2024〕27号 第 24-25、25-27 行）；"
            "带支出功能分类科目的 69 个分配行 ✓ 都在支出科目之下或是转给下级政府的 2300248") in fund


def test_every_entity_has_exactly_one_page(built_site, model):
    for table, section in ((kind.table, kind.section) for kind in KINDS):
        ids = set(model.by_id[table])
        folders = {p.name for p in (built_site / section).iterdir() if p.is_dir()}
        assert folders == ids, table
        for key in ids:
            assert (built_site / urls.page_url(table, key) / "index.html").is_file()


# Links, anchors and downloads: tests/test_link_integrity.py.


def test_no_asset_is_loaded_from_outside(built_site):
    """Scripts, styles, images and fonts all come from the site itself."""
    offenders = []
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<(script|link|img|iframe|source)\b[^>]*\b(src|href)="(https?:)?//[^"]*"', text):
            offenders.append(f"{page.relative_to(built_site)}: {match.group(0)[:80]}")
    for css in built_site.rglob("*.css"):
        if re.search(r"url\((['\"]?)(https?:)?//", css.read_text(encoding="utf-8")):
            offenders.append(str(css.relative_to(built_site)))
    assert offenders == []


def test_page_csv_download_holds_the_page_rows(built_site):
    header, rows = read_rows(built_site / "files/districts/huadu-allocations.csv")
    assert header[0] == "allocation_id"
    assert len(rows) == 2  # 附件2's 2 rows (附件3's restate them: not counted again)
    assert sum(int(r["amount_yuan"]) for r in rows) == 500_000  # a plain sum is right
    _, budgets = read_rows(built_site / "files/districts/huadu-budgets.csv")
    assert len(budgets) == 12 and sum(int(r["amount_yuan"]) for r in budgets) == 132_321_200  # 001's own budget, apart


# Escaping of text from the data on every page kind: tests/test_injection.py.


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(built_site, tmp_path):
    again = tmp_path / "again"
    result = run_build("--out", str(again))
    assert result.returncode == 0, result.stdout
    assert _digest(again) == _digest(built_site)


def test_failed_build_keeps_previous_site(built_site, tmp_path):
    before = _digest(built_site)
    pkg = copy_package(tmp_path)
    header, rows = read_rows(pkg / "data" / "regions.csv")
    rows[1]["region_id"] = rows[0]["region_id"]  # duplicate primary key
    write_rows(pkg / "data" / "regions.csv", header, rows)
    result = run_build("--package", "pkg", "--out", str(built_site), cwd=tmp_path)
    assert result.returncode == 1
    assert _digest(built_site) == before


def test_index_pages_are_filled_into_their_own_navigation_page(built_site):
    """The lists of districts, units, projects, documents and plans skip Markdown: their HTML is
    filled into the page mkdocs built for them, which keeps the navigation's current-page mark."""
    leftovers = [p for p in built_site.rglob("*.html") if re.search("FSTITLEMARKER|FSCONTENTMARKER|FSTOCMARKER", p.read_text(encoding="utf-8"))]
    assert leftovers == []
    indexed = search_fragments(built_site)
    for url, title in [("districts/", "地区"), ("units/", "单位"), ("projects/", "项目"), ("documents/", "文件"), ("plans/", "规划")]:
        raw = (built_site / url / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title} - 广东就业资金透明度</title>" in raw
        assert raw.count("<h1>") == 1 and f"<h1>{title}</h1>" in raw
        assert re.search(r'<a href="\./" class="md-nav__link md-nav__link--active">\s*<span class="md-ellipsis">\s*'
                         + title + r"\s*</span>", raw)
        assert indexed[f"/{url}"]["meta"]["title"] == title
    # Their search record holds what they list: names to search for.
    text = {url: record["content"] for url, record in indexed.items()}
    assert "花都区" in text["/districts/"] and "广州市花都区人力资源和社会保障局" in text["/units/"]
    assert "穗财社〔2024〕27号附件2 分配方案及绩效目标" in text["/projects/"]
    # The list of districts has sections, so a table of contents; the list of units has none.
    assert '<a href="#charts" class="md-nav__link">' in (built_site / "districts" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="toc"' not in (built_site / "units" / "index.html").read_text(encoding="utf-8")
    assert "花都区" in page_text(built_site, "districts") and "花都区就业中心" in page_text(built_site, "units")


def test_every_provenance_links_to_its_lines_in_the_published_source(built_site):
    """A figure is one click from the lines it was copied from: the source text is on the site."""
    page = (built_site / "projects/sczs-2024-27-s1a/index.html").read_text(encoding="utf-8")
    href = re.search(r'href="(\.\./\.\./sources/000_ddfa3951f4f4e46b/\?lines=([\d,-]+)#L(\d+))"', page)
    assert href, "no link to the source text"
    lines, first = href.group(2), int(href.group(3))
    source = (built_site / "sources/000_ddfa3951f4f4e46b/index.html").read_text(encoding="utf-8")
    assert f'id="L{first}"' in source
    start, end = (int(x) for x in lines.split("-"))
    seed = (ROOT.parent / "shared" / "seeds" / "000_ddfa3951f4f4e46b.txt").read_text(encoding="utf-8").split("\n")
    assert "1275" in "".join(seed[start - 1:end])  # the sub-project's amount stands in the linked lines
    text = html.unescape(re.sub(r"<[^>]+>", "", source))
    assert seed[start - 1].strip() in text


def test_home_title_once_and_feed_found_from_every_page(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<title>广东就业资金透明度</title>" in home
    for url, feed in (("index.html", "feed.xml"), ("districts/huadu/index.html", "../../feed.xml")):
        page = (built_site / url).read_text(encoding="utf-8")
        assert f'<link rel="alternate" type="application/atom+xml" title="广东就业资金透明度：版本发布与新增文件" href="{feed}">' in page
    assert (built_site / "feed.xml").is_file()


def test_a_document_page_shows_its_money_before_the_check_of_its_totals(built_site):
    """The answer (money, chart) first; the 27 printed totals of 附件3 follow, folded behind a
    sentence that says whether they all agree."""
    raw = (built_site / "documents" / "sczs-2024-27-a3" / "index.html").read_text(encoding="utf-8")
    assert raw.index('id="allocations"') < raw.index('class="fs-chart"') < raw.index('id="reconcile"')
    assert "所指的分配行相比），与本站分配行之和逐一比对：<strong>全部一致</strong>，分毫不差。" in raw
    assert '<details class="fs-reconcile-all"><summary>逐个查看 ' in raw


def test_downloads_are_named_for_what_they_hold(built_site):
    box = re.search(r'<div class="fs-downloads">(.*?)</div>', (built_site / "districts" / "huadu" / "index.html")
                    .read_text(encoding="utf-8")).group(1)
    labels = re.findall(r"([^：；>]+)（\d+ 行）", box)
    assert labels == ["分配行", "单位预算", "绩效指标"]
    plan_box = re.search(r'<div class="fs-downloads">(.*?)</div>', (built_site / "plans" / "gz-hrss-14fyp" / "index.html")
                         .read_text(encoding="utf-8")).group(1)
    assert re.findall(r"([^：；>]+)（\d+ 行）", plan_box) == ["规划指标", "规划任务", "名词解释"]


def test_a_shared_projects_targets_say_whose_they_are(built_site):
    """零工市场 states one set of targets per district bureau: each row names its bureau."""
    raw = (built_site / "projects" / "sczs-2024-27-s3" / "index.html").read_text(encoding="utf-8")
    assert '<th scope="col">对象</th>' in raw
    row = re.search(r'<tr id="sczs-2024-27-s3-i01"><td>(.*?)</td>', raw).group(1)
    assert re.sub(r"<[^>]+>", "", row) == "天河区人社局"


def test_the_plan_page_links_each_footnote_mark_to_its_glossary_entry(built_site):
    """002's 28 名词解释 entries are on its plan page, each with an anchor; a task text that carried
    <sup>10</sup> in the source shows a superscript link to entry 10 where the mark stood."""
    raw = (built_site / "plans" / "gz-hrss-14fyp" / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<dt id="glossary-(\d+)">', raw)
    assert entries == [str(n) for n in range(1, 29)]
    assert '<dt id="glossary-10">10. “赢在广州”大学生创业大赛</dt>' in raw
    assert ('依托“赢在广州”大学生创业大赛<sup class="fs-fn"><a href="#glossary-10" title="名词解释第 10 条">10</a></sup>，'
            '整合优秀创业项目') in raw
    for n in re.findall(r'href="#glossary-(\d+)"', raw):
        assert n in entries
    text = page_text(built_site, "plans/gz-hrss-14fyp")
    assert "25. 数据烟囱 是一种不能与其他相关信息系统之间进行互操作或者协调工作的信息系统。" in text
    # the Heyuan plan has no glossary: no section, no marks
    hy = (built_site / "plans" / "hy-employment-2023-2027" / "index.html").read_text(encoding="utf-8")
    assert "glossary-" not in hy


def test_the_plan_page_keeps_the_previous_plans_results_apart_from_its_targets(built_site):
    """002's 十三五 results (专栏1 and chapter 1's prose) have their own section after the 十四五
    targets; the targets section names none of them; a rank and a qualitative target read sensibly."""
    raw = (built_site / "plans" / "gz-hrss-14fyp" / "index.html").read_text(encoding="utf-8")
    targets = raw.split('id="plan-indicators"', 1)[1].split('id="results"', 1)[0]
    results = raw.split('id="results"', 1)[1].split('id="tasks"', 1)[0]
    assert "<h3>专栏2</h3>" in targets and "<h3>正文</h3>" in targets
    assert "专栏1" not in targets and "发展基础" not in targets and "161.53 万人" not in targets
    assert results.index("<h3>专栏1</h3>") < results.index("<h3>第一章第一节 发展基础</h3>")
    text = page_text(built_site, "plans/gz-hrss-14fyp")
    assert "数量 57 项规划指标，178 条任务与措施；另列上一规划期完成情况 105 项" in text
    assert "就业形势持续稳定向好 城镇新增就业人数（“十三五”五年累计） 万人 — — 161.53 万人 期内累计" in text
    assert "社会保障能力显著增强 企业退休人员人均基本养老金 元/月 3200 元/月 （2015年） — 3726 元/月 期末值" in text
    assert "70 新增就业人数全省排名 — 全省首位 （2025年） 71 基本无欠薪 — 基本无欠薪" in text
    rank = page_text(built_site, "plan-indicators/gz-hrss-14fyp-p40")
    assert "目标 全省首位 （2025年），名次目标：第 1 名" in rank
    wages = page_text(built_site, "plan-indicators/gz-hrss-14fyp-p41")
    assert "目标 基本无欠薪 （文字目标）" in wages
    result = page_text(built_site, "plan-indicators/gz-hrss-14fyp-r08")
    assert "目标 原文未列（本行是完成情况） 完成值 90% 以上 （2020年） 累计数 否 期间类别 期内保持" in result


def test_a_result_row_links_its_footnote_marks_to_the_plan_glossary(built_site):
    raw = (built_site / "plan-indicators" / "gz-hrss-14fyp-r12" / "index.html").read_text(encoding="utf-8")
    assert ('“粤菜师傅”<sup class="fs-fn"><a href="../../plans/gz-hrss-14fyp/#glossary-1" title="名词解释第 1 条">1</a></sup>'
            '“广东技工”<sup class="fs-fn">') in raw


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path, monkeypatch):
    """pages.template_cache(): the renderer's and the theme's compiled templates are kept between
    builds; a cache file cut short (a full disk, a killed build) costs a compile, not the build."""
    import jinja2

    from fundsite.site.pages import template_cache

    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    loader = jinja2.DictLoader({"page.html": "{{ name }} 的页面"})
    first = jinja2.Environment(loader=loader, bytecode_cache=template_cache())
    assert first.get_template("page.html").render(name="花都区") == "花都区 的页面"
    kept = list((tmp_path / f"_jinja2-cache-{os.getuid()}").iterdir())
    assert len(kept) == 1
    kept[0].write_bytes(kept[0].read_bytes()[:20])  # damaged
    again = jinja2.Environment(loader=loader, bytecode_cache=template_cache())
    assert again.get_template("page.html").render(name="河源市") == "河源市 的页面"
