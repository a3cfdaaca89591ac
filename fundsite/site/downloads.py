"""Whole-package downloads and per-entity XLSX files, byte-reproducible.

Every artefact is a pure function of the data package and one timestamp: the
build's SOURCE_DATE_EPOCH (cli.py sets it from the package's `created` date
when the environment does not). Zip members are written with that timestamp,
fixed permissions and in a fixed order; the XLSX core properties carry the
same date; the SQLite database is built in memory and serialised, so it holds
no file-system state. Two builds of the same input give identical bytes.

    downloads/datapackage.zip            datapackage.json, schemas/ and data/ as they are
    downloads/gd-employment-funds.xlsx   README sheet, then one sheet per table
    downloads/gd-employment-funds.json   {"package": descriptor, "tables": {name: [rows]}}
    downloads/gd-employment-funds.sqlite one table per resource, keys and indexes
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import operator
import os
import re
import sqlite3
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


from fundsite.model import Model
from fundsite.site import sheet_rows
from fundsite.site.sheet_rows import XML_ILLEGAL, CellStyles, SheetRows, fill_skeleton

DOWNLOADS = "downloads"
BASENAME = "gd-employment-funds"
FALLBACK_EPOCH = 1704067200  # 2024-01-01T00:00:00Z
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold

ARTEFACTS = {  # file name -> (media type, format, description)
    "datapackage.zip": ("application/zip", "ZIP", "Frictionless 数据包：datapackage.json、表结构与 CSV 原样打包 / Frictionless Data Package as is"),
    f"{BASENAME}.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
                         "Excel 工作簿：说明页与每表一页 / Excel workbook: README sheet and one sheet per table"),
    f"{BASENAME}.json": ("application/json", "JSON", "JSON：数据包描述与全部表的行 / JSON: descriptor and every table's rows"),
    f"{BASENAME}.sqlite": ("application/vnd.sqlite3", "SQLite",
                           "SQLite 数据库：主键、外键与索引，可用 sqlite3、Datasette 打开 / SQLite database with keys and indexes"),
}


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    """Rows as CSV (UTF-8, LF, a header of the column names); booleans as true/false, None as empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    # Column by column with map(): C loops, where a Python loop over every cell cost most of
    # the time of the 43,000 per-entity CSVs of a large package. csv writes None as "".
    values = [list(map(operator.methodcaller("get", c), rows)) for c in columns]
    for i, column in enumerate(values):
        if bool in set(map(type, column)):
            values[i] = ["true" if v is True else "false" if v is False else v for v in column]
    writer.writerows(zip(*values))
    return out.getvalue().encode("utf-8")


# -- the one timestamp -----------------------------------------------------------
def source_epoch(descriptor: dict | None = None) -> int:
    """SOURCE_DATE_EPOCH if set, else the package's `created` date, else a constant."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    created = str((descriptor or {}).get("created", "")).replace("Z", "+00:00")
    try:
        stamp = dt.datetime.fromisoformat(created)
    except ValueError:
        return FALLBACK_EPOCH
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return int(stamp.timestamp())


def pin_build_date(model: Model) -> None:
    """Builds are reproducible: without SOURCE_DATE_EPOCH, every step uses the package's own date."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_epoch(model.descriptor)))


def _utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)


def _zip_time(epoch: int) -> tuple:
    return _utc(max(epoch, ZIP_EPOCH_MIN)).timetuple()[:6]


def write_deterministic_zip(target, entries, epoch: int) -> None:
    """A zip of (name, bytes) in the given order, every entry with the same time and mode.
    target: a path or a binary file object; entries may be a generator (one file in memory at a time)."""
    stamp = _zip_time(epoch)
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read the same everywhere
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=9)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the package as is -------------------------------------------------------------
def package_files(model: Model):
    """(name, bytes) of datapackage.json and every schema and data file it names, sorted by path,
    read one at a time."""
    root = Path(model.root)
    names = {"datapackage.json"}
    for resource in model.descriptor.get("resources", []):
        names.add(resource["path"])
        if isinstance(resource.get("schema"), str):
            names.add(resource["schema"])
    # The source texts the rows were copied from travel with them (sources/<file>.txt), as the
    # check read them: never a file a symbolic link leads to outside the package.
    texts = {f"sources/{name}": text.encode("utf-8") for name, text in model.source_texts.items()}
    return ((name, texts[name] if name in texts else (root / name).read_bytes()) for name in sorted(names | set(texts)))


