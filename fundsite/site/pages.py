"""Render every page of the site as Markdown, in memory: {path under site_src/: text}.

Python gathers and groups the rows (this module); the templates only lay them
out. Templates are Jinja2 with autoescape on and StrictUndefined, and every
data value is placed inside HTML blocks, so neither HTML nor Markdown nor
Jinja syntax in the data can take effect on a page.
"""
from __future__ import annotations

import functools
import html
import json
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from fundsite import urls
from fundsite.site.downloads import csv_bytes
from fundsite.formatting import printed_decimals, raw_decimals, format_amount, format_date, format_number, format_wan, format_yuan
from fundsite.site.rendered import DirectPage, PageSpool, headings_of, shell_markdown
from fundsite.budget_codes import OUTSIDE, TRANSFER, UNDER, code_checks, subjects_by_document
from fundsite.kinds import BY_TABLE
from fundsite.model import Model
from fundsite.money import KIND_NAMES
from fundsite.paths import TEMPLATES
from fundsite.site.citation import Citation, cite
from fundsite.site.page_memo import PageMemo, digest
from fundsite.site.search_records import SearchRecord
from fundsite.timing import Phases

NOTE_TABLE_NAMES = {"documents": "文件", "projects": "项目", "allocations": "分配行", "indicators": "绩效指标",
                    "plan_indicators": "规划指标", "plan_tasks": "规划任务", "stated_totals": "合计行", "units": "单位",
                    "regions": "地区", "plans": "规划", "funds": "资金", "fund_views": "资金的另一种列法",
                    "budget_subjects": "预算科目", "glossary": "名词解释"}
NOTE_KIND_NAMES = {"ambiguous": "含义不明", "conflict": "前后矛盾", "misfiled": "错放位置", "typo": "笔误",
                   "missing": "原文缺失", "duplicate": "重复", "implausible": "不合常理", "inconsistent-total": "合计不符"}
# What a page's CSV holds, for readers, by its table (a page's budgets.csv: units' own budgets).
FILE_NAMES = {"allocations": "分配行", "indicators": "绩效指标", "plan_indicators": "规划指标", "projects": "项目",
              "stated_totals": "文件所列合计", "plan_tasks": "规划任务", "concept_links": "对比所用的指标行",
              "budget_subjects": "预算科目", "glossary": "名词解释"}
SITE_TITLE = "广东就业资金透明度"  # mkdocs.yml's site_name: the home page's title, citations
LEVEL_NAMES = {"fund": "资金项目", "task": "任务", "sub-project": "子项目", "project": "项目"}
REGION_LEVEL_NAMES = {"province": "省", "city": "地级市", "city-level": "市本级", "district": "区"}
UNIT_KIND_NAMES = {"ministry": "中央部委", "province-department": "省级部门", "city-bureau": "市级部门",
                   "public-institution": "事业单位", "college": "技工院校", "district-bureau": "区级部门",
                   "district-government": "区县政府", "other": "其他"}
DOC_KIND_NAMES = {"notice": "通知", "attachment": "附件", "plan": "规划", "performance-table": "绩效目标表"}


