#!/usr/bin/env python3
"""How much of the curated package the drafter recovers unaided, seed by seed.

    python scripts/drafter_recovery.py            (prints a table; needs ../shared/seeds/)

For each seed the drafter of scripts/new_notice.py reads the text with no overrides and no
review; its rows are compared with the curated rows of the documents drawn from that seed.
A curated row counts as recovered when a drafted row has the same values in the fields that
carry the data (ids, locators and notes are left out: those are the maintainer's wording):

    projects         name, goal (绩效目标)
    allocations      recipient unit, region, amount in yuan, function code
    indicators       level 1 and 2, name, operator, value, upper bound, text value, unit, period, value as printed
    stated_totals    label, amount in yuan, and the region or funding column it covers
    plan_indicators  name, unit, baseline/target/actual as printed, target operator and value, cumulative
    plan_tasks       level, and the title (tasks) or the text (measures)
    plan_task_units  the measure's text, position, unit as printed, unit id

Each drafted row is matched once.  "precision" is the share of drafted rows that match a
curated row (the rest the maintainer deletes or corrects).  "fields" is the share of the
curated values above that the draft holds in the same field, row pairing aside: a row
missed for one wrong value still counts its other fields.
"""
from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundsite.draft.drafter import draft_document  # noqa: E402
from fundsite.draft.registry import Registry  # noqa: E402
from fundsite.paths import SEEDS  # noqa: E402

TABLES = ("projects", "allocations", "indicators", "stated_totals", "plan_indicators", "plan_tasks", "plan_task_units")


def _s(value) -> str:
    return re.sub(r"\s+", "", str(value or ""))


def _num(value) -> str:
    try:
        return format(float(str(value).replace(",", "")), "g") if str(value).strip() else ""
    except ValueError:
        return str(value)


def keys(table: str, rows: list[dict], tasks: dict[str, dict]) -> list[tuple]:
    out = []
    for r in rows:
        if table == "projects":
            out.append((_s(r["name"]), _s(r["goal_text"])))
        elif table == "allocations":
            out.append((r["recipient_unit_id"], r["region_id"], str(r["amount_yuan"]), r["function_code"]))
        elif table == "indicators":
            out.append((r["level1"], r["level2"], _s(r["name"]), r["operator"], _num(r["value"]), _num(r["value_max"]),
                        _s(r["value_text"]), r["unit"], r["period"], _s(r["value_raw"])))
        elif table == "stated_totals":
            out.append((_s(r["label_raw"]), str(r["amount_yuan"]), r["region_id"], r["funding_source"]))
        elif table == "plan_indicators":
            out.append((_s(r["name"]), r["unit"], _s(r["baseline_raw"]), _s(r["target_raw"]), _s(r["actual_raw"]),
                        r["target_operator"], _num(r["target_value"]), str(r["cumulative"]).lower()))
        elif table == "plan_tasks":
            out.append((r["level"], _s(r["text"]) if r["level"] == "measure" else _s(r["title"])))
        elif table == "plan_task_units":
            task = tasks.get(r["task_id"], {})
            out.append((_s(task.get("text", "")), str(r["position"]), r["unit_name_raw"], r["unit_id"]))
    return out


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def curated(package: Path, seed_file: str) -> dict[str, list[dict]]:
    data = package / "data"
    docs = {r["document_id"] for r in _read(data / "documents.csv") if r["source_file"] == seed_file}
    plans = {r["plan_id"] for r in _read(data / "plans.csv") if r["document_id"] in docs}
    out = {}
    for table in TABLES:
        rows = _read(data / f"{table}.csv")
        if table == "plan_task_units":
            tasks = {r["task_id"] for r in out["plan_tasks"]}
            out[table] = [r for r in rows if r["task_id"] in tasks]
        elif "plan_id" in rows[0]:
            out[table] = [r for r in rows if r["plan_id"] in plans]
        else:
            out[table] = [r for r in rows if r["document_id"] in docs]
    return out


def issuer_of(package: Path, seed_file: str) -> str:
    docs = [r for r in _read(package / "data" / "documents.csv") if r["source_file"] == seed_file]
    top = next((r for r in docs if not r["parent_document_id"]), docs[0])
    return top["issuer"]


def recovery(seed_path: Path, package: Path = ROOT / "datapackage") -> dict[str, dict[str, int]]:
    """{table: {"curated": n, "drafted": n, "matched": n}} for one seed, tables the seed has rows in."""
    registry = Registry.from_package(package)
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    meta = dict(document_id="draft", issuer=issuer_of(package, seed_path.name))
    draft = draft_document(lines, meta, registry, seed_path.name)
    truth = curated(package, seed_path.name)
    drafted_tasks = {r["task_id"]: r for r in draft.tables["plan_tasks"]}
    curated_tasks = {r["task_id"]: r for r in truth["plan_tasks"]}
    result = {}
    for table in TABLES:
        want = Counter(keys(table, truth[table], curated_tasks))
        got = Counter(keys(table, draft.tables[table], drafted_tasks))
        if not want and not got:
            continue
        result[table] = dict(curated=sum(want.values()), drafted=sum(got.values()), matched=sum((want & got).values()),
                             fields=field_recovery(keys(table, truth[table], curated_tasks),
                                                   keys(table, draft.tables[table], drafted_tasks)))
    return result


def field_recovery(want: list[tuple], got: list[tuple]) -> tuple[int, int]:
    """(fields recovered, fields curated): field by field, how many curated values the draft has
    in that field (as a multiset, whatever row they sit in). A row missed for one wrong value
    still counts its other fields: the figure says how much typing the draft saves."""
    if not want:
        return 0, 0
    found = sum(sum((Counter(w[i] for w in want) & Counter(g[i] for g in got)).values()) for i in range(len(want[0])))
    return found, len(want) * len(want[0])


def main() -> int:
    if not SEEDS.is_dir():
        print(f"no seeds at {SEEDS}")
        return 1
    total_c = total_m = 0
    print(f"{'seed':<6}{'table':<17}{'curated':>8}{'drafted':>8}{'matched':>8}{'recovered':>10}{'precision':>10}"
          f"{'fields':>9}")
    for seed in sorted(SEEDS.glob("*.txt")):
        figures = recovery(seed)
        c = sum(f["curated"] for f in figures.values())
        m = sum(f["matched"] for f in figures.values())
        d = sum(f["drafted"] for f in figures.values())
        for table, f in figures.items():
            rec = f"{f['matched'] / f['curated']:.0%}" if f["curated"] else "-"
            prec = f"{f['matched'] / f['drafted']:.0%}" if f["drafted"] else "-"
            found, total = f["fields"]
            fields = f"{found / total:.0%}" if total else "-"
            print(f"{seed.name[:3]:<6}{table:<17}{f['curated']:>8}{f['drafted']:>8}{f['matched']:>8}{rec:>10}{prec:>10}{fields:>9}")
        print(f"{seed.name[:3]:<6}{'ALL':<17}{c:>8}{d:>8}{m:>8}{m / c:>10.0%}{(m / d if d else 0):>10.0%}")
        total_c, total_m = total_c + c, total_m + m
    print(f"all seeds: {total_m} of {total_c} curated rows recovered unaided ({total_m / total_c:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
