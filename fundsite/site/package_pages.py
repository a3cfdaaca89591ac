"""Pages and files about the package as a whole: downloads, data dictionary, releases, catalogue, feed.

    downloads/index.md      -> /downloads/        whole-package files, sizes, sha256, licence, citation
    downloads/*             the files themselves (see downloads.py)
    data-dictionary.md      -> /data-dictionary/  every table and field, from the schemas
    releases.md             -> /releases/         the release log and what each release changed
    data.json               DCAT-US catalogue for open-data portals
    feed.xml                Atom feed of releases and the documents they added
"""
from __future__ import annotations

import functools
import hashlib
import operator
import re
from pathlib import Path

from fundsite.site import catalogue
from fundsite.site import downloads
from fundsite import money
from fundsite.kinds import BY_TABLE

TYPE_NAMES = {"string": "文本 string", "integer": "整数 integer", "number": "数值 number",
              "boolean": "布尔 boolean", "date": "日期 date", "year": "年份 year"}
KEY_LIST_LIMIT = 200  # keys listed per table and kind on the releases page; the rest are counted


def build_all(r) -> None:
    m = r.m
    meta = r.package_meta
    views, unreleased = m.releases
    base = catalogue.site_base(m.descriptor, r.site_url)

    with r.phases.phase("render.files"):
        artefacts = _artefacts(r, meta)
        flow_files = _flow_files(r)
    # The catalogue lists the summable tables of counted money beside the package itself.
    counted = [f[fmt] for f in flow_files for fmt in ("csv", "xlsx")]
    r.out.files["data.json"] = catalogue.data_json(meta, artefacts + counted, views, base)
    r.out.files["feed.xml"] = catalogue.atom_feed(meta, views, m.by_id.get("documents", {}), base)
    services = [_describe(r, "data.json", "JSON", "DCAT-US 1.1 数据目录，供开放数据门户采集 / DCAT catalogue for harvesting"),
                _describe(r, "feed.xml", "Atom", "版本发布与新增文件的订阅源 / Feed of releases and new documents")]

    build_downloads_page(r, meta, artefacts, services, bool(unreleased), flow_files)
    build_data_dictionary(r)
    build_releases_page(r, meta, views, unreleased)


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.2f} MB"


