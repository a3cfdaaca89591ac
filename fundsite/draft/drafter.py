"""Run every reader over one document and assemble draft rows for the package's tables.

Each draft row carries two private keys the review file shows beside it: "_lines" (the source
lines it was read from) and "_problems" (what the drafter could not read; the maintainer
clears them after fixing the row); a review note given to draft_document (OCR text) opens the
"_problems" of every row.  Ids are drafted from the document id; the maintainer may
rename any of them in the review file, and apply.py carries a new id into every row that uses it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from fundsite.draft import amounts
from fundsite.draft import coded
from fundsite.draft import columns
from fundsite.draft import levels
from fundsite.draft import performance
from fundsite.draft.document import document_row
from fundsite.draft.registry import Registry
from fundsite.draft.text import line_span

TABLE_ORDER = ("documents", "units", "projects", "allocations", "indicators", "stated_totals",
               "plans", "plan_indicators", "plan_tasks", "plan_task_units", "quality_notes")
UNIT_FACTOR = {"元": 1, "万元": 10000}


@dataclass
class Draft:
    document_id: str
    lines: list[str]
    tables: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLE_ORDER})
    review_note: str = ""                                           # put in every row's 待核问题 (OCR text)
    headers_without_rows: list[tuple[int, str]] = field(default_factory=list)   # (line, header) of tables read empty

    def add(self, table: str, row: dict, lines, problems=()) -> dict:
        row["_lines"] = sorted(set(lines))
        row["_problems"] = ([self.review_note] if self.review_note else []) + list(problems)
        if "source_lines" in row and not row.get("source_lines") and row["_lines"]:
            row["source_lines"] = line_span(row["_lines"])
        self.tables[table].append(row)
        return row

    def source_text(self, row: dict, limit: int = 400) -> str:
        text = " / ".join(self.lines[n - 1].strip() for n in row["_lines"] if 0 < n <= len(self.lines) and self.lines[n - 1].strip())
        return text if len(text) <= limit else text[:limit] + "…"

    def count(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.items() if rows}


def yuan(raw: str, unit: str) -> str:
    try:
        return str(int(Decimal(raw.replace(",", "")) * UNIT_FACTOR[unit]))
    except Exception:                                 # noqa: BLE001 - an unreadable amount is for the maintainer
        return ""


class Drafter:
    """Builds one Draft; each read_* method adds the rows of one table shape."""

    def __init__(self, lines: list[str], meta: dict, registry: Registry, source_file: str, review_note: str = ""):
        self.draft = Draft(meta["document_id"], lines, review_note=review_note)
        self.meta = meta
        self.registry = registry
        self.doc_id = meta["document_id"]
        self.lines = lines
        doc, used, problems = document_row(lines, meta, registry, source_file)
        doc["source_lines"] = line_span(used or [1])
        self.doc = self.draft.add("documents", doc, used or [1], problems)
        self.unit_raw = doc["money_unit_raw"] or "万元"
        self.new_units: dict[str, str] = {}

    # ------------------------------------------------------------------ helpers
    def _project(self, name: str, lines, level="project", **extra) -> dict:
        seq = len(self.draft.tables["projects"]) + 1
        clean = re.sub(r"\s+", "", name)
        row = dict(project_id=f"{self.doc_id}-p{seq:02d}", document_id=self.doc_id, parent_project_id="", level=level,
                   seq=seq, seq_label="", name=clean, name_raw=name, department_unit_id="",
                   budget_unit_id="", region_id="", period_raw="", goal_text="", source_lines="",
                   locator=f"第{seq}个项目 {clean}", note="")
        row.update(extra)
        return self.draft.add("projects", row, lines)

    def _unit(self, printed: str, lines, region: str = "") -> tuple[str, list[str]]:
        """The unit id of a printed recipient; an unknown one becomes a new unit row to review."""
        uid = self.registry.unit(printed, near=self.doc["region_id"])
        if uid:
            return uid, []
        name = re.sub(r"\s+", "", printed)
        if name not in self.new_units:
            uid = f"{self.doc_id}-unit-{len(self.new_units) + 1}"
            self.new_units[name] = uid
            self.draft.add("units", dict(unit_id=uid, name=name, short_name=name, kind="other", region_id=region,
                                         parent_unit_id="", aliases="", note=""), lines,
                           [f"新单位“{name}”：请改 unit_id 为小写拼音（用连字符，如 conghua-jiekou-street），"
                            "核对 short_name 和 kind（district-bureau / public-institution / district-government / other）"])
        return self.new_units[name], [f"接收单位“{name}”是新单位，见 units 复核文件"]

    def _allocation(self, project: dict, recipient: str, region: str, amount_raw: str, lines, problems=(), **extra) -> dict:
        seq = len(self.draft.tables["allocations"]) + 1
        row = dict(allocation_id=f"{self.doc_id}-a{seq:02d}", document_id=self.doc_id, project_id=project["project_id"],
                   recipient_unit_id=recipient, region_id=region, amount_yuan=yuan(amount_raw, self.unit_raw),
                   amount_raw=amount_raw, amount_unit_raw=self.unit_raw, funding_source="", function_code="",
                   function_name_raw="", dept_econ_code="", dept_econ_name_raw="", gov_econ_code="", gov_econ_name_raw="",
                   direct_fund="", direct_fund_raw="", content_text="", goal_text="", source_lines="",
                   locator=f"分配行{seq}", note="")
        row.update(extra)
        probs = list(problems)
        if not region:
            probs.append("没有判断出地区：请填写 region_id")
        return self.draft.add("allocations", row, lines, probs)

    def _total(self, label: str, amount_raw: str, lines, **extra) -> dict:
        seq = len(self.draft.tables["stated_totals"]) + 1
        row = dict(total_id=f"{self.doc_id}-t{seq:02d}", document_id=self.doc_id, rows_document_id=self.doc_id,
                   project_id="", recipient_unit_id="", region_id="", funding_source="", function_code="",
                   dept_econ_code="", gov_econ_code="", label_raw=label,
                   amount_yuan=yuan(amount_raw, self.unit_raw), amount_raw=amount_raw, amount_unit_raw=self.unit_raw,
                   quality_note_id="", source_lines="", locator=f"{label}行", note="")
        row.update(extra)
        return self.draft.add("stated_totals", row, lines)

    def _indicators(self, project: dict, found: list[dict], allocation: dict | None = None, start_seq: int = 1) -> int:
        """Add indicator rows (as the readers return them) under a project; returns the next seq."""
        seq = start_seq - 1
        for item in found:
            if "_unread" in item:
                seq += 1
                self.draft.add("indicators", dict(
                    indicator_id=f"{project['project_id']}-i{seq:02d}", document_id=self.doc_id, project_id=project["project_id"],
                    allocation_id=allocation["allocation_id"] if allocation else "", seq=seq, part=1, level1="", level1_raw="",
                    level2="", level2_raw="", name="", name_raw="", operator="text", operator_raw="", value="", value_max="",
                    value_text="", unit="", period="未注明", value_raw="", raw_text=item["_unread"], source_lines="",
                    locator="", note=""), item["lines"], ["读不懂这条指标：请对照原文逐项填写，或把“操作”改为“删除”"])
                continue
            if item["part"] == 1:
                seq += 1
            iid = f"{project['project_id']}-i{seq:02d}"
            row = dict(indicator_id=iid, document_id=self.doc_id, project_id=project["project_id"],
                       allocation_id=allocation["allocation_id"] if allocation else "", seq=seq, part=item["part"])
            for key in ("level1", "level1_raw", "level2", "level2_raw", "name", "name_raw", "operator", "operator_raw",
                        "value", "value_max", "value_text", "unit", "period", "value_raw", "raw_text"):
                row[key] = item.get(key, "")
            row.update(source_lines="", locator=f"{project['name']} 绩效指标第{seq}条", note=item.get("note", ""))
            self.draft.add("indicators", row, item["lines"], item.get("problems", []))
        # ids of compound indicators get a part suffix, like the curated ones ("…-i02-1")
        for row in self.draft.tables["indicators"]:
            if row["project_id"] == project["project_id"]:
                same = [r for r in self.draft.tables["indicators"] if r["project_id"] == row["project_id"] and r["seq"] == row["seq"]]
                if len(same) > 1 and not re.search(r"-i\d+-\d+$", row["indicator_id"]):
                    row["indicator_id"] = f"{row['indicator_id']}-{row['part']}"
        return seq + 1

    def _owner(self, line: int, anchors: list[tuple[int, dict, dict | None]]):
        """The project (and allocation) whose row comes last before a line."""
        owner = None
        for start, project, allocation in anchors:
            if start <= line:
                owner = (project, allocation)
        return owner

    # ------------------------------------------------------------------ shapes
    def read_budget_table(self) -> bool:
        cols, totals, rows = amounts.budget_table(self.lines)
        if not rows:
            return False
        header_unit = next((m.group(1) for line in self.lines for m in [re.search(r"单位名称[：:]\s*(\S+)", line)] if m), "")
        unit_id = self.registry.unit(header_unit) if header_unit else self.doc["issuer_unit_id"]
        region = self.registry.region_of_unit(unit_id) or self.doc["region_id"]
        anchors = []
        for row in rows:
            project = self._project(row.label, row.lines + row.goal_lines, budget_unit_id=unit_id, region_id=region,
                                    goal_text=row.content)
            for col, amount in zip(row.columns, row.amounts):
                if col == "总计":
                    self._total("总计", amount, [row.amount_line], project_id=project["project_id"],
                                locator=f"{project['name']} 总计列")
                elif Decimal(amount.replace(",", "")) != 0:
                    self._allocation(project, unit_id, region, amount, row.lines, funding_source=col if col in amounts.FUNDING_COLUMNS else "",
                                     locator=f"项目“{project['name']}” {col}列")
            anchors.append((row.lines[0], project, None))
        for total in totals:
            for col, amount in zip(total.columns, total.amounts):
                self._total(total.label, amount, total.lines, funding_source=col if col in amounts.FUNDING_COLUMNS else "",
                            locator=f"{total.label}行 {col}列")
        self._attach(coded.coded_indicators(self.lines), anchors)
        return True

    def _attach(self, found: list[dict], anchors) -> None:
        """Indicators go to the project whose row precedes them."""
        by_project: dict[str, list] = {}
        order = []
        for item in found:
            owner = self._owner(item["lines"][0], anchors) if item.get("lines") else None
            if owner is None:
                owner = (self._fallback_project(), None)
                anchors.insert(0, (0, owner[0], None))
            key = (owner[0]["project_id"], owner[1]["allocation_id"] if owner[1] else "")
            if key not in by_project:
                by_project[key] = []
                order.append((key, owner))
            by_project[key].append(item)
        next_seq: dict[str, int] = {}
        for key, (project, allocation) in order:
            next_seq[project["project_id"]] = self._indicators(project, by_project[key], allocation,
                                                               next_seq.get(project["project_id"], 1))

    def _fallback_project(self) -> dict:
        existing = [p for p in self.draft.tables["projects"] if p.get("_fallback")]
        if existing:
            return existing[0]
        found = next(((no, m.group(1).strip()) for no, line in enumerate(self.lines, start=1)
                      for m in [re.search(r"项目名称[：:]\s*(.+)$", line)] if m), None)
        problems = [] if found else ["原文没有“项目名称：”一行，项目名称暂取文件标题：请改为原文中的项目或资金名称（name 和 name_raw）"]
        project = self._project(found[1] if found else self.doc["title"], [found[0]] if found else self.doc["_lines"],
                                level="fund", region_id=self.doc["region_id"], department_unit_id=self.doc["issuer_unit_id"])
        project["locator"] = f"项目名称行 {project['name']}" if found else "文件标题"
        project["_problems"] += problems
        project["_fallback"] = True
        return project

    def read_performance_table(self) -> bool:
        issuer = self.meta.get("issuer", "")
        if not issuer or not any(line.strip().startswith(issuer) for line in self.lines) \
                or not any(performance.is_indicator_line(line) for line in self.lines):
            return False
        blocks = performance.split_projects(self.lines, issuer, self.registry.names)
        if not blocks:
            return False
        districts = {name: rid for name, rid in self.registry.region_names.items()
                     if self.registry.regions[rid]["level"] == "district"}
        for block in blocks:
            seq = len(self.draft.tables["projects"]) + 1
            pid = f"{self.doc_id}-p{seq:03d}"
            row = performance.project_row(block, self.doc_id, pid, seq, self.registry.names, districts)
            problems = [] if row["budget_unit_id"] else [f"预算单位“{block.unit_name}”不在 units.csv 中：请补上单位或填写 budget_unit_id"]
            self.draft.add("projects", row, block.lines(), problems)
            try:
                found = performance.indicator_rows(block.ind_lines, self.doc_id, pid, row["name"])
            except ValueError as exc:
                self.draft.add("indicators", dict(indicator_id=f"{pid}-i01", document_id=self.doc_id, project_id=pid, raw_text=""),
                               [n for n, _ in block.ind_lines], [f"读不懂这个项目的绩效指标（{exc}）：请对照原文填写"])
                continue
            for ind in found:
                ind.pop("_printed", None)
                problem = ind.pop("_problem", "")
                lines = [int(x) for part in ind["source_lines"].split(",") for x in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)]
                self.draft.add("indicators", ind, lines, [problem] if problem else [])
        return True

    def read_matrix(self) -> bool:
        cols, totals, rows = amounts.matrix(self.lines, self.registry)
        if not rows:
            return False
        projects: dict[str, dict] = {}
        for row in rows:
            label = row.label or "（未印出子项目名称）"
            if label not in projects:
                projects[label] = self._project(label, row.lines, level="sub-project", parent_project_id="")
            for (printed, uid), cell in zip(cols, row.amounts[1:]):
                if cell == "-" or Decimal(cell.replace(",", "")) == 0:
                    continue
                region = self.registry.region(printed) or self.registry.region_of_unit(uid)
                self._allocation(projects[label], uid, region, cell, row.lines, locator=f"分配计划表 {label} 第{row.amount_line}行 {printed}列",
                                 **{k: v for k, v in row.codes.items()})
            # The row's own 合计 (its first cell): a total of this sub-project's rows that carry the row's codes.
            self._total("合计", row.amounts[0], row.lines, project_id=projects[label]["project_id"],
                        locator=f"分配计划表 {label} 第{row.amount_line}行 合计列",
                        **{k: row.codes[k] for k in ("function_code", "dept_econ_code", "gov_econ_code") if row.codes.get(k)})
        for total in totals:
            self._total(total.label, total.amounts[0], total.lines, locator=f"{total.label}行 合计列")
            for (printed, uid), cell in zip(cols, total.amounts[1:]):
                region = self.registry.region(printed)
                self._total(total.label, "0.00" if cell == "-" else cell, total.lines,
                            **({"region_id": region} if region else {"recipient_unit_id": uid}), locator=f"{total.label}行 {printed}列")
        return True

    def read_recipients(self) -> list[tuple[int, dict, dict | None]]:
        rows = amounts.recipient_rows(self.lines, self.registry)
        anchors = []
        if not rows:
            return anchors
        project = self._fallback_project()
        for row in rows:
            region = self.registry.region(row.district_raw) if row.district_raw else ""
            uid, problems = self._unit(row.label, row.lines, region or self.doc["region_id"])
            region = region or self.registry.region_of_unit(uid) or (self.doc["region_id"] if uid not in self.registry.units else "")
            alloc = self._allocation(project, uid, region, row.amounts[0], row.lines, problems, content_text=row.content,
                                     locator=f"分配表 {row.label}")
            anchors.append((row.lines[0], project, alloc))
        last = max(a["_lines"][-1] for a in self.draft.tables["allocations"])
        for no, line in enumerate(self.lines, start=1):
            if no > last and line.strip() in ("绩效目标", "绩效指标", "绩效目标及指标", "绩效目标表"):
                anchors.append((no, project, None))   # indicators under a heading of their own belong to the whole project
        for no, line in enumerate(self.lines, start=1):
            m = re.match(rf"^\s*合\s*计\s+({amounts.AMOUNT})\s*$", line)
            if m and any(a["_lines"][0] > no for a in self.draft.tables["allocations"]):
                self._total("合计", m.group(1), [no], locator="分配表 合计行")
        return anchors

    def read_plan_tables(self) -> None:
        boxes = columns.box_indicators(self.lines)
        ledger = columns.ledger_tasks(self.lines)
        if not boxes and not ledger:
            return
        plan_id = f"{self.doc_id}-plan"
        years = re.findall(r"(20\d\d)\s*[—\-–至]\s*(20\d\d)", self.doc["title"])
        self.draft.add("plans", dict(plan_id=plan_id, document_id=self.doc_id, name=self.doc["title"], short_name=self.doc["short_title"],
                                     region_id=self.doc["region_id"], period_start=years[0][0] if years else "",
                                     period_end=years[0][1] if years else "", description=self.doc["description"], note=""),
                       self.doc["_lines"], ["请核对规划名称、期限（period_start/period_end）和简介"])
        for seq, item in enumerate(boxes, start=1):
            box = item["table_label"].replace("专栏", "c")
            row = dict(plan_indicator_id=f"{plan_id}-{box}-{int(item['seq_label']) if item['seq_label'].isdigit() else seq:02d}",
                       plan_id=plan_id, seq=seq, source_lines="", locator=f"{item['table_label']} 第{item['seq_label']}行", note="")
            for key in ("table_label", "seq_label", "category_raw", "name", "unit", "attribute", "cumulative", "period_kind",
                        "baseline_year", "baseline_raw", "baseline_operator", "baseline_value", "target_year", "target_raw",
                        "target_operator", "target_value", "actual_year", "actual_raw", "actual_value", "raw_text"):
                row[key] = item.get(key, "")
            self.draft.add("plan_indicators", row, item["lines"], item["problems"])
        tasks: dict[str, dict] = {}
        for item in ledger:
            if item["task"] not in tasks:
                label = re.match(r"^(\d+[.、．]|[（(][一二三四五六七八九十]+[）)])?\s*(.*?)。?$", item["task"])
                k = len(tasks) + 1
                tasks[item["task"]] = self.draft.add("plan_tasks", dict(
                    task_id=f"{plan_id}-k{k:02d}", plan_id=plan_id, parent_task_id="", level="task", seq=k,
                    seq_label=label.group(1) or "", title=label.group(2), text="", source_lines="",
                    locator=f"任务台账 任务{k}", note=""), [item["task_line"]])
                tasks[item["task"]]["_measures"] = 0
            task = tasks[item["task"]]
            task["_measures"] += 1
            m = task["_measures"]
            tid = f"{task['task_id']}-m{m:02d}"
            title = re.split(r"[，。；]", item["measure"])[0]
            self.draft.add("plan_tasks", dict(task_id=tid, plan_id=plan_id, parent_task_id=task["task_id"], level="measure", seq=m,
                                              seq_label="", title=title, text=item["measure"], source_lines="",
                                              locator=f"任务台账 {task['title']} 第{m}项措施", note=""), item["lines"], item["problems"])
            for pos, name in enumerate(item["units"], start=1):
                uid = self.registry.unit(name, near=self.doc["region_id"])
                self.draft.add("plan_task_units", dict(task_id=tid, position=pos, unit_name_raw=name, unit_id=uid, is_lead="false"),
                               item["lines"], [] if uid else [f"责任单位“{name}”不在 units.csv 中：可留空 unit_id，或补上单位"])
        for task in tasks.values():
            task.pop("_measures", None)

    def run(self) -> Draft:
        if not self.read_performance_table():
            self.read_budget_table()
        self.read_matrix()
        anchors = self.read_recipients()
        for found in (levels.labelled_indicators(self.lines), levels.grid_indicators(self.lines)):
            if found:
                self._attach(found, list(anchors))
        self.read_plan_tables()
        self.doc["states_amounts"] = "true" if self.draft.tables["allocations"] else "false"
        for row in self.draft.tables["projects"]:
            row.pop("_fallback", None)
        self.draft.headers_without_rows = self.headers_without_rows()
        return self.draft

    def headers_without_rows(self) -> list[tuple[int, str]]:
        """Headers of the money and indicator tables the readers know, when no row of that kind was read:
        a table whose rows a conversion or OCR broke would otherwise just be missing from the review."""
        money = self.draft.tables["allocations"] or self.draft.tables["stated_totals"]
        found = []
        for no, line in enumerate(self.lines, start=1):
            text = line.strip()
            if not money and (("单位" in text and "金额" in text and len(text) < 80)          # amounts.recipient_rows
                              or ("总计" in text and any(c in text for c in amounts.FUNDING_COLUMNS))):   # budget_table
                found.append((no, text))
            elif not self.draft.tables["indicators"] and levels.GRID_HEADER.search(text):
                found.append((no, text))
        return found


def draft_document(lines: list[str], meta: dict, registry: Registry, source_file: str, review_note: str = "") -> Draft:
    """review_note: a 待核问题 for every drafted row (OCR text must be checked character by character)."""
    return Drafter(lines, meta, registry, source_file, review_note).run()
