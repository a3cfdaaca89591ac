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
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))     # for seed004_notes

ROOT = Path(__file__).resolve().parents[2]          # /work/main
SEEDS = ROOT.parent / "shared" / "seeds"             # /work/shared/seeds
SEED_FILE = "004_0b19ba706e480f6a.txt"
OUT_DIR = ROOT / "datapackage" / "parts" / "004"
OVERRIDES = Path(__file__).with_name("seed004_overrides.csv")

from seed004_notes import quality_notes  # noqa: E402  (hand-written notes, kept apart for readability)

DOC_ID = "gz-hrss-targets"
DEPARTMENT = "广州市人力资源和社会保障局"
TITLE = "项目支出绩效目标表（含转移支付项目）"
COLUMN_HEADER = "主管部门 预算单位 项目名称 绩效目标 绩效指标"

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

# 5.5: only "n、" followed by an indicator kind starts an indicator; goals have their own "1、" lists.
# (?<!\d) keeps "12、" from matching as "2、".
INDICATOR_START = re.compile(r"(?<!\d)(\d+)、\s*(产出指标|效益指标|满意度指标|可持续影响指标|可持续影响|成本指标)\s*([：，])")
LEVEL1 = {"可持续影响": "可持续影响指标"}
# 5.6: the label is split by line wraps in 47 places; the lines are joined first, but allow
# whitespace anyway.  5.7: in 795-796 the "，" before the label is missing.
VALUE_LABEL = re.compile(r"年\s*度\s*指\s*标\s*值\s*：")
NAME_MAX = 16          # 5.4: name fragments are <= 16 characters wide, goal lines about 40-45

# 5.8 operators.  Signs directly before the number, longest first (＜= before ＜).
SIGN_OPS = [("＜=", "≤"), ("≥", "≥"), ("≧", "≥"), ("≤", "≤"), ("≦", "≤"), ("＞", ">"), ("＜", "<"),
            (">", ">"), ("<", "<"), ("=", "=")]
# Words directly before the number.  达 ("reaches") is read as ≥ like 达…以上.
PREFIX_WORDS = [("不低于", "≥"), ("不少于", "≥"), ("不超过", "≤"), ("不超", "≤"), ("大于", ">"), ("超过", ">"),
                ("少于", "<"), ("低于", "<"), ("约", "≈"), ("达", "≥")]
# Words after number + unit.
SUFFIX_WORDS = [("或以上", "≥"), ("以上", "≥"), ("或以下", "≤"), ("以下", "≤"), ("以内", "≤")]
# Units as printed, longest first; multipliers (万, 亿) stay in the unit (5.8).
UNITS_PRINTED = sorted("""元/人/月 个工作日 万（条） 万人次 个课题 台套 节点 人次 万人 万元 万页 万次 万件 万条 万个 万份
    分钟 % 个 人 次 万 亿 天 名 场 家 条 秒 分 套 台 项 宗 件 种 周 份 元 期""".split(), key=len, reverse=True)
# Words that end in an operator word but are not operators ("节约40%" is not "约40%").
NOT_OPERATORS = ("节约",)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A number inside these printed phrases is context, not the target (5.10: "全市7个区…21%").
CONTEXT_PHRASES = ("全市7个区",)
# 5.7: "21套(考察…)", "85%以上(服务对象满意度=（…)": a short value followed by a bracketed explanation.
EXPLAINED = re.compile(r"^(?P<head>[^()（）]{1,10}?)\s*[（(](?P<expl>.{4,})[）)]$")
# A unit printed in brackets at the end of the name: "一般性岗位补贴人数（人次）" with value "10000".
NAME_UNIT = re.compile(r"[（(](人次|人|%|个)[）)]$")


@dataclass
class Project:
    start: int                       # 1-based line of the department cell
    dept: str = ""
    unit_parts: list = field(default_factory=list)   # (line, text)
    name_parts: list = field(default_factory=list)
    goal_parts: list = field(default_factory=list)
    ind_lines: list = field(default_factory=list)


# ---------------------------------------------------------------- reading the text

