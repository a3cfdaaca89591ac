"""Curation tool: append the fragment CSVs in datapackage/parts/<seed>/ to datapackage/data/.

Usage: python scripts/merge_parts.py 001 003 ...
Rows whose primary key is already in the table are skipped when identical and
reported when different, so running it twice changes nothing.
"""
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "datapackage"


def main(seeds: list[str]) -> int:
    descriptor = json.loads((PKG / "datapackage.json").read_text(encoding="utf-8"))
    keys = {}
    for res in descriptor["resources"]:
        keys[res["name"]] = json.loads((PKG / res["schema"]).read_text(encoding="utf-8"))["primaryKey"]
    conflicts = 0
    for seed in seeds:
        for frag in sorted((PKG / "parts" / seed).glob("*.csv")):
            table = frag.stem
            target = PKG / "data" / frag.name
            with open(target, encoding="utf-8", newline="") as fh:
                existing = list(csv.DictReader(fh))
            with open(target, encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            index = {tuple(r[k] for k in keys[table]): r for r in existing}
            with open(frag, encoding="utf-8", newline="") as fh:
                new = list(csv.DictReader(fh))
            added = 0
            for row in new:
                key = tuple(row[k] for k in keys[table])
                if key in index:
                    if index[key] != row:
                        print(f"{frag}: {key} differs from the row already in {target.name}")
                        conflicts += 1
                    continue
                existing.append(row)
                index[key] = row
                added += 1
            with open(target, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(existing)
            print(f"{seed}/{frag.name}: {added} rows added")
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
