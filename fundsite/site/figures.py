"""What the charts show: the figures of each chart, gathered from the model.

A document's chart shows that document's rows. Charts across documents (by
district, by child project) sum counted flows only, one fund per chart: a
notice, its allocation plan and its subject table restate the same money, and
adding them would count it two or three times (see money.py). Every chart comes with the table of its figures
(the fallback shown beside it), and its value texts are the site's own amounts
in 万元 or the indicator values exactly as printed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from fundsite import urls
from fundsite.formatting import format_number, format_wan, printed_decimals
from fundsite.site.flowchart import Node, icicle
from fundsite.site.svgcharts import Bar, Row, bar_chart


@dataclass
class Cell:
    text: str
    url: str | None = None  # site-root-relative link, made relative by the template
    num: bool = True  # right-aligned figure; False for words (a unit)


@dataclass
class Figure:
    id: str  # unique on its page; prefixes the SVG's title and desc ids
    title: str
    desc: str  # the alternative text: what the chart shows, in words
    svg: Markup
    columns: list[str]
    rows: list[list[Cell]]  # first cell names the row (a row header), the rest are values


def _money_figure(fig_id: str, title: str, what: str, groups: list[tuple[Cell, list[dict]]], doc: dict) -> Figure:
    """Bars of summed allocations, largest first; groups are (label cell, allocation rows)."""
    decimals = printed_decimals([a for _cell, rows in groups for a in rows])
    items = sorted(((cell, sum(a["amount_yuan"] for a in rows), len(rows)) for cell, rows in groups),
                   key=lambda item: -item[1])  # sorted() is stable: ties keep the given order
    total = sum(yuan for _c, yuan, _n in items)
    rows = [Row(cell.text, [Bar(yuan, f"{format_wan(yuan, decimals)} 万元")]) for cell, yuan, _n in items]
    largest = items[0]
    desc = (f"{doc['short_title']}按{what}分列的金额，共 {len(items)} 项，合计 {format_wan(total, decimals)} 万元；"
            f"最多的是{largest[0].text}，{format_wan(largest[1], decimals)} 万元。各项数值见图下的表格。")
    return Figure(fig_id, title, desc, bar_chart(fig_id, title, desc, rows),
                  [what, "金额（万元）", "笔数"],
                  [[cell, Cell(format_wan(yuan, decimals)), Cell(str(n))] for cell, yuan, n in items])


MAX_FLOW_LEAVES = 150  # bands at the money-flow chart's deepest level, and rows of its table


def _flow_levels(paths, depth: int) -> tuple[int, bool]:
    """(project levels, whether the districts follow) of the deepest money-flow chart with at most
    MAX_FLOW_LEAVES bands at its last level: every level while that holds (the bundled funds),
    else fewer, districts given up before project levels."""
    for by_region in (True, False):
        for levels in range(depth, 0, -1):
            leaves = {tuple(p["project_id"] for p in chain[:levels]) + ((region["region_id"],) if by_region else ())
                      for chain, region, _a in paths}
            if len(leaves) <= MAX_FLOW_LEAVES:
                return levels, by_region
    return 1, False


def install(r) -> None:
    """Make the chart builders available to every template as `figures`."""
    r.env.globals["figures"] = Figures(r)


class Figures:
    """Chart builders the templates call; one instance per build (a Jinja global)."""

    def __init__(self, renderer):
        self.r = renderer
        self.m = renderer.m

    # -- money ---------------------------------------------------------------
    def _documents_with_money(self) -> list[dict]:
        return [d for d in self.r.documents_in_order() if self.r.allocs_by_doc.get(d["document_id"])]

    def _split(self, document_id: str, field: str) -> dict[str, list[dict]] | None:
        """One document's allocations grouped by a field; None unless there are two groups or more."""
        groups = defaultdict(list)
        for a in self.r.allocs_by_doc.get(document_id, []):
            groups[a[field]].append(a)
        return groups if len(groups) >= 2 else None

    def money_by_region(self, document_id: str, title: str | None = None) -> Figure | None:
        """One document's allocations by district (or 市本级); None unless they span two places or more."""
        by_region = self._split(document_id, "region_id")
        if by_region is None:
            return None
        doc = self.m.get("documents", document_id)
        regions = sorted((self.m.get("regions", rid) for rid in by_region), key=lambda g: g["sort_order"])
        groups = [(Cell(g["name"], urls.page_url("regions", g["region_id"])), by_region[g["region_id"]]) for g in regions]
        return _money_figure(f"chart-{document_id}-regions", title or f"{doc['short_title']}：各地区金额", "地区", groups, doc)

    def district_charts(self) -> list[Figure]:
        """Money by district, one chart per transfer fund whose flows reach two places or more:
        drawn from the fund's counted document, so each flow is charted once."""
        funds = [f for f in self.m.money.funds if f["kind"] == "transfer"]
        charts = []
        for fund in sorted(funds, key=lambda f: -self.m.money.total(f)):
            chart = self.money_by_region(fund["counted_document_id"], f"{fund['name']}：各地区获分配金额")
            if chart:
                charts.append(chart)
        return charts

    def money_by_recipient(self, document_id: str) -> Figure | None:
        """One document's allocations by recipient unit; None unless there are two recipients or more."""
        by_unit = self._split(document_id, "recipient_unit_id")
        if by_unit is None:
            return None
        doc = self.m.get("documents", document_id)
        units = sorted(by_unit, key=lambda uid: (self.m.get("units", uid)["short_name"], uid))
        groups = [(Cell(self.m.get("units", uid)["short_name"], urls.page_url("units", uid)), by_unit[uid]) for uid in units]
        return _money_figure(f"chart-{document_id}-units", f"{doc['short_title']}：各接收单位金额", "接收单位", groups, doc)

    def money_by_task(self, document_id: str) -> Figure | None:
        """One document's allocations by the task (任务) their project belongs to."""
        by_task = defaultdict(list)
        for a in self.r.allocs_by_doc.get(document_id, []):
            task = self.m.task_of(a["project_id"])
            if task is None:
                return None  # some money sits outside any task: a by-task chart would hide it
            by_task[task["project_id"]].append(a)
        if len(by_task) < 2:
            return None
        doc = self.m.get("documents", document_id)
        tasks = sorted((self.m.get("projects", pid) for pid in by_task), key=lambda p: (p["seq"], p["project_id"]))
        groups = [(Cell(f"任务{t['seq_label'] or t['seq']}：{t['name']}", urls.page_url("projects", t["project_id"])), by_task[t["project_id"]])
                  for t in tasks]
        return _money_figure(f"chart-{document_id}-tasks", f"{doc['short_title']}：各任务金额", "任务", groups, doc)

    def money_by_project(self, group: dict) -> Figure | None:
        """One fund's counted flows on a district's or a unit's page (a group of
        SiteRenderer.counted_money), by project; None unless they go to two projects or more."""
        if len(group["projects"]) < 2:
            return None
        doc = group["document"]
        groups = [(Cell(p["project"]["name"], urls.page_url("projects", p["project"]["project_id"])), p["rows"])
                  for p in group["projects"]]
        name = group["fund"]["name"] if group.get("fund") else doc["short_title"]
        return _money_figure(f"chart-{doc['document_id']}-projects", f"{name}：各项目金额", "项目", groups, doc)

    def document_charts(self, document_id: str) -> list[Figure]:
        found = (self.money_by_region(document_id), self.money_by_recipient(document_id), self.money_by_task(document_id))
        return [f for f in found if f]

    def money_by_child(self, project_id: str) -> list[Figure]:
        """A project's money split between its child projects (a fund's tasks, a task's sub-projects):
        counted rows only, so one chart per fund."""
        children = sorted(self.m.children.get(project_id, []), key=lambda p: (p["seq"], p["project_id"]))
        if len(children) < 2:
            return []
        by_doc = defaultdict(lambda: defaultdict(list))
        for child in children:
            for pid in sorted(self.m.project_subtree(child["project_id"])):
                for a in self.m.money.counted(self.r.allocs_by_project.get(pid, [])):
                    by_doc[a["document_id"]][child["project_id"]].append(a)
        figures = []
        for doc_id in sorted(by_doc, key=lambda d: self.r.doc_order.get(d, 0)):
            if len(by_doc[doc_id]) < 2:
                continue
            doc = self.m.get("documents", doc_id)
            groups = [(Cell(c["name"], urls.page_url("projects", c["project_id"])), by_doc[doc_id][c["project_id"]])
                      for c in children if by_doc[doc_id].get(c["project_id"])]
            figures.append(_money_figure(f"chart-{project_id}-{doc_id}", f"{doc['short_title']}：下级项目金额", "下级项目", groups, doc))
        return figures

    def money_flow(self, fund_id: str, page_url: str) -> Figure | None:
        """Where one fund's money goes: the fund, then the project chain of each counted flow
        (task, sub-project), then the recipients' districts; an icicle whose bands sum to their
        parents, drawn from the counted flows only. Links are relative to page_url."""
        fund = self.m.money.fund_by_id.get(fund_id)
        flows = self.m.money.flows_by_fund.get(fund_id, []) if fund else []
        if not flows:
            return None
        decimals = printed_decimals(flows)
        paths = []
        for a in flows:
            chain, project = [], self.m.get("projects", a["project_id"])
            while project is not None and project["level"] != "fund":
                chain.insert(0, project)
                project = self.m.get("projects", project.get("parent_project_id"))
            paths.append((chain, self.m.get("regions", a["region_id"]), a))
        depth = max(len(chain) for chain, _r, _a in paths)
        # At scale, every flow as its own band (and table row) is unreadable and too heavy for a
        # page: the chart stops at the deepest level that keeps at most MAX_FLOW_LEAVES bands.
        levels, by_region = _flow_levels(paths, depth)
        names = {"task": "任务", "sub-project": "子项目", "project": "项目"}
        budget = fund["kind"] == "budget"
        columns = (["预算" if budget else "资金"]
                   + [names.get(next((c[i]["level"] for c, _r, _a in paths if len(c) > i), ""), "项目") for i in range(levels)]
                   + (["地区" if budget else "接收地区"] if by_region else []))
        link = lambda url: urls.relative(page_url, url)  # noqa: E731
        root = Node(fund["name"], 0, link(urls.page_url("documents", fund["counted_document_id"])))
        index: dict[tuple, Node] = {}
        leaves: dict[tuple, list] = {}  # leaf key -> (label parts, url, flows)
        for chain, region, a in paths:
            parent, key = root, ()
            steps = [(p["project_id"], p["name"], urls.page_url("projects", p["project_id"])) for p in chain[:levels]]
            if by_region or not steps:  # a flow straight under the fund keeps its district
                steps += [(f"region:{region['region_id']}", region["name"], urls.page_url("regions", region["region_id"]))]
            for step_id, label, url in steps:
                key += (step_id,)
                if key not in index:
                    index[key] = Node(label, 0, link(url))
                    parent.children.append(index[key])
                parent = index[key]
            parent.value += a["amount_yuan"]
            leaves.setdefault(key, [[label for _i, label, _u in steps], steps[-1][2] if steps else None, []])[2].append(a)

        def settle(node: Node) -> int:
            if node.children:
                node.value = sum(settle(child) for child in node.children)
            node.amount = f"{format_wan(node.value, decimals)} 万元"
            return node.value
        settle(root)  # a leaf's value is the sum of its flows; every parent is the sum of its children
        fig_id = f"chart-{fund_id}-flow"
        title = f"{fund['name']}：{'预算构成' if budget else '资金去向'}"
        whole = levels == depth and by_region
        desc = (f"{fund['name']}共 {format_wan(root.value, decimals)} 万元，按{'、'.join(columns[1:])}逐级分开，"
                f"每一格的高度与金额成正比，下级各格之和等于上级。共 {len(flows)} 笔资金流，"
                + ("逐笔见图下的表格。" if whole else
                   f"图和表汇总到{columns[-1]}一级（{len(leaves)} 格）；逐笔见下载数据中的资金流表（flows.csv）。"))
        if whole:
            rows = [[Cell(" › ".join([c["name"] for c in chain] + [region["name"]]), urls.page_url("projects", a["project_id"])),
                     Cell(self.m.get("units", a["recipient_unit_id"])["short_name"], urls.page_url("units", a["recipient_unit_id"]), num=False),
                     Cell(format_wan(a["amount_yuan"], decimals))] for chain, region, a in paths]
            heads = ["预算项目" if budget else "资金去向", "预算单位" if budget else "接收单位", "金额（万元）"]
        else:
            rows = [[Cell(" › ".join(labels), url), Cell(f"{len(group)} 笔", num=False),
                     Cell(format_wan(sum(a["amount_yuan"] for a in group), decimals))]
                    for labels, url, group in leaves.values()]
            heads = ["预算项目" if budget else "资金去向", "笔数", "金额（万元）"]
        return Figure(fig_id, title, desc, icicle(fig_id, title, desc, root, columns), heads, rows)

    # -- indicators -------------------------------------------------------------
    def indicator_kinds(self, project: dict, rows: list[dict]) -> Figure | None:
        """How many indicator rows of each kind (一级指标) a project has, given its rows: a function
        of its arguments alone (page_memo.PURE_FIGURES), so a rebuild does not draw it again to
        compare an unchanged page."""
        if not rows:
            return None
        counts: dict[str, int] = {}
        for i in rows:  # first-seen order: the order the table prints its kinds
            counts[i["level1"]] = counts.get(i["level1"], 0) + 1
        fig_id = f"chart-{project['project_id']}-kinds"
        title = "绩效指标按一级指标分类"
        parts = "，".join(f"{kind} {n} 行" for kind, n in counts.items())
        desc = f"{project['name']}共有 {len(rows)} 行绩效指标：{parts}。"
        bars = [Row(kind, [Bar(n, f"{n} 行")]) for kind, n in counts.items()]
        return Figure(fig_id, title, desc, bar_chart(fig_id, title, desc, bars), ["一级指标", "行数"],
                      [[Cell(kind), Cell(str(n))] for kind, n in counts.items()])

    def plan_baseline_target(self, plan: dict, label: str, rows: list[dict]) -> Figure | None:
        """Baseline, target (and result, where printed) of one plan table's numeric indicators.

        Units differ from row to row (万人, %, 万人次), so each indicator is drawn
        on its own scale: the chart compares a baseline with its own target,
        never one indicator with another.
        """
        charted = [pi for pi in rows if pi.get("target_value") is not None
                   and (pi.get("baseline_value") is not None or pi.get("actual_value") is not None)]
        if not charted:
            return None
        has_actual = any(pi.get("actual_value") is not None for pi in charted)
        series = ["基数", "目标"] + (["完成值"] if has_actual else [])
        chart_rows, table = [], []
        for pi in charted:
            bars = []
            for index, (value, raw, year) in enumerate((("baseline_value", "baseline_raw", "baseline_year"),
                                                         ("target_value", "target_raw", "target_year"),
                                                         ("actual_value", "actual_raw", "actual_year"))):
                if pi.get(value) is not None:
                    bars.append(Bar(pi[value], pi[raw] + (f"（{pi[year]}年）" if pi.get(year) else ""), index))
            unit = f"（{pi['unit']}）" if pi.get("unit") else ""
            chart_rows.append(Row(f"{pi['name']}{unit}", bars))
            cells = [Cell(pi["name"], urls.page_url("plan_indicators", pi["plan_indicator_id"])), Cell(pi.get("unit") or "", num=False)]
            for raw, year in (("baseline_raw", "baseline_year"), ("target_raw", "target_year"), ("actual_raw", "actual_year"))[:len(series)]:
                cells.append(Cell((pi.get(raw) or "—") + (f"（{pi[year]}年）" if pi.get(raw) and pi.get(year) else "")))
            table.append(cells)
        fig_id = f"chart-{charted[0]['plan_indicator_id']}-targets"
        title = f"{label}：{'、'.join(series)}"
        brackets = "方括号内为五年累计数。" if any(pi["cumulative"] for pi in charted) else ""
        desc = (f"{plan['short_name']}{label}中 {len(charted)} 项数值指标的{'、'.join(series)}。"
                f"每项指标按自身最大值单独缩放，只宜比较同一指标的基数与目标。{brackets}各项数值见图下的表格。")
        return Figure(fig_id, title, desc, bar_chart(fig_id, title, desc, chart_rows, series, scale_per_row=True),
                      ["指标", "单位"] + series, table)


