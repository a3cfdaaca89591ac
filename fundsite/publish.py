"""Write the generated Markdown and files, run mkdocs, swap the result into place.

Gather first, write second: nothing is written until the data has passed
every check and every page has rendered in memory. mkdocs builds into a fresh
staging folder; only a clean build replaces the published site, so a failed
build leaves the previous site exactly as it was.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from .fastpages import SHELL_MARKDOWN, SHELL_SOURCE, write_direct_pages
from .fingerprint import write_stamp
from .model import Model
from .pages import Output
from .paths import GENERATED_IN_SITE_SRC, MKDOCS_YML, ROOT, SITE_SRC
from .problems import Problem
from .search_worker import SearchWorker, deferred_segmentation
from .timing import Phases
from .twins import TwinWriter

LOCK_FILE = ROOT / ".build.lock"


def build_lock(timeout: float | None = None) -> FileLock:
    """One build at a time: two builds would race on site_src/ and on the swap.

    A second build waits up to FUNDSITE_LOCK_TIMEOUT seconds (default 600).
    """
    if timeout is None:
        timeout = float(os.environ.get("FUNDSITE_LOCK_TIMEOUT", 600))
    return FileLock(str(LOCK_FILE), timeout=timeout)


def write_sources(output: Output, site_src: Path = SITE_SRC) -> None:
    """Replace the generated part of site_src/; hand-written pages stay."""
    for name in GENERATED_IN_SITE_SRC:
        target = site_src / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for rel, text in sorted(output.pages.items()):
        path = site_src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if output.direct or output.nav_fills:
        shell = site_src / SHELL_SOURCE
        shell.parent.mkdir(parents=True, exist_ok=True)
        shell.write_text(SHELL_MARKDOWN, encoding="utf-8")
    for rel, data in sorted(output.files.items()):
        if rel.startswith(DIRECT_FILES):
            continue  # written straight into the built site, see write_direct_files
        _put(site_src / rel, data)


def _put(path: Path, data: bytes | Path) -> None:
    """Write bytes, or link (else copy) a file the build already wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        try:
            os.link(data, path)
        except OSError:
            shutil.copyfile(data, path)
    else:
        path.write_bytes(data)


# Per-entity downloads are linked only from entity pages' HTML, so mkdocs never
# needs to see them: copying thousands of files through docs_dir doubles the I/O.
DIRECT_FILES = "files/"


def write_direct_files(output: Output, root: Path) -> None:
    for rel, data in sorted(output.files.items()):
        if rel.startswith(DIRECT_FILES):
            _put(root / rel, data)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_mkdocs(site_dir: Path) -> list[Problem]:
    """mkdocs build --strict into site_dir; warnings come back as Problems. The search index's
    Chinese is left unsegmented, for the search worker."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(config_file=str(MKDOCS_YML), strict=True, site_dir=str(site_dir))
        with deferred_segmentation():
            build(config)
    except MkDocsException as exc:
        collector.messages.append(str(exc))
    except SystemExit as exc:  # mkdocs aborts strict builds this way in some versions
        collector.messages.append(f"mkdocs exited with {exc.code}")
    finally:
        logger.removeHandler(collector)
    return [Problem("mkdocs.yml", 0, "-", "mkdocs-error", msg) for msg in collector.messages]


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace target with staging using renames, so readers never see half a site."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def working_folder(out_dir: Path, kind: str) -> Path:
    """A build's own folder beside out_dir ('.site.staging-<pid>'), cleared of anything a
    killed build with the same process id left there."""
    out_dir = Path(out_dir).resolve()
    folder = out_dir.parent / f".{out_dir.name}.{kind}-{os.getpid()}"
    if folder.exists():
        shutil.rmtree(folder)
    return folder


def twin_writer(model: Model, out_dir: Path) -> TwinWriter:
    """The XLSX twin writer of a build into out_dir; its files/ tree is assembled beside
    the staging folder, because mkdocs empties its site_dir when it starts."""
    out_dir = Path(out_dir).resolve()
    return TwinWriter(model.schemas, model.descriptor, working_folder(out_dir, "files"),
                      out_dir if out_dir.is_dir() else None)


def spool_folder(out_dir: Path) -> Path:
    """Where a build into out_dir keeps its rendered entity pages until the page shell exists."""
    folder = working_folder(out_dir, "pages")
    folder.mkdir(parents=True)
    return folder


@dataclass
class Published:
    problems: list[Problem]
    twins_written: int = 0
    twins_carried_over: int = 0  # unchanged since the published site: hard-linked, not rewritten
    pages_linked: int = 0  # entity pages unchanged since the published site, hard-linked
    csvs_linked: int = 0  # per-entity CSVs the same


def publish(output: Output, out_dir: Path, twins: TwinWriter, search: SearchWorker, phases: Phases | None = None,
            stamp: str | None = None) -> Published:
    """mkdocs and the entity pages into staging, have the search worker (started) finish the search
    index, join the twin writers, swap staging into place."""
    phases = phases or Phases()
    out_dir = Path(out_dir).resolve()
    with phases.phase("write"):
        write_sources(output)
        write_direct_files(output, twins.root)
    staging = working_folder(out_dir, "staging")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    pages_linked, entries = 0, []
    try:
        with phases.phase("mkdocs"):
            problems += run_mkdocs(staging)
        if (output.direct or output.nav_fills) and not problems:
            with phases.phase("pages"):
                pages_linked, entries = write_direct_pages(staging, output.direct, twins.previous, output.nav_fills)
        if not problems:
            with phases.phase("search"):
                failed = search.segment(staging / "search" / "search_index.json", entries)
            if failed:
                problems.append(Problem("search/search_index.json", 0, "-", "search-error", failed))
    finally:  # the workers are joined and their problems collected however this part ends
        with phases.phase("downloads"):
            problems += twins.wait()
        if problems or sys.exc_info()[0] is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if problems:
        return Published(problems)
    with phases.phase("write"):
        if (twins.root / DIRECT_FILES).is_dir():
            os.replace(twins.root / DIRECT_FILES, staging / DIRECT_FILES)
        twins.write_key(staging)
        if stamp:
            write_stamp(staging, stamp)
        swap_into_place(staging, out_dir)
    return Published([], twins.written, twins.carried_over, pages_linked, twins.csvs_linked)


def refuse_out_dir(out_dir: Path, package_dir: Path) -> str | None:
    """Why the build must not publish into out_dir, or None when it may.

    Publishing replaces out_dir whole, so it must be ours to replace: a path that does
    not exist yet, an empty folder, or a folder this tool published (it holds the build
    stamp). Never a file or a symbolic link, never the package, the checkout or a folder
    that holds either, never a folder inside the package or the Markdown sources.
    Decided before anything is written.
    """
    from .fingerprint import STAMP

    given = Path(out_dir)
    if given.is_symlink():
        return "it is a symbolic link; give the folder itself"
    target = given.resolve()
    package = Path(package_dir).resolve()
    if target.exists() and not target.is_dir():
        return "it is a file, not a folder"
    protected = {"the checkout": ROOT, "the data package": package, "the Markdown sources": SITE_SRC,
                 "the current folder": Path.cwd().resolve()}
    for name, folder in protected.items():
        if target == folder or target in folder.parents:
            return f"it {'is' if target == folder else 'holds'} {name} ({folder})"
    for name, folder in (("the data package", package), ("the Markdown sources", SITE_SRC)):
        if folder in target.parents:
            return f"it is inside {name} ({folder})"
    if target.is_dir() and not (target / STAMP).is_file() and any(target.iterdir()):
        return "it is a folder with files this tool did not publish; give a new or empty folder"
    return None