def read_lines(path: Path) -> list[str]:
    """Physical lines; split on \\n so the last line (no newline, 5.1) is kept."""
    return path.read_text(encoding="utf-8").split("\n")


def is_furniture(line: str) -> bool:
    """5.1: title and column header repeat at page tops, often with a leading space."""
    return line.strip() in (TITLE, COLUMN_HEADER)


def is_indicator_line(line: str) -> bool:
    return bool(re.match(r"^\d+、\s*(产出|效益|满意度|可持续影响|成本)", line.strip()))


def split_projects(lines: list[str]) -> list[Project]:
    """5.2: a line starting with the department opens a project only once the previous project's
    indicator paragraph has begun; otherwise it is a name fragment (lines 1002, 1018, 1451)."""
    projects: list[Project] = []
    seen_indicators = True
    for no, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or is_furniture(line):
            continue
        if text.startswith(DEPARTMENT) and seen_indicators:
            projects.append(Project(start=no))
            seen_indicators = False
            read_header(projects[-1], no, text)
            continue
        if not projects:
            continue
        p = projects[-1]
        if is_indicator_line(line) or p.ind_lines:
            seen_indicators = True
            p.ind_lines.append((no, line.rstrip("\n")))
        elif p.goal_parts:
            p.goal_parts.append((no, text))
        elif p.dept and not unit_complete(p):
            p.unit_parts.append((no, text))              # 5.3 layout 3: the unit wraps
        elif width(text) <= NAME_MAX:
            p.name_parts.append((no, text))              # 5.4: short lines are name fragments
        else:
            p.goal_parts.append((no, text))              # first long line opens the goal
    return projects


def read_header(p: Project, no: int, text: str) -> None:
    """5.3: the first line holds department, then maybe unit, name and the first goal sentence.
    Only this line is split on spaces (goal text may contain spaces, e.g. line 125)."""
    tokens = text.split()
    p.dept = tokens[0]
    if len(tokens) > 1:
        p.unit_parts.append((no, tokens[1]))
    if len(tokens) > 2:
        p.name_parts.append((no, tokens[2]))
    if len(tokens) > 3:
        p.goal_parts.append((no, " ".join(tokens[3:])))


