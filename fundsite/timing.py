"""Per-phase wall-clock times of one build, for --timings and the benchmark."""
from __future__ import annotations

import json
import resource
import sys
import time
from contextlib import contextmanager


class Phases:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def report(self, **extra) -> str:
        """One JSON line: phase seconds, total, this process's peak memory, and the CPU time of
        this process and of its worker processes (all joined by now)."""
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = own.ru_maxrss  # KiB on Linux
        data = {"phases": {k: round(v, 4) for k, v in self.seconds.items()},
                # "render.files" and the like are parts of another phase: not counted twice.
                "total": round(sum(v for k, v in self.seconds.items() if "." not in k), 4),
                "peak_mib": round(peak_kib / 1024, 1),
                "cpu_s": round(own.ru_utime + own.ru_stime, 2),
                "workers_cpu_s": round(workers.ru_utime + workers.ru_stime, 2)}
        data.update(extra)
        return "TIMINGS " + json.dumps(data, sort_keys=True)


def emit(phases: Phases, **extra) -> None:
    print(phases.report(**extra), file=sys.stdout)
