"""Checks beyond the Table Schema: arithmetic, reconciliation, links between tables.

Each rule yields Problems; the build runs them only when every table passed
its schema, so rules can rely on typed values.
"""
from __future__ import annotations

import re
import unicodedata
from operator import itemgetter
from decimal import Decimal, InvalidOperation

from fundsite.budget_codes import TRANSFER_ECON_CODE, code_checks
from fundsite.formatting import format_wan, raw_decimals
from fundsite.kinds import KINDS
from fundsite.model import KEYS, Model
from fundsite.package_profile import FIRST_YEAR, LAST_YEAR, WEB_ADDRESS
from fundsite.problems import Problem, quoted
from fundsite.check.raw_agreement import disagreements
from fundsite.check.comparable import NO_TARGET_PLACEHOLDERS, check_families, check_normalised, check_reach
from fundsite.reconcile import covers_whole_document, reconcile_all

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids become folder and file names ("files/plan-indicators/<id>.xlsx"): short
# enough for every file system and every URL, and never the name of a section's index page.
MAX_ID_CHARS = 64
RESERVED_IDS = {"index"}
WINDOWS_RESERVED = re.compile(r"con|prn|aux|nul|com[0-9]|lpt[0-9]")
# C0 and C1 controls, and the bidirectional controls that reorder what a reader sees.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNIT_FACTOR = {"元": 1, "万元": 10000}
# Fields the pages turn into links: a web address only, never javascript: or data: (package_profile.py holds the rule, for the descriptor too).
LINK_FIELDS = {"documents": ["source_url"]}
RAW_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")


def _problem(model: Model, table: str, row: dict, field: str, kind: str, message: str) -> Problem:
    return Problem(model.paths[table], row["_line"], field, kind, message)


def raw_amount_in_yuan(raw: str, unit: str) -> int | None:
    """The yuan value of a printed amount like "1,888.93" 万元, or None if unreadable."""
    text = raw.strip()
    if not RAW_NUMBER.match(text) or unit not in UNIT_FACTOR:
        return None
    try:
        value = Decimal(text.replace(",", "")) * UNIT_FACTOR[unit]
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


def check_amounts(model: Model):
    """amount_yuan must be exactly the printed amount in the printed unit."""
    for table in ("allocations", "stated_totals"):
        for row in model.rows(table):
            expected = raw_amount_in_yuan(row["amount_raw"], row["amount_unit_raw"])
            if expected is None:
                yield _problem(model, table, row, "amount_raw", "amount-error",
                               f'"{row["amount_raw"]}" is not a plain amount in {row["amount_unit_raw"]} (digits, optional thousands commas and decimals)')
            elif expected != row["amount_yuan"]:
                yield _problem(model, table, row, "amount_yuan", "amount-mismatch",
                               f'amount_raw "{row["amount_raw"]}" {row["amount_unit_raw"]} is {expected} yuan, not {row["amount_yuan"]}')


def check_money_unit(model: Model):
    """Within one document every amount is printed in the document's unit."""
    for table in ("allocations", "stated_totals"):
        for row in model.rows(table):
            doc = model.get("documents", row["document_id"])
            if doc and doc.get("money_unit_raw") and row["amount_unit_raw"] != doc["money_unit_raw"]:
                yield _problem(model, table, row, "amount_unit_raw", "unit-error",
                               f'{row["document_id"]} prints amounts in {doc["money_unit_raw"]}, not {row["amount_unit_raw"]}')

    for doc in model.rows("documents"):
        if not doc["states_amounts"] and any(a["document_id"] == doc["document_id"] for a in model.rows("allocations")):
            yield _problem(model, "documents", doc, "states_amounts", "consistency-error",
                           "the document is marked as stating no amounts but has allocation rows")


