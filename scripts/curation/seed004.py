"""Parse seed 004 (广州市人力资源和社会保障局 项目支出绩效目标表（含转移支付项目）) into fragment CSVs.

Usage:  python scripts/curation/seed004.py          (writes datapackage/parts/004/*.csv)
        python scripts/curation/seed004.py --check  (parse and print counts only)

The seed is PDF text of a five-column table (主管部门 / 预算单位 / 项目名称 / 绩效目标 / 绩效指标)
flattened into lines.  The traps are listed in shared/notes/source-notes.md, "Seed 004" (5.1-5.11);
the section numbers are quoted in the comments below.  Readings that no rule can make (a number that
is context, not a target; a compound value; a typo fixed in the normalised name) are hand-set in
seed004_overrides.csv next to this file, keyed by indicator id or project id + field.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))     # for seed004_notes
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for fundsite

ROOT = Path(__file__).resolve().parents[2]          # /work/main
SEEDS = ROOT.parent / "shared" / "seeds"             # /work/shared/seeds
SEED_FILE = "004_0b19ba706e480f6a.txt"
OUT_DIR = ROOT / "datapackage" / "parts" / "004"
OVERRIDES = Path(__file__).with_name("seed004_overrides.csv")

from seed004_notes import quality_notes  # noqa: E402  (hand-written notes, kept apart for readability)

from fundsite.draft import performance  # noqa: E402
from fundsite.draft.performance import COLUMN_HEADER, TITLE, Project  # noqa: E402,F401
from fundsite.draft.text import read_lines  # noqa: E402
from fundsite.normalise import fill_csv_row  # noqa: E402

DOC_ID = "gz-hrss-targets"
DEPARTMENT = "广州市人力资源和社会保障局"

# The 16 budget units (预算单位).  Existing ids from datapackage/data/units.csv are reused;
# `new` marks the ones this fragment adds to units.csv.
UNITS = {
    "广州市人力资源和社会保障局": dict(id="gz-hrss"),
    "广州市劳动就业服务管理中心": dict(id="gz-employment-centre"),
    "广州市人力资源市场服务中心": dict(id="gz-hr-market-centre"),
    "广州市劳动人事争议仲裁院": dict(id="gz-labour-arbitration"),
    "广州市技师学院": dict(id="gz-technician-college"),
    "广州市工贸技师学院": dict(id="gz-industry-trade-technician-college"),
    "广州市公用事业技师学院": dict(id="gz-public-utility-technician-college"),
    "广州市交通技师学院": dict(id="gz-transport-technician-college"),
    "广州市机电技师学院": dict(id="gz-mechanical-electrical-technician-college", new=True, kind="college",
                         short="市机电技师学院", aliases="市机电技师学院",
                         note="项目名称中另见“广州市机电高级技工学校”（P002，可能是旧称）"),
    "广州市轻工技师学院": dict(id="gz-light-industry-technician-college", new=True, kind="college",
                         short="市轻工技师学院", aliases="",
                         note="项目名称中另见“广州市轻工高级技工学校”（P050，可能是旧称）"),
    "广州市人事服务中心": dict(id="gz-personnel-service-centre", new=True, kind="public-institution",
                         short="市人事服务中心", aliases="人事服务中心"),
    "广州市社会保险基金管理中心": dict(id="gz-social-insurance-fund-centre", new=True, kind="public-institution",
                            short="市社保基金管理中心", aliases=""),
    "广州市人力资源和社会保障数据服务中心": dict(id="gz-hrss-data-centre", new=True, kind="public-institution",
                                  short="市人社数据服务中心", aliases="市人社数据服务中心",
                                  note="其项目名称中另见“广州市人力资源和社会保障信息中心”“广州市社会保障卡服务中心”"
                                       "（P106、P108、P110、P111，可能是并入的前身机构）"),
    "广州市职业能力建设指导中心": dict(id="gz-vocational-capacity-centre", new=True, kind="public-institution",
                            short="市职建中心", aliases="市职建中心"),
    "中国南方人才市场管理委员会办公室": dict(id="south-china-talent-market-office", new=True,
                                 kind="public-institution", short="南方人才市场管委会办公室", aliases=""),
    "广州市干部健康管理中心": dict(id="gz-cadre-health-centre", new=True, kind="public-institution",
                          short="市干部健康管理中心", aliases=""),
}

DISTRICTS = {"越秀区": "yuexiu", "海珠区": "haizhu", "荔湾区": "liwan", "天河区": "tianhe", "白云区": "baiyun",
             "黄埔区": "huangpu", "番禺区": "panyu", "花都区": "huadu", "南沙区": "nansha", "从化区": "conghua",
             "增城区": "zengcheng"}

# A number inside these printed phrases is context, not the target (5.10: "全市7个区…21%").
CONTEXT_PHRASES = ("全市7个区",)


# ---------------------------------------------------------------- reading the text
# The rules themselves (5.1-5.9) live in fundsite/draft/performance.py and values.py, shared with the
# drafter of scripts/new_notice.py; this script adds what is particular to seed 004: its units, its
# overrides, its notes.

def split_projects(lines: list[str]) -> list[Project]:
    return performance.split_projects(lines, DEPARTMENT, UNITS)


def build_indicators(p: Project, pid: str, pname: str, overrides: dict) -> list[dict]:
    rows = performance.indicator_rows(p.ind_lines, DOC_ID, pid, pname, overrides, CONTEXT_PHRASES)
    for row in rows:
        if "_problem" in row:
            raise ValueError(f"{row['indicator_id']}: {row['_problem']}: set the reading in the overrides")
    return rows


# ---------------------------------------------------------------- projects

def build_project(p: Project, seq: int) -> dict:
    if p.unit_name not in UNITS:
        raise ValueError(f"unknown budget unit {p.unit_name!r} at line {p.start}")
    if not p.name_parts or not p.goal_parts or not p.ind_lines:
        raise ValueError(f"project at line {p.start} lacks name, goal or indicators")
    unit_ids = {name: u["id"] for name, u in UNITS.items()}
    return performance.project_row(p, DOC_ID, f"gz-hrss-p{seq:03d}", seq, unit_ids, DISTRICTS)


def family_key(name: str) -> str:
    """The project name with its district blanked: 市就业补助资金（越秀区） -> 市就业补助资金（××区）."""
    for d in DISTRICTS:
        name = name.replace(d, "××区")
    return name


# The families' ids (project_families.csv, written by hand there with how membership was decided),
# by the name with its district blanked. A district project whose blanked name is not here has no family.
FAMILY_IDS = {
    "市就业补助资金（××区）": "gz-hrss-f-employment-subsidy",
    "社会申办退休退管服务（××区）": "gz-hrss-f-retiree-services",
    "××区-社保卡发行管理工作经费": "gz-hrss-f-social-security-card",
    "××区“三支一扶”高校毕业生生活和社保补助": "gz-hrss-f-sanzhi-yifu",
    "××区劳动保障监察协管员工资": "gz-hrss-f-labour-inspectors",
    "××区公共服务和薪酬调查业务财政补助": "gz-hrss-f-wage-survey",
    "××区完善创新创业服务机制项目财政补贴": "gz-hrss-f-entrepreneurship",
}


def annotate_families(projects: list[dict]) -> None:
    """Mark the per-district families (same project, one row per district) in the note and family_id."""
    fams: dict[str, list[dict]] = {}
    for pr in projects:
        if pr["region_id"]:
            fams.setdefault(family_key(pr["name"]), []).append(pr)
    for key, members in fams.items():
        for pr in members:
            if len(members) > 1:
                pr["note"] = f"按区分列的同类项目之一（“{key}”，共{len(members)}个区）；区由项目名称得出"
                pr["family_id"] = FAMILY_IDS[key]
            else:
                pr["note"] = "区级项目（区由项目名称得出），无同类分区项目"


# ---------------------------------------------------------------- overrides

def read_overrides(path: Path = OVERRIDES) -> dict:
    """key -> {field: value}.  Key is an indicator id or a project id."""
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["key"], {})[r["field"]] = r["value"]
    return out


# ---------------------------------------------------------------- whole document

def parse(seeds_dir: Path = SEEDS) -> dict[str, list[dict]]:
    lines = read_lines(seeds_dir / SEED_FILE)
    overrides = read_overrides()
    blocks = split_projects(lines)
    projects, indicators = [], []
    for seq, block in enumerate(blocks, start=1):
        pr = build_project(block, seq)
        for fld, value in overrides.get(pr["project_id"], {}).items():
            pr[fld] = value
        projects.append(pr)
        indicators += build_indicators(block, pr["project_id"], pr["name"], overrides)
    annotate_families(projects)
    for row in indicators:
        fill_csv_row(row)  # value_norm, unit_norm: what the build recomputes (fundsite/normalise.py)
    notes = quality_notes(projects, indicators)
    return dict(documents=[document_row(len(lines))], units=unit_rows(), projects=projects,
                indicators=indicators, quality_notes=notes)


def document_row(n_lines: int) -> dict:
    return dict(
        document_id=DOC_ID, parent_document_id="", kind="performance-table", title=TITLE, title_raw=TITLE,
        short_title="广州市人社局项目支出绩效目标表", issuer=DEPARTMENT, issuer_unit_id="gz-hrss",
        doc_number="", doc_number_raw="", doc_number_source="none", issue_date="", issue_date_raw="",
        issue_date_kind="none", region_id="guangzhou", year="", source_url="", source_file=SEED_FILE,
        money_unit_raw="", states_amounts="FALSE",
        description="广州市人力资源和社会保障局（主管部门）所属16个预算单位的120个项目的绩效目标和绩效指标，"
                    "含分区列出的转移支付项目（市就业补助资金、社会申办退休退管服务、社保卡发行管理、"
                    "劳动保障监察协管员工资、公共服务和薪酬调查、完善创新创业服务机制等）。",
        source_lines=f"2-{n_lines - 1}", locator="全表（各页表头重复）",
        note="本表未载明金额（只有绩效目标与指标；个别指标目标值是金额，如“≥12.5亿”“5400万元”，"
             "但不是项目预算）。原文未写年度、文号和日期，year 留空；发文单位取自每行的主管部门"
             "“广州市人力资源和社会保障局”。/ The document states no amounts, no year, no document number "
             "and no date; issuer is the 主管部门 printed on every row.")


def unit_rows() -> list[dict]:
    return [dict(unit_id=u["id"], name=name, short_name=u["short"], kind=u["kind"], region_id="guangzhou-city",
                 parent_unit_id="gz-hrss", aliases=u["aliases"],
                 note="；".join(x for x in ("项目支出绩效目标表中的预算单位，主管部门为广州市人力资源和社会保障局",
                                           u.get("note", "")) if x))
            for name, u in UNITS.items() if u.get("new")]


def write(tables: dict[str, list[dict]], out_dir: Path = OUT_DIR) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        with open(ROOT / "datapackage" / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        with open(out_dir / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([r.get(h, "") for h in header])


def main(argv: list[str]) -> int:
    tables = parse()
    for t, rows in tables.items():
        print(t, len(rows))
    if "--check" not in argv:
        write(tables)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
