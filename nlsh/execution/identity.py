"""Is the process a step names still the one it was when the plan was made?

A pid alone is not an identity: pids are reused. A step's ``ProcessRef`` carries the
creation time, and a verb acts only on the process with that pid *and* that time.
exec() keeps both, so right before acting (``pin_to_act``) the program is read again too
(name, executable, command line) and the protection rules run again on what it is now.
"""

from __future__ import annotations

import psutil

from nlsh.context import Context
from nlsh.journal.redact import redact_argv
from nlsh.stages import ProcessRef
from nlsh.system import procfs
from nlsh.system.processes import ProcessInfo, read_live, same_process, thread_group


class Changed(Exception):
    """The step's target exited or is another process now; the message says which."""


def pin(ref: ProcessRef) -> psutil.Process:
    """The live process ``ref`` names; ``Changed`` when it exited or its pid was reused."""
    try:
        process = psutil.Process(ref.pid)
    except psutil.NoSuchProcess:  # a ZombieProcess too
        raise Changed(f"pid {ref.pid} had already exited") from None
    except psutil.AccessDenied:
        raise Changed(f"pid {ref.pid} cannot be checked to be the same process; "
                      "left alone") from None
    # The creation time as the plan read it (nlsh.system.procfs: one boot time per run).
    stat = procfs.read_stat(ref.pid)
    if stat is None:
        raise Changed(f"pid {ref.pid} had already exited")
    zombie = stat.status == psutil.STATUS_ZOMBIE
    if not same_process(stat.create_time, ref):
        raise Changed(f"pid {ref.pid} is no longer the same process (it was {ref.name}); "
                      "left alone") from None
    group = thread_group(ref.pid)
    if group is not None and group != ref.pid:
        raise Changed(f"pid {ref.pid} is a thread of process {group} now, not the process "
                      f"{ref.name}; left alone")
    if zombie:
        raise Changed(f"pid {ref.pid} had already exited (a zombie until its parent collects it)")
    return process


def pin_to_act(ref: ProcessRef, ctx: Context) -> psutil.Process:
    """``pin(ref)``, then the same program as planned and still not protected; else ``Changed``."""
    from nlsh.policy.processes import lineage, protection_reason

    process = pin(ref)
    info = read_live(process.pid)
    if info is None:
        raise Changed(f"pid {ref.pid} had already exited")
    change = program_change(ref, info)
    if change is not None:
        raise Changed(f"pid {ref.pid} is not the program planned any more ({change}); "
                      "left alone")
    reason = protection_reason(info, lineage(ctx), ctx.settings.protected_processes)
    if reason is not None:
        raise Changed(f"pid {ref.pid} ({info.name}) is protected now, {reason}; left alone")
    return process


def program_change(ref: ProcessRef, info: ProcessInfo) -> str | None:
    """How the program of ``info`` differs from the one ``ref`` planned (exec), or None."""
    if info.name != ref.name:
        return f"it was {ref.name}, it is {info.name} now"
    if ref.exe is not None and info.exe is not None and info.exe != ref.exe:
        return f"its executable was {ref.exe}, it is {info.exe} now"
    if ref.cmdline and tuple(redact_argv(info.cmdline)) != ref.cmdline:
        return "its command line changed"
    return None


def denied(ref: ProcessRef, action: str) -> str:
    owner = ref.username or "another user"
    return f"permission denied: pid {ref.pid} is owned by {owner}; {action} it needs root"
