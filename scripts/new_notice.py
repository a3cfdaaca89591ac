#!/usr/bin/env python3
"""Add a new notice to the data package: draft its rows, review them, apply them.

    python scripts/new_notice.py draft --text notice.txt --id cz-hrss-2024-18 \\
        --issuer 广州市从化区人力资源和社会保障局 --doc-number 从人社〔2024〕18号 \\
        --date 2024-07-15 --url https://…
        [instead of --text: --pdf notice.pdf, --docx notice.docx, --xlsx table.xlsx|.xls,
         or --ocr scan.pdf|scan.png (Tesseract; every row is then marked for checking)]
        -> review/<id>/: one CSV per table, every drafted row beside its source lines,
           with what the drafter could not read in the 待核问题 column; exits 1 when it found
           a table header but read no row under it

    python scripts/new_notice.py apply review/<id>
        -> merges the corrected rows into a copy of datapackage/, validates the copy exactly
           as build.py does, and only then writes datapackage/; problems point to the review files

Then `python build.py` publishes the site.  The maintainers' guide (site page 维护指南,
site_src/guide/index.md) walks through a whole addition.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundsite.draft.document import source_file_name  # noqa: E402
from fundsite.draft.drafter import draft_document  # noqa: E402
from fundsite.draft.ocr import REVIEW_NOTE, OcrUnavailable  # noqa: E402
from fundsite.draft.registry import Registry  # noqa: E402
from fundsite.draft.review import write_review  # noqa: E402
from fundsite.problems import summary  # noqa: E402

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="new_notice.py", description="Draft, review and apply a new notice.")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draft", help="draft rows from the notice text into a review folder")
    src = d.add_mutually_exclusive_group(required=True)
    src.add_argument("--text", help="the notice as UTF-8 text (the form of ../shared/seeds/)")
    src.add_argument("--pdf", help="the notice as a PDF with a text layer (read with pdfplumber)")
    src.add_argument("--docx", help="the notice as a Word .docx file (paragraphs and tables, read with python-docx)")
    src.add_argument("--xlsx", help="the notice's table as an Excel .xlsx or .xls workbook (every sheet, read with openpyxl/xlrd)")
    src.add_argument("--ocr", help="the notice as a scan: a PDF without a text layer or a .png/.jpg/.tif image "
                                   "(read by Tesseract OCR; every drafted row is marked for checking against the original)")
    d.add_argument("--id", required=True, help="document id: lowercase letters, digits and hyphens, e.g. cz-hrss-2024-18")
    d.add_argument("--issuer", required=True, help="issuing body as printed, e.g. 广州市从化区人力资源和社会保障局")
    d.add_argument("--doc-number", default="", help="文号, e.g. 从人社〔2024〕18号 (read from the text when omitted)")
    d.add_argument("--date", default="", help="date of issue, YYYY-MM-DD (read from the text when omitted)")
    d.add_argument("--url", default="", help="official web address of the notice")
    d.add_argument("--title", default="", help="title as printed (read from the text when omitted)")
    d.add_argument("--region", default="", help="region id, e.g. conghua (taken from the issuer when omitted)")
    d.add_argument("--kind", default="notice", choices=["notice", "attachment", "plan", "performance-table"])
    d.add_argument("--description", default="", help="one or two sentences: who gives how much to whom, for what")
    d.add_argument("--review", default=None, help="review folder (default: review/<id>/)")
    d.add_argument("--package", default=str(ROOT / "datapackage"), help="data package folder (default: datapackage/)")
    d.add_argument("--replace", action="store_true",
                   help="the id is a document already in the package, and this draft is to replace its rows")
    a = sub.add_parser("apply", help="validate a corrected review folder and merge it into the package")
    a.add_argument("review", help="the review folder, e.g. review/cz-hrss-2024-18")
    a.add_argument("--package", default=None, help="data package folder (default: datapackage/)")
    a.add_argument("--dry-run", action="store_true",
                   help="validate and show every value and page that would change (also review/<id>/changes.html); "
                        "write nothing to the package")
    return parser


def read_notice(args) -> str:
    if args.text:
        text = Path(args.text).read_bytes()
        try:
            return text.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            return text.decode("gb18030").replace("\r\n", "\n")
    if args.docx:
        from fundsite.draft.office import docx_text
        return docx_text(Path(args.docx))
    if args.xlsx:
        from fundsite.draft.office import xlsx_text
        return xlsx_text(Path(args.xlsx))
    if args.ocr:
        from fundsite.draft.ocr import ocr_text
        return ocr_text(Path(args.ocr))
    from fundsite.draft.pdf import pdf_text
    return pdf_text(Path(args.pdf))


def draft(args) -> int:
    if not SLUG.match(args.id):
        print(f"--id {args.id!r}: use lowercase letters, digits and single hyphens (it becomes a web address)")
        return 2
    package = Path(args.package)
    notice = next(f for f in (args.text, args.pdf, args.docx, args.xlsx, args.ocr) if f)
    if not Path(notice).is_file():
        print(f"{notice}: no such file")
        return 2
    try:
        text = read_notice(args)
    except (OcrUnavailable, ValueError, OSError) as exc:     # an unreadable file, or no Tesseract: one line, no traceback
        print(exc)
        return 2
    registry = Registry.from_package(package)
    taken = {p.name for p in (package / "sources").glob("*.txt")} if (package / "sources").is_dir() else set()
    with open(package / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    existing = {r["document_id"]: r["source_file"] for r in rows}
    if args.id in existing and not args.replace:
        title = next(r["title"] for r in rows if r["document_id"] == args.id)
        print(f"--id {args.id}: the package already has this document ({title}). Give the new notice an id of its "
              "own, or pass --replace to draft a new version of this one (applying it replaces the document's rows).")
        return 2
    if args.replace and args.id not in existing:
        print(f"--replace: the package has no document {args.id} to replace.")
        return 2
    taken |= set(existing.values())
    source_file = existing.get(args.id) or source_file_name(text, taken)
    meta = dict(document_id=args.id, issuer=args.issuer, doc_number=args.doc_number, date=args.date, url=args.url,
                title=args.title, region=args.region, kind=args.kind, description=args.description)
    result = draft_document(text.split("\n"), meta, registry, source_file, review_note=REVIEW_NOTE if args.ocr else "")
    folder = Path(args.review) if args.review else ROOT / "review" / args.id
    meta_in = {"document_id": args.id, **({"replaces": args.id} if args.replace else {})}
    counts = write_review(result, folder, package, text, source_file, meta_in)
    flagged = sum(1 for rows in result.tables.values() for r in rows if r["_problems"])
    print(f"Drafted {sum(counts.values())} rows into {folder}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print(f"{flagged} rows have 待核问题 (what the drafter could not read). Review every row, then run:")
    print(f"  python scripts/new_notice.py apply {folder}")
    if result.headers_without_rows:
        (no, header), more = result.headers_without_rows[0], len(result.headers_without_rows) - 1
        print(f"No rows read under the table header on line {no} of {folder / 'source.txt'} ({header})"
              + (f" nor under {more} more" if more else "") + ": check how the table came out in that text "
              "(a conversion or OCR may have broken its rows) and add the rows by hand or draft from a better copy.")
        return 1
    return 0


SHOWN_CHANGES = 40  # value lines printed; changes.html holds them all


def apply(args) -> int:
    from fundsite.draft.apply import apply_review
    from fundsite.report import write_report

    folder = Path(args.review)
    package = Path(args.package) if args.package else ROOT / "datapackage"
    display = args.package.rstrip("/") if args.package else "datapackage"
    result = apply_review(folder, package, display, dry_run=args.dry_run)
    report = folder / "report.html"
    write_report(report, result.problems, package, display, title=f"复核文件校验报告：{folder.name}", files=result.files)
    if result.problems:
        for p in sorted(set(result.problems)):
            print(p.line())
        print(summary(sorted(set(result.problems))).replace("Build aborted", "Apply aborted").replace(
            "The published site was not changed.", f"The data package was not changed. Report: {report}"))
        return 1
    rows = ", ".join(f"{t} {n}" for t, n in result.counts.items() if n)
    if args.dry_run:
        print(f"Dry run of {folder}: the review validates; applying would write {rows} rows into {package}. "
              "Nothing was written.")
    else:
        print(f"Applied {folder}: {rows} rows into {package}.")
    changes = result.changes
    print(f"Value changes ({len(changes.lines)}; + added, ~ changed: old → new, - removed):")
    for line in changes.lines[:SHOWN_CHANGES]:
        print(f"  {line}")
    if len(changes.lines) > SHOWN_CHANGES:
        print(f"  … {len(changes.lines) - SHOWN_CHANGES} more")
    print(f"Pages that change: {len(changes.pages)} (" + ", ".join(changes.pages[:8])
          + (", …" if len(changes.pages) > 8 else "") + f"). Every value and page: {folder / 'changes.html'}")
    if args.dry_run:
        return 0
    if result.replaced:
        print(f"Replaced {result.replaced} rows this document had before (" + ", ".join(
            f"{t} {n}" for t, n in result.replaced_by_table.items() if n) + ").")
    if result.new_fund:
        print(f"Its allocation rows are counted as a new fund, {result.new_fund} (datapackage/data/funds.csv). If the notice "
              "restates money another document already counts, make it a view instead (fund_views.csv; see the guide).")
    print("Now run: python build.py")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return draft(args) if args.command == "draft" else apply(args)


if __name__ == "__main__":
    sys.exit(main())
