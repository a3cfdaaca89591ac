"""One function per page kind: gather its rows, write its downloads, render it."""
from __future__ import annotations

import importlib
from collections import defaultdict

from fundsite import urls
from fundsite.check.footnotes import MarkedSource, footnote_segments
from fundsite.formatting import printed_decimals
from fundsite.site.pages import SITE_TITLE
from fundsite.reconcile import CODE_FILTERS, reconcile


def _words(*parts, limit: int = 60) -> str:
    """Search text: the given strings and lists of strings, de-duplicated, at most `limit` list items each."""
    seen, out = set(), []
    for part in parts:
        items = part if isinstance(part, (list, tuple)) else [part]
        for item in list(items)[:limit]:
            if item and item not in seen:
                seen.add(item)
                out.append(str(item))
    return " ".join(out)


def money_files(r, table: str, key: str, counted: list[dict]) -> list[dict]:
    """An entity page's counted allocation rows as downloads, one CSV per measure, so that a
    plain sum of a file is right: <key>-allocations.csv (money handed down) and, where
    there are any, <key>-budgets.csv (units' own budgets, never added to the other)."""
    by_kind = r.m.money.by_kind(counted)
    files = []
    if by_kind["transfer"]:
        files.append(r.add_file(urls.file_url(table, key, "allocations.csv"), by_kind["transfer"], "allocations"))
    if by_kind["budget"]:
        files.append(r.add_file(urls.file_url(table, key, "budgets.csv"), by_kind["budget"], "allocations"))
    return files


# -- districts and other regions ------------------------------------------------
def build_regions(r) -> None:
    m = r.m
    regions = sorted(m.rows("regions"), key=lambda x: x["sort_order"])
    summaries = []
    for region in regions:
        key = region["region_id"]
        url = urls.page_url("regions", key)
        subtree = r.region_subtree(key)
        # Counted rows only: a view restating money already counted is never added (see money.py).
        allocations = r.m.money.counted([a for rid in subtree for a in r.allocs_by_region.get(rid, [])])
        money = r.counted_money(allocations)
        direct = r.allocs_by_region.get(key, [])
        project_ids = []
        for p in r.projects_by_region.get(key, []):
            project_ids.append(p["project_id"])
        for a in direct:
            if a["project_id"] not in project_ids:
                project_ids.append(a["project_id"])
        projects = [m.get("projects", pid) for pid in project_ids]
        projects.sort(key=lambda p: (r.doc_order.get(p["document_id"], 0), p["seq"]))
        # Indicators of this place: all of a district project's, and the per-recipient ones of shared projects.
        indicator_groups = []
        for p in projects:
            if p.get("region_id") == key:
                rows = r.inds_by_project.get(p["project_id"], [])
            else:
                rows = [i for a in direct if a["project_id"] == p["project_id"] for i in r.inds_by_allocation.get(a["allocation_id"], [])]
            if rows:
                indicator_groups.append({"project": p, "rows": rows})
        files = money_files(r, "regions", key, allocations)
        all_inds = [i for g in indicator_groups for i in g["rows"]]
        if all_inds:
            files.append(r.add_file(urls.file_url("regions", key, "indicators.csv"), all_inds, "indicators"))
        parent = m.get("regions", region.get("parent_region_id"))
        crumbs = r.breadcrumbs(("地区", urls.index_url("regions")), (region["name"], url))
        r.render("region.html.j2", None, url, region["name"], direct=True,
                 search=r.findable("地区", _words(region.get("note"), [u["name"] for u in r.units_by_region.get(key, [])],
                                                 [p["name"] for p in projects]),
                                   names=[_short_place(region["name"])], regions=[key],
                                   documents=[p["document_id"] for p in projects]), region=region, parent=parent,
                 children=sorted(r.regions_children.get(key, []), key=lambda x: x["sort_order"]),
                 plans=[p for p in m.rows("plans") if p.get("region_id") == key],
                 money=money, projects=projects, indicator_groups=indicator_groups,
                 units=sorted(r.units_by_region.get(key, []), key=lambda u: u["unit_id"]),
                 files=files, crumbs=crumbs, includes_children=len(subtree) > 1)
        summaries.append({"region": region, "sums": r.sums_by_kind(allocations), "subtotal": len(subtree) > 1,
                          "project_count": len(projects),
                          "indicator_count": len(all_inds)})
    url = urls.index_url("regions")
    # Lists filled in after mkdocs have one search entry: what they list, up to 60 names.
    r.render("region_index.html.j2", "districts/index.md", url, "地区", fill=True, summaries=summaries,
             search=r.findable("目录", _words("广东省、广州市及其各区、河源市的资金和项目", [s["region"]["name"] for s in summaries])),
             crumbs=r.breadcrumbs(("地区", url)))


