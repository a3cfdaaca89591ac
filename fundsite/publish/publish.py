"""Run mkdocs on what was rendered, swap the result into place.

Gather first, write second: nothing goes near the published site until the data
has passed every check and every page has rendered (the workers write the per-entity
files into the build's own working folder meanwhile: xlsx_twins.py). mkdocs builds into
a fresh staging folder, its hooks adding the rendered pages and files (mkdocs_site.py);
only a clean build replaces the published site, so a failed build leaves the
previous site exactly as it was.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from fundsite.publish import site_state
from fundsite.publish.mkdocs_site import SiteBuild, handed_over, write_entity_files
from fundsite.model import Model
from fundsite.site.pages import Output
from fundsite.paths import MKDOCS_YML, ROOT, SITE_SRC
from fundsite.problems import Problem
from fundsite.timing import Phases
from fundsite.publish.xlsx_twins import TwinWriter

def build_lock(out_dir: Path, timeout: float) -> FileLock:
    """One build at a time into out_dir: two would race on the swap. Builds into other folders
    run side by side (nothing else is shared: the generated pages stay in memory). The lock file
    lives in the temporary folder, not beside the site, where it would be left behind."""
    key = hashlib.sha256(str(Path(out_dir).resolve()).encode()).hexdigest()[:20]
    folder = Path(tempfile.gettempdir()) / "fundsite-locks"
    folder.mkdir(exist_ok=True)
    return FileLock(str(folder / f"{key}.lock"), timeout=timeout)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def mkdocs_config(site_dir: Path, site_url: str = ""):
    """(mkdocs.yml loaded for a strict build into site_dir at site_url, when given, or None;
    what was wrong with it as Problems)."""
    from mkdocs.config import load_config

    overrides = {"site_url": site_url} if site_url else {}
    with _mkdocs_problems() as problems:
        return load_config(config_file=str(MKDOCS_YML), strict=True, site_dir=str(site_dir), **overrides), problems
    return None, problems


def run_mkdocs(config) -> list[Problem]:
    """mkdocs build with a loaded config (mkdocs_config); its warnings come back as Problems."""
    from mkdocs.commands.build import build

    with _mkdocs_problems() as problems:
        build(config)
    return problems


@contextmanager
def _mkdocs_problems():
    """mkdocs's warnings and errors while inside, as Problems in the list it gives."""
    from mkdocs.exceptions import MkDocsException

    problems: list[Problem] = []
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield problems
    except MkDocsException as exc:
        collector.messages.append(str(exc))
    except SystemExit as exc:  # mkdocs aborts strict builds this way in some versions
        collector.messages.append(f"mkdocs exited with {exc.code}")
    finally:
        logger.removeHandler(collector)
        problems += [Problem("mkdocs.yml", 0, "-", "mkdocs-error", msg) for msg in collector.messages]


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace target with staging so that at every instant target is a whole site: the old one,
    then the new one. Where the system cannot exchange two folders in one step, two renames
    (the old site is moved aside, then the new one in)."""
    if target.is_dir() and _exchange(staging, target):
        shutil.rmtree(staging)  # now the old site
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


LEFTOVER_KINDS = ("staging", "files", "pages", "old", "search")


def clear_leftovers(out_dir: Path) -> list[Path]:
    """Remove the working folders killed builds into out_dir left beside it ('.site.staging-<pid>',
    '.site.old-<pid>', …). Called under the build lock of out_dir, so no live build owns one."""
    out_dir = Path(out_dir).resolve()
    if not out_dir.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.({'|'.join(LEFTOVER_KINDS)})-\d+")
    removed = []
    for entry in sorted(out_dir.parent.iterdir()):
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def working_path(out_dir: Path, kind: str) -> Path:
    """Where a build keeps its own folder of a kind beside out_dir ('.site.staging-<pid>')."""
    out_dir = Path(out_dir).resolve()
    return out_dir.parent / f".{out_dir.name}.{kind}-{os.getpid()}"


def working_folder(out_dir: Path, kind: str) -> Path:
    """A build's own folder beside out_dir ('.site.staging-<pid>'), cleared of anything a
    killed build with the same process id left there."""
    folder = working_path(out_dir, kind)
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
    search_peak_mib: float = 0.0  # the search indexer's (Pagefind's) peak memory
    search_cpu_s: float = 0.0  # and its CPU time


def publish(output: Output, out_dir: Path, twins: TwinWriter, phases: Phases | None = None,
            stamp: str | None = None, site_url: str = "", downloads: str | None = None) -> Published:
    """Write the rendered files, and have mkdocs build the site into staging with the rendered
    pages handed to its hooks (see mkdocs_site.py: they also finish the search index and wait
    for the XLSX twins); a clean build is swapped into place. twins: the build's writer of
    per-entity CSVs and XLSX twins (twin_writer(), started), which has most of them already."""
    phases = phases or Phases()
    out_dir = Path(out_dir).resolve()
    staging = working_folder(out_dir, "staging")
    build = SiteBuild(output, twins, phases)
    try:
        config, problems = mkdocs_config(staging, site_url)
        if config is None:
            twins.wait()  # its jobs write into the folder removed below
            return Published(problems)
        # Pagefind first: it indexes the pages' records, not the pages, so it runs while they are written.
        with phases.phase("search.start"):
            build.start_search(config, working_folder(out_dir, "search"))
        with phases.phase("write"):
            write_entity_files(output, twins)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with phases.phase("mkdocs"), handed_over(build):
            problems += run_mkdocs(config) + build.problems
        # mkdocs's hooks joined the writer's jobs, unless mkdocs stopped before them (a plugin's
        # error): then they end here, before their folder goes.
        twins.wait()
    except BaseException:  # no half-built staging folder stays behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:  # after an exception the caller ends the workers, then removes this folder again (cli._build)
        build.stop_search()
        shutil.rmtree(twins.root, ignore_errors=True)
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        return Published(problems)
    with phases.phase("write"):
        site_state.forget(out_dir)  # from here until the new records are kept, none is trusted
        swap_into_place(staging, out_dir)
        site_state.record(out_dir, {"twins": twins.record(), **({"build": stamp + "\n"} if stamp else {}),
                                    **({"pages": output.memo.dump()} if output.memo is not None else {}),
                                    **({"downloads": downloads + "\n"} if downloads else {})})
    return Published([], twins.written, twins.carried_over, build.pages_linked, twins.csvs_linked,
                     build.search_peak_mib, build.search_cpu_s)


def refuse_out_dir(out_dir: Path, package_dir: Path) -> str | None:
    """Why the build must not publish into out_dir, or None when it may.

    Publishing replaces out_dir whole, so it must be ours to replace: a path that does
    not exist yet, an empty folder, or a folder this tool published (its state folder is
    beside it: site_state.py). Never a file or a symbolic link, never the package, the checkout or a folder
    that holds either, never a folder inside the package or the Markdown sources.
    Decided before anything is written.
    """
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
    if target.is_dir() and not site_state.published_by_us(target) and any(target.iterdir()):
        return "it is a folder with files this tool did not publish; give a new or empty folder"
    return None