@dataclass
class Output:
    """What the renderer produces: Markdown pages and downloadable files."""

    pages: dict[str, str] = field(default_factory=dict)  # Markdown for mkdocs, by site_src path
    files: dict[str, bytes | Path] = field(default_factory=dict)  # bytes, or a file the build already wrote
    # Per-entity CSVs and the XLSX twin of each page that has CSVs (its CSVs as (path, table)).
    # A build hands each to its file writer as soon as it is made (SiteRenderer's `files`), so the
    # twins are written while the pages render; without a writer, the CSVs publishing has to write
    # wait here (bytes, where they wait in the spool, or the published file when their rows did not
    # change: page_memo.py).
    entity_csvs: dict[str, bytes | tuple[Path, int, int] | Path] = field(default_factory=dict)
    csv_count: int = 0  # every per-entity CSV, handed over or waiting
    twins: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    direct: list[DirectPage] = field(default_factory=list)  # HTML entity pages, see page_shell
    # Pages in the navigation whose content is filled in after mkdocs (see page_shell): their
    # Markdown in `pages` is only the page shell.
    nav_fills: list[DirectPage] = field(default_factory=list)
    # What search finds, a record per page that has one (see search_records.py); pages mkdocs
    # renders from Markdown without one get theirs from their Markdown (mkdocs_site.markdown_records).
    search: list[SearchRecord] = field(default_factory=list)
    memo: PageMemo | None = None  # the keys of the entity pages, which the next build checks (page_memo.py)


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """A compiled template that cannot be kept, or was kept damaged, is compiled again, not an error."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (EOFError, ValueError, TypeError, OSError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache() -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between builds: a folder of this user's in the system's
    temporary folder, which jinja checks against each template's source (compiling the
    renderer's and the theme's templates took ~0.5 s of every build); None when there is none."""
    try:
        return _TemplateCache()
    except (OSError, RuntimeError):  # no writable temporary folder, or one another user owns
        return None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        auto_reload=False,  # templates do not change during a build: no stat() per page
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),
    )
    env.filters.update(decimals=raw_decimals, amount=format_amount, wan=format_wan, yuan=format_yuan, date=format_date, num=format_number,
                       oneline=lambda s: " ".join(str(s).split()) if s else "")
    env.globals.update(MONEY_KIND_NAMES=KIND_NAMES, NOTE_KIND_NAMES=NOTE_KIND_NAMES, LEVEL_NAMES=LEVEL_NAMES, REGION_LEVEL_NAMES=REGION_LEVEL_NAMES,
                       UNIT_KIND_NAMES=UNIT_KIND_NAMES, DOC_KIND_NAMES=DOC_KIND_NAMES,
                       h2=h2, indicator_value=indicator_value, target_norm=target_norm,  # Python: called thousands of times a page set
                       indicator_rows=indicator_rows, money_rows=money_rows)
    return env


class Links:
    """Links from one page to entity pages, as escaped HTML: <a href="relative url">name</a>.

    Python rather than Jinja macros: a district or document page holds thousands
    of them, and a macro call costs ten times a method call."""

    def __init__(self, page_url: str):
        self.page_url = page_url
        self._made: dict[tuple, Markup] = {}  # a district page links each of its projects once per indicator row

    def _a(self, table: str, key: str, text) -> Markup:
        # Keyed by the text's type too: Markup("a&amp;b") equals the str "a&amp;b" but is not escaped again.
        made = self._made.get((table, key, type(text), text))
        if made is None:
            # escape() and an f-string: the same HTML as Markup.format(), at a fifth of its cost
            made = self._made[table, key, type(text), text] = Markup(
                f'<a href="{escape(urls.relative(self.page_url, urls.page_url(table, key)))}">{escape(text)}</a>')
        return made

    def doc(self, doc: dict) -> Markup:
        return self._a("documents", doc["document_id"], doc["short_title"])

    def project(self, project: dict) -> Markup:
        return self._a("projects", project["project_id"], project["name"])

    def unit(self, unit: dict) -> Markup:
        return self._a("units", unit["unit_id"], unit["short_name"])

    def fund(self, fund: dict) -> Markup:
        return self._a("funds", fund["fund_id"], fund["name"])

    def region(self, region: dict) -> Markup:
        return self._a("regions", region["region_id"], region["name"])

    def plan(self, plan: dict) -> Markup:
        return self._a("plans", plan["plan_id"], plan["name"])

    def family(self, family: dict) -> Markup:
        return self._a("project_families", family["family_id"], family["name"])


