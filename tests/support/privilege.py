"""Run a piece of a test with less privilege than the test has.

Tests run as root in some sandboxes, where an unreadable folder is readable and every
socket's owner is visible. These helpers fork a child that gives up the privilege
first (forking, not exec'ing: the interpreter may live where the weaker user cannot
reach), runs a function, and sends back its JSON-ready result.
"""

from __future__ import annotations

import ctypes
import json
import os
from collections.abc import Callable
from typing import Any

NOBODY = 65534
_CAP_VERSION_3 = 0x20080522
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_file_permission_override() -> None:
    """Stay the same user, but let file permissions apply even to root (no DAC override)."""
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(_CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    mask = ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH)) & 0xFFFFFFFF
    data[0].effective &= mask
    data[0].permitted &= mask
    data[0].inheritable &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def become_nobody() -> None:
    """Become the unprivileged user ``nobody`` for good."""
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def run_weakened(weaken: Callable[[], None], work: Callable[[], Any]) -> Any:
    """``work()``'s result, computed in a forked child after ``weaken()``.

    Raises:
        AssertionError: the child failed; the message carries its exception.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            try:
                weaken()
                payload = {"ok": work()}
            except BaseException as error:
                payload = {"error": f"{type(error).__name__}: {error}"}
            with os.fdopen(write_end, "w") as out:
                json.dump(payload, out, default=str)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as incoming:
        raw = incoming.read()
    os.waitpid(pid, 0)
    payload = json.loads(raw) if raw else {"error": "the child died without an answer"}
    if "error" in payload:
        raise AssertionError(f"in the weakened child: {payload['error']}")
    return payload["ok"]
