"""The XLSX twins of the per-entity CSVs: written by worker processes, or carried over.

Each page with downloads has one XLSX twin: a workbook with a sheet per CSV of
the page, in the same order (one workbook per page rather than per CSV: making
a workbook costs about as much as writing a few hundred cells into one).
A twin is a pure function of the list of its CSVs (paths and tables, in order),
their bytes, the tables' schemas, the package title, the build's epoch and the
writer code (the "format key"). So:

- a twin made of the same list of CSVs as in the published site, all of them
  byte-identical to the published ones, and whose format key is the one the
  published site was built with (both kept beside the site: site_state.py), is
  hard-linked from the published site instead of being written again: a rebuild
  after one new notice writes only the twins of the pages that notice changed;
- the others are jobs for the build's worker pool (worker_pool.py), handed over
  before mkdocs runs, so writing them overlaps mkdocs, the entity pages and the
  search index. A job is the twin's path and its CSVs' paths: the worker reads
  the CSVs back from the folder, so nothing large crosses between processes.

Either way the bytes are the same (tests compare a carried-over build with a
fresh one).
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.problems import Problem
from fundsite.publish import site_state
from fundsite.publish.unchanged_files import link_if_same, link_or_copy, write_new
from fundsite.publish.worker_pool import WorkerPool



def write_twin(root: Path, path: str, csvs: list[tuple[str, str]], schemas: dict, descriptor: dict) -> None:
    """Write the XLSX twin at root/path of a page's CSVs, given as (path under root, table): their
    rows read back from the files with the schemas' types, a sheet per CSV."""
    from fundsite.site.downloads import page_workbook, typed_csv_rows

    tables = []
    for csv_path, table in csvs:
        with open(root / csv_path, encoding="utf-8", newline="") as fh:
            tables.append((table, list(typed_csv_rows(fh, schemas[table]))))
    # A sheet is named by its table; two CSVs of one table (a page's allocations and budgets) by
    # what their file names say ("huadu-budgets.csv" -> budgets).
    tables_seen = [table for _path, table in csvs]
    names = [table if tables_seen.count(table) == 1 else Path(csv_path).stem.rsplit("-", 1)[-1]
             for csv_path, table in csvs]
    (root / path).write_bytes(page_workbook(tables, schemas, descriptor, names))


def format_key(schemas: dict, descriptor: dict) -> str:
    """Everything besides the CSV that goes into a twin's bytes."""
    import xlsxwriter

    from fundsite.site import downloads
    from fundsite import model

    digest = hashlib.sha256()
    digest.update(Path(downloads.__file__).read_bytes())
    digest.update(Path(model.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(f"xlsxwriter {xlsxwriter.__version__}\n".encode())
    digest.update(f"epoch {downloads.source_epoch(descriptor)}\n".encode())
    digest.update(f"title {descriptor.get('title', '')}\n".encode())
    digest.update(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@dataclass
class TwinWriter:
    """start(pool), then add() each per-entity CSV and add_twin() each twin, then wait()."""

    schemas: dict
    descriptor: dict
    root: Path  # the folder the site's files/ tree is assembled in
    previous: Path | None  # the published site, whose twins may be carried over
    written: int = 0
    carried_over: int = 0
    csvs_linked: int = 0  # CSVs identical to the published ones, hard-linked from there
    key: str = ""
    _same_format: bool = False
    _previous_twins: dict = field(default_factory=dict)  # twin path -> its [CSV, table] list, in the published site
    _twins: dict = field(default_factory=dict)  # the same for this build
    _folders: set = field(default_factory=set)  # folders made so far
    _unchanged: set = field(default_factory=set)  # CSVs linked from the published site
    _pool: WorkerPool | None = None
    _jobs: list[tuple[str, Future]] = field(default_factory=list)

    def start(self, pool: WorkerPool) -> None:
        self._pool = pool
        self.key = format_key(self.schemas, self.descriptor)
        try:
            old = json.loads(site_state.read(self.previous, "twins") or "{}") if self.previous else {}
        except ValueError:  # none, or from an older build: no twin is carried over
            old = {}
        self._same_format = isinstance(old, dict) and old.get("key") == self.key
        self._previous_twins = old.get("twins", {}) if self._same_format else {}
        self.root.mkdir(parents=True, exist_ok=True)

    def _target(self, csv_path: str) -> Path:
        """Where a per-entity CSV goes in the folder, its folder made (once)."""
        target = self.root / csv_path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def add(self, csv_path: str, csv_bytes: bytes) -> None:
        """Put a per-entity CSV into the folder; one identical to the published one is
        hard-linked from there (see unchanged_files.py)."""
        target = self._target(csv_path)
        unchanged = self.previous is not None and link_if_same(self.previous / csv_path, csv_bytes, target)
        self.csvs_linked += unchanged
        if unchanged:
            self._unchanged.add(csv_path)
        else:
            write_new(target, csv_bytes)

    def add_published(self, csv_path: str, published: Path) -> None:
        """Put a per-entity CSV known to equal the published one (page_memo.py) into the folder: linked."""
        link_or_copy(published, self._target(csv_path))
        self.csvs_linked += 1
        self._unchanged.add(csv_path)

    def add_twin(self, path: str, csvs: list[tuple[str, str]]) -> None:
        """See to the XLSX twin at path of the page's CSVs (already add()ed), given as (path, table)."""
        listed = [[csv_path, table] for csv_path, table in csvs]
        self._twins[path] = listed
        if (self._previous_twins.get(path) == listed and all(c in self._unchanged for c, _ in csvs)
                and self._link(path)):
            self.carried_over += 1
            return
        self.written += 1
        self._jobs.append((path, self._pool.submit(write_twin, self.root, path, csvs, self.schemas, self.descriptor)))

    def _link(self, rel: str) -> bool:
        try:
            os.link(self.previous / rel, self.root / rel)  # a built site's files are never written in place
        except OSError:
            return False
        return True

    def wait(self) -> list[Problem]:
        """Let the twins' jobs finish; one problem line per twin that failed (or one for a worker
        that died: the pool then writes nothing more)."""
        failed = []
        for path, job in self._jobs:
            error = job.exception()
            if isinstance(error, BrokenProcessPool):
                failed.append("a worker process ended without finishing its jobs")
                break
            if error is not None:
                failed.append(f"{path}: {type(error).__name__}: {error}")
        self._jobs = []
        return [Problem("files/", 0, "-", "download-error", f"XLSX twin: {message}") for message in failed]

    def record(self) -> str:
        """The format key and every twin's list of CSVs, kept beside the site for the next build."""
        return json.dumps({"key": self.key, "twins": self._twins}, sort_keys=True, ensure_ascii=False) + "\n"
