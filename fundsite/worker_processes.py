"""What every worker process of a build shares: it dies with the build, and reports its memory.

The build's workers (XLSX twins, search index, whole-package downloads) are spawned
processes. A build killed with SIGKILL runs no cleanup, so each worker asks the kernel
to kill it when its parent dies (Linux prctl PR_SET_PDEATHSIG): no worker outlives
the build that started it.
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it ends (Linux; elsewhere
    the worker ends when its pipe or queue to the build closes)."""
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