def _check_value(model, table, row, operator_field, value_field, text_field, max_field=None):
    operator = row[operator_field]
    if operator == "none":  # no target printed: nothing parsed from it
        for field in (value_field, max_field, text_field):
            if field and row.get(field) is not None:
                yield _problem(model, table, row, field, "value-error",
                               f"operator 'none' (no target printed) but {field} is {quoted(row[field])}: leave it empty")
        return
    if operator == "text":
        if not row.get(text_field):
            yield _problem(model, table, row, text_field, "value-error", "operator is 'text' but the text value is empty")
        elif row[text_field].strip() in NO_TARGET_PLACEHOLDERS:
            yield _problem(model, table, row, operator_field, "value-error",
                           f"{quoted(row[text_field])} is a placeholder, not a target: code the row operator 'none' "
                           "(no target printed) and keep what is printed in the raw column")
    elif row.get(value_field) is None:
        yield _problem(model, table, row, value_field, "value-error", f"operator '{operator}' needs a numeric value")
    if max_field and operator == "range":
        high = row.get(max_field)
        if high is None:
            yield _problem(model, table, row, max_field, "value-error", "operator 'range' needs value_max")
        elif row.get(value_field) is not None and high < row[value_field]:
            yield _problem(model, table, row, max_field, "value-error", f"value_max {high} is below value {row[value_field]}")


def check_values(model: Model):
    """Every indicator has a numeric value or a text value, matching its operator."""
    for row in model.rows("indicators"):
        yield from _check_value(model, "indicators", row, "operator", "value", "value_text", "value_max")
        alloc = model.get("allocations", row.get("allocation_id"))
        if alloc and alloc["project_id"] != row["project_id"]:
            yield _problem(model, "indicators", row, "allocation_id", "consistency-error",
                           f'allocation {alloc["allocation_id"]} belongs to project {alloc["project_id"]}, not {row["project_id"]}')
    for row in model.rows("plan_indicators"):
        # A row states a target, a result (the previous plan's results in 002's chapter 1), or both.
        if row.get("target_raw") or row.get("target_operator"):
            if not row.get("target_operator"):
                yield _problem(model, "plan_indicators", row, "target_operator", "value-error",
                               "a target needs its operator (≥, =, text, rank…)")
            else:
                yield from _check_value(model, "plan_indicators", row, "target_operator", "target_value", "target_raw")
        elif not row.get("actual_raw"):
            yield _problem(model, "plan_indicators", row, "target_raw", "value-error",
                           "the row states neither a target (target_raw) nor a result (actual_raw)")


def check_raw_agreement(model: Model):
    """Value, operator and unit of every indicator and plan target say what their raw text says."""
    for row in model.rows("indicators"):
        for field, message in disagreements(row["operator"], row.get("operator_raw"), row.get("value"),
                                            row.get("value_max"), row.get("unit"), row["value_raw"]):
            yield _problem(model, "indicators", row, field, "raw-mismatch", message)
    for row in model.rows("plan_indicators"):
        for part in ("target", "actual"):
            if not row.get(f"{part}_raw") or row.get(f"{part}_value") is None:
                continue
            operator = row["target_operator"] if part == "target" else "="  # a result is the number printed
            for field, message in disagreements(operator, None, row[f"{part}_value"], None, row.get("unit"), row[f"{part}_raw"]):
                yield _problem(model, "plan_indicators", row, "unit" if field == "unit" else f"{part}_{field}", "raw-mismatch", message)


def check_totals(model: Model):
    """Every stated total equals the sum of its rows, unless a quality note explains why not."""
    for rec in reconcile_all(model):
        total = rec.total
        if rec.ok or total.get("quality_note_id"):
            continue
        sign = "+" if rec.difference > 0 else "-"
        places = raw_decimals(total["amount_raw"]) if total["amount_unit_raw"] == "万元" else None
        yield _problem(model, "stated_totals", total, "amount_yuan", "total-mismatch",
                       f'{total["label_raw"]} {format_wan(total["amount_yuan"], places)}万元 but its {rec.row_count} {"row sums" if rec.row_count == 1 else "rows sum"} to '
                       f'{format_wan(rec.rows_sum, places)}万元 (difference {sign}{format_wan(abs(rec.difference), places)}万元)')


def check_ids(model: Model):
    """Ids that become paths are safe slugs, whatever the schema says."""
    for table, key in ((kind.table, kind.key) for kind in KINDS):  # ids that become URL paths
        for row in model.rows(table):
            value = row.get(key)
            if value is None:
                continue
            if not SLUG.match(value):
                yield _problem(model, table, row, key, "invalid-id",
                               f"{quoted(value)} is not a valid id: use lowercase letters a-z, digits 0-9 and single hyphens")
            elif len(value) > MAX_ID_CHARS:
                yield _problem(model, table, row, key, "invalid-id",
                               f"{quoted(value)} is too long for an id (at most {MAX_ID_CHARS} characters)")
            elif value in RESERVED_IDS:
                yield _problem(model, table, row, key, "invalid-id",
                               f'"{value}" is reserved: the page would replace the index page of its section')
            elif WINDOWS_RESERVED.fullmatch(value):
                yield _problem(model, table, row, key, "invalid-id",
                               f'"{value}" is a device name on Windows: a folder or file of that name cannot be made there')