# -- units ------------------------------------------------------------------
def build_units(r) -> None:
    m = r.m
    rows = []
    for unit in sorted(m.rows("units"), key=lambda u: u["unit_id"]):
        key = unit["unit_id"]
        url = urls.page_url("units", key)
        received = r.m.money.counted(r.allocs_by_unit.get(key, []))
        money = r.counted_money(received)
        projects = sorted(r.projects_by_unit.get(key, []), key=lambda p: (r.doc_order.get(p["document_id"], 0), p["seq"]))
        tasks = [(tu, m.get("plan_tasks", tu["task_id"])) for tu in r.tasks_by_unit.get(key, [])]
        files = money_files(r, "units", key, received)
        if projects:
            files.append(r.add_file(urls.file_url("units", key, "projects.csv"), projects, "projects"))
        crumbs = r.breadcrumbs(("单位", urls.index_url("units")), (unit["name"], url))
        r.render("unit.html.j2", None, url, unit["name"], direct=True,
                 search=r.findable("单位", _words(unit.get("note"), [p["name"] for p in projects]),
                                   names=[unit["short_name"], *(unit.get("aliases") or "").split("|")],
                                   regions=[unit.get("region_id")], documents=[p["document_id"] for p in projects]), unit=unit, money=money,
                 projects=projects, tasks=tasks, files=files, crumbs=crumbs,
                 region=m.get("regions", unit.get("region_id")), parent=m.get("units", unit.get("parent_unit_id")),
                 children=r.units_children.get(key, []))
        rows.append({"unit": unit, "project_count": len(projects), "allocation_count": len(received),
                     "sums": r.sums_by_kind(received),
                     "task_count": len(tasks), "money": money})
    url = urls.index_url("units")
    r.render("unit_index.html.j2", "units/index.md", url, "单位", fill=True, rows=rows, crumbs=r.breadcrumbs(("单位", url)),
             search=r.findable("目录", _words("发文、主管、预算和接收资金的单位", [row["unit"]["name"] for row in rows])))


