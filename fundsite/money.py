"""One fund, one number: which allocation rows count money, and which restate money already counted.

The same money is often printed several times. 粤财社〔2024〕109号附件1 hands Guangzhou
5,000万元 in one row; 穗财社〔2024〕27号附件2 splits the same 5,000万元 by sub-project and
recipient; 附件3 splits those again by budget code. Adding the three gives 15,000万元
of money that exists once. So (as IATI reports money at its lowest level and
USAspending sums one granularity per view):

- funds.csv names each fund and its *counted document*: the allocation rows of that
  document are the fund's flows, each counted once, at the finest grain printed.
- fund_views.csv lists the documents that restate a fund another way (*views*): their
  rows are never counted again. A view of grain "flow" splits each counted flow
  (its rows belong to the counted row with the same project and recipient); a view
  of grain "fund" restates the fund as a whole (the province row).
- A fund is a transfer (money handed down to other units) or a unit's own budget
  (花都区就业中心's project table): two measures, never added together.

Every sum the site shows is a sum of counted rows of one kind. Whether each view
agrees with the flows it restates is worked out here (agreements), checked by the
rules and shown to readers with ✓ or ✗.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

KINDS = ("transfer", "budget")
KIND_NAMES = {"transfer": "下达资金", "budget": "单位预算"}


@dataclass
class AgreementLine:
    """One counted flow (or the whole fund) against the view rows that restate it."""

    flow: dict | None  # the counted allocation row; None for a view of the whole fund
    view_rows: list[dict]
    counted_yuan: int

    @property
    def view_yuan(self) -> int:
        return sum(a["amount_yuan"] for a in self.view_rows)

    @property
    def ok(self) -> bool:
        return self.view_yuan == self.counted_yuan


@dataclass
class Agreement:
    """A view document against the fund's counted flows."""

    fund: dict
    view: dict  # its fund_views row
    lines: list[AgreementLine] = field(default_factory=list)
    strays: list[dict] = field(default_factory=list)  # view rows that match no counted flow

    @property
    def view_yuan(self) -> int:
        return sum(line.view_yuan for line in self.lines) + sum(a["amount_yuan"] for a in self.strays)

    @property
    def counted_yuan(self) -> int:
        return sum(line.counted_yuan for line in self.lines)

    @property
    def ok(self) -> bool:
        return not self.strays and all(line.ok for line in self.lines)


def counted_documents(funds, fund_views) -> dict[str, dict]:
    """Document id -> the fund it counts: each fund's counted document, less any a view lists.
    The one rule of what counts (the SQLite download states it again as the view counted_flows)."""
    views = {v["document_id"] for v in fund_views}
    return {f["counted_document_id"]: f for f in funds if f["counted_document_id"] not in views}