# -- project families ----------------------------------------------------------
def family_figure(family: dict, members: list[dict], groups: list[dict], place: dict[str, str]) -> Figure:
    """The family's district-by-district chart: the indicator that most of its districts set a
    number for, in one base unit (normalised: 2.5万人 beside 29070人), each bar labelled with
    the target as printed; rows in another base unit (人次 beside 人) or without a number are
    left out of the bars and named in the description. A family with no such indicator gets
    the number of indicator rows per district instead."""
    fig_id = f'chart-{family["family_id"]}-districts'
    best = None
    for group in groups:
        by_unit: dict[str, list[dict]] = defaultdict(list)
        for row in group["rows"]:
            i = row["indicator"]
            if i.get("value_norm") is not None and i["operator"] not in ("text", "none", "range"):
                by_unit[i["unit_norm"]].append(row)
        for unit, rows in by_unit.items():
            districts = {row["region"]["region_id"] for row in rows}
            if len(districts) >= 2 and (best is None or len(districts) > best[0]):
                best = (len(districts), group, unit, rows)
    if best is None:
        counts = [(p, sum(1 for g in groups for row in g["rows"] if row["project"] is p)) for p in members]
        title = "各区绩效指标行数"
        desc = (f"{family['name']}共 {len(members)} 个区，各区列出的绩效指标行数："
                + "，".join(f"{place[p['region_id']]} {n} 行" for p, n in counts) + "。没有两个区以上都给出同一单位的数值目标。")
        bars = [Row(place[p["region_id"]], [Bar(n, f"{n} 行")]) for p, n in counts]
        return Figure(fig_id, title, desc, bar_chart(fig_id, title, desc, bars), ["地区", "指标行数"],
                      [[Cell(place[p["region_id"]], urls.page_url("projects", p["project_id"])), Cell(str(n))] for p, n in counts])
    _n, group, unit, rows = best
    charted = {id(row) for row in rows}
    left_out = [row for row in group["rows"] if id(row) not in charted]
    title = f"各区{group['label']}目标（折算为{unit}）"
    bars, table = [], []
    for row in rows:
        i = row["indicator"]
        norm = format_number(i["value_norm"])
        same = i["value"] == i["value_norm"] and (i["unit"] or "").replace("％", "%") == unit
        text = i["value_raw"] if same else f"{i['value_raw']}（= {norm} {unit}）"
        bars.append(Row(row["region"]["name"], [Bar(i["value_norm"], text)]))
        table.append([Cell(row["region"]["name"], urls.page_url("projects", row["project"]["project_id"])),
                      Cell(i["value_raw"], num=False), Cell(norm if i["operator"] == "=" else f"{i['operator']} {norm}"), Cell(unit, num=False)])
    missing = [place[p["region_id"]] for p in members if not any(row["project"] is p for row in group["rows"])]
    desc = (f"{family['name']}：{len(rows)} 个区的“{group['label']}”目标，统一折算为{unit}后按同一比例画出，"
            f"每条旁注原文写法。"
            + (f"另有 {len(left_out)} 行单位不同或不是数值（" + "、".join(f"{row['region']['name']} {row['indicator']['value_raw']}" for row in left_out) + "），未画入。" if left_out else "")
            + (f"{len(missing)} 个区未列此指标。" if missing else "") + "各项数值见图下的表格。")
    return Figure(fig_id, title, desc, bar_chart(fig_id, title, desc, bars), ["地区", "目标值（原文）", "折算值", "单位"], table)
