"""Whether a process still runs: how a build tells its own leftovers (named by pid) from a killed build's."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (this process counts as alive; 0 and negative pids never do).

    Leftovers named by a pid (a staging folder, a journal, a warehouse file being built) belong to a build
    that may still be running; only those of processes that are gone may be cleared or rolled forward.
    """
    if pid <= 0 or pid == os.getpid():
        return pid == os.getpid()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True
