"""Chinese segmentation of the search index, by a worker process.

mkdocs-material segments Chinese text for its search index with jieba, whose
dictionary takes most of a second to load: at a thousand pages that was a fifth
of the build. A build starts this worker first, so the dictionary loads on the
other core while the package is read and the pages are rendered; mkdocs and the
entity pages then write the index unsegmented (see deferred_segmentation), and
the worker segments it at the end with the theme's own function, so the index
is byte for byte the one the build wrote when it segmented in process.
"""
from __future__ import annotations

import json
import multiprocessing
from contextlib import contextmanager
from pathlib import Path

from .twins import peak_mib


def segment_index(path: Path, first_direct: int | None) -> None:
    """Segment the titles and texts of the search index at path, in place. Entries before
    first_direct (all, if None) are mkdocs's, segmented whole as the theme does; the rest are
    entity pages', segmented one token at a time as fastpages.segmenter does."""
    from material.plugins.search.plugin import SearchIndex

    from .fastpages import segmenter

    data = json.loads(path.read_text(encoding="utf-8"))
    whole = SearchIndex(**data["config"])._segment_chinese
    by_token = segmenter(SearchIndex(**data["config"]))
    for number, entry in enumerate(data["docs"]):
        segment = whole if first_direct is None or number < first_direct else by_token
        entry["title"], entry["text"] = segment(entry["title"]), segment(entry["text"])
    path.unlink()  # never write through a hard link into a cached copy
    path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")


def _run(conn) -> None:
    try:
        import jieba

        jieba.initialize()  # the slow part, while the main process renders
        job = conn.recv()
        if job is not None:
            segment_index(Path(job[0]), job[1])
        conn.send((None, peak_mib()))
    except EOFError:  # the build ended without a job (it failed, or had no search index)
        pass
    except Exception as exc:  # reported by the main process
        conn.send((f"{type(exc).__name__}: {exc}", peak_mib()))
    finally:
        conn.close()


class SearchWorker:
    """start() early; segment(index_path, first_direct) once the index is written (see
    segment_index); stop() however the build ends."""

    def __init__(self):
        self.peak_mib = 0.0
        self._process = None
        self._conn = None

    def start(self) -> "SearchWorker":
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_run, args=(child_end,), daemon=True)
        self._process.start()
        child_end.close()
        return self

    def segment(self, index_path: Path, first_direct: int | None) -> str | None:
        """Have the worker segment the index; None when done, else what went wrong."""
        try:
            self._conn.send((str(index_path), first_direct))
        except OSError:
            pass  # it ended already; its reason may still wait in the pipe
        try:
            message, self.peak_mib = self._conn.recv()
        except (EOFError, OSError):
            message = "the search worker ended without a report"
        self._process.join()
        if message is None and self._process.exitcode != 0:
            message = f"the search worker exited with code {self._process.exitcode}"
        return message

    def stop(self) -> None:
        """End the worker however the build went (closing the pipe tells it there is no job)."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()


@contextmanager
def deferred_segmentation():
    """While mkdocs builds: the theme's search plugin leaves Chinese unsegmented (and jieba
    unloaded in this process); segment_index() does it afterwards with the same function."""
    from material.plugins.search.plugin import SearchIndex

    original = SearchIndex._segment_chinese
    SearchIndex._segment_chinese = lambda self, data: data
    try:
        yield
    finally:
        SearchIndex._segment_chinese = original
