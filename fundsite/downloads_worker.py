"""The whole-package downloads, written by a worker process while the main process renders.

They are a function of the package files alone (downloads.write_downloads_from_files
reads them row by row), so a spawned worker can write them from the first second
of rendering, with little memory; the main process only waits for them when the
downloads page needs their sizes and checksums.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .downloads import PACKAGE_WRITERS
from .worker_processes import die_with_parent, peak_mib


def _run(root: str, folder: str, epoch: str, conn) -> None:
    die_with_parent()
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        from .downloads import write_downloads_from_files

        write_downloads_from_files(Path(root), Path(folder))
        conn.send((None, peak_mib()))
    except Exception as exc:  # reported by the main process
        conn.send((f"{type(exc).__name__}: {exc}", peak_mib()))
    finally:
        conn.close()


class PackageDownloadsJob:
    def __init__(self, root: Path, folder: Path):
        self.root, self.folder = Path(root), Path(folder)
        self.peak_mib = 0.0  # the worker's peak memory, once it is done
        self._process = None
        self._conn = None

    def start(self) -> "PackageDownloadsJob":
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, daemon=True, args=(
            str(self.root), str(self.folder), os.environ.get("SOURCE_DATE_EPOCH", ""), child_end))
        self._process.start()
        child_end.close()
        return self

    def wait(self) -> dict[str, Path]:
        """{file name: path} once the worker is done; RuntimeError if it failed."""
        try:
            message, self.peak_mib = self._conn.recv()
        except EOFError:
            message = "the downloads worker ended without a report"
        self._process.join()
        if message is None and self._process.exitcode != 0:
            message = f"the downloads worker exited with code {self._process.exitcode}"
        if message:
            raise RuntimeError(f"whole-package downloads: {message}")
        return {name: self.folder / name for name in PACKAGE_WRITERS}

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()