def _describe(r, url: str, fmt: str, description: str, media_type: str = "") -> dict:
    data = r.out.files[url]  # bytes, or the path of a file the build wrote
    if isinstance(data, Path):
        with open(data, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        size = data.stat().st_size
    else:
        digest, size = downloads.sha256(data), len(data)
    return {"name": url.rsplit("/", 1)[-1], "url": url, "format": fmt, "description": description,
            "media_type": media_type, "size": size, "size_text": _human_size(size), "sha256": digest}


def _artefacts(r, meta) -> list[dict]:
    epoch = downloads.source_epoch(r.m.descriptor)
    if r.package_files is not None:  # a build: a worker has been writing them since rendering began
        made = r.package_files()
    else:
        made = downloads.build_package_downloads(r.m, meta, epoch)
    out = []
    for name, data in made.items():
        url = f"{downloads.DOWNLOADS}/{name}"
        r.out.files[url] = data
        media_type, fmt, description = downloads.ARTEFACTS[name]
        out.append(_describe(r, url, fmt, description, media_type))
    return out


# -- downloads page ----------------------------------------------------------------
FLOW_FILES = {  # kind -> (file stem, its rows, their fields, what it holds)
    "transfer": ("flows", lambda m: money.flow_records(m, "transfer"), money.FLOW_FIELDS,
                 "逐笔下达资金：每笔资金只出现一次，amount_yuan 直接求和就是下达总额；按 fund_id 筛选、按 region 分组即得各区从某笔资金获得多少 / "
                 "Every transfer counted once: sum amount_yuan as it is"),
    "budget": ("budgets", lambda m: money.flow_records(m, "budget"), money.FLOW_FIELDS,
               "单位自己的项目预算：另一种口径，不要与 flows 相加 / Units' own project budgets: another measure, never add to flows"),
    "view": ("view-rows", money.view_records, money.VIEW_ROW_FIELDS,
             "同一笔资金的其他列法：allocations 中视图文件的每一行对应 flows 的哪一笔（已计入，不要再加） / "
             "Each allocations row of a view and the flow it restates: already counted, never add it"),
}


def _flow_files(r) -> list[dict]:
    """flows.csv/.xlsx and budgets.csv/.xlsx, the counted money one row per flow in its two measures,
    and view-rows.csv/.xlsx, the rows that restate it."""
    epoch = downloads.source_epoch(r.m.descriptor)
    found = []
    for kind, (stem, rows_of, fields, description) in FLOW_FILES.items():
        records = rows_of(r.m)
        if not records:
            continue
        schema = money.table_schema(fields)
        columns = [f["name"] for f in schema["fields"]]
        csv_url, xlsx_url = f"{downloads.DOWNLOADS}/{stem}.csv", f"{downloads.DOWNLOADS}/{stem}.xlsx"
        r.out.files[csv_url] = downloads.csv_bytes(records, columns)
        sheet = downloads.table_sheet(schema, stem, records, with_comments=True)
        r.out.files[xlsx_url] = downloads.workbook_bytes([sheet], epoch, title=str(r.m.descriptor.get("title", "")))
        found.append({"kind": kind, "rows": len(records), "yuan": sum(x["amount_yuan"] for x in records),
                      "description": description,
                      "csv": _describe(r, csv_url, "CSV", description, "text/csv"),
                      "xlsx": _describe(r, xlsx_url, "XLSX", description,
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    return found


def build_downloads_page(r, meta, artefacts: list[dict], services: list[dict], unreleased: bool,
                         flow_files: list[dict] = ()) -> None:
    url = f"{downloads.DOWNLOADS}/"
    r.render("downloads.md.j2", f"{downloads.DOWNLOADS}/index.md", url, "下载数据", meta=meta, artefacts=artefacts,
             services=services, unreleased=unreleased, crumbs=r.breadcrumbs(("下载数据", url)), flow_files=flow_files,
             counts={name: len(rows) for name, rows in r.m.tables.items()})


# -- data dictionary -----------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _split(description: str) -> tuple[str, str]:
    zh, sep, en = str(description or "").partition(" / ")
    return (zh.strip(), en.strip()) if sep else (zh.strip(), "")


def _example(field: dict, values: list) -> tuple[str, str]:
    """(example, where it comes from): the schema's own example, else the first value in the data
    (the column's values; the model holds an empty cell as None, never "")."""
    if field.get("example") not in (None, ""):
        return str(field["example"]), "schema"
    first = next(filter(functools.partial(operator.is_not, None), values), None)  # in C: a column may be empty throughout
    if first is None:
        return "", ""
    text = _text(first)
    return (text if len(text) <= 60 else text[:60] + "…"), "data"


DIGIT_CODE = re.compile(r"^\^\\d\{[\d,]+\}\$$")  # a pattern like ^\d{6}$ or ^\d{3,7}$


def dictionary_tables(m) -> list[dict]:
    resources = {res["name"]: res for res in m.descriptor.get("resources", [])}
    tables = []
    for name, rows in m.tables.items():
        schema = m.schemas[name]
        pk = schema.get("primaryKey") or []
        pk = [pk] if isinstance(pk, str) else list(pk)
        fks = {}
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref_fields = fk["reference"]["fields"]
            ref_fields = ref_fields if isinstance(ref_fields, list) else [ref_fields]
            for local, remote in zip(fields, ref_fields):
                fks[local] = {"table": fk["reference"].get("resource") or name, "field": remote}
        fields = []
        for f in schema["fields"]:
            zh, en = _split(f.get("description", ""))
            values = list(map(operator.methodcaller("get", f["name"]), rows))
            example, source = _example(f, values)
            constraints = dict(f.get("constraints", {}))
            fields.append({"name": f["name"], "type": TYPE_NAMES.get(f.get("type", "string"), f.get("type", "string")),
                           "zh": zh, "en": en, "pk": f["name"] in pk, "fk": fks.get(f["name"]),
                           "required": bool(constraints.pop("required", False)) or f["name"] in pk,
                           "unique": bool(constraints.pop("unique", False)),
                           "enum": constraints.pop("enum", None), "pattern": constraints.get("pattern"),
                           # text made of digits (function_code 2080799, admin_code 440100): a reader's
                           # tool must keep it as text, or pandas makes 2080799.0 of it
                           "code": f.get("type", "string") == "string" and DIGIT_CODE.match(constraints.pop("pattern", "") or "") is not None,
                           "other": sorted(constraints.items()), "example": example, "example_source": source,
                           "filled": len(values) - values.count(None)})
        res = resources.get(name, {})
        tables.append({"name": name, "title": res.get("title", name), "description": res.get("description", ""),
                       "path": res.get("path", ""), "rows": len(rows), "pk": pk, "fields": fields})
    return tables


def build_data_dictionary(r) -> None:
    url = "data-dictionary/"
    r.render("data_dictionary.md.j2", "data-dictionary.md", url, "数据字典", tables=dictionary_tables(r.m),
             crumbs=r.breadcrumbs(("数据字典", url)), version=r.m.descriptor.get("version", ""))


# -- releases ----------------------------------------------------------------------------
def _key_links(r, table: str, keys: list[str], live: bool) -> dict:
    """Up to KEY_LIST_LIMIT keys, each with the URL of its page when it has one in the current data."""
    shown = []
    for key in keys[:KEY_LIST_LIMIT]:
        url = table in BY_TABLE and live and r.m.get(table, key) is not None and r.link("releases/", table, key)
        shown.append({"key": key, "href": url or None})
    return {"shown": shown, "more": max(0, len(keys) - KEY_LIST_LIMIT), "count": len(keys)}


def _diff_view(r, diffs, first: bool) -> list[dict]:
    out = []
    for d in diffs or []:
        if d.empty:
            continue
        out.append({"table": d.table, "status": d.status, "counts": d.counts(),
                    "added": _key_links(r, d.table, d.added, True),
                    "changed": {**_key_links(r, d.table, [c["key"] for c in d.changed], True),
                                "fields": {c["key"]: c["fields"] for c in d.changed}},
                    "removed": _key_links(r, d.table, d.removed, False),
                    "fields_added": d.fields_added, "fields_removed": d.fields_removed,
                    "fields_retyped": d.fields_retyped, "fields_reordered": d.fields_reordered,
                    "primary_key_changed": d.primary_key_changed, "list_keys": not first})
    return out


def build_releases_page(r, meta, views, unreleased) -> None:
    url = "releases/"
    items = []
    for view in views:
        first = view.previous is None
        docs = [r.m.get("documents", d) for d in view.documents_added]
        items.append({"view": view, "first": first, "documents": [d for d in docs if d is not None],
                      "missing_documents": [d for d in view.documents_added if r.m.get("documents", d) is None],
                      "tables": _diff_view(r, view.diffs, first) if view.diffs is not None else None})
    r.render("releases.md.j2", "releases.md", url, "版本发布", meta=meta, items=items,
             unreleased=_diff_view(r, unreleased, False) if unreleased else [],
             latest=views[0] if views else None, crumbs=r.breadcrumbs(("版本发布", url)))
