"""What users call a process, and matching what they said against it.

Matching is literal and case-insensitive: ``*`` and ``?`` are characters, never
patterns, and a name matches whole (``slee`` does not find ``sleep``). A process is
known by its name, its executable's basename, and the script an interpreter runs
(``python manage.py`` → ``manage.py``, ``bash backup.sh`` → ``backup.sh``/``backup``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from nlsh.knowledge.programs import program_map

# Interpreters whose script, not the interpreter, names the program.
_INTERPRETER = re.compile(r"^(python|pypy|node|nodejs|deno|bun|ruby|perl|php|lua|java|bash|sh|"
                          r"dash|zsh|ksh|fish|tclsh|rscript|osascript)(\d[\d.]*)?$")
_VERSIONED = re.compile(r"^(python|pypy|ruby|perl|php|lua|node)(\d)[\d.]*$")
_SCRIPT_EXTENSIONS = {".sh", ".bash", ".py", ".pl", ".rb", ".js", ".mjs", ".ts", ".php",
                      ".lua", ".jar"}
_NO_SCRIPT = {"-c", "-e", "--eval", "-p", "--print", "-i"}
_TAKES_VALUE = {"-cp", "-classpath", "--class-path", "-W", "-X", "-r", "--require", "-I"}


def _basename(path: str) -> str:
    path = path.removesuffix(" (deleted)")  # the executable was replaced on disk (upgrades)
    if ": " in path:  # argv rewritten as "nginx: worker process", "sshd: alice@pts/0"
        path = path.split(": ", 1)[0]
    return os.path.basename(path).strip()


def _script(cmdline: tuple[str, ...]) -> str | None:
    """The script or module an interpreter command line runs, if any."""
    args = iter(cmdline[1:])
    for arg in args:
        if arg in _NO_SCRIPT:
            return None
        if arg in ("-m", "-jar"):
            return next(args, None)
        if arg in _TAKES_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _interpreter(name: str, exe: str | None, cmdline: tuple[str, ...]) -> bool:
    candidates = [name, _basename(exe) if exe else "", _basename(cmdline[0]) if cmdline else ""]
    return any(_INTERPRETER.match(c.lower()) for c in candidates if c)


def _plausible(program: str) -> bool:
    """False for names of anonymous executables (run from a memfd or a bare descriptor)."""
    return bool(program) and not program.isdigit() and not program.startswith("memfd:")


def names_of(name: str, exe: str | None, cmdline: tuple[str, ...],
             loose: bool = True) -> frozenset[str]:
    """Every lower-case name a user may call this process by.

    ``loose`` adds what users say but programs are not called: a script without its
    extension (``backup`` for ``backup.sh``) and an interpreter without its version.
    """
    found = {name.lower()}
    if exe:
        found.add(_basename(exe).lower())
    if cmdline and cmdline[0]:
        found.add(_basename(cmdline[0]).lower())
    for candidate in list(found):
        versioned = _VERSIONED.match(candidate)
        if versioned and loose:  # python3.11 is also python3 and python
            found.update({versioned.group(1), versioned.group(1) + versioned.group(2)})
        stem, extension = os.path.splitext(candidate)
        if loose and stem and extension in _SCRIPT_EXTENSIONS:  # "backup" for backup.sh
            found.add(stem)
    if _interpreter(name, exe, cmdline):
        script = _script(cmdline)
        if script and _plausible(_basename(script)):
            base = _basename(script).lower()
            found.add(base)
            if loose:
                found.add(os.path.splitext(base)[0])
    found.discard("")
    return frozenset(found)


def app_name_of(name: str, exe: str | None, cmdline: tuple[str, ...]) -> str:
    if _interpreter(name, exe, cmdline):
        script = _script(cmdline)
        if script and _plausible(_basename(script)):
            return _basename(script)
    for candidate in (exe, cmdline[0] if cmdline else None):
        if candidate and _plausible(_basename(candidate)):
            return _basename(candidate)
    return name


@lru_cache(maxsize=256)
def wanted_names(wanted: str) -> frozenset[str]:
    """The names that ``wanted`` (as the user said it) stands for: itself, and what nlsh's
    map of programs (:mod:`nlsh.knowledge.programs`) knows it as ("vscode" → ``code``,
    "browser" → every browser's process names)."""
    key = wanted.strip().lower()
    return program_map().names_for(key) | {key}


def names_match(names: frozenset[str], wanted: str) -> bool:
    """Whether a process known by ``names`` is the program ``wanted``; literal, never a
    pattern. Several words (``python manage.py``) must each name the process, unless the
    words together are a name the map knows ("web server", "visual studio code")."""
    words = wanted.split()
    if len(words) > 1 and not program_map().names_for(wanted):
        return all(wanted_names(word) & names for word in words)
    return bool(wanted_names(wanted) & names)