# -- projects -----------------------------------------------------------------
def build_projects(r) -> None:
    m = r.m
    family_sizes: dict[str, int] = defaultdict(int)
    for p in m.rows("projects"):
        if p.get("family_id"):
            family_sizes[p["family_id"]] += 1
    for project in m.rows("projects"):
        key = project["project_id"]
        url = urls.page_url("projects", key)
        allocations = r.allocs_by_project.get(key, [])
        subtree = m.project_subtree(key)
        sub_allocations = r.m.money.counted([a for pid in sorted(subtree) for a in r.allocs_by_project.get(pid, [])])
        indicators = r.inds_by_project.get(key, [])
        notes = list(r.notes_for("projects", key))
        for row in allocations:
            notes += r.notes_for("allocations", row["allocation_id"])
        for row in indicators:
            notes += r.notes_for("indicators", row["indicator_id"])
        totals = [reconcile(m, t) for t in r.totals_by_project.get(key, [])]
        files = []
        if sub_allocations:
            files += money_files(r, "projects", key, sub_allocations)
        if indicators:
            files.append(r.add_file(urls.file_url("projects", key, "indicators.csv"), indicators, "indicators"))
        chain = []
        parent = m.get("projects", project.get("parent_project_id"))
        while parent:
            chain.insert(0, parent)
            parent = m.get("projects", parent.get("parent_project_id"))
        crumbs = r.breadcrumbs(("项目", urls.index_url("projects")),
                               *[(p["name"], urls.page_url("projects", p["project_id"])) for p in chain],
                               (project["name"], url))
        r.render("project.html.j2", None, url, project["name"], direct=True, workbook=False,
                 search=r.findable("项目", _words([m.get("units", a["recipient_unit_id"])["name"] for a in allocations],
                                                 project.get("goal_text"), [i["name"] for i in indicators]),
                                   names=[project["name_raw"]],
                                   regions=[project.get("region_id"), *(a["region_id"] for a in allocations)],
                                   documents=[project["document_id"]]), project=project,
                 chain=chain, children=sorted(m.children.get(key, []), key=lambda p: p["seq"]),
                 allocations=allocations, money=r.counted_money(sub_allocations), indicators=indicators,
                 recipients=_recipients(r, r.m.money.counted(allocations)),
                 totals=totals, notes=notes, files=files, crumbs=crumbs,
                 document=m.get("documents", project["document_id"]),
                 budget_unit=m.get("units", project.get("budget_unit_id")),
                 department=m.get("units", project.get("department_unit_id")),
                 region=m.get("regions", project.get("region_id")),
                 family=m.get("project_families", project.get("family_id")),
                 family_size=family_sizes.get(project.get("family_id"), 0),
                 provenance=r.provenance(project["document_id"], project["source_lines"], project["locator"]))
    groups = []
    for doc in r.documents_in_order():
        projects = sorted(r.projects_by_doc.get(doc["document_id"], []), key=lambda p: p["seq"])
        if projects:
            items = []
            for p in projects:
                rows = [a for pid in sorted(m.project_subtree(p["project_id"])) for a in r.allocs_by_project.get(pid, [])]
                items.append({"project": p, "sums": r.sums_by_kind(rows), "subtotal": bool(m.children.get(p["project_id"])),
                              "indicator_count": len(r.inds_by_project.get(p["project_id"], []))})
            groups.append({"document": doc, "projects": items})
    url = urls.index_url("projects")
    r.render("project_index.html.j2", "projects/index.md", url, "项目", fill=True, groups=groups, crumbs=r.breadcrumbs(("项目", url)),
             search=r.findable("目录", _words("按文件列出全部资金项目、任务、子项目和预算项目", [g["document"]["short_title"] for g in groups])))


def _recipients(r, counted: list[dict]) -> list[dict]:
    """To whom a project's own counted rows go: each recipient unit once, with its sum, largest first."""
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for a in counted:
        by_unit[a["recipient_unit_id"]].append(a)
    found = [{"unit": r.m.get("units", uid), "yuan": sum(a["amount_yuan"] for a in rows), "decimals": printed_decimals(rows)}
             for uid, rows in by_unit.items()]
    return sorted(found, key=lambda x: -x["yuan"])


