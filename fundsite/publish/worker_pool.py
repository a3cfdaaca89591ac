"""The build's one pool of worker processes (concurrent.futures), which dies with the build.

The per-entity CSVs, their XLSX twins and the whole-package downloads are written in worker processes,
all from one ProcessPoolExecutor. Workers are spawned, not forked: each imports
only what its job needs and stays small whatever the size of the data. A build
killed with SIGKILL runs no cleanup, so each worker asks the kernel to kill it
when the build dies (Linux prctl PR_SET_PDEATHSIG): no worker outlives the build
that started it. Each job also reports its worker's peak memory, for the bench.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it ends (Linux; elsewhere
    the worker ends when its pipe to the build closes)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the build ended before the request took effect
        os._exit(1)


def peak_mib() -> float:
    """This process's peak resident memory since it started its own program (VmHWM; 0 where
    /proc is missing). Not ru_maxrss: that keeps the parent's size from before exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker_count() -> int:
    """One worker per core the build may use (FUNDSITE_WORKERS lowers it; 0: jobs run in the build's
    own process)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores, int(os.environ.get("FUNDSITE_WORKERS", cores))))


# Workers yield the CPU to the build's main process, whose rendering is the critical path: with
# a lower priority the kernel keeps the main process on a core of its own while workers wait.
WORKER_NICENESS = 10


def _start_worker(epoch: str) -> None:
    die_with_parent()
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    if epoch:  # the build's pinned date, for byte-identical files
        os.environ["SOURCE_DATE_EPOCH"] = epoch


def _measured(function, args):
    """A job as a worker runs it: its result and the worker's peak memory so far."""
    return function(*args), peak_mib()


class WorkerPool:
    """`with WorkerPool(n) as pool: future = pool.submit(function, *args)`; future.result() is
    function's result. n = 0 runs each job at once in this process. Leaving the block
    ends the workers, waiting for none of their jobs when it is left by an exception
    (start() and close() do the same where a block does not fit, as in mkdocs's hooks)."""

    def __init__(self, workers: int | None = None):
        self.processes = worker_count() if workers is None else workers
        self.peak_mib = 0.0  # the largest worker's peak memory, over the jobs that finished
        self._executor = None

    def __enter__(self) -> "WorkerPool":
        return self.start()

    def __exit__(self, kind, error, traceback) -> None:
        self.close(failed=kind is not None)

    def start(self) -> "WorkerPool":
        if self.processes:
            self._executor = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(os.environ.get("SOURCE_DATE_EPOCH", ""),))
        return self

    def submit(self, function, *args) -> Future:
        result = Future()
        if self._executor is None:
            try:
                result.set_result(function(*args))
            except Exception as exc:
                result.set_exception(exc)
            return result
        job = self._executor.submit(_measured, function, args)
        job.add_done_callback(lambda done: self._finished(done, result))
        return result

    def _finished(self, job: Future, result: Future) -> None:
        if job.cancelled():  # close(failed=True) cancelled it before a worker took it
            result.cancel()
            return
        if job.exception() is not None:
            result.set_exception(job.exception())
            return
        value, peak = job.result()
        self.peak_mib = max(self.peak_mib, peak)
        result.set_result(value)

    def close(self, failed: bool = False) -> None:
        """End the workers once their jobs are done; failed: at once, their jobs are of no use."""
        if self._executor is None:
            return
        if failed:  # the executor cannot stop a running job; its processes can be ended
            for process in list((getattr(self._executor, "_processes", None) or {}).values()):
                process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=failed)
        self._executor = None