EXACT_INTEGER = 2**53 - 1  # the largest integer JSON readers and spreadsheets hold exactly


def check_integer_bounds(model: Model):
    """Integers a reader's tools hold exactly: within ±(2^53 − 1) (JavaScript, Excel; SQLite's int64 is wider)."""
    for table, rows in model.tables.items():
        for field in (f["name"] for f in model.schemas[table]["fields"] if f.get("type") == "integer"):
            values = [row[field] for row in rows if row.get(field) is not None]
            if values and max(values) <= EXACT_INTEGER and min(values) >= -EXACT_INTEGER:
                continue
            for row in rows:
                value = row.get(field)
                if value is not None and abs(value) > EXACT_INTEGER:
                    yield _problem(model, table, row, field, "number-error",
                                   f"{quoted(value)} is too large to be held exactly by spreadsheets and JSON readers "
                                   f"(at most {EXACT_INTEGER:,})")


# Fields that hold a year or a date. Anything before the People's Republic or after the
# century is a typo (0, 99999, -2024) that would pass as an integer and sort a page wrong.
YEAR_FIELDS = {"documents": ["year", "issue_date"], "funds": ["year"], "budget_subjects": ["year"], "plans": ["period_start", "period_end"],
               "plan_indicators": ["baseline_year", "target_year", "actual_year"]}


def check_years(model: Model):
    for table, fields in YEAR_FIELDS.items():
        for row in model.rows(table):
            for name in fields:
                value = row.get(name)
                year = getattr(value, "year", value)  # a date, or a year
                if isinstance(year, int) and not FIRST_YEAR <= year <= LAST_YEAR:
                    yield _problem(model, table, row, name, "constraint-error",
                                   f"{quoted(value)} lies outside the years {FIRST_YEAR}–{LAST_YEAR}")


def check_periods(model: Model):
    """Years in order: a plan ends no earlier than it starts; an indicator's target comes after
    its baseline. (A target may lie outside its plan's period: 专栏1 states the previous plan's
    results for 2020.)"""
    for row in model.rows("plans"):
        start, end = row.get("period_start"), row.get("period_end")
        if start is not None and end is not None and end < start:
            yield _problem(model, "plans", row, "period_end", "period-error",
                           f"the plan ends ({end}) before it starts ({start})")
    for row in model.rows("plan_indicators"):
        baseline, target = row.get("baseline_year"), row.get("target_year")
        if baseline is not None and target is not None and target <= baseline:
            yield _problem(model, "plan_indicators", row, "target_year", "period-error",
                           f"target year {target} is not after the baseline year {baseline}")


# Names that say which place, unit, fund or plan a row is: two rows may not share one once
# widths and spaces are folded (广州市财政局 and ＂广州市 财政局＂ are one unit under two ids).
# Document titles may repeat (two bureaus each print a 项目支出绩效目标表), short names too.
UNIQUE_NAMES = {"regions": "name", "units": "name", "funds": "name", "plans": "name"}


# What a reader cannot see in a name: spaces of any width, zero-width spaces and joiners,
# the word joiner, the byte-order mark and the soft hyphen.
INVISIBLE = re.compile("[\\s\u200b-\u200d\u2060\ufeff\u00ad]+")


def check_name_uniqueness(model: Model):
    for table, field in UNIQUE_NAMES.items():
        if table not in model.tables:
            continue
        seen: dict[str, dict] = {}
        for row in model.rows(table):
            name = row.get(field)
            if not isinstance(name, str):
                continue
            folded = INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
            first = seen.setdefault(folded, row)
            if first is not row:
                yield _problem(model, table, row, field, "duplicate-name",
                               f"{quoted(name)} is the name of {first[KEYS[table]]} (line {first['_line']}) once widths, "
                               f"spaces and invisible characters are folded: one name, two ids")


