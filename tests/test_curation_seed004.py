"""Seed 004 parser: run it on the seed and check counts and a few exact rows.

Run: python -m pytest tests/test_curation_seed004.py -q
"""
import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]                 # /work/main
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not beside the repository")
SCRIPT = ROOT / "scripts" / "curation" / "seed004.py"


@pytest.fixture(scope="module")
def parser():
    spec = importlib.util.spec_from_file_location("seed004", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed004"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tables(parser):
    return parser.parse(SEEDS)


def by_id(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_counts(tables):
    assert len(tables["projects"]) == 120
    assert [p["seq"] for p in tables["projects"]] == list(range(1, 121))
    # 512 printed indicators; one compound value (P110) gives two rows
    assert len(tables["indicators"]) == 513
    assert len({(r["project_id"], r["seq"]) for r in tables["indicators"]}) == 512
    assert sum(r["period"] == "未注明" for r in tables["indicators"]) == 99
    assert len({p["budget_unit_id"] for p in tables["projects"]}) == 16
    assert sum(p["budget_unit_id"] == "gz-hrss" for p in tables["projects"]) == 63
    assert sum(bool(p["region_id"]) for p in tables["projects"]) == 59


def test_project_names_and_units(tables):
    p = {r["project_id"]: r for r in tables["projects"]}
    assert p["gz-hrss-p001"]["name"] == "市机电技师学院高水平技师学院建设配套教学实训设备购置经费项目"
    assert p["gz-hrss-p001"]["source_lines"] == "6-24"
    # the name starts with the department name (5.2) and the unit wraps (5.3)
    assert p["gz-hrss-p109"]["name"] == "广州市人力资源和社会保障局2020年智能咨询平台项目"
    assert p["gz-hrss-p109"]["budget_unit_id"] == "gz-hrss-data-centre"
    assert p["gz-hrss-p111"]["name"] == "广州市人力资源和社会保障信息中心2020年IPv6升级改造项目"
    assert p["gz-hrss-p038"]["budget_unit_id"] == "south-china-talent-market-office"
    # layout 4: the first goal sentence stands on the header line
    assert p["gz-hrss-p054"]["goal_text"] == "开发特色创业实训课程，丰富我市创业培训课程体系。"
    assert p["gz-hrss-p023"]["name"] == "社会申办退休退管服务（海珠区）"
    assert p["gz-hrss-p023"]["region_id"] == "haizhu"
    assert p["gz-hrss-p061"]["region_id"] == "tianhe"
    assert p["gz-hrss-p037"]["region_id"] == ""


@pytest.mark.parametrize("iid, expected", [
    ("gz-hrss-p001-i01", dict(level1="产出指标", name="新增设备数", operator="≥", operator_raw="以上", value="84",
                              unit="台套", period="年度", value_raw="84台套以上",
                              raw_text="1、产出指标：新增设备数，年度指标值：84台套以上。", source_lines="17")),
    ("gz-hrss-p018-i01", dict(operator="≥", operator_raw="≥", value="12.5", unit="亿")),
    ("gz-hrss-p006-i01", dict(operator="=", operator_raw="", value="2.5", unit="万人次")),
    ("gz-hrss-p009-i04", dict(operator="≥", operator_raw="≧", value="90", unit="%")),
    ("gz-hrss-p019-i01", dict(operator="=", operator_raw="", value="40", unit="%")),        # 节约 is not 约
    ("gz-hrss-p037-i03", dict(operator="<", operator_raw="少于", value="10", unit="宗", source_lines="489-490")),
    ("gz-hrss-p042-i01", dict(operator="none", value_text="", value_raw="年度指标值：")),   # no target printed
    ("gz-hrss-p045-i03", dict(operator="none", value_text="", value_raw="无", name="信息系统验收合格率",
                              name_raw="信息系统验收合格率信息系统验收合格率")),
    ("gz-hrss-p079-i02", dict(operator="=", value="21", unit="%", period="未注明")),
    ("gz-hrss-p079-i03", dict(level1="可持续影响指标", level1_raw="可持续影响", name="贯彻劳动法律法规",
                              value_text="有力保障劳动者权益")),
    ("gz-hrss-p083-i02", dict(value="0.8", unit="%")),
    ("gz-hrss-p078-i02", dict(operator="text", value_text="2022年无招募计划")),
    ("gz-hrss-p057-i01", dict(name="信息化建设有助于改善校园实验、实训环境，提升专业办学特色", operator="none", value_text="")),
    ("gz-hrss-p001-i05", dict(operator="=", value="220", unit="人次/周", value_norm="220", unit_norm="人次/周")),  # 每周: a rate
    ("gz-hrss-p005-i02", dict(value="2.5", unit="万人", value_norm="25000", unit_norm="人")),
    ("gz-hrss-p035-i01", dict(operator="text", value="", unit="", value_text="工程质量100%达标，按照设计图纸完成")),
    ("gz-hrss-p110-i01-2", dict(seq=1, part=2, name="系统服务对象（个）：法人单位、主管部门和日常工作部门",
                                value="10", unit="万个")),
    ("gz-hrss-p117-i02", dict(operator="≤", operator_raw="以内", value="2", unit="周")),
    ("gz-hrss-p031-i01", dict(value="100", value_raw="100.00%")),
])
def test_indicator_rows(tables, iid, expected):
    row = by_id(tables["indicators"], "indicator_id", iid)
    assert {k: row[k] for k in expected} == expected


def test_raw_fields_are_verbatim(tables):
    sys.path.insert(0, str(ROOT))
    from fundsite.check.verbatim import SourceTexts
    texts = SourceTexts(SEEDS)
    src = "004_0b19ba706e480f6a.txt"
    for r in tables["indicators"]:
        for f in ("name_raw", "value_raw", "raw_text", "operator_raw"):
            assert not r[f] or texts.contains(src, r[f]), (r["indicator_id"], f)
    for p in tables["projects"]:
        assert texts.contains(src, p["name_raw"]) and texts.contains(src, p["goal_text"]), p["project_id"]


def test_quality_notes(tables):
    notes = tables["quality_notes"]
    assert len({n["note_id"] for n in notes}) == len(notes)
    ids = {r["indicator_id"] for r in tables["indicators"]} | {p["project_id"] for p in tables["projects"]}
    ids.add("gz-hrss-targets")
    assert all(n["row_id"] in ids for n in notes)
    assert any(n["row_id"] == "gz-hrss-p083-i02" and n["kind"] == "implausible" for n in notes)


def test_package_rows_match_parser(tables, parser, tmp_path):
    """The package's CSVs are the truth; the seed-004 rows in them are exactly what the parser writes."""
    parser.write(tables, tmp_path)
    for f in sorted(tmp_path.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            parsed = list(csv.DictReader(fh))
        with open(ROOT / "datapackage" / "data" / f.name, encoding="utf-8", newline="") as fh:
            packaged = list(csv.DictReader(fh))
        key = next(iter(parsed[0]))  # every table's first column is its id
        index = {row[key]: row for row in packaged}
        for row in parsed:
            assert index.get(row[key]) == row, (f.name, row[key])