def write_package_zip(target, model: Model, meta, epoch: int) -> None:
    write_deterministic_zip(target, package_files(model), epoch)


# -- typed values --------------------------------------------------------------------
def _fields(model: Model, table: str) -> list[dict]:
    return model.schemas[table]["fields"]


# json.dumps(text, ensure_ascii=False) without making an encoder for every value: the
# whole-package JSON has millions of them.
_json_text = json.encoder.encode_basestring


def json_value(value) -> str:
    """One value as JSON text; a Decimal is written with the digits the CSV had."""
    if value.__class__ is str:
        return _json_text(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "null"
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def inline_descriptor(model: Model) -> dict:
    """The descriptor with each resource's schema inlined, so the JSON file is self-describing."""
    descriptor = json.loads(json.dumps(model.descriptor))
    for resource in descriptor.get("resources", []):
        if resource.get("name") in model.schemas:
            resource["schema"] = model.schemas[resource["name"]]
    return descriptor


COUNTED_FIELDS = ("allocation_id", "document_id", "project_id", "recipient_unit_id", "region_id", "amount_yuan")


def counted_rows(tables) -> list[dict]:
    """The allocation rows that count money, read from the tables alone (money.counted_documents;
    a large build's downloads worker has the package files, not the model)."""
    from fundsite.money import counted_documents

    if not {"allocations", "funds", "fund_views"} <= set(tables):
        return []
    funds = counted_documents(tables["funds"], tables["fund_views"])
    return [{"flow_id": a["allocation_id"], "fund_id": funds[a["document_id"]]["fund_id"],
             "kind": funds[a["document_id"]]["kind"], **{k: a.get(k) for k in COUNTED_FIELDS[1:]}}
            for a in tables["allocations"] if a["document_id"] in funds]


def write_package_json(target: Path, model: Model, meta, epoch: int) -> None:
    """{"package": descriptor, "tables": {name: [row objects]}, "counted_flows": [...]}, one row per
    line, written as it goes, without spaces after separators (at 21,000 projects the spaces were
    12.5 MiB of 170.5). counted_flows are the allocation rows to sum (see money.py)."""
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        descriptor = dict(inline_descriptor(model), version=meta.version)  # "+unreleased" until released
        out.write('{"package":' + json.dumps(descriptor, ensure_ascii=False, separators=(",", ":")) + ',\n"tables":{')
        for t, (table, rows) in enumerate(model.tables.items()):
            names = [f["name"] for f in _fields(model, table)]
            keys = [json.dumps(n, ensure_ascii=False) for n in names]
            out.write(("," if t else "") + f"\n{json.dumps(table)}:[")
            for i, row in enumerate(rows):
                out.write(("," if i else "") + "\n{" + ",".join(f"{k}:{json_value(row.get(n))}" for k, n in zip(keys, names)) + "}")
            out.write("\n]" if rows else "]")
        out.write('\n},\n"counted_flows":[')
        for i, row in enumerate(counted_rows(model.tables)):
            out.write(("," if i else "") + "\n{" + ",".join(f"{json.dumps(k)}:{json_value(v)}" for k, v in row.items()) + "}")
        out.write("\n]}\n")


# -- SQLite ----------------------------------------------------------------------------
SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "year": "INTEGER"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _sql_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def create_table_sql(table: str, schema: dict) -> str:
    """CREATE TABLE with types, NOT NULL, keys, and each field's description as a comment."""
    pk = _as_list(schema.get("primaryKey"))
    lines = []
    for f in schema["fields"]:
        constraints = f.get("constraints", {})
        parts = [_q(f["name"]), SQL_TYPES.get(f.get("type", "string"), "TEXT")]
        if constraints.get("required") or f["name"] in pk:
            parts.append("NOT NULL")
        if constraints.get("unique") and pk != [f["name"]]:
            parts.append("UNIQUE")
        lines.append((" ".join(parts), " ".join(str(f.get("description", "")).split())))
    if pk:
        lines.append((f"PRIMARY KEY ({', '.join(_q(n) for n in pk)})", ""))
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        target = ref.get("resource") or table  # "" means the table itself
        lines.append((f"FOREIGN KEY ({', '.join(_q(n) for n in _as_list(fk['fields']))}) "
                      f"REFERENCES {_q(target)} ({', '.join(_q(n) for n in _as_list(ref['fields']))})", ""))
    body = []
    for i, (sql, comment) in enumerate(lines):
        comma = "," if i < len(lines) - 1 else ""
        body.append(f"  {sql}{comma}" + (f" -- {comment}" if comment else ""))
    return f"CREATE TABLE {_q(table)} (\n" + "\n".join(body) + "\n)"


# The counted rows of every fund (see money.py), as a view: the rows of flows.csv and budgets.csv
# (the kind column tells which), summable as they are.
COUNTED_FLOWS_VIEW = """CREATE VIEW "counted_flows" AS
SELECT a.allocation_id AS flow_id, f.fund_id, f.name AS fund, f.kind, f.year,
       a.recipient_unit_id, u.name AS recipient, a.region_id, r.name AS region, r.level AS region_level,
       a.project_id, p.name AS project, a.amount_yuan, a.amount_raw, a.amount_unit_raw,
       a.document_id, a.source_lines, a.locator
FROM allocations a
JOIN funds f ON f.counted_document_id = a.document_id
LEFT JOIN units u ON u.unit_id = a.recipient_unit_id
LEFT JOIN regions r ON r.region_id = a.region_id
LEFT JOIN projects p ON p.project_id = a.project_id
WHERE a.document_id NOT IN (SELECT document_id FROM fund_views)"""


def write_package_sqlite(target: Path, model: Model, meta, epoch: int) -> None:
    """The whole package as a SQLite database file, built in one transaction and vacuumed."""
    if Path(target).exists():
        Path(target).unlink()
    con = sqlite3.connect(str(target))
    try:
        con.execute("PRAGMA journal_mode=OFF")  # a new file from scratch: nothing to roll back to
        for table, rows in model.tables.items():
            schema = model.schemas[table]
            names = [f["name"] for f in schema["fields"]]
            con.execute(create_table_sql(table, schema))
            for fk in schema.get("foreignKeys", []):
                cols = _as_list(fk["fields"])
                con.execute(f"CREATE INDEX {_q('idx_' + table + '_' + '_'.join(cols))} ON {_q(table)} ({', '.join(_q(c) for c in cols)})")
            # Rows go in in the package's own order (the printed order), which is fixed.
            con.executemany(f"INSERT INTO {_q(table)} VALUES ({', '.join('?' * len(names))})",
                            ([_sql_value(row.get(n)) for n in names] for row in rows))
        if {"allocations", "funds", "fund_views", "units", "regions", "projects"} <= set(model.tables):
            con.execute(COUNTED_FLOWS_VIEW)
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"foreign_key_check failed: {problems[:5]}")
        con.execute("VACUUM")
    finally:
        con.close()