def check_control_characters(model: Model):
    """Text holds no control characters: C0 and C1 controls break the feed's XML and terminals,
    bidi overrides (U+202E) show a text other than the one stored."""
    for table, rows in model.tables.items():
        fields = [f["name"] for f in model.schemas[table]["fields"] if f.get("type", "string") == "string"]
        for name in fields:
            if not CONTROL.search("".join(filter(None, map(itemgetter(name), rows)))):  # one search per column, in C
                continue
            for row in rows:
                found = CONTROL.search(row.get(name) or "")
                if found:
                    yield _problem(model, table, row, name, "text-error",
                                   f"{quoted(row[name])} holds the control character U+{ord(found.group()):04X}: remove it")


# A cell Excel or WPS would read as a formula when a journalist opens the CSV download:
# "=…", "@…", or "+"/"-" followed by anything but a plain number ("-5%" and a lone "-" are
# not formulas, "-1+cmd|…" is; a leading tab or carriage return is a control character,
# refused by check_control_characters). Refused rather than rewritten, so
# the downloads keep every cell exactly as stored.
FORMULA = re.compile(r"[=@]|[+-](?![\d.,]*%?$)")


def check_formula_cells(model: Model):
    """No text cell a spreadsheet would run. Columns with a closed list of values are exempt:
    their values are fixed by the schema (the operator "=" is not a formula)."""
    for table, rows in model.tables.items():
        fields = [f["name"] for f in model.schemas[table]["fields"]
                  if f.get("type", "string") == "string" and "enum" not in (f.get("constraints") or {})]
        for name in fields:
            if not any(row.get(name) and row[name][0] in "=@+-" for row in rows):  # one pass per column
                continue
            for row in rows:
                value = row.get(name)
                if value and FORMULA.match(value):
                    yield _problem(model, table, row, name, "text-error",
                                   f"{quoted(value)} starts with {quoted(value[0])}: a spreadsheet opening the CSV "
                                   "would read it as a formula; write the text without it, or put it after other text")


# Display names that stand for a printed one: the name may drop the printed numbering, spaces
# or trailing punctuation ("子项目3-零工市场" -> "零工市场"), or add a qualifier after it
# ("建设费用：…" for a printed "建设费用"), but one must hold the other once widths and spaces
# are folded. A page title with a typo its source does not have would otherwise publish.
NAMED_AFTER_RAW = {"projects": ("name", "name_raw"), "indicators": ("name", "name_raw")}


NAME_FOLDS = str.maketrans({"≧": "≥", "≦": "≤", "“": '"', "”": '"', "‘": "'", "’": "'"})