class Money:
    """The counted flows of every fund, the views that restate them, and sums over counted rows only."""

    def __init__(self, model):
        self.m = model
        self.funds = list(model.rows("funds"))
        self.fund_by_id = {f["fund_id"]: f for f in self.funds}
        self.counting_fund = {f["counted_document_id"]: f for f in self.funds}  # document -> fund it counts
        self.views = {v["document_id"]: v for v in model.rows("fund_views")}
        self.flows: list[dict] = []  # every counted allocation row, in file order
        self.flows_by_fund: dict[str, list[dict]] = defaultdict(list)
        self._fund_of_row: dict[str, dict] = {}
        self._counted: set[str] = set()
        self.flow_of: dict[str, dict] = {}  # view row id -> the counted row it belongs to (grain "flow")
        counting = counted_documents(self.funds, model.rows("fund_views"))
        for a in model.rows("allocations"):
            fund = counting.get(a["document_id"])
            if fund is not None:
                self.flows.append(a)
                self.flows_by_fund[fund["fund_id"]].append(a)
                self._counted.add(a["allocation_id"])
                self._fund_of_row[a["allocation_id"]] = fund
            elif a["document_id"] in self.views:
                view_fund = self.fund_by_id.get(self.views[a["document_id"]]["fund_id"])
                if view_fund is not None:
                    self._fund_of_row[a["allocation_id"]] = view_fund
        self.agreements = [self._agreement(view) for view in model.rows("fund_views")
                           if view["fund_id"] in self.fund_by_id]

    # -- what a row is -------------------------------------------------------------
    def fund_of(self, allocation: dict) -> dict | None:
        return self._fund_of_row.get(allocation["allocation_id"])

    def role_of_document(self, document_id: str) -> str | None:
        """"counted", "view", or None for a document without money."""
        if document_id in self.views:
            return "view"
        if document_id in self.counting_fund:
            return "counted"
        return None

    def fund_of_document(self, document_id: str) -> dict | None:
        if document_id in self.views:
            return self.fund_by_id.get(self.views[document_id]["fund_id"])
        return self.counting_fund.get(document_id)

    # -- sums over counted rows only ----------------------------------------------
    def counted(self, allocations) -> list[dict]:
        """The counted rows among these (views dropped): the only rows any sum may add."""
        return [a for a in allocations if a["allocation_id"] in self._counted]

    def by_kind(self, allocations) -> dict[str, list[dict]]:
        """Counted rows split by the kind of their fund: {"transfer": [...], "budget": [...]}."""
        split = {kind: [] for kind in KINDS}
        for a in self.counted(allocations):
            split[self._fund_of_row[a["allocation_id"]]["kind"]].append(a)
        return split

    def total(self, fund: dict) -> int:
        return sum(a["amount_yuan"] for a in self.flows_by_fund.get(fund["fund_id"], []))

    # -- views against flows ------------------------------------------------------
    def _agreement(self, view: dict) -> Agreement:
        fund = self.fund_by_id[view["fund_id"]]
        flows = self.flows_by_fund.get(fund["fund_id"], [])
        rows = self.m.allocations_of(view["document_id"])
        agreement = Agreement(fund, view)
        if view["grain"] == "fund":
            agreement.lines.append(AgreementLine(None, list(rows), sum(a["amount_yuan"] for a in flows)))
            return agreement
        by_key: dict[tuple, list[dict]] = defaultdict(list)
        for flow in flows:
            by_key[(flow["project_id"], flow["recipient_unit_id"])].append(flow)
        parts: dict[str, list[dict]] = defaultdict(list)
        for a in rows:
            matches = by_key.get((a["project_id"], a["recipient_unit_id"]), [])
            if len(matches) == 1:
                parts[matches[0]["allocation_id"]].append(a)
                self.flow_of[a["allocation_id"]] = matches[0]
            else:  # no counted flow, or an ambiguous pair: the rules report it
                agreement.strays.append(a)
        for flow in flows:
            agreement.lines.append(AgreementLine(flow, parts.get(flow["allocation_id"], []), flow["amount_yuan"]))
        return agreement


# -- the tidy tables of counted money (downloads) ----------------------------------------------
# One row per counted flow, with the names a reader needs beside the ids: sum amount_yuan as it is.
FLOW_FIELDS = [
    ("flow_id", "string", "资金流标识：计数文件中的分配行 allocation_id / Flow id: the counted allocations row"),
    ("fund_id", "string", "资金 / Fund id (funds.csv)"),
    ("fund", "string", "资金名称 / Fund name"),
    ("kind", "string", "口径：transfer 下达资金，budget 单位预算（两种口径分两个文件，不可相加） / transfer or budget"),
    ("year", "integer", "年度 / Year"),
    ("payer", "string", "下达单位：计数文件所属通知的发文单位 / Who hands the money down: issuer of the counted document"),
    ("recipient_unit_id", "string", "接收单位标识 / Recipient unit id"),
    ("recipient", "string", "接收单位 / Recipient unit"),
    ("region_id", "string", "接收单位所在地区标识 / Recipient's region id"),
    ("region", "string", "接收单位所在地区（区或市本级） / Recipient's district, or the city level"),
    ("region_level", "string", "地区层级 / Region level"),
    ("task", "string", "所属任务 / Task the money is for"),
    ("project_id", "string", "项目标识 / Project id"),
    ("project", "string", "项目或子项目：资金用途 / Project or sub-project: what the money is for"),
    ("amount_yuan", "integer", "金额（整数元）/ Amount in yuan"),
    ("amount_raw", "string", "原文金额 / Amount as printed"),
    ("amount_unit_raw", "string", "原文金额单位 / Unit as printed"),
    ("document_id", "string", "计数文件 / Counted document id"),
    ("document", "string", "计数文件简称 / Counted document"),
    ("source_lines", "string", "原文行号 / Source lines"),
    ("locator", "string", "原文位置 / Where in the document"),
]