# -- XLSX --------------------------------------------------------------------------------
_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK and beyond: two columns wide


def _display_width(value) -> int:
    text = (value if isinstance(value, str) else ("" if value is None else str(value)))[:80]
    return len(text) + len(_WIDE.findall(text))


class DictRows(Sequence):
    """Rows of dicts seen as lists of values in the given column order, made one at a time."""

    def __init__(self, rows: list[dict], names: list[str]):
        self.rows, self.names = rows, names

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [[row.get(n) for n in self.names] for row in self.rows[index]]
        return [self.rows[index].get(n) for n in self.names]

    def __iter__(self):
        names = self.names
        for row in self.rows:
            yield [row.get(n) for n in names]


@dataclass
class Sheet:
    """One worksheet: a title, a header (with optional comments) and typed rows."""

    title: str
    header: list[str]
    rows: Sequence[list]
    comments: list[str] | None = None
    bold_rows: tuple[int, ...] = (0,)  # indexes into [header] + rows
    freeze: bool = True
    max_width: int = 50

    def width(self) -> int:
        if isinstance(self.rows, DictRows):
            return len(self.rows.names)
        return max([len(self.header)] + [len(row) for row in self.rows])


class _Formats:
    """XlsxWriter formats, made once per workbook: bold, dates, one per count of decimals (0-10).
    All are registered before the workbook's styles are written, because the rows that use them
    are written afterwards (sheet_rows.py)."""

    def __init__(self, book):
        self.bold = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.decimals = [book.add_format({"num_format": "0." + "0" * places if places else "0"})
                         for places in range(11)]

    def styles(self) -> CellStyles:
        return CellStyles(self.bold._get_xf_index(), self.date._get_xf_index(),
                          [fmt._get_xf_index() for fmt in self.decimals])