# -- documents ----------------------------------------------------------------
def build_documents(r) -> None:
    m = r.m
    ordered = r.documents_in_order()
    for doc in ordered:
        key = doc["document_id"]
        url = urls.page_url("documents", key)
        allocations = r.allocs_by_doc.get(key, [])
        projects = sorted(r.projects_by_doc.get(key, []), key=lambda p: p["seq"])
        indicator_groups = defaultdict(list)
        for i in r.inds_by_doc.get(key, []):
            indicator_groups[i["project_id"]].append(i)
        groups = [{"project": m.get("projects", pid), "rows": rows} for pid, rows in indicator_groups.items()]
        groups.sort(key=lambda g: (r.doc_order.get(g["project"]["document_id"], 0), g["project"]["seq"]))
        totals = [reconcile(m, t) for t in r.totals_by_doc.get(key, [])]
        notes = r.notes_by_doc.get(key, [])
        chain = []
        parent = m.get("documents", doc.get("parent_document_id"))
        while parent:
            chain.insert(0, parent)
            parent = m.get("documents", parent.get("parent_document_id"))
        files = []
        if allocations:
            files.append(r.add_file(urls.file_url("documents", key, "allocations.csv"), allocations, "allocations"))
        inds = [i for g in groups for i in g["rows"]]
        if inds:
            files.append(r.add_file(urls.file_url("documents", key, "indicators.csv"), inds, "indicators"))
        if totals:
            files.append(r.add_file(urls.file_url("documents", key, "stated-totals.csv"), [t.total for t in totals], "stated_totals"))
        if r.subjects_by_doc.get(key):
            files.append(r.add_file(urls.file_url("documents", key, "budget-subjects.csv"), r.subjects_by_doc[key], "budget_subjects"))
        crumbs = r.breadcrumbs(("文件", urls.index_url("documents")),
                               *[(d["short_title"], urls.page_url("documents", d["document_id"])) for d in chain],
                               (doc["short_title"], url))
        r.render("document.html.j2", None, url, doc["title"], direct=True,
                 search=r.findable("文件", _words(doc["issuer"], doc["description"], [p["name"] for p in projects]),
                                   # the budget codes it prints (1100248, 20807) find it exactly
                                   names=[doc["short_title"], *(f'{s["code"]} {s["name"]}' for s in r.subjects_by_doc.get(key, []))],
                                   regions=[doc.get("region_id")], documents=[key],
                                   doc_number=doc.get("doc_number")), doc=doc, chain=chain,
                 children=[d for d in ordered if d.get("parent_document_id") == key],
                 money=r.money_by_document(allocations), allocations=allocations, projects=projects,
                 fund=m.money.fund_of_document(key), role=m.money.role_of_document(key),
                 agreements=[a for a in m.money.agreements
                             if a.fund is m.money.fund_of_document(key) and m.money.role_of_document(key)],
                 indicator_groups=groups, totals=totals, notes=notes, files=files, crumbs=crumbs,
                 budget=r.budget_codes(key),
                 coded_totals=sum(1 for t in totals if any(t.total.get(k) for k in CODE_FILTERS)),
                 plans=r.plans_by_doc.get(key, []), region=m.get("regions", doc.get("region_id")),
                 issuer_unit=m.get("units", doc.get("issuer_unit_id")),
                 provenance=r.provenance(key, doc["source_lines"], doc["locator"]))
    url = urls.index_url("documents")
    rows = [{"doc": d, "allocation_count": len(r.allocs_by_doc.get(d["document_id"], [])),
             "sums": r.sums_by_kind(r.allocs_by_doc.get(d["document_id"], [])),
             "role": m.money.role_of_document(d["document_id"]), "fund": m.money.fund_of_document(d["document_id"]),
             "indicator_count": len(r.inds_by_doc.get(d["document_id"], []))} for d in ordered]
    r.render("document_index.html.j2", "documents/index.md", url, "文件", fill=True, rows=rows, crumbs=r.breadcrumbs(("文件", url)),
             search=r.findable("目录", _words("通知、附件、规划和绩效目标表", [row["doc"]["title"] for row in rows])))


