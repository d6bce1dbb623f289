"""Is the process a step names still the one it was when the plan was made?

A pid alone is not an identity: pids are reused. A step's ``ProcessRef`` carries the
creation time, and a verb acts only on the process with that pid *and* that time.
"""

from __future__ import annotations

import psutil

from nlsh.stages import ProcessRef
from nlsh.system.processes import same_process


class Changed(Exception):
    """The step's target exited or is another process now; the message says which."""


def pin(ref: ProcessRef) -> psutil.Process:
    """The live process ``ref`` names; ``Changed`` when it exited or its pid was reused."""
    try:
        process = psutil.Process(ref.pid)
        created = process.create_time()
        zombie = process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # a ZombieProcess too
        raise Changed(f"pid {ref.pid} had already exited") from None
    except psutil.AccessDenied:
        raise Changed(f"pid {ref.pid} cannot be checked to be the same process; "
                      "left alone") from None
    if not same_process(created, ref):
        raise Changed(f"pid {ref.pid} is no longer the same process (it was {ref.name}); "
                      "left alone") from None
    if zombie:
        raise Changed(f"pid {ref.pid} had already exited (a zombie until its parent collects it)")
    return process


def denied(ref: ProcessRef, action: str) -> str:
    owner = ref.username or "another user"
    return f"permission denied: pid {ref.pid} is owned by {owner}; {action} it needs root"