def _write_sheet_head(book, spec: Sheet) -> None:
    """Everything of a sheet but its rows: widths, frozen header, the header's comments."""
    sheet = book.add_worksheet(spec.title[:31])
    if spec.freeze:
        sheet.freeze_panes(1, 0)
    first = [spec.header] + list(spec.rows[:199])
    width = max((len(r) for r in first), default=0)
    for col in range(width):  # widths from the first 200 rows: enough to read, cheap at any size
        longest = max((_display_width(r[col]) for r in first if col < len(r)), default=8)
        sheet.set_column(col, col, min(spec.max_width, max(8, longest + 2)))
    for c, comment in enumerate(spec.comments or []):
        if comment:
            sheet.write_comment(0, c, XML_ILLEGAL.sub("\ufffd", comment),
                                {"author": "gd-employment-funds", "x_scale": 2.5, "y_scale": 1.5})


def workbook_bytes(sheets: list[Sheet], epoch: int, title: str = "", creator: str = "") -> bytes:
    out = io.BytesIO()
    write_workbook(out, sheets, epoch, title, creator)
    return out.getvalue()


def write_workbook(target, sheets: list[Sheet], epoch: int, title: str = "", creator: str = "") -> None:
    """A workbook of the given sheets, the same bytes for the same input. XlsxWriter makes all of
    it but the cells (its zip entries carry a fixed date, the document dates are the build's
    epoch); the rows, header first, are then written into it as sheet XML, streamed (sheet_rows.py)."""
    import xlsxwriter

    skeleton = io.BytesIO()
    book = xlsxwriter.Workbook(skeleton, {"in_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": title, "author": creator or "fundsite", "created": _utc(epoch)})
    formats = _Formats(book)
    styles = formats.styles()
    fills = {}
    for number, spec in enumerate(sheets, 1):  # XlsxWriter names the sheets' parts in this order
        _write_sheet_head(book, spec)
        fills[f"xl/worksheets/sheet{number}.xml"] = SheetRows(spec.header, spec.rows, spec.width(), spec.bold_rows)
    book.close()
    fill_skeleton(skeleton.getvalue(), target, fills, styles)


def table_sheet(model_schema: dict, title: str, rows: list[dict], with_comments: bool) -> Sheet:
    fields = model_schema["fields"]
    names = [f["name"] for f in fields]
    return Sheet(title, names, DictRows(rows, names),
                 comments=[" ".join(str(f.get("description", "")).split()) for f in fields] if with_comments else None)


def page_workbook(tables: list[tuple[str, list[dict]]], schemas: dict, descriptor: dict,
                  names: list[str] | None = None) -> bytes:
    """The XLSX twin of a page's CSVs: a sheet per (table, rows), the same rows and columns,
    bold frozen header; sheets are named by their table, or by `names` where given."""
    names = names or [table for table, _rows in tables]
    return workbook_bytes([table_sheet(schemas[table], name, rows, with_comments=False)
                           for (table, rows), name in zip(tables, names)],
                          source_epoch(descriptor), title=str(descriptor.get("title", "")))