# -- plans --------------------------------------------------------------------
def build_plans(r) -> None:
    m = r.m
    summaries = []
    for plan in m.rows("plans"):
        key = plan["plan_id"]
        url = urls.page_url("plans", key)
        indicators = sorted(r.pinds_by_plan.get(key, []), key=lambda x: (x["table_label"], x["seq"]))
        tables = defaultdict(list)
        for pi in indicators:
            tables[pi["table_label"]].append(pi)
        tasks = r.tasks_by_plan.get(key, [])
        task_children = defaultdict(list)
        for t in tasks:
            task_children[t.get("parent_task_id")].append(t)
        for kids in task_children.values():
            kids.sort(key=lambda t: (t["seq"], t["task_id"]))
        files = []
        if indicators:
            files.append(r.add_file(urls.file_url("plans", key, "indicators.csv"), indicators, "plan_indicators"))
        if tasks:
            files.append(r.add_file(urls.file_url("plans", key, "tasks.csv"), tasks, "plan_tasks"))
        crumbs = r.breadcrumbs(("规划", urls.index_url("plans")), (plan["short_name"], url))
        document = m.get("documents", plan["document_id"])
        glossary = r.glossary_by_doc.get(plan["document_id"], [])
        if glossary:
            files.append(r.add_file(urls.file_url("plans", key, "glossary.csv"), glossary, "glossary"))
        marked = _marked_text(r, document)
        texts = {t["task_id"]: marked(t["text"], "plan_tasks", t["task_id"], t) for t in tasks if t.get("text")}
        r.render("plan.html.j2", None, url, plan["name"], direct=True,
                 search=r.findable("规划", _words(plan["description"], [pi["name"] for pi in indicators],
                                                 [t["title"] for t in tasks if t["level"] != "measure"], limit=200),
                                   names=[plan["short_name"]], regions=[plan["region_id"]], documents=[plan["document_id"]],
                                   years=_years(plan)), plan=plan,
                 tables=[{"label": label, "rows": rows} for label, rows in sorted(tables.items(), key=_table_order)
                         if not _results_table(plan, rows)],
                 results=[{"label": label, "rows": rows} for label, rows in sorted(tables.items(), key=_table_order)
                          if _results_table(plan, rows)],
                 task_children=task_children, units_by_task=r.units_by_task, files=files, crumbs=crumbs,
                 texts=texts, glossary=glossary,
                 notes=r.notes_by_doc.get(plan["document_id"], []),
                 document=m.get("documents", plan["document_id"]), region=m.get("regions", plan["region_id"]),
                 provenance=r.provenance(plan["document_id"], m.get("documents", plan["document_id"])["source_lines"],
                                         m.get("documents", plan["document_id"])["locator"]))
        for pi in indicators:
            purl = urls.page_url("plan_indicators", pi["plan_indicator_id"])
            pcrumbs = r.breadcrumbs(("规划", urls.index_url("plans")), (plan["short_name"], url), (pi["name"], purl))
            pfile = r.add_file(urls.file_url("plan_indicators", pi["plan_indicator_id"], "row.csv"), [pi], "plan_indicators")
            related = [o for o in r.pinds_by_name[pi["name"]] if o is not pi]
            r.render("plan_indicator.html.j2", None, purl, f'{pi["name"]}（{plan["short_name"]}）', direct=True,
                     search=r.findable("规划指标", _words(pi.get("category_raw"), pi["target_raw"], pi["raw_text"]),
                                       regions=[plan["region_id"]], documents=[plan["document_id"]], years=_years(plan),
                                       title=pi["name"]), pi=pi, plan=plan, crumbs=pcrumbs, files=[pfile], related=related,
                     raw_text=marked(pi["raw_text"], "plan_indicators", pi["plan_indicator_id"], pi), glossary=glossary,
                     notes=r.notes_for("plan_indicators", pi["plan_indicator_id"]),
                     provenance=r.provenance(plan["document_id"], pi["source_lines"], pi["locator"]))
        summaries.append({"plan": plan, "indicator_count": len(indicators), "task_count": len(tasks)})
    url = urls.index_url("plans")
    r.render("plan_index.html.j2", "plans/index.md", url, "规划", fill=True, summaries=summaries, crumbs=r.breadcrumbs(("规划", url)),
             search=r.findable("目录", _words("规划及其指标和任务", [s["plan"]["name"] for s in summaries])))


def _marked_text(r, document: dict | None):
    """text, row -> [(text, footnote n or None), …]: a stored text cut where its footnote marks
    stood in the source (the marks glossary_marks links for the row, placed by fundsite/check/footnotes.py)."""
    m = r.m
    name = (document or {}).get("source_file")
    source = []

    def marked(text: str, table: str, key: str, row: dict) -> list[tuple[str, int | None]]:
        linked = {link["footnote"] for link in r.marks_by_row.get((table, key), [])}
        if not linked or name not in m.source_texts:
            return [(text, None)]
        if not source:
            source.append(MarkedSource(m.source_texts[name]))
        return footnote_segments(text, [mark for mark in source[0].marks_in(text, row["source_lines"]) if mark.n in linked])
    return marked


def _short_place(name: str) -> str:
    """花都区 -> 花都, 河源市 -> 河源: how places are often written; a search for it finds the place."""
    return name[:-1] if len(name) > 2 and name.endswith(("省", "市", "区", "县")) else ""


def _years(plan: dict) -> list[int]:
    """The years a plan covers, for the search's 年份 facet."""
    start, end = plan.get("period_start"), plan.get("period_end")
    return list(range(int(start), int(end) + 1)) if start and end and int(end) - int(start) < 50 else []


