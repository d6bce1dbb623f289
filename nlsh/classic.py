"""The classic command equivalent to a plan step, for learning: ``kill -TERM 4312``.

For display only: nlsh never runs a shell string, and these commands are never handed
to a shell. They are what a user would type to do the same thing by hand, quoted so a
copy pasted into bash or zsh means exactly the object of the step. An argument with
control or non-UTF-8 bytes is written in ANSI-C quoting (``$'a\\x1bb'``), so no terminal
escape sequence ever reaches the screen through a command shown here.

Some are approximations, said so in ``docs/json.md``: nlsh's delete leaves in place
what must stay inside a folder (files open or owned by another user), ``rm -r`` does
not; restoring from the Trash also removes the ``.trashinfo`` file.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Any

from nlsh.stages import FileRef, ProcessRef, Step

_SIGNALS = {"terminate": "TERM", "kill": "KILL", "suspend": "STOP", "resume": "CONT",
            "sigchld": "CHLD"}
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                  "\u2066\u2067\u2068\u2069")
_IO_CLASSES = {"none": 0, "realtime": 1, "best-effort": 2, "idle": 3}


def quote(argument: str) -> str:
    """``argument`` as one shell word: shlex quoting, or ANSI-C quoting when it holds
    bytes a terminal must not see (control characters, bytes that are not UTF-8)."""
    if all(_plain(c) for c in argument):
        return shlex.quote(argument)
    out = []
    for char in argument:
        if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8, as os.fsdecode keeps it
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char in "\\'":
            out.append("\\" + char)
        elif _plain(char):
            out.append(char)
        else:
            encoded = char.encode("utf-8")
            out.append("".join(f"\\x{b:02x}" for b in encoded))
    return "$'" + "".join(out) + "'"


def _plain(char: str) -> bool:
    """Printable and not a bidirectional control (which reorders what the terminal shows)."""
    return char.isprintable() and char not in _BIDI


def command_line(words: list[str]) -> str:
    return " ".join(quote(word) for word in words)


def _pid(step: Step) -> str:
    if not isinstance(step.target, ProcessRef):
        raise TypeError("a process step without a process")
    return str(step.target.pid)


def _path(step: Step) -> str:
    """The step's path; always absolute (the policy refuses others), so never an option."""
    if not isinstance(step.target, FileRef) or not step.target.path.startswith("/"):
        raise TypeError("a file step without an absolute path")
    return step.target.path


def _signal(step: Step) -> list[str]:
    return ["kill", f"-{_SIGNALS[step.action]}", _pid(step)]


def _renice(step: Step) -> list[str]:
    return ["renice", "-n", str(int(step.params["nice"])), "-p", _pid(step)]


def _ionice(step: Step) -> list[str]:
    ioclass = _IO_CLASSES[str(step.params["ioclass"])]
    level = step.params.get("value")
    if ioclass in (1, 2) and level is not None:
        return ["ionice", f"-c{ioclass}", "-n", str(int(level)), "-p", _pid(step)]
    return ["ionice", f"-c{ioclass}", "-p", _pid(step)]


def _trash(step: Step) -> list[str]:
    return ["gio", "trash", _path(step)]


def _delete(step: Step) -> list[str]:
    recursive = ["-r"] if isinstance(step.target, FileRef) and step.target.is_dir else []
    return ["rm", *recursive, _path(step)]


def _restore(step: Step) -> list[str]:
    return ["mv", "-n", str(step.params["trash_file"]), _path(step)]


def _needs_root(step: Step) -> list[str]:
    return [str(word) for word in step.params["command"]]


_COMMANDS: Mapping[str, Callable[[Step], list[str]]] = {
    **dict.fromkeys(_SIGNALS, _signal),
    "renice": _renice, "ionice": _ionice, "trash": _trash, "delete": _delete,
    "restore": _restore, "needs_root": _needs_root,
}


def classic_command(step: Step) -> str | None:
    """The command a user would type for ``step``, or None when there is no fair one."""
    make = _COMMANDS.get(step.action)
    if make is None:
        return None
    try:
        return command_line(make(step))
    except (KeyError, TypeError, ValueError):
        return None  # a step without what its verb needs: nothing fair to show


def classic_lines(steps: tuple[Step, ...]) -> list[str]:
    """The commands for a terminal: steps that differ only in their pid share one line
    (``kill -STOP 4312 4313``; kill, renice and ionice all take several pids)."""
    lines: dict[str, list[str]] = {}
    for step in steps:
        command = classic_command(step)
        if command is None:
            lines.setdefault(f"({step.action}: no classic command)", [])
        elif isinstance(step.target, ProcessRef) and command.endswith(" " + _pid(step)):
            lines.setdefault(command.removesuffix(" " + _pid(step)), []).append(_pid(step))
        else:
            lines.setdefault(command, [])
    return [" ".join((line, *pids)) for line, pids in lines.items()]


def classic_commands(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    """``--explain``'s ``commands``: one entry per step, in plan order."""
    return [{"step": index, "action": step.action, "command": classic_command(step)}
            for index, step in enumerate(steps)]