def indicator_rows(link: Links, m: Model, rows: list[dict], show_project: bool = False,
                   show_recipient: bool = False) -> Markup:
    """The body rows of an indicator table (see _macros.md.j2): Python, because district and
    document pages hold thousands of rows. Every value goes through escape(), as autoescape would."""
    out = []
    for i in rows:
        project = f"<td>{link.project(m.get('projects', i['project_id']))}</td>" if show_project else ""
        if show_recipient:
            allocation = m.get("allocations", i.get("allocation_id"))
            project += (f"<td>{link.unit(m.get('units', allocation['recipient_unit_id']))}</td>" if allocation
                        else "<td>全项目</td>")
        out.append(f'<tr id="{escape(i["indicator_id"])}">{project}<td>{escape(i["_label"])}</td>'
                   f'<td>{escape(i["level1"])}</td><td>{escape(i["level2"] or "")}</td><td>{escape(i["name"])}</td>'
                   f'<td class="fs-value">{indicator_value(i)}</td><td>{escape(i["unit"] or "")}</td>'
                   f'<td>{escape(i["period"])}</td><td class="fs-raw">{escape(i["value_raw"])}</td></tr>\n')
    return Markup("".join(out))


def money_rows(link: Links, m: Model, group: dict) -> Markup:
    """The body rows of a money table (see _macros.md.j2), escaped like indicator_rows()."""
    out = []
    for item in group["projects"]:
        project = link.project(item["project"])
        for a in item["rows"]:
            codes = ""
            if a["function_code"] or a["gov_econ_code"]:
                codes = (f'<br><small>科目 {escape(a["function_code"] or "—")} {escape(a["function_name_raw"] or "")}；'
                         f'经济分类 {escape(a["dept_econ_code"] or "—")}/{escape(a["gov_econ_code"] or "—")}</small>')
            out.append(f"<tr><td>{project}</td><td>{link.unit(m.get('units', a['recipient_unit_id']))}</td>"
                       f"<td>{link.region(m.get('regions', a['region_id']))}</td><td class=\"num\">{escape(format_amount(a))}</td>"
                       f"<td>{escape(a['amount_raw'])} {escape(a['amount_unit_raw'])}{codes}</td></tr>\n")
    return Markup("".join(out))


def h2(anchor: str, text) -> Markup:
    """A section heading of an entity page: HTML with a fixed id, because these pages skip Markdown."""
    return Markup(f'<h2 id="{escape(anchor)}">{escape(text)}</h2>')


def target_norm(i: dict) -> Markup:
    """An indicator's normalised target (value_norm in unit_norm: 2.5万人 as 25000 人), or "—"
    where the printed unit does not convert or there is no number."""
    if i.get("value_norm") is None:
        return Markup("—")
    if i["operator"] == "range" and i.get("value_max_norm") is not None:
        text = f'{format_number(i["value_norm"])}–{format_number(i["value_max_norm"])}'
    else:
        text = format_number(i["value_norm"]) if i["operator"] == "=" else f'{i["operator"]} {format_number(i["value_norm"])}'
    return escape(f'{text} {i["unit_norm"]}')


def indicator_value(i: dict) -> Markup:
    """An indicator's target as shown in tables: text as printed, a range, or operator and value."""
    if i["operator"] == "none":
        return Markup('<span class="fs-empty">未列目标值</span>')
    if i["operator"] == "text":
        return escape(i["value_text"])
    if i["operator"] == "range":
        return Markup(f'{escape(format_number(i["value"]))}–{escape(format_number(i["value_max"]))}')
    return Markup(f'{escape(i["operator"])} {escape(format_number(i["value"]))}')