def _results_table(plan: dict, rows: list[dict]) -> bool:
    """A table of the previous plan's results (002's 专栏1 and chapter 1's prose): every row states
    a result, and every year it names lies before the plan starts. It has its own section on the
    plan page, apart from the plan's targets."""
    start = plan.get("period_start")
    return bool(rows) and start is not None and all(
        pi.get("actual_raw") and all(pi.get(y) is None or pi[y] < start for y in ("target_year", "actual_year"))
        for pi in rows)


def _table_order(item):
    label = item[0]
    order = {"主要目标": 0, "专栏2": 1, "正文": 2, "重点任务": 3, "台账": 4, "专栏1": 5, "第一章第一节 发展基础": 6}
    return (order.get(label, 9), label)


# -- data quality and home ------------------------------------------------------
def build_data_quality(r) -> None:
    m = r.m
    groups = []
    for doc in r.documents_in_order():
        notes = r.notes_by_doc.get(doc["document_id"], [])
        if notes:
            groups.append({"document": doc, "notes": [{"note": n, "url": r.note_url(n)} for n in notes]})
    url = "data-quality/"
    files = [r.add_file("files/quality-notes.csv", m.rows("quality_notes"), "quality_notes")]
    r.render("data_quality.md.j2", "data-quality.md", url, "数据质量说明", groups=groups, files=files,
             crumbs=r.breadcrumbs(("数据质量说明", url)), count=len(m.rows("quality_notes")))


def build_home(r) -> None:
    m = r.m
    latest = [d for d in r.documents_in_order() if d["_depth"] == 0]
    # One line per fund, its counted flows summed once: the figures a reader quotes first.
    headline = [{"fund": fund, "yuan": m.money.total(fund),
                 "decimals": printed_decimals(m.money.flows_by_fund.get(fund["fund_id"], [])),
                 "total": reconcile(m, m.get("stated_totals", fund["total_id"])) if fund.get("total_id") else None,
                 "agreements": [a for a in m.money.agreements if a.fund is fund]}
                for fund in sorted(m.rows("funds"), key=lambda f: (f["kind"] != "transfer", -m.money.total(f)))]
    districts = sorted([x for x in m.rows("regions") if x["level"] in ("district", "city-level", "city")], key=lambda x: x["sort_order"])
    counts = {name: len(m.rows(name)) for name in m.tables}
    r.render("home.md.j2", "index.md", "", SITE_TITLE, latest=latest, headline=headline, districts=districts,
             transfer_count=sum(m.money.fund_of(a)["kind"] == "transfer" for a in m.money.flows),
             budget_count=sum(m.money.fund_of(a)["kind"] == "budget" for a in m.money.flows),
             counts=counts, plans=m.rows("plans"), version=m.descriptor.get("version", ""))


# -- a kind with no builder of its own (kinds.py) --------------------------------------------
def build_generic(r, kind) -> None:
    """A page per row of kind.table from kind.template (given `row` and `kind`), and the
    section's index listing the rows by kind.name_field."""
    rows = sorted(r.m.rows(kind.table), key=lambda row: row[kind.key])
    index = urls.index_url(kind.table)
    extra = site_function(kind.context) if kind.context else lambda r, row: {}
    for row in rows:
        url = urls.page_url(kind.table, row[kind.key])
        title = str(row[kind.name_field])
        r.render(kind.template, None, url, title, direct=True,
                 search=r.findable(kind.title, _words(row.get("note")), documents=[row.get("document_id")]),
                 row=row, kind=kind, crumbs=r.breadcrumbs((kind.title, index), (title, url)), **extra(r, row))
    r.render(kind.index_template, f"{kind.section}/index.md", index, kind.title, fill=True, kind=kind, rows=rows,
             search=r.findable("目录", _words(kind.title, [str(row[kind.name_field]) for row in rows])),
             crumbs=r.breadcrumbs((kind.title, index)))


def site_function(name: str):
    """A "module.function" of fundsite.site (kinds.py names functions this way)."""
    module, function = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"fundsite.site.{module}"), function)


def fund_context(r, row) -> dict:
    """What a fund's page shows beyond its row: its counted flows, their sums by document, the
    other listings of the same money (fund_views, checked against the flows) and its document's
    budget codes."""
    m = r.m
    flows = m.money.flows_by_fund.get(row["fund_id"], [])
    return {"flows": flows, "money": r.counted_money(flows),
            "agreements": [a for a in m.money.agreements if a.fund["fund_id"] == row["fund_id"]],
            "budget_codes": r.budget_codes(row["document_id"])}