def flow_records(model, kind: str) -> list[dict]:
    """The counted rows of every fund of one kind as tidy records (FLOW_FIELDS), in file order."""
    money = model.money
    records = []
    for a in money.flows:
        fund = money.fund_of(a)
        if fund["kind"] != kind:
            continue
        doc, top = model.get("documents", a["document_id"]), model.top_document(a["document_id"])
        project, task = model.get("projects", a["project_id"]), model.task_of(a["project_id"])
        unit = model.get("units", a["recipient_unit_id"]) or {}
        region = model.get("regions", a["region_id"]) or {}
        records.append({
            "flow_id": a["allocation_id"], "fund_id": fund["fund_id"], "fund": fund["name"], "kind": kind,
            "year": fund["year"], "payer": top["issuer"], "recipient_unit_id": a["recipient_unit_id"],
            "recipient": unit.get("name"), "region_id": a["region_id"], "region": region.get("name"),
            "region_level": region.get("level"), "task": task["name"] if task else None,
            "project_id": a["project_id"], "project": project["name"], "amount_yuan": a["amount_yuan"],
            "amount_raw": a["amount_raw"], "amount_unit_raw": a["amount_unit_raw"], "document_id": a["document_id"],
            "document": doc["short_title"], "source_lines": a["source_lines"], "locator": a["locator"]})
    return records


# One row per allocation row of a view: which counted flow it restates (none for a view of the whole fund).
VIEW_ROW_FIELDS = [
    ("allocation_id", "string", "视图中的分配行 / The view's allocations row"),
    ("document_id", "string", "视图文件 / View document"),
    ("fund_id", "string", "资金 / Fund id"),
    ("grain", "string", "fund：整笔资金的另一种列法；flow：逐笔拆分 / fund: restates the whole fund; flow: splits each flow"),
    ("flow_id", "string", "它所拆分的资金流（flows.csv 的 flow_id）；grain 为 fund 时为空 / The counted flow it splits; empty for grain fund"),
    ("amount_yuan", "integer", "金额（整数元），已计入 flow_id 那一笔，不要再加 / Amount in yuan, already counted in the flow: never add it again"),
]


def view_records(model) -> list[dict]:
    """Every allocation row of every view, with the counted flow it restates (VIEW_ROW_FIELDS)."""
    money = model.money
    records = []
    for agreement in money.agreements:
        view = agreement.view
        for a in model.allocations_of(view["document_id"]):
            flow = money.flow_of.get(a["allocation_id"])
            records.append({"allocation_id": a["allocation_id"], "document_id": view["document_id"],
                            "fund_id": view["fund_id"], "grain": view["grain"],
                            "flow_id": flow["allocation_id"] if flow else None, "amount_yuan": a["amount_yuan"]})
    return records


def table_schema(fields: list[tuple[str, str, str]]) -> dict:
    """FLOW_FIELDS or VIEW_ROW_FIELDS as a Table Schema (the XLSX sheet's header comments)."""
    return {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields]}