def width(text: str) -> float:
    """Column width: ASCII counts half ("中心2020年IPv6升级改造项目" is a name fragment, line 1487)."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def unit_complete(p: Project) -> bool:
    return "".join(t for _, t in p.unit_parts) in UNITS


# ---------------------------------------------------------------- small text helpers

def join_lines(parts) -> str:
    """Join wrapped lines with no separator (5.4); spaces inside a line are kept as printed
    (e.g. "广东省人力资源和社会保障厅 广东省财政厅", line 125)."""
    return "".join(t for _, t in parts).strip()


def line_span(numbers) -> str:
    """[17, 18, 20] -> "17-18,20"."""
    nums = sorted(set(numbers))
    out, start = [], nums[0]
    for a, b in zip(nums, nums[1:] + [None]):
        if b != a + 1:
            out.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    return ",".join(out)


def number(text: str) -> str:
    """'100.00' -> '100', '12.5' -> '12.5' (no float noise)."""
    return format(Decimal(text).normalize(), "f")


# ---------------------------------------------------------------- indicators

def split_indicators(p: Project):
    """5.6: join all indicator lines with no separator, then cut at every "n、<kind>" start.
    Yields (printed number, kind, whole piece, body after "n、<kind>：", line numbers)."""
    text, owner = "", []
    for no, line in p.ind_lines:
        if is_furniture(line):
            continue
        text += line
        owner += [no] * len(line)
    starts = list(INDICATOR_START.finditer(text))
    if not starts or starts[0].start() != len(text) - len(text.lstrip()):
        raise ValueError(f"project at line {p.start}: indicator text does not start with an indicator")
    for m, nxt in zip(starts, starts[1:] + [None]):
        end = nxt.start() if nxt else len(text)
        piece = text[m.start():end].rstrip()
        before = text[m.start() - 1] if m.start() else "。"
        if before not in "。" and not before.isspace():
            raise ValueError(f"suspicious indicator start after {before!r}: {piece[:30]}")
        lines = [owner[i] for i in range(m.start(), m.start() + len(piece)) if not text[i].isspace()]
        yield m.group(1), m.group(2), piece, text[m.end():m.start() + len(piece)], lines


def split_name_value(body: str):
    """5.7: split on "年度指标值：" first; if there is no label (P076-P103) on the first "，".
    Returns (name_raw, value_raw, period)."""
    m = VALUE_LABEL.search(body)
    if m:
        name, value, period = body[:m.start()], body[m.end():], "年度"
    elif "，" in body:
        name, value = body.split("，", 1)
        period = "未注明"
    else:
        name, value, period = body, "", "未注明"
    name = name.strip().rstrip("，").strip()
    value = value.strip().rstrip("。").strip()     # 5.7: "。。" and the orphan "。" of 5.6
    return name, value, period


def clean_name(raw: str) -> tuple[str, list[str]]:
    """Normalised level-3 name: strip stray whitespace and a final "。" (5.7, lines 244, 265),
    collapse a doubled name ("信息系统验收合格率信息系统验收合格率", 5.7)."""
    notes = []
    name = re.sub(r"[\s\u3000]+", "", raw).rstrip("。")
    half = len(name) // 2
    if len(name) % 2 == 0 and half >= 4 and name[:half] == name[half:]:
        name = name[:half]
        notes.append("原文指标名称重复印了两遍，规范名称只保留一遍")
    if raw.strip().endswith("。"):
        notes.append("原文指标名称以“。”结尾，规范名称已去掉")
    return name, notes


def parse_value(value_raw: str) -> dict:
    """Read operator / value / unit from one printed value (5.8, 5.9)."""
    out = dict(operator="text", operator_raw="", value="", value_max="", value_text="", unit="", notes=[])
    if not value_raw:                                # 5.9: "年度指标值：。"
        out["value_text"] = "（空）"
        return out
    head = value_raw
    m = EXPLAINED.match(value_raw)
    if m:                                            # keep the explanation as an editor's note
        head = m.group("head").strip()
        out["notes"].append(f"原文括注：{m.group('expl')}")
    scan = head
    for phrase in CONTEXT_PHRASES:                   # blank out context numbers, keep offsets
        if phrase in scan:
            scan = scan.replace(phrase, "#" * len(phrase))
            out["notes"].append(f"“{phrase}”中的数字是说明，不是目标值")
    nums = list(NUMBER.finditer(scan))
    if len(nums) == 1 and re.match(r"(19|20)\d\d年", scan[nums[0].start():]):
        nums = []                                    # a year ("2022年无招募计划") is not a target
    if not nums:
        out["value_text"] = head
        return out
    if len(nums) > 1:
        raise ValueError(f"several numbers in {value_raw!r}: set the reading in the overrides")
    n = nums[0]
    before, after = head[:n.start()].rstrip(), head[n.end():]
    out["value"] = number(n.group())
    out["operator"] = "="
    for word, op in SIGN_OPS + PREFIX_WORDS:
        if before.endswith(word) and not before.endswith(NOT_OPERATORS):
            out["operator"], out["operator_raw"] = op, word
            break
    unit = next((u for u in UNITS_PRINTED if after.startswith(u)), "")
    out["unit"] = unit
    rest = after[len(unit):]
    for word, op in SUFFIX_WORDS:
        if rest.startswith(word):
            if out["operator_raw"] and out["operator"] != op:
                raise ValueError(f"conflicting operators in {value_raw!r}")
            if out["operator_raw"]:
                out["notes"].append(f"原文“{out['operator_raw']}…{word}”")
            out["operator"], out["operator_raw"] = op, word
            break
    return out


def add_note(row: dict, text: str) -> None:
    row["note"] = "；".join(x for x in (row["note"], text) if x)


def apply_overrides(row: dict, overrides: dict) -> None:
    """Hand-set readings win over the rules; a "note" override is appended, not replaced."""
    for fld, value in overrides.get(row["indicator_id"], {}).items():
        if fld == "note":
            add_note(row, value)
        elif fld != "parts":
            row[fld] = value


def build_indicators(p: Project, pid: str, pname: str, overrides: dict) -> list[dict]:
    rows = []
    for seq, (printed, kind, piece, body, lines) in enumerate(split_indicators(p), start=1):
        name_raw, value_raw, period = split_name_value(body)
        name, name_notes = clean_name(name_raw)
        base = dict(indicator_id=f"{pid}-i{seq:02d}", document_id=DOC_ID, project_id=pid, allocation_id="",
                    seq=seq, part=1, level1=LEVEL1.get(kind, kind), level1_raw=kind, level2="", level2_raw="",
                    name=name, name_raw=name_raw, period=period, raw_text=piece,
                    source_lines=line_span(lines), _printed=int(printed),
                    locator=f"项目支出绩效目标表 {pname} 绩效指标第{seq}条（原编号“{printed}、”）")
        parts = overrides.get(base["indicator_id"], {}).get("parts")
        fragments = parts.split("|") if parts else [value_raw]
        for k, frag in enumerate(fragments, start=1):
            row = dict(base)
            if parts:                                 # compound: one row per measurable value
                row["indicator_id"] = f"{base['indicator_id']}-{k}"
                row["part"] = k
            if "operator" in overrides.get(row["indicator_id"], {}):
                parsed = dict(value="", value_max="", value_text="", unit="", operator_raw="", notes=[])
            else:
                parsed = parse_value(frag)
            notes = name_notes + parsed.pop("notes")
            # 5.9: an empty target has no printed value; the label itself is what stands there
            row.update(parsed, value_raw=frag or "年度指标值：", note="；".join(notes))
            name_unit = NAME_UNIT.search(name)
            if row["value"] and not row["unit"] and name_unit:
                row["unit"] = name_unit.group(1)
                add_note(row, f"原值未印单位，单位取自指标名称“{name_unit.group()}”")
            apply_overrides(row, overrides)
            rows.append(row)
    return rows


# ---------------------------------------------------------------- projects

def district_of(name: str) -> str:
    found = [rid for d, rid in DISTRICTS.items() if d in name]
    return found[0] if len(found) == 1 else ""


def family_key(name: str) -> str:
    """The project name with its district blanked: 市就业补助资金（越秀区） -> 市就业补助资金（××区）."""
    for d in DISTRICTS:
        name = name.replace(d, "××区")
    return name


def build_project(p: Project, seq: int) -> dict:
    unit_name = "".join(t for _, t in p.unit_parts)
    if unit_name not in UNITS:
        raise ValueError(f"unknown budget unit {unit_name!r} at line {p.start}")
    if not p.name_parts or not p.goal_parts or not p.ind_lines:
        raise ValueError(f"project at line {p.start} lacks name, goal or indicators")
    name = "".join(t for _, t in p.name_parts)       # 5.4: rejoin with NO separator
    lines = [n for n, t in p.unit_parts + p.name_parts + p.goal_parts + p.ind_lines
             if t.strip() and not is_furniture(t)] + [p.start]
    return dict(project_id=f"gz-hrss-p{seq:03d}", document_id=DOC_ID, parent_project_id="", level="project",
                seq=seq, seq_label="", name=name, name_raw=name, department_unit_id=UNITS[p.dept]["id"],
                budget_unit_id=UNITS[unit_name]["id"], region_id=district_of(name), period_raw="",
                goal_text=join_lines(p.goal_parts), source_lines=f"{min(lines)}-{max(lines)}",
                locator=f"项目支出绩效目标表 第{seq}个项目（预算单位：{unit_name}）{name}", note="")


def annotate_families(projects: list[dict]) -> None:
    """Mark the per-district families (same project, one row per district) in the note."""
    fams: dict[str, list[dict]] = {}
    for pr in projects:
        if pr["region_id"]:
            fams.setdefault(family_key(pr["name"]), []).append(pr)
    for key, members in fams.items():
        for pr in members:
            if len(members) > 1:
                pr["note"] = f"按区分列的同类项目之一（“{key}”，共{len(members)}个区）；区由项目名称得出"
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