# -- citation and metadata --------------------------------------------------------------
@dataclass
class PackageMeta:
    name: str
    title: str
    description: str
    version: str
    date: str  # release date of this version, YYYY-MM-DD
    released: bool  # the version is in the release log
    licence_name: str
    licence_title: str
    licence_url: str
    publisher_zh: str
    publisher_en: str
    homepage: str
    keywords: list[str]

    @property
    def citation_zh(self) -> str:
        url = f" {self.homepage}" if self.homepage else ""
        return f"{self.publisher_zh}. {self.title}：版本 {self.version}（{self.date}）[数据集]. 许可：{self.licence_name}.{url}"

    @property
    def citation_en(self) -> str:
        url = f" {self.homepage}" if self.homepage else ""
        return (f"{self.publisher_en} ({self.date[:4]}). {self.title}, version {self.version} ({self.date}) "
                f"[Data set]. Licence: {self.licence_name}.{url}")


def package_meta(model: Model, releases: list[dict], unreleased: bool = False) -> PackageMeta:
    """unreleased: the data differ from the latest release's snapshot, so the downloads, the
    citations and the catalogue name the version "1.1.0+unreleased" until a release names it."""
    d = model.descriptor
    version = str(d.get("version", ""))
    entry = next((e for e in releases if e.get("version") == version), None)
    if unreleased:
        version, entry = f"{version}+unreleased", None
    date = entry["date"] if entry else str(d.get("created", ""))[:10]
    licence = (d.get("licenses") or [{}])[0]
    publisher = next((c.get("title", "") for c in d.get("contributors", []) if "publisher" in c.get("roles", [c.get("role")])), "")
    zh, _, en = publisher.partition(" / ")
    homepage = str(d.get("homepage") or "")
    return PackageMeta(d.get("name", ""), d.get("title", ""), d.get("description", ""), version, date, entry is not None,
                       licence.get("name", ""), licence.get("title", licence.get("name", "")), licence.get("path", ""),
                       zh.strip(), (en or zh).strip(), homepage, list(d.get("keywords", [])))


def write_package_xlsx(target: Path, model: Model, meta: PackageMeta, epoch: int) -> None:
    readme_rows = [
        ["说明 / Description", meta.description],
        ["版本 / Version", meta.version],
        ["发布日期 / Release date", meta.date],
        ["许可 / Licence", f"{meta.licence_title} ({meta.licence_name}) {meta.licence_url}".strip()],
        ["引用 / Cite as", meta.citation_zh],
        ["", meta.citation_en],
        ["发布者 / Publisher", f"{meta.publisher_zh} / {meta.publisher_en}" if meta.publisher_en != meta.publisher_zh else meta.publisher_zh],
        ["字段说明 / Fields", "各表第 1 行为字段名，字段说明见其批注和网站“数据字典”页 / Row 1 of each sheet holds the field names; "
                             "hover for descriptions, or see the data dictionary page"],
        ["金额 / Money", "amount_yuan 为整数元；amount_raw 照录原文 / amount_yuan is integer yuan; amount_raw is the amount as printed"],
        [],
        ["工作表 / Sheet", "标题 / Title", "行数 / Rows", "说明 / Description"],
    ]
    table_header = len(readme_rows)  # its index in [header] + rows
    titles = {r["name"]: r for r in model.descriptor.get("resources", [])}
    for table, rows in model.tables.items():
        res = titles.get(table, {})
        description = res.get("description", "")
        if len(rows) >= sheet_rows.MAX_ROWS:  # the sheet cannot hold them all: say so where the reader looks
            description = (f"注意：本表 {len(rows):,} 行，超过 Excel 一个工作表的上限，工作表只含前 {sheet_rows.MAX_ROWS - 1:,} 行；"
                           f"完整数据见 CSV、JSON 或 SQLite。/ Excel holds {sheet_rows.MAX_ROWS - 1:,} rows of this "
                           f"table's {len(rows):,}; the CSV, JSON and SQLite files have them all. {description}")
        readme_rows.append([table, res.get("title", ""), len(rows), description])
    readme = Sheet("README", ["数据包 / Package", meta.title], readme_rows, bold_rows=(0, table_header),
                   freeze=False, max_width=90)
    sheets = [readme] + [table_sheet(model.schemas[t], t, rows, with_comments=True) for t, rows in model.tables.items()]
    write_workbook(str(target), sheets, epoch, title=meta.title, creator=meta.publisher_en or meta.publisher_zh)


