"""What applying a review changes, value by value, and which pages of the site it touches.

`apply --dry-run` prints it and `apply` prints it too; both write it to
review/<id>/changes.html, so the maintainer sees every value that will be added,
changed (old → new, field by field) or removed before anything is published.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from fundsite import urls
from fundsite.kinds import BY_TABLE
from fundsite.releases import diff_tables, row_key, tables_of

# Fields through which a row shows on another entity's page: a changed allocation changes its
# project's, its recipient unit's and its district's pages, and its document's.
SHOWN_ON = {"document_id": "documents", "project_id": "projects", "recipient_unit_id": "units",
            "department_unit_id": "units", "issuer_unit_id": "units", "region_id": "regions",
            "plan_id": "plans", "fund_id": "funds", "concept_id": "concepts"}


@dataclass
class Changes:
    lines: list[str] = field(default_factory=list)  # "+ allocations cz-a01: amount_raw='50.00', …", "~ …: f: 'a' → 'b'"
    pages: list[str] = field(default_factory=list)  # site addresses that will change, sorted
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def value_changes(old_root: Path, new_root: Path) -> Changes:
    """Compare the package at old_root with the validated working copy at new_root."""
    from fundsite.load import load_package

    old, _ = load_package(old_root, "old")
    new, _ = load_package(new_root, "new")
    before, after = tables_of(old), tables_of(new)
    changes = Changes()
    pages: set[str] = set()
    for diff in diff_tables(before, after):
        if diff.empty:
            continue
        changes.counts[diff.table] = diff.counts()
        old_rows = {row_key(r, diff.primary_key): r for r in before.get(diff.table, ({}, []))[1]}
        new_rows = {row_key(r, diff.primary_key): r for r in after.get(diff.table, ({}, []))[1]}
        for key in diff.added:
            row = new_rows[key]
            changes.lines.append(f"+ {diff.table} {key}: " + _some_values(row, diff.primary_key))
            pages |= _pages_of(diff.table, row)
        for change in diff.changed:
            key = change["key"]
            for name in change["fields"]:
                changes.lines.append(f"~ {diff.table} {key}: {name}: {old_rows[key].get(name, '')!r} → "
                                     f"{new_rows[key].get(name, '')!r}")
            pages |= _pages_of(diff.table, new_rows[key]) | _pages_of(diff.table, old_rows[key])
        for key in diff.removed:
            row = old_rows[key]
            changes.lines.append(f"- {diff.table} {key}: " + _some_values(row, diff.primary_key))
            pages |= _pages_of(diff.table, row)
    changes.pages = sorted(pages)
    return changes


def _some_values(row: dict, key: list[str]) -> str:
    """Every value the row holds, after its key: an added row is reviewed whole."""
    return ", ".join(f"{name}={value!r}" for name, value in row.items() if value and name not in key)


def _pages_of(table: str, row: dict) -> set[str]:
    """The row's own page (if its kind has pages), the section index, and every entity page it shows on."""
    found = set()
    kind = BY_TABLE.get(table)
    if kind is not None and row.get(kind.key):
        found |= {urls.page_url(table, row[kind.key]), urls.index_url(table)}
    for column, target in SHOWN_ON.items():
        if row.get(column) and target in BY_TABLE and target != table:
            found.add(urls.page_url(target, row[column]))
    return found


def write_changes_html(path: Path, changes: Changes, title: str) -> None:
    esc = html.escape
    rows = "".join(f"<tr class=\"{'add' if line[0] == '+' else 'del' if line[0] == '-' else 'mod'}\"><td><code>"
                   f"{esc(line)}</code></td></tr>" for line in changes.lines)
    counts = "".join(f"<li><code>{esc(t)}</code>：新增 {c['added']}，修改 {c['changed']}，删除 {c['removed']}</li>"
                     for t, c in changes.counts.items())
    pages = "".join(f"<li><code>{esc(p)}</code></li>" for p in changes.pages)
    path.write_text(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
        "<style>body{font-family:system-ui,\"Noto Sans CJK SC\",sans-serif;margin:2rem;max-width:80rem}"
        "td{border-bottom:1px solid #ddd;padding:.2rem .4rem;word-break:break-all}.add{background:#e8f5e9}"
        ".del{background:#ffebee}.mod{background:#fffde7}</style></head><body>"
        f"<h1>{esc(title)}</h1><h2>各表行数变化</h2><ul>{counts or '<li>没有变化</li>'}</ul>"
        f"<h2>逐值变化（+ 新增，~ 修改：原值 → 新值，- 删除）</h2><table>{rows}</table>"
        f"<h2>将会变化的页面（{len(changes.pages)}）</h2><ul>{pages}</ul></body></html>\n",
        encoding="utf-8")