# -- the source texts ----------------------------------------------------------------------
def build_sources(r) -> None:
    """A page per source text the package keeps, a line per line, each with its number as an
    anchor (#L751): every provenance links to the lines a value was copied from, and the
    page highlights them (site_src/assets/source-lines.js; without JavaScript the first line)."""
    for name, text in sorted(r.source_texts.items()):
        url = f"sources/{name.removesuffix('.txt')}/"
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        documents = [d for d in r.documents_in_order() if d.get("source_file") == name]
        title = f"来源文本 {name}"
        r.render("source.html.j2", None, url, title, direct=True, name=name, lines=lines,
                 documents=documents, crumbs=r.breadcrumbs(("文件", urls.index_url("documents")), (title, url)))


# -- project families: one project printed once per district, compared side by side ------
def family_groups(m, members: list[dict], inds_by_project) -> list[dict]:
    """The family's indicators lined up across its districts: one group per concept the rows are
    linked to (concept_links: 城镇新增就业 under three names) or else per indicator name, in the
    order they first appear; each group's rows in the members' (districts') order."""
    concept_of = {l["row_id"]: l["concept_id"] for l in m.rows("concept_links") if l["table_name"] == "indicators"}
    groups: dict[str, dict] = {}
    for project in members:
        for i in inds_by_project.get(project["project_id"], []):
            concept = m.get("concepts", concept_of.get(i["indicator_id"]))
            key = f'concept:{concept["concept_id"]}' if concept else f'name:{i["name"]}'
            group = groups.setdefault(key, {"label": concept["name"] if concept else i["name"], "concept": concept, "rows": []})
            group["rows"].append({"project": project, "region": m.get("regions", project["region_id"]), "indicator": i})
    return list(groups.values())


def build_families(r) -> None:
    from fundsite.site.figures import family_figure
    m = r.m
    regions_order = {x["region_id"]: x["sort_order"] for x in m.rows("regions")}
    members_of = defaultdict(list)
    for p in m.rows("projects"):
        if p.get("family_id"):
            members_of[p["family_id"]].append(p)
    families = sorted(m.rows("project_families"),
                      key=lambda f: (r.doc_order.get(f["document_id"], 0),
                                     min((p["seq"] for p in members_of[f["family_id"]]), default=0)))
    index = urls.index_url("project_families")
    for family in families:
        key = family["family_id"]
        url = urls.page_url("project_families", key)
        members = sorted(members_of[key], key=lambda p: (regions_order.get(p["region_id"], 0), p["seq"]))
        groups = family_groups(m, members, r.inds_by_project)
        rows = [row["indicator"] for g in groups for row in g["rows"]]
        files = [r.add_file(urls.file_url("project_families", key, "indicators.csv"), rows, "indicators")] if rows else []
        files.append(r.add_file(urls.file_url("project_families", key, "projects.csv"), members, "projects"))
        title = family["name"]
        document = m.get("documents", family["document_id"])
        r.render("family.html.j2", None, url, title, direct=True,
                 search=r.findable("分区项目", _words(family["name_pattern"], [p["name"] for p in members], [g["label"] for g in groups]),
                                   names=[p["name_raw"] for p in members], regions=[p["region_id"] for p in members],
                                   documents=[family["document_id"]]),
                 family=family, members=members, groups=groups, document=document,
                 chart=family_figure(family, members, groups, {x["region_id"]: x["name"] for x in m.rows("regions")}), files=files,
                 crumbs=r.breadcrumbs(("分区项目", index), (title, url)))
    summaries = [{"family": f, "count": len(members_of[f["family_id"]]),
                  "document": m.get("documents", f["document_id"])} for f in families]
    r.render("family_index.html.j2", "families/index.md", index, "分区项目", fill=True, summaries=summaries,
             search=r.findable("目录", _words("同一项目按区分列，各区指标对照", [f["name"] for f in families])),
             crumbs=r.breadcrumbs(("分区项目", index)))
