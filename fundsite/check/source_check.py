"""Raw values stand verbatim in their source text, for sources kept in the package.

Every document's text is kept in <package>/sources/<source_file> (the five seed
documents, and each new notice: scripts/new_notice.py copies it there), so the build
checks that every *_raw field, raw_text and goal_text was copied, not retyped; the
site publishes the texts (sources/<file>/) and every provenance links to its lines.
"""
from __future__ import annotations

import re
from pathlib import Path

from fundsite.load import leaves_package
from fundsite.model import Model
from fundsite.problems import Problem, quoted
from fundsite.check.verbatim import RAW_FIELDS, SourceTexts

SOURCES_DIR = "sources"
SOURCE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*\.txt")


def _document_of(model: Model, table: str, row: dict) -> dict | None:
    doc_id = row.get("document_id")
    if doc_id is None and "plan_id" in row:
        plan = model.get("plans", row["plan_id"])
        doc_id = plan["document_id"] if plan else None
    if doc_id is None and "task_id" in row:
        task = model.get("plan_tasks", row["task_id"])
        plan = model.get("plans", task["plan_id"]) if task else None
        doc_id = plan["document_id"] if plan else None
    return model.get("documents", doc_id) if doc_id else None


def read_source_texts(model: Model, package_dir: Path, display: str) -> list[Problem]:
    """Read the source texts the documents name into model.source_texts; problems for a text
    (or the sources folder) that leads out of the package through a symbolic link, or that is
    not UTF-8. A document whose text is not kept in the package is checked against nothing."""
    root = Path(package_dir)
    folder = root / SOURCES_DIR
    if not folder.is_dir():
        return []
    if leaves_package(root, SOURCES_DIR):
        return [Problem(f"{display}/{SOURCES_DIR}", 0, "-", "package-error",
                        "the sources folder leads out of the package folder through a symbolic link")]
    problems = []
    for doc in model.rows("documents"):
        name = doc.get("source_file")
        if name and not SOURCE_NAME.fullmatch(name):  # whatever a package's schema allows: it becomes a path
            problems.append(Problem(model.paths["documents"], doc["_line"], "source_file", "invalid-id",
                                    f"{quoted(name)} is not a file name in {SOURCES_DIR}/ (letters, digits, _ and -, ending .txt)"))
    if problems:
        return problems
    for name in sorted({d["source_file"] for d in model.rows("documents") if d.get("source_file")}):
        path, display = folder / name, f"{display}/{SOURCES_DIR}/{name}"
        if not path.is_file():
            continue
        if leaves_package(root, f"{SOURCES_DIR}/{name}"):
            problems.append(Problem(display, 0, "-", "package-error",
                                    "the source text leads out of the package folder through a symbolic link"))
            continue
        try:
            model.source_texts[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(display, 0, "-", "encoding-error", "the source text is not UTF-8: save it as UTF-8"))
    return problems


def check_sources(model: Model, package_dir: Path, display: str) -> list[Problem]:
    problems = read_source_texts(model, package_dir, display)
    if problems:
        return problems
    texts = SourceTexts.of(model.source_texts)
    for table, fields in RAW_FIELDS.items():
        for row in model.rows(table):
            doc = _document_of(model, table, row)
            if doc is None or doc["source_file"] not in model.source_texts:
                continue
            for field in fields:
                value = row.get(field)
                if value and not texts.contains(doc["source_file"], str(value)):
                    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
                    problems.append(Problem(model.paths[table], row["_line"], field, "not-verbatim",
                                            f'"{shown}" does not stand in the source text {SOURCES_DIR}/{doc["source_file"]}'))
                elif field in WHOLE_NUMBER_FIELDS and value and not _printed_whole(model.source_texts[doc["source_file"]], str(value)):
                    problems.append(Problem(model.paths[table], row["_line"], field, "not-verbatim",
                                            f'"{value}" stands in the source text {SOURCES_DIR}/{doc["source_file"]} only as part '
                                            f"of a longer number (e.g. with more decimals): copy the amount as printed"))
    problems.extend(_check_within_lines(model, texts))
    problems += check_footnotes(model)
    return problems