def _folded_name(text: str) -> str:
    """The deliberate normalisations of a printed name: widths (NFKC), spaces and invisible
    characters, ≧/≦ as ≥/≤, and quote marks whatever their direction (sources print ”…“)."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(NAME_FOLDS))


def check_names_against_raw(model: Model):
    explained = {(note["table_name"], note["row_id"], note["field_name"]) for note in model.rows("quality_notes")}
    for table, (name, raw) in NAMED_AFTER_RAW.items():
        key = KEYS[table]
        for row in model.rows(table):
            shown, printed = row.get(name), row.get(raw)
            if not shown or not printed or (table, row[key], name) in explained:
                continue
            a, b = _folded_name(shown), _folded_name(printed)
            if a not in b and b not in a:
                yield _problem(model, table, row, name, "raw-mismatch",
                               f"{quoted(shown)} is not the printed name {quoted(printed)} ({raw}) with its numbering, "
                               "spaces or punctuation dropped: correct it, or explain the difference in quality_notes.csv")


def check_links(model: Model):
    """A link made from data leads to a web page: a javascript: address would run when clicked."""
    for table, fields in LINK_FIELDS.items():
        for row in model.rows(table):
            for name in fields:
                if row.get(name) and not WEB_ADDRESS.match(row[name]):
                    yield _problem(model, table, row, name, "invalid-url",
                                   f"{quoted(row[name])} is not a web address (http:// or https://)")


def check_quality_note_targets(model: Model):
    for note in model.rows("quality_notes"):
        table = note["table_name"]
        if table in model.by_id and note["row_id"] not in model.by_id[table]:
            yield _problem(model, "quality_notes", note, "row_id", "foreign-key", f'"{note["row_id"]}" is not in {table}')


def check_glossary(model: Model):
    """A document numbers each glossary entry once: a footnote mark <sup>n</sup> leads to one entry."""
    seen = {}
    for row in model.rows("glossary"):
        key = (row["document_id"], row["footnote"])
        if key in seen:
            yield _problem(model, "glossary", row, "footnote", "duplicate-id",
                           f'footnote {row["footnote"]} of {row["document_id"]} is already entry {seen[key]}')
        else:
            seen[key] = row["glossary_id"]


PARENT_LINKS = (("projects", "project_id", "parent_project_id"), ("documents", "document_id", "parent_document_id"),
                ("regions", "region_id", "parent_region_id"), ("units", "unit_id", "parent_unit_id"),
                ("plan_tasks", "task_id", "parent_task_id"))
# The deepest the sources go is 3 (plan chapter, section, measure); every level is a nested
# section, breadcrumb and page list, so a chain of thousands (a parent column shifted by
# one row) would make a site of hundreds of megabytes.
MAX_DEPTH = 8


def check_cycles(model: Model):
    for table, key, parent in PARENT_LINKS:
        index = {row[key]: row for row in model.rows(table)}
        for row in model.rows(table):
            # Only rows on the loop are reported; a row whose ancestors run into it is not itself wrong.
            seen, current = set(), index.get(row[parent]) if row.get(parent) else None
            while current is not None and current[key] not in seen:
                if current[key] == row[key]:
                    yield _problem(model, table, row, parent, "cycle-error", f'"{row[key]}" is its own ancestor')
                    break
                seen.add(current[key])
                current = index.get(current[parent]) if current.get(parent) else None


def check_depth(model: Model):
    """Parent chains at most MAX_DEPTH deep; the first row past the limit on each chain is reported."""
    for table, key, parent in PARENT_LINKS:
        index = {row[key]: row for row in model.rows(table)}
        depth: dict[str, int] = {}

        def depth_of(row) -> int:
            chain, on_chain = [], set()  # walk up until a row whose depth is known, a root or a loop (check_cycles's)
            while row is not None and row[key] not in depth and row[key] not in on_chain:
                chain.append(row)
                on_chain.add(row[key])
                row = index.get(row[parent]) if row.get(parent) else None
            known = depth.get(row[key], 0) + 1 if row is not None and row[key] in depth else 0
            for item in reversed(chain):
                depth[item[key]] = known
                known += 1
            return depth[chain[0][key]] if chain else depth[row[key]]

        for row in model.rows(table):
            if depth_of(row) == MAX_DEPTH + 1:
                yield _problem(model, table, row, parent, "depth-error",
                               f'"{row[key]}" lies {MAX_DEPTH + 1} levels below its top row, deeper than the {MAX_DEPTH} allowed '
                               "(a parent column shifted by a row?)")


def check_concept_links(model: Model):
    """Each comparison link points at an existing indicator row, for the place that row is about."""
    for link in model.rows("concept_links"):
        table, key = link["table_name"], link["row_id"]
        row = model.get(table, key)
        if row is None:
            yield _problem(model, "concept_links", link, "row_id", "foreign-key", f'"{key}" is not in {table}')
            continue
        owner = model.get("plans", row["plan_id"]) if table == "plan_indicators" else model.get("projects", row["project_id"])
        what = f'plan {row["plan_id"]}' if table == "plan_indicators" else f'project {row["project_id"]}'
        if owner and owner.get("region_id") and owner["region_id"] != link["region_id"]:
            yield _problem(model, "concept_links", link, "region_id", "consistency-error",
                           f'"{link["region_id"]}" differs from the region of {what} ("{owner["region_id"]}")')


def _covers_flows(total: dict, fund: dict) -> bool:
    """The stated total is reconciled against exactly the fund's counted rows."""
    return total["rows_document_id"] == fund["counted_document_id"] and covers_whole_document(total)