PACKAGE_WRITERS = {  # file name -> writer(target path, model, meta, epoch), in ARTEFACTS order
    "datapackage.zip": write_package_zip,
    f"{BASENAME}.xlsx": write_package_xlsx,
    f"{BASENAME}.json": write_package_json,
    f"{BASENAME}.sqlite": write_package_sqlite,
}


def write_package_downloads(model: Model, meta: PackageMeta, epoch: int, folder: Path,
                            names: list[str] | None = None) -> dict[str, Path]:
    """The four whole-package artefacts (or those named) written into folder, each streamed to its
    file (at 250,000 rows, building them as bytes would hold several hundred MB at once)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, write in PACKAGE_WRITERS.items():
        if names is not None and name not in names:
            continue
        write(folder / name, model, meta, epoch)
        paths[name] = folder / name
    return paths


# -- the same artefacts from the package files, row by row ---------------------------------------
def typed_csv_rows(lines, schema: dict):
    """The typed rows of a CSV (an open file or any iterable of its lines, header first), read as
    the model reads them (model.convert), one at a time; a cell a short row lacks reads as ""."""
    from fundsite.model import convert

    kinds = [(f["name"], f.get("type", "string")) for f in schema["fields"]]
    reader = csv.reader(lines)
    header = next(reader, [])
    for record in reader:
        raw = dict(zip(header, record))
        yield {name: convert(raw.get(name, ""), kind) for name, kind in kinds}


class CsvRows(Sequence):
    """A table's typed rows read from its CSV file, each time it is walked: one row in memory
    at a time. Read as the model reads them (model.convert), so the artefacts are the same."""

    def __init__(self, path: Path, schema: dict):
        self.path, self.schema = path, schema
        with open(path, encoding="utf-8", newline="") as fh:
            self._len = max(sum(1 for _ in csv.reader(fh)) - 1, 0)

    def __len__(self) -> int:
        return self._len

    def __iter__(self):
        with open(self.path, encoding="utf-8", newline="") as fh:
            yield from typed_csv_rows(fh, self.schema)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1) or (index.start or 0) != 0:
            raise TypeError("CsvRows reads from the start: use iteration or rows[:n]")
        return list(itertools.islice(iter(self), index.stop))


@dataclass
class PackageFiles:
    """What the download writers read of a model, taken from a validated package's files."""

    root: Path
    descriptor: dict
    schemas: dict
    tables: dict
    source_texts: dict

    @classmethod
    def open(cls, root: Path, source_names: list[str] = ()) -> "PackageFiles":
        root = Path(root)
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        schemas, tables = {}, {}
        for resource in descriptor.get("resources", []):
            schema = resource.get("schema")
            if isinstance(schema, str):
                schema = json.loads((root / schema).read_text(encoding="utf-8"))
            schemas[resource["name"]] = schema
            tables[resource["name"]] = CsvRows(root / resource["path"], schema)
        texts = {name: (root / "sources" / name).read_text(encoding="utf-8") for name in source_names}
        return cls(root, descriptor, schemas, tables, texts)


def write_downloads_from_files(root: Path, folder: Path, source_names: list[str] = (),
                               unreleased: bool = False, names: list[str] | None = None) -> dict[str, Path]:
    """The whole-package artefacts of the validated package at root (those named in names, else
    all), streamed from its files (what the build's downloads jobs run: they never hold a table
    in memory)."""
    from fundsite.releases import read_log

    package = PackageFiles.open(root, source_names)
    meta = package_meta(package, read_log(root), unreleased)
    return write_package_downloads(package, meta, source_epoch(package.descriptor), folder, names)


def build_package_downloads(model: Model, meta: PackageMeta, epoch: int) -> dict[str, bytes]:
    """{file name: bytes} of the four whole-package artefacts (in memory: for tests and small packages)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fundsite-downloads-") as tmp:
        return {name: path.read_bytes() for name, path in write_package_downloads(model, meta, epoch, Path(tmp)).items()}
