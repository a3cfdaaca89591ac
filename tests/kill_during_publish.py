"""build.py, killed with SIGKILL just before the N-th step of publishing.

    python tests/kill_during_publish.py N <build.py arguments>

A step is one file-system change publish makes from the moment it starts replacing
the site (site_state.forget): a rename, an exchange, an unlink, a folder removal, a
record written. Changes made inside another step (the files shutil.rmtree removes)
are part of that step. When the build ends without reaching step N it prints the
number of steps it took ("steps: 7") and exits with the build's code.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fundsite.publish import publish, site_state  # noqa: E402

KILL_AT = int(sys.argv[1])
counted = {"steps": 0, "armed": False, "inside": 0}


def _step(function):
    def stepped(*args, **kwargs):
        if counted["armed"] and not counted["inside"]:
            counted["steps"] += 1
            if counted["steps"] == KILL_AT:
                os.kill(os.getpid(), signal.SIGKILL)
        counted["inside"] += 1
        try:
            return function(*args, **kwargs)
        finally:
            counted["inside"] -= 1
    return stepped


for name in ("replace", "rename", "unlink", "rmdir"):
    setattr(os, name, _step(getattr(os, name)))
shutil.rmtree = _step(shutil.rmtree)
Path.write_text = _step(Path.write_text)
publish._exchange = _step(publish._exchange)
_forget = site_state.forget


def _armed_forget(out_dir):
    counted["armed"] = True
    return _forget(out_dir)


site_state.forget = _armed_forget

if __name__ == "__main__":
    from fundsite.cli import main

    code = main(sys.argv[2:])
    print(f"steps: {counted['steps']}")
    sys.exit(code)