class SiteRenderer:
    """Collects the context of each page kind and renders it with its template."""

    def __init__(self, model: Model, spool: Path | None = None, phases: Phases | None = None,
                 package_files=None, site_url: str = "", memo=None, files=None):
        self.m = model
        # files: the build's writer of per-entity CSVs and XLSX twins (xlsx_twins.TwinWriter, started),
        # which gets each as soon as it is made when it has worker processes to write them; without
        # (or with None) they are kept in the output (Output.entity_csvs) and the main process
        # writes them after rendering, while Pagefind runs.
        self.files = files if files is not None and files.writes_while_rendering else None
        self.site_url = site_url  # where the site is published ('' unknown): citations, data.json, feed
        # package_files(): {name: path} of the whole-package downloads, which a build has a worker
        # write while pages render (downloads_worker.py); None: they are made here, in memory.
        self.package_files = package_files
        self.phases = phases or Phases()  # "render.files": the part of rendering spent on data files
        # A large package's rendered entity pages and CSVs wait in a spool file (page_shell.PageSpool)
        # instead of memory; publishing reads them from there.
        self._page_spool = PageSpool(spool) if spool is not None else None
        self.env = _environment()
        self.out = Output()
        self.columns = {name: [f["name"] for f in schema["fields"]] for name, schema in model.schemas.items()}
        self.source_texts = model.source_texts  # {file name: text}, read by the check
        self._index()
        # memo(renderer) -> PageMemo: entity pages whose inputs did not change are linked from the
        # published site instead of rendered (page_memo.py); None renders every page.
        self.out.memo = memo(self) if memo else None

    # -- indexes -----------------------------------------------------------
    def _index(self) -> None:
        m = self.m
        self.allocs_by_project = defaultdict(list)
        self.allocs_by_region = defaultdict(list)
        self.allocs_by_unit = defaultdict(list)
        self.allocs_by_doc = defaultdict(list)
        for a in m.rows("allocations"):
            self.allocs_by_project[a["project_id"]].append(a)
            self.allocs_by_region[a["region_id"]].append(a)
            self.allocs_by_unit[a["recipient_unit_id"]].append(a)
            self.allocs_by_doc[a["document_id"]].append(a)
        self.inds_by_project = defaultdict(list)
        self.inds_by_allocation = defaultdict(list)
        self.inds_by_doc = defaultdict(list)
        parts = defaultdict(int)
        for i in m.rows("indicators"):
            parts[(i["project_id"], i["seq"])] += 1
        for i in m.rows("indicators"):
            # "3" for a single indicator, "3.2" for the second part of a compound one.
            i["_label"] = f'{i["seq"]}.{i["part"]}' if parts[(i["project_id"], i["seq"])] > 1 else str(i["seq"])
            self.inds_by_project[i["project_id"]].append(i)
            self.inds_by_doc[i["document_id"]].append(i)
            if i.get("allocation_id"):
                self.inds_by_allocation[i["allocation_id"]].append(i)
        self.projects_by_doc = defaultdict(list)
        self.projects_by_unit = defaultdict(list)
        self.projects_by_region = defaultdict(list)
        for p in m.rows("projects"):
            self.projects_by_doc[p["document_id"]].append(p)
            for key in ("budget_unit_id", "department_unit_id"):
                if p.get(key) and p not in self.projects_by_unit[p[key]]:
                    self.projects_by_unit[p[key]].append(p)
            if p.get("region_id"):
                self.projects_by_region[p["region_id"]].append(p)
        self.docs_children = defaultdict(list)
        for d in m.rows("documents"):
            if d.get("parent_document_id"):
                self.docs_children[d["parent_document_id"]].append(d)
        self.regions_children = defaultdict(list)
        for r in m.rows("regions"):
            if r.get("parent_region_id"):
                self.regions_children[r["parent_region_id"]].append(r)
        self.units_by_region = defaultdict(list)
        self.units_children = defaultdict(list)
        for u in m.rows("units"):
            if u.get("parent_unit_id"):
                self.units_children[u["parent_unit_id"]].append(u)
            if u.get("region_id"):
                self.units_by_region[u["region_id"]].append(u)
        self.totals_by_doc = defaultdict(list)
        self.totals_by_project = defaultdict(list)
        for t in m.rows("stated_totals"):
            self.totals_by_doc[t["document_id"]].append(t)
            if t.get("project_id"):
                self.totals_by_project[t["project_id"]].append(t)
        self.subjects_by_doc = subjects_by_document(m)
        self.code_checks = code_checks(m) if self.subjects_by_doc else []
        self.notes_by_row = defaultdict(list)
        self.notes_by_doc = defaultdict(list)
        for n in m.rows("quality_notes"):
            self.notes_by_doc[n["document_id"]].append(n)
            self.notes_by_row[(n["table_name"], n["row_id"])].append(n)
        self.plans_by_doc = defaultdict(list)
        for p in m.rows("plans"):
            self.plans_by_doc[p["document_id"]].append(p)
        self.pinds_by_plan = defaultdict(list)
        self.pinds_by_name = defaultdict(list)
        for pi in m.rows("plan_indicators"):
            self.pinds_by_name[pi["name"]].append(pi)
            self.pinds_by_plan[pi["plan_id"]].append(pi)
        self.glossary_by_doc = defaultdict(list)
        for g in sorted(m.rows("glossary"), key=lambda g: g["footnote"]):
            self.glossary_by_doc[g["document_id"]].append(g)
        self.marks_by_row = defaultdict(list)  # (table, row id) -> the glossary entries its text marks
        glossary = {g["glossary_id"]: g for g in m.rows("glossary")}
        for link in m.rows("glossary_marks"):
            if link["glossary_id"] in glossary:
                self.marks_by_row[(link["table_name"], link["row_id"])].append(glossary[link["glossary_id"]])
        self.tasks_by_plan = defaultdict(list)
        for t in m.rows("plan_tasks"):
            self.tasks_by_plan[t["plan_id"]].append(t)
        self.units_by_task = defaultdict(list)
        self.tasks_by_unit = defaultdict(list)
        for tu in m.rows("plan_task_units"):
            self.units_by_task[tu["task_id"]].append(tu)
            if tu.get("unit_id"):
                self.tasks_by_unit[tu["unit_id"]].append(tu)
        # Document order is used by nearly every page: computed once.
        self._ordered_documents = self._order_documents()
        self.doc_order = {d["document_id"]: i for i, d in enumerate(self._ordered_documents)}

    # -- helpers used by several pages ---------------------------------------
    def region_subtree(self, region_id: str) -> list[str]:
        out, stack = [], [region_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(r["region_id"] for r in self.regions_children.get(current, []))
        return out

    def budget_codes(self, document_id: str) -> list[dict]:
        """The budget codes this document prints (budget_subjects), else those of the nearest document
        it is attached to that prints some, with how the function-coded allocation rows of this
        document and its attachments stand against that document's expenditure code (budget_codes.py;
        the build checks them against every such document up the chain)."""
        if not self.subjects_by_doc:
            return []
        chain, doc = [], self.m.get("documents", document_id)
        while doc is not None and doc["document_id"] not in chain:
            chain.append(doc["document_id"])
            doc = self.m.get("documents", doc.get("parent_document_id"))
        below, stack = set(), [document_id]
        while stack:
            current = stack.pop()
            if current not in below:
                below.add(current)
                stack.extend(d["document_id"] for d in self.docs_children.get(current, []))
        groups = []
        for doc_id in chain:
            subjects = sorted(self.subjects_by_doc.get(doc_id, []), key=lambda s: (s["kind"] != "revenue", s["code"]))
            if not subjects:
                continue
            doc = self.m.get("documents", doc_id)
            checks = [c for c in self.code_checks
                      if c.subject["document_id"] == doc_id and c.allocation["document_id"] in below]
            by_status = {status: [c for c in checks if c.status == status] for status in (UNDER, TRANSFER, OUTSIDE)}
            groups.append({
                "document": doc,
                "subjects": [{"row": s, "url": self.source_line_url(doc["source_file"], s["source_lines"])} for s in subjects],
                "count": len(checks),
                "documents": [self.m.get("documents", d) for d in sorted({c.allocation["document_id"] for c in checks},
                                                                        key=lambda d: self.doc_order.get(d, 0))],
                **{status: {"count": len(rows), "codes": sorted({c.allocation["function_code"] for c in rows})}
                   for status, rows in by_status.items()},
            })
            break  # the nearest document's codes: the ones its rows were handed down under
        return groups

    def notes_for(self, table: str, key: str) -> list[dict]:
        return self.notes_by_row.get((table, key), [])

    def money_by_document(self, allocations: list[dict]) -> list[dict]:
        """Allocations grouped by document, then by project, with sums in yuan."""
        groups = defaultdict(lambda: defaultdict(list))
        for a in allocations:
            groups[a["document_id"]][a["project_id"]].append(a)
        result = []
        for doc_id in sorted(groups, key=lambda d: self.doc_order.get(d, 0)):
            projects = []
            for project_id, rows in sorted(groups[doc_id].items(), key=lambda kv: self.m.get("projects", kv[0])["seq"]):
                projects.append({"project": self.m.get("projects", project_id), "rows": rows,
                                 "yuan": sum(r["amount_yuan"] for r in rows), "decimals": printed_decimals(rows)})
            result.append({"document": self.m.get("documents", doc_id), "projects": projects,
                           "yuan": sum(p["yuan"] for p in projects),
                           "decimals": max(p["decimals"] for p in projects),
                           "count": sum(len(p["rows"]) for p in projects)})
        return result

    def counted_money(self, allocations: list[dict]) -> list[dict]:
        """Like money_by_document, over counted rows only (views of money already counted are
        dropped, see money.py); each group is one fund's flows and names its fund."""
        groups = self.money_by_document(self.m.money.counted(allocations))
        for group in groups:
            group["fund"] = self.m.money.fund_of_document(group["document"]["document_id"])
        return groups

    def sums_by_kind(self, allocations: list[dict]) -> dict[str, dict]:
        """{"transfer": {"yuan", "decimals", "count"}, "budget": …}: counted rows only, kinds apart."""
        return {kind: {"yuan": sum(a["amount_yuan"] for a in rows), "decimals": printed_decimals(rows), "count": len(rows)}
                for kind, rows in self.m.money.by_kind(allocations).items() if rows}

    def documents_in_order(self) -> list[dict]:
        """Top-level documents newest first, each followed by its attachments (depth first)."""
        return self._ordered_documents

    def _order_documents(self) -> list[dict]:
        docs = self.m.rows("documents")
        tops = [d for d in docs if not d.get("parent_document_id")]
        tops.sort(key=lambda d: (d["issue_date"] is None, -(d["issue_date"].toordinal() if d["issue_date"] else 0), d["document_id"]))
        ordered = []

        def walk(doc, depth):
            ordered.append(doc | {"_depth": depth})
            for child in sorted(self.docs_children.get(doc["document_id"], []), key=lambda d: (d["source_lines"].split("-")[0].zfill(6), d["document_id"])):
                walk(child, depth + 1)
        for top in tops:
            walk(top, 0)
        return ordered

    def provenance(self, document_id: str, source_lines: str, locator: str) -> dict:
        doc = self.m.get("documents", document_id)
        return {"document": doc, "top": self.m.top_document(document_id), "source_lines": source_lines, "locator": locator,
                "source_url": self.source_line_url(doc["source_file"], source_lines)}

    def source_line_url(self, source_file: str, source_lines: str | None) -> str | None:
        """The published source text at the given lines ('336-394', '6,8'): sources/<file>/?lines=…#L336,
        or None when the package keeps no text for the file (see build_sources)."""
        if source_file not in self.source_texts:
            return None
        url = f"sources/{source_file.removesuffix('.txt')}/"
        first = re.match(r"\d+", source_lines or "")
        return f"{url}?lines={source_lines}#L{first.group()}" if first else url

    def breadcrumbs(self, *pairs) -> list[dict]:
        return [{"title": "首页", "url": ""}] + [{"title": t, "url": u} for t, u in pairs]

    def add_file(self, url: str, rows: list[dict], table: str) -> dict:
        """A per-entity download: the rows as CSV (the page's XLSX twin holds them too, see page_twin)."""
        with self.phases.phase("render.files"):
            self.out.csv_count += 1
            memo = self.out.memo
            if memo is not None:  # the published CSV, when it was made from the same rows
                rows_digest = digest([self.columns[table], rows])
                published = memo.published_file(url, rows_digest)
                if published is not None:
                    path, size = published
                    if self.files is not None:
                        self.files.add_published(url, path)
                    else:
                        self.out.entity_csvs[url] = path
                    return {"url": url, "table": table, "count": len(rows), "size": size}
            data = csv_bytes(rows, self.columns[table])
            if self.files is not None:
                self.files.add(url, data)
            else:
                self.out.entity_csvs[url] = self._page_spool.put(data) if self._page_spool else data
            if memo is not None:
                memo.kept_files[url] = [rows_digest, len(data)]
        return {"url": url, "table": table, "count": len(rows), "size": len(data)}

    def page_twin(self, page_url: str, files: list[dict]) -> dict:
        """The page's XLSX twin: one workbook, a sheet per CSV of the page (files/<page>.xlsx)."""
        url = f"files/{page_url.rstrip('/')}.xlsx"
        self.out.twins[url] = [(f["url"], f["table"]) for f in files]
        if self.files is not None:  # its CSVs were handed over before it (add_file): a worker can start on it
            with self.phases.phase("render.files"):
                self.files.add_twin(url, self.out.twins[url])
        return {"url": url, "sheets": len(files)}

    def findable(self, kind: str, text: str, names=(), regions=(), documents=(), years=(),
                 doc_number: str | None = None, title: str = "") -> SearchRecord:
        """A page's search record (render() gives it the page's URL and title): its kind, text,
        exact names besides the title, and the facets it is filtered by: region ids, document
        ids (their 文号 weigh as names, their short titles and years are facets) and years.
        doc_number: a document page's own 文号, which finds it exactly. title: what search
        calls the page, where its title says more than its name (a plan indicator's page
        title names its plan, which the result's summary line shows)."""
        docs = [d for d in (self.m.get("documents", key) for key in dict.fromkeys(documents)) if d]
        places = [p["name"] for p in (self.m.get("regions", key) for key in dict.fromkeys(regions)) if p]
        titles = [d["short_title"] for d in docs]
        year_values = list(dict.fromkeys([str(d["year"]) for d in docs if d.get("year")] + [str(y) for y in years]))
        return SearchRecord("", title, kind, " ".join(text.split()), names=[n for n in dict.fromkeys(names) if n],
                            doc_numbers=[doc_number] if doc_number else [],
                            cites=[d["doc_number"] for d in docs if d.get("doc_number") and d["doc_number"] != doc_number],
                            filters={"地区": places, "文件": titles, "年份": sorted(year_values)},
                            summary=" · ".join([kind, *places[:3], *titles[:2]]))

    def render(self, template: str, source: str | None, url: str, title: str, direct: bool = False,
               search: SearchRecord | None = None, fill: bool = False, workbook: bool = True, **context) -> None:
        """Render a page: HTML straight into the site (direct), Markdown for mkdocs (source), or
        HTML filled into mkdocs's own page for source after mkdocs (fill: pages in the navigation
        that grow with the data, such as the list of all projects, skip Markdown that way).
        `search`: the page's search record (findable()); without one, a direct page is not searched.
        `workbook`: whether the page's CSVs also come as one XLSX (not on project pages: their rows
        are in their document's and district's workbooks and in the whole-package one)."""
        if search is not None:
            search.url, search.title = url, search.title or title
            self.out.search.append(search)
        tpl = self.env.get_template(template)
        page_context = {"page_url": url, "title": title, "m": self.m, "r": self, "urls": urls, "link": Links(url)}
        page_context.update(context)
        page_context["workbook"] = self.page_twin(url, context["files"]) if workbook and context.get("files") else None
        if self.files is not None:
            with self.phases.phase("render.files"):
                self.files.page_done()
        memo = self.out.memo if direct else None
        if memo is not None:
            key = memo.context_digest(template, url, title, {name: value for name, value in page_context.items()
                                                              if name not in ("m", "r", "urls", "link")})
            published = memo.published_page(url, key) if key is not None else None
            if published is not None:
                self.out.direct.append(DirectPage(url, title, None, reused=published))
                return
            recorder = memo.recording(page_context)
        text = tpl.render(page_context)
        if memo is not None:
            memo.recorded(url, key, recorder)
        if fill:
            self.out.pages[source] = shell_markdown(with_toc=any(level == "2" for level, _, _ in headings_of(text)))
            self.out.nav_fills.append(DirectPage(url, title, text))
            return
        if direct:
            if self._page_spool is None:
                self.out.direct.append(DirectPage(url, title, text))
                return
            self.out.direct.append(DirectPage(url, title, None, self._page_spool.put(text.encode("utf-8"))))
            return
        if source == "index.md":  # the home page: the theme titles it with the site's name alone
            self.out.pages[source] = text
            return
        # Front matter is JSON (a subset of YAML) so that any title is quoted safely.
        # The theme does not escape page titles, so the title is escaped here.
        front = "---\ntitle: " + json.dumps(html.escape(title), ensure_ascii=False) + "\n---\n\n"
        self.out.pages[source] = front + text

    def link(self, from_url: str, table: str, key: str) -> str:
        return urls.relative(from_url, urls.page_url(table, key))

    def rel(self, from_url: str, to_url: str) -> str:
        return urls.relative(from_url, to_url)

    def file_label(self, file: dict) -> str:
        """What a page's CSV holds, for readers ("绩效指标"); else its file name."""
        if file["url"].endswith("-budgets.csv"):
            return "单位预算"
        return FILE_NAMES.get(file["table"], file["url"].rsplit("/", 1)[-1])

    @property
    def release_log(self) -> list[dict]:
        """The package's release log, as the check step read it."""
        return self.m.release_log

    @functools.cached_property
    def package_meta(self):
        """The package's title, version, release date, licence and publisher: downloads, citations."""
        from fundsite.site.downloads import package_meta

        return package_meta(self.m, self.release_log, unreleased=bool(self.m.releases[1]))

    def citation(self, page_url: str, title: str) -> Citation:
        """How to cite a page: the package's publisher, version and release date, the page's address."""
        meta = self.package_meta
        return cite(page_url, title, meta.publisher_zh or meta.title, SITE_TITLE, meta.version, meta.date, self.site_url)

    def note_subject(self, note: dict) -> str:
        """What a quality note is about, for readers: the kind of row, its name, the field's name
        ("分配行 市人社局 1,275万元 · 部门预算经济分类名称"), never the curators' table and column codes."""
        table, row = note["table_name"], self.m.get(note["table_name"], note["row_id"])
        label = NOTE_TABLE_NAMES.get(table, table)
        name = ""
        if row is not None:
            if table == "allocations":
                unit = self.m.get("units", row["recipient_unit_id"])
                name = f'{unit["short_name"] if unit else ""} {row["amount_raw"]}{row["amount_unit_raw"]}'
            else:
                name = next((str(row[f]) for f in ("name", "short_title", "title", "label_raw", "text") if row.get(f)), "")
        field = ""
        if note.get("field_name"):
            described = {f["name"]: f.get("description", "") for f in self.m.schemas.get(table, {}).get("fields", [])}
            field = described.get(note["field_name"], "").split(" / ")[0] or note["field_name"]
        text = " ".join(part for part in (label, " ".join(name.split())[:40]) if part)
        return f"{text} · {field}" if field else text

    def note_url(self, note: dict) -> str | None:
        """The page that shows the row a quality note is about."""
        table, key = note["table_name"], note["row_id"]
        m = self.m
        if table in BY_TABLE and m.get(table, key):
            return urls.page_url(table, key)
        if table == "indicators" and m.get("indicators", key):
            return urls.page_url("projects", m.get("indicators", key)["project_id"])
        if table == "allocations" and m.get("allocations", key):
            return urls.page_url("projects", m.get("allocations", key)["project_id"])
        if table == "stated_totals" and m.get("stated_totals", key):
            return urls.page_url("documents", m.get("stated_totals", key)["document_id"])
        if table == "plan_tasks" and m.get("plan_tasks", key):
            return urls.page_url("plans", m.get("plan_tasks", key)["plan_id"])
        return urls.page_url("documents", note["document_id"])

    def close(self) -> None:
        """After the last page: the spool is written in full before publishing reads it."""
        if self._page_spool:
            self._page_spool.close()
