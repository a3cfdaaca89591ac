"""Seed 004's district families, normalised values, targets never printed and the “达N” rule
(issue #20): the values on built pages and in the package, and the arithmetic behind them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import ROOT
from test_site_pages import page_text
from fundsite.check.comparable import reads_reach
from fundsite.load import load_package
from fundsite.model import build_model
from fundsite.normalise import normalised


@pytest.fixture(scope="module")
def model():
    pkg, problems = load_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    return build_model(pkg)


@pytest.mark.parametrize("value, unit, expected", [
    ("2.5", "万人", ("25000", "人")),          # decimal: never 25000.000000000004
    ("29070", "人", ("29070", "人")),
    ("1", "万人次", ("10000", "人次")),        # 人次 is not 人
    ("5000", "千条", ("5000000", "条")),
    ("1.8", "万元", ("18000", "元")),
    ("0.2", "％", ("0.2", "%")),
    ("220", "人次/周", ("220", "人次/周")),    # a rate keeps what it is per
    ("10", "万（条）", ("100000", "条")),
    ("0.07", "万人", ("700", "人")),
])
def test_normalised_values_are_exact(value, unit, expected):
    number, base = normalised(Decimal(value), unit)
    assert (format(number, "f"), base) == expected


@pytest.mark.parametrize("unit", ["万", "亿", "", None, "家次（人次）", "个课题"])
def test_units_that_name_no_base_unit_do_not_convert(unit):
    assert normalised(Decimal("58"), unit) is None


def test_every_normalised_value_in_the_package_recomputes(model):
    rows = model.rows("indicators")
    converted = [i for i in rows if i["value_norm"] is not None]
    assert len(converted) == 688  # of 715 rows with a number: a bare 万 or 亿, no unit, 个课题, 家次（人次） do not convert
    for i in converted:
        assert (i["value_norm"], i["unit_norm"]) == normalised(i["value"], i["unit"]), i["indicator_id"]
    new_jobs = {i["indicator_id"]: (i["value_raw"], format(i["value_norm"], "f"), i["unit_norm"]) for i in rows
                if i["indicator_id"] in ("gz-hrss-p005-i02", "gz-hrss-p006-i04", "gz-hrss-p007-i05")}
    assert new_jobs == {"gz-hrss-p005-i02": ("≥2.5万人", "25000", "人"), "gz-hrss-p006-i04": ("29070人", "29070", "人"),
                        "gz-hrss-p007-i05": ("1万人次", "10000", "人次")}


def test_the_families_of_seed_004(model):
    families = {f["family_id"]: f for f in model.rows("project_families")}
    members = {}
    for p in model.rows("projects"):
        if p.get("family_id"):
            members.setdefault(p["family_id"], []).append(p)
    assert {k: len(v) for k, v in members.items()} == {
        "gz-hrss-f-employment-subsidy": 11, "gz-hrss-f-retiree-services": 9, "gz-hrss-f-social-security-card": 10,
        "gz-hrss-f-sanzhi-yifu": 3, "gz-hrss-f-labour-inspectors": 7, "gz-hrss-f-wage-survey": 11,
        "gz-hrss-f-entrepreneurship": 7}
    assert set(families) == set(members)
    regions = {r["region_id"]: r["name"] for r in model.rows("regions")}
    for key, rows in members.items():
        for p in rows:
            assert p["name_raw"] == families[key]["name_pattern"].replace("××区", regions[p["region_id"]])
    # Look-alikes left out: the same name with a unit, not a district, in its brackets; a district project with no sibling.
    for pid in ("gz-hrss-p037", "gz-hrss-p053", "gz-hrss-p054", "gz-hrss-p073"):
        assert model.get("projects", pid)["family_id"] is None


def test_targets_never_printed_are_their_own_kind(model):
    none = [i for i in model.rows("indicators") if i["operator"] == "none"]
    by_doc = {}
    for i in none:
        by_doc[i["document_id"]] = by_doc.get(i["document_id"], 0) + 1
        assert i["value"] is None and i["value_text"] is None and i["value_raw"]
    assert by_doc == {"gz-hrss-targets": 22, "sczs-2024-27-a2": 1}
    assert sorted({i["value_raw"] for i in none if i["document_id"] == "gz-hrss-targets"}) == ["备注信息", "年度指标值：", "无"]
    assert not [i for i in model.rows("indicators") if i["operator"] == "text" and i["value_text"] in ("（空）", "无", "备注信息")]


def test_reach_is_at_least_in_both_tables(model):
    assert reads_reach("全市技能人才达320万人", "320万人")
    assert reads_reach("参保人数达到 845 万人、132 万人", "132 万人")
    assert not reads_reach("完成市下达任务")
    assert not reads_reach("达到正常使用要求")
    plan = {pi["plan_indicator_id"]: pi["target_operator"] for pi in model.rows("plan_indicators")}
    for key in ("p03", "p04", "p05", "p06", "p14", "p15", "p19", "p20"):
        assert plan[f"gz-hrss-14fyp-{key}"] == "≥"
    reached = [i for i in model.rows("indicators") if reads_reach(i["value_raw"])]
    assert {i["indicator_id"]: i["operator"] for i in reached} == {
        "gz-hrss-p033-i01": "≥", "gz-hrss-p043-i03": "≥", "gz-hrss-p072-i01": "≥", "gz-hrss-p118-i03": "≥"}


def test_two_debatable_readings_are_recorded(model):
    progress = model.get("indicators", "gz-hrss-p035-i01")
    assert (progress["operator"], progress["value"], progress["value_text"]) == ("text", None, "工程质量100%达标，按照设计图纸完成")
    weekly = model.get("indicators", "gz-hrss-p001-i05")
    assert (weekly["value"], weekly["unit"], weekly["value_raw"], weekly["unit_norm"]) == (Decimal(220), "人次/周", "每周220人次", "人次/周")
    noted = {(n["row_id"], n["field_name"]) for n in model.rows("quality_notes")}
    assert {("gz-hrss-p035-i01", "operator"), ("gz-hrss-p001-i05", "unit"), ("gz-hrss-p073", "family_id")} <= noted


def test_family_page_compares_the_districts(built_site):
    text = page_text(built_site, "families/gz-hrss-f-employment-subsidy")
    assert text.index("共 11 个区") < text.index("各区城镇新增就业目标（折算为人）")  # the answer, then its chart
    assert "城镇新增就业 越秀区 城镇新增就业人数 ≥2.5万人 ≥ 25000 人 年度" in text
    assert "城镇新增就业 黄埔区 全区城镇新增就业人数 29070人 29070 人 年度" in text
    assert "城镇新增就业 南沙区 城镇新增就业人数（人次） 1万人次 10000 人次 年度" in text
    # 人次 is drawn apart from 人: named beside the chart, not as a bar on the 人 scale
    assert "另有 3 行单位不同或不是数值（海珠区 15000、番禺区 2万人次、南沙区 1万人次），未画入" in text
    raw = (built_site / "families/gz-hrss-f-employment-subsidy/index.html").read_text(encoding="utf-8")
    assert 'href="../../projects/gz-hrss-p005/"' in raw and 'href="../../projects/gz-hrss-p015/"' in raw
    member = page_text(built_site, "projects/gz-hrss-p005")
    assert "分区对比 市就业补助资金（分区） ：同一项目共 11 个区" in member
    assert 'href="../../families/gz-hrss-f-employment-subsidy/"' in (built_site / "projects/gz-hrss-p005/index.html").read_text(encoding="utf-8")
    index = page_text(built_site, "families")
    assert "市就业补助资金（分区） 11 广州市人社局项目支出绩效目标表" in index


def test_pages_show_no_target_as_such(built_site):
    text = page_text(built_site, "projects/gz-hrss-p042")
    assert "1 效益指标 物资设备质量 未列目标值 年度 年度指标值：" in text
    assert "（空）" not in text
    assert "使用设备学生人次 = 220 人次/周 年度 每周220人次" in page_text(built_site, "projects/gz-hrss-p001")
