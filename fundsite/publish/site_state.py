"""What a build keeps about the site it published, beside the site and never in it.

The published folder holds only what readers get. The build's own records live in a
folder beside it, `.<site>.fundsite/` (for `site/`: `.site.fundsite/`):

    build   the input fingerprint the site was built from (fingerprint.py): a rebuild
            with the same inputs does nothing
    pages   each entity page's key and the calls its template made (site/page_memo.py):
            a rebuild renders only the pages whose inputs changed
    downloads
            what the whole-package downloads were made of (publish/downloads_worker.py):
            a rebuild with the same package, code and date takes them from the site
    twins   the XLSX twins' format key and each twin's list of CSVs (xlsx_twins.py):
            a rebuild carries unchanged twins over

The folder is also the mark that the site beside it is this tool's to replace
(publish.refuse_out_dir). Its records describe the published site only while they
are there: publishing removes them before the swap and writes the new ones after
it, so a build killed in between leaves no record, and the next build does all its
work rather than trusting a record of another site.
"""
from __future__ import annotations

import os
from pathlib import Path

RECORDS = ("build", "twins", "pages", "downloads")
# Where builds before December 2026 kept the fingerprint: inside the site. Still read as the
# mark of a site this tool published (and removed by the next publish, with the whole old site).
OLD_STAMP = ".fundsite-build"


def state_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir).resolve()
    return out_dir.parent / f".{out_dir.name}.fundsite"


def published_by_us(out_dir: Path) -> bool:
    """The folder is a site this tool published: its state folder is beside it."""
    return state_dir(out_dir).is_dir() or (Path(out_dir) / OLD_STAMP).is_file()


def read(out_dir: Path, record: str) -> str | None:
    try:
        return (state_dir(out_dir) / record).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def forget(out_dir: Path) -> None:
    """The site is about to be replaced: its records no longer hold. The state folder stays,
    marking the site as ours through the swap."""
    folder = state_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for record in RECORDS:
        (folder / record).unlink(missing_ok=True)


def record(out_dir: Path, records: dict[str, str]) -> None:
    """Keep the records of the site now published; each file appears whole or not at all."""
    folder = state_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in records.items():
        partial = folder / f".{name}.{os.getpid()}"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, folder / name)
