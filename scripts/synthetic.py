"""Generate a synthetic, schema-valid data package at a chosen scale (for the benchmark).

The shape follows the real data: per city and year one allocation notice with
projects in its districts, one allocation and a few indicators per project,
and a stated 合计 that reconciles with the allocations.
"""
from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scale:
    cities: int = 21
    districts: int = 10  # per city
    years: int = 10
    projects_per_unit: int = 10  # per district bureau and year
    indicators_per_project: int = 10

    @property
    def projects(self) -> int:
        return self.cities * self.districts * self.years * self.projects_per_unit


LEVEL1 = ["产出指标", "效益指标", "满意度指标"]
LEVEL2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标"}


def _write(path: Path, header: list[str], rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
            count += 1
    return count


def generate(target: Path, scale: Scale, new_notice: bool = False) -> dict[str, int]:
    """Write a package at target (datapackage.json, schemas/, data/); return row counts.

    new_notice adds one more notice (the first city's next year) to the same package:
    what a maintainer's rebuild after one new document sees."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "datapackage" / "schemas", target / "schemas")
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["name"] = "synthetic-employment-funds"
    descriptor["title"] = "合成测试数据（基准测试用）"
    descriptor.pop("sources", None)
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    headers = {res["name"]: [f["name"] for f in json.loads((target / res["schema"]).read_text(encoding="utf-8"))["fields"]]
               for res in descriptor["resources"]}

    cities = [f"c{c:02d}" for c in range(1, scale.cities + 1)]
    regions = [{"region_id": "guangdong", "name": "广东省", "level": "province", "sort_order": 1}]
    units = []
    order = 2
    for c, city in enumerate(cities, start=1):
        regions.append({"region_id": city, "name": f"合成市{c:02d}", "level": "city", "parent_region_id": "guangdong", "sort_order": order})
        order += 1
        units.append({"unit_id": f"{city}-hrss", "name": f"合成市{c:02d}人力资源和社会保障局", "short_name": f"合成市{c:02d}人社局",
                      "kind": "city-bureau", "region_id": city})
        for d in range(1, scale.districts + 1):
            district = f"{city}-d{d:02d}"
            regions.append({"region_id": district, "name": f"合成市{c:02d}第{d:02d}区", "level": "district",
                            "parent_region_id": city, "sort_order": order})
            order += 1
            units.append({"unit_id": f"{district}-hrss", "name": f"合成市{c:02d}第{d:02d}区人社局", "short_name": f"{c:02d}-{d:02d}区人社局",
                          "kind": "district-bureau", "region_id": district, "parent_unit_id": f"{city}-hrss"})

    documents, projects, allocations, indicators, totals, funds = [], [], [], [], [], []
    for c, city in enumerate(cities, start=1):
        for y in range(scale.years + (1 if new_notice and c == 1 else 0)):
            year = 2015 + y
            doc = f"{city}-{year}"
            documents.append({
                "document_id": doc, "kind": "notice", "title": f"合成市{c:02d}{year}年就业补助资金分配通知",
                "title_raw": f"合成市{c:02d}{year}年就业补助资金分配通知", "short_title": f"合成{c:02d}〔{year}〕1号",
                "issuer": f"合成市{c:02d}人力资源和社会保障局", "issuer_unit_id": f"{city}-hrss",
                "doc_number": f"合成{c:02d}〔{year}〕1号", "doc_number_raw": f"合成{c:02d}〔{year}〕1号", "doc_number_source": "in-text",
                "issue_date": f"{year}-06-{(c % 28) + 1:02d}", "issue_date_raw": f"{year}年6月{(c % 28) + 1}日", "issue_date_kind": "signed",
                "region_id": city, "year": year, "source_file": "900_0.txt", "money_unit_raw": "万元", "states_amounts": "true",
                "description": "合成数据，仅用于性能基准测试。", "source_lines": "1", "locator": "正文"})
            total = 0
            seq = 0
            for d in range(1, scale.districts + 1):
                district = f"{city}-d{d:02d}"
                for p in range(1, scale.projects_per_unit + 1):
                    seq += 1
                    pid = f"{doc}-p{seq:04d}"
                    cents = 1000 + (seq * 7919 + c * 104729 + y * 31) % 900000  # 10.00 .. 9,010.00 万元
                    raw = f"{cents // 100:,}.{cents % 100:02d}"
                    total += cents
                    projects.append({"project_id": pid, "document_id": doc, "level": "project", "seq": seq, "seq_label": str(seq),
                                     "name": f"第{d:02d}区就业促进项目{p:02d}", "name_raw": f"第{d:02d}区就业促进项目{p:02d}",
                                     "budget_unit_id": f"{district}-hrss", "department_unit_id": f"{city}-hrss", "region_id": district,
                                     "goal_text": "通过社会保险补贴和岗位补贴，促进困难群体就业，确保完成新增就业任务。",
                                     "source_lines": str(seq), "locator": f"附表 序号{seq}"})
                    allocations.append({"allocation_id": f"{pid}-a1", "document_id": doc, "project_id": pid,
                                        "recipient_unit_id": f"{district}-hrss", "region_id": district,
                                        "amount_yuan": cents * 100, "amount_raw": raw, "amount_unit_raw": "万元",
                                        "funding_source": "财政拨款", "source_lines": str(seq), "locator": f"附表 序号{seq}"})
                    for i in range(1, scale.indicators_per_project + 1):
                        level1 = LEVEL1[i % 3]
                        value = 100 + (i * 37 + seq) % 900
                        indicators.append({"indicator_id": f"{pid}-i{i:02d}", "document_id": doc, "project_id": pid, "seq": i, "part": 1,
                                           "level1": level1, "level1_raw": level1, "level2": LEVEL2[level1], "level2_raw": LEVEL2[level1],
                                           "name": f"服务人数{i:02d}", "name_raw": f"服务人数{i:02d}", "operator": "≥", "operator_raw": "≥",
                                           "value": value, "unit": "人次", "period": "年度", "value_raw": f"≥{value}人次",
                                           "value_norm": value, "unit_norm": "人次",  # normalised (fundsite/normalise.py)
                                           "raw_text": f"{i}、{level1}：服务人数{i:02d}，年度指标值：≥{value}人次。",
                                           "source_lines": str(seq), "locator": f"附表 序号{seq} 指标{i}"})
            totals.append({"total_id": f"{doc}-t01", "document_id": doc, "rows_document_id": doc, "label_raw": "合计",
                           "amount_yuan": total * 100, "amount_raw": f"{total // 100:,}.{total % 100:02d}", "amount_unit_raw": "万元",
                           "source_lines": "1", "locator": "附表 合计"})
            # Each notice hands down money of its own: a fund counted by its rows (see fundsite/money.py).
            funds.append({"fund_id": f"{doc}-fund", "name": f"合成市{c:02d}{year}年就业补助资金",
                          "name_raw": f"合成市{c:02d}{year}年就业补助资金", "kind": "transfer", "year": year,
                          "document_id": doc, "counted_document_id": doc, "total_id": f"{doc}-t01", "source_lines": "1"})
    counts = {}
    for name, rows in (("regions", regions), ("units", units), ("documents", documents), ("projects", projects),
                       ("allocations", allocations), ("indicators", indicators), ("stated_totals", totals),
                       ("funds", funds)):
        counts[name] = _write(target / "data" / f"{name}.csv", headers[name], rows)
    for name in headers:
        if name not in counts:
            counts[name] = _write(target / "data" / f"{name}.csv", headers[name], [])
    return counts
