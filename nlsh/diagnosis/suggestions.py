"""The follow-up sentences a finding may suggest.

Each is a sentence nlsh itself understands (the language model is trained on these
templates), so a front end can run a suggestion as-is. Rules build suggestions only
through these functions.
"""

from __future__ import annotations


def lower_priority(name: str) -> str:
    return f"lower the priority of {name.lower()}"


def lower_io_priority(name: str) -> str:
    return f"lower the io priority of {name.lower()}"


def kill_pid(pid: int) -> str:
    return f"kill pid {pid}"


def show_process(pid: int) -> str:
    return f"show process {pid}"


def what_takes_space(mountpoint: str) -> str:
    return f"what is taking space in {mountpoint}"


FREE_MEMORY = "free up memory"
TOP_CPU = "show processes using the most cpu"
TOP_MEMORY = "show processes using the most memory"
CLEAN_UP_DISK = "clean up disk space"
SHOW_TEMPERATURE = "show the temperature"