# Fields that must stand within their row's own source_lines, not just somewhere in the text:
# a budget code sentence (the same code is printed by the notice and by its attachment), and
# the codes a stated total filters its rows by (the codes printed on that row of the table).
LINE_BOUND_FIELDS = {"budget_subjects": ("raw_text", "code"),
                     "stated_totals": ("function_code", "dept_econ_code", "gov_econ_code")}


def _lines_label(source_lines: str) -> str:
    return f"line {source_lines}" if source_lines.isdigit() else f"lines {source_lines}"


def lines_text(text: str, source_lines: str) -> str | None:
    """The lines a source_lines value names ("24-25", "6,8"), in order; None if one lies outside the text."""
    lines = text.split("\n")
    parts = []
    for span in source_lines.split(","):
        first, _, last = span.partition("-")
        start, end = int(first), int(last or first)
        if not 1 <= start <= end <= len(lines):
            return None
        parts.append("\n".join(lines[start - 1:end]))
    return "\n".join(parts)


def _check_within_lines(model: Model, texts: SourceTexts) -> list[Problem]:
    problems = []
    for table, fields in LINE_BOUND_FIELDS.items():
        for row in model.rows(table):
            doc = _document_of(model, table, row)
            if doc is None or doc["source_file"] not in model.source_texts or not row.get("source_lines"):
                continue
            text = model.source_texts[doc["source_file"]]
            span = lines_text(text, row["source_lines"])
            if span is None:
                problems.append(Problem(model.paths[table], row["_line"], "source_lines", "not-verbatim",
                                        f'"{row["source_lines"]}" names lines that are not in the source text {SOURCES_DIR}/{doc["source_file"]} '
                                        f'({len(text.split(chr(10)))} lines)'))
                continue
            lines = SourceTexts.of({"span": span})
            for field in fields:
                value = row.get(field)
                if not value or lines.contains("span", str(value)):
                    continue
                if field not in RAW_FIELDS.get(table, ()) or texts.contains(doc["source_file"], str(value)):  # else reported above
                    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
                    problems.append(Problem(model.paths[table], row["_line"], field, "not-verbatim",
                                            f'"{shown}" does not stand in {_lines_label(row["source_lines"])} of the source text '
                                            f'{SOURCES_DIR}/{doc["source_file"]}'))
    return problems


# The stored text of each table whose footnote marks glossary_marks.csv links to their entries.
FOOTNOTE_FIELDS = {"plan_tasks": ("task_id", "text"), "plan_indicators": ("plan_indicator_id", "raw_text")}