def check_funds(model: Model):
    """One fund, one number: every allocation row is counted by exactly one fund or restates one
    (fund_views), and every view agrees with the flows it restates (see money.py)."""
    money = model.money
    for view in model.rows("fund_views"):
        if view["document_id"] in money.counting_fund:
            yield _problem(model, "fund_views", view, "document_id", "consistency-error",
                           f'"{view["document_id"]}" is the counted document of fund '
                           f'{money.counting_fund[view["document_id"]]["fund_id"]}: a document counts money or restates it, not both')
    for fund in model.rows("funds"):
        total = model.get("stated_totals", fund.get("total_id"))
        flows = money.flows_by_fund.get(fund["fund_id"], [])
        if not flows:
            yield _problem(model, "funds", fund, "counted_document_id", "consistency-error",
                           f'"{fund["counted_document_id"]}" has no allocation rows to count')
        elif (total is not None and money.total(fund) != total["amount_yuan"]
              and not _covers_flows(total, fund)):  # else check_totals reports it already
            yield _problem(model, "funds", fund, "total_id", "total-mismatch",
                           f'{fund["total_id"]} states {format_wan(total["amount_yuan"])}万元 but the {len(flows)} counted flows '
                           f'sum to {format_wan(money.total(fund))}万元')
    reported = set()
    for a in model.rows("allocations"):
        if money.fund_of(a) is None and a["document_id"] not in reported:
            reported.add(a["document_id"])
            yield _problem(model, "allocations", a, "document_id", "consistency-error",
                           f'"{a["document_id"]}" belongs to no fund: add it to funds.csv as the counted document of a new fund, '
                           "or to fund_views.csv if it restates money another document already counts")
    for agreement in money.agreements:
        view = agreement.view
        for a in agreement.strays:
            yield _problem(model, "allocations", a, "project_id", "consistency-error",
                           f'this row of view {view["document_id"]} matches no single counted flow of fund {view["fund_id"]} '
                           f'(project "{a["project_id"]}", recipient "{a["recipient_unit_id"]}")')
        if any(note["table_name"] == "fund_views" and note["row_id"] == view["document_id"]
               for note in model.rows("quality_notes")):
            continue  # a difference explained to readers, as for stated totals
        for line in agreement.lines:
            if line.ok:
                continue
            what = f'counted flow {line.flow["allocation_id"]}' if line.flow else f'fund {view["fund_id"]}'
            row = line.view_rows[0] if line.view_rows else None
            message = (f'view {view["document_id"]} gives {format_wan(line.view_yuan)}万元 for {what}, '
                       f'which counts {format_wan(line.counted_yuan)}万元')
            if row is not None:
                yield _problem(model, "allocations", row, "amount_yuan", "view-mismatch", message)
            else:
                yield _problem(model, "fund_views", view, "document_id", "view-mismatch", message)


def _squeezed(text: str) -> str:
    return INVISIBLE.sub("", text.replace(" … ", ""))


def check_budget_subjects(model: Model):
    """A notice's budget codes (budget_subjects) say what their raw text says, and the money it hands
    down is coded under them (see budget_codes.py): a function-coded allocation row of the notice or
    its attachments outside the stated expenditure code, and not an onward transfer, is a problem on
    its function_code, unless a quality note on that field explains it."""
    for row in model.rows("budget_subjects") if "budget_subjects" in model.tables else []:
        if _squeezed(row["code"] + row["name"]) not in _squeezed(row["raw_text"]):
            yield _problem(model, "budget_subjects", row, "code", "raw-mismatch",
                           f'code {row["code"]} and name {quoted(row["name"])} do not stand together in the raw text '
                           f'{quoted(row["raw_text"])}')
    explained = {note["row_id"] for note in model.rows("quality_notes")
                 if note["table_name"] == "allocations" and note.get("field_name") == "function_code"}
    reported = set()
    for check in code_checks(model):
        alloc, subject = check.allocation, check.subject
        if check.ok or alloc["allocation_id"] in explained or alloc["allocation_id"] in reported:
            continue
        reported.add(alloc["allocation_id"])
        code, stated = alloc["function_code"], f'{subject["code"]} {subject["name"]}'
        where = f'the expenditure code {subject["document_id"]} states (budget subject {subject["subject_id"]})'
        if code in check.transfer_codes:
            message = (f'"{code}" passes the money on to a lower government, but with the economic code '
                       f'{quoted(alloc.get("gov_econ_code") or "")}, not {TRANSFER_ECON_CODE}; else it must lie under {stated}, {where}')
        else:
            also = (f' nor an onward transfer {"/".join(check.transfer_codes)} (economic code {TRANSFER_ECON_CODE})'
                    if check.transfer_codes else "")
            message = f'"{code}" is not under {stated}{also}, {where}'
        yield _problem(model, "allocations", alloc, "function_code", "consistency-error", message)


RULES = (check_ids, check_control_characters, check_formula_cells, check_integer_bounds, check_links, check_amounts, check_money_unit, check_values, check_totals, check_quality_note_targets, check_glossary, check_cycles, check_depth,
         check_concept_links, check_funds, check_budget_subjects, check_raw_agreement, check_names_against_raw, check_years, check_periods, check_name_uniqueness,
         check_families, check_normalised, check_reach)


def check_rules(model: Model) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(model))
    return problems