def check_footnotes(model: Model) -> list[Problem]:
    """Footnote marks (<sup>n</sup>) are data read from the source, never typed: glossary_marks
    links exactly the marks each stored text covers in the source (fundsite/check/footnotes.py),
    each to an entry of the row's own document, on the line that prints the mark; and a glossary
    entry's mark_lines are exactly the lines that print its mark."""
    from fundsite.check.footnotes import MarkedSource, line_numbers

    problems, marked = [], {}

    def source_of(doc):
        name = doc["source_file"] if doc else None
        if name not in model.source_texts:
            return None
        if name not in marked:
            marked[name] = MarkedSource(model.source_texts[name])
        return marked[name]

    entries = {g["glossary_id"]: g for g in model.rows("glossary")}
    by_number = {(g["document_id"], g["footnote"]): g for g in entries.values()}
    links: dict[tuple[str, str], list[dict]] = {}
    for link in model.rows("glossary_marks"):
        links.setdefault((link["table_name"], link["row_id"]), []).append(link)
    read_by_row = {}
    for table, (key, field) in FOOTNOTE_FIELDS.items():
        for row in model.rows(table):
            doc = _document_of(model, table, row)
            source = source_of(doc)
            if source is None:
                continue
            read = source.marks_in(row.get(field), row.get("source_lines"))
            read_by_row[(table, row[key])] = (doc, read)
            if not any(g["document_id"] == doc["document_id"] for g in entries.values()):
                continue  # the package keeps no glossary of this document (releases up to 1.2.0): nothing to link to
            linked = {entries[link["glossary_id"]]["footnote"] for link in links.get((table, row[key]), [])
                      if link["glossary_id"] in entries}
            for mark in read:
                if mark.n not in linked:
                    entry = by_number.get((doc["document_id"], mark.n))
                    what = f"entry {entry['glossary_id']}" if entry else "an entry glossary.csv does not have"
                    problems.append(Problem(model.paths[table], row["_line"], field, "footnote-error",
                                            f"{field} carries the footnote mark {mark.n} (line {mark.line} of "
                                            f"{SOURCES_DIR}/{doc['source_file']}): link it to {what} in glossary_marks.csv"))
    for link in model.rows("glossary_marks"):
        entry = entries.get(link["glossary_id"])
        table, row_id = link["table_name"], link["row_id"]
        key = FOOTNOTE_FIELDS[table][0] if table in FOOTNOTE_FIELDS else None
        row = model.get(table, row_id) if key else None
        if entry is None:
            continue  # the schema's foreign key reports it
        if row is None:
            problems.append(Problem(model.paths["glossary_marks"], link["_line"], "row_id", "foreign-key",
                                    f'"{row_id}" is not in {table}'))
            continue
        doc = _document_of(model, table, row)
        if doc is None or doc["document_id"] != entry["document_id"]:
            problems.append(Problem(model.paths["glossary_marks"], link["_line"], "glossary_id", "consistency-error",
                                    f"{link['glossary_id']} is an entry of {entry['document_id']}, but {table} {row_id} "
                                    f"is from {doc['document_id'] if doc else 'no document'}"))
            continue
        if (table, row_id) not in read_by_row:
            continue  # no source text kept: nothing to read the marks from
        lines = {mark.line for mark in read_by_row[(table, row_id)][1] if mark.n == entry["footnote"]}
        if not lines:
            problems.append(Problem(model.paths["glossary_marks"], link["_line"], "glossary_id", "footnote-error",
                                    f"the {FOOTNOTE_FIELDS[table][1]} of {table} {row_id} carries no footnote mark "
                                    f"{entry['footnote']} in {SOURCES_DIR}/{doc['source_file']}"))
        elif line_numbers(link["source_lines"]) != lines:
            problems.append(Problem(model.paths["glossary_marks"], link["_line"], "source_lines", "footnote-error",
                                    f"footnote mark {entry['footnote']} of {row_id} stands on line "
                                    f"{','.join(map(str, sorted(lines)))}, not {quoted(link['source_lines'])}"))
    for entry in model.rows("glossary"):
        source = source_of(model.get("documents", entry["document_id"]))
        if source is None:
            continue
        printed = sorted({line for _, n, line in source.marks if n == entry["footnote"]})
        if printed != sorted(line_numbers(entry.get("mark_lines"))):
            shown = ",".join(map(str, printed)) or "none"
            problems.append(Problem(model.paths["glossary"], entry["_line"], "mark_lines", "footnote-error",
                                    f"footnote {entry['footnote']} is marked on lines {shown} of the source text, "
                                    f"not {quoted(entry.get('mark_lines') or '')}"))
    return problems


# Amounts as printed: found as a whole number in the text, not as the start of a longer one
# ("50.6" inside "50.60" would pass the verbatim check, which ignores how the text is spaced).
WHOLE_NUMBER_FIELDS = {"amount_raw"}
_PLAIN_NUMBER = re.compile(r"[\d,]+(\.\d+)?")


def _printed_whole(text: str, value: str) -> bool:
    if not _PLAIN_NUMBER.fullmatch(value):
        return True  # not a plain number: the verbatim check is the whole check
    return re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d]|[.,]\d)", text) is not None
