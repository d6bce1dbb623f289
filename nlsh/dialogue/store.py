"""The conversation between one-shots in one terminal: ``nlsh "what's on port 8080"``,
then ``nlsh "kill it"``.

The state sits in the user's private runtime directory (0700), one file per terminal
session (the terminal device and the session id, hashed), mode 0600, and is forgotten
after ten minutes. It is read only when it is a regular file owned by this user that no
one else can read, written for this very terminal session, and fresh; anything else is
ignored. Without a terminal there is no context; ``--new`` starts afresh, and
``context.enabled = false`` in config.toml (or ``NLSH_CONTEXT=off``) turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from pathlib import Path

from nlsh.dialogue.state import State

EXPIRES_SECONDS = 600
def terminal_session() -> str | None:
    """This terminal session: the terminal device nlsh runs on and the session id."""
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd):
                return f"{os.ttyname(fd)}:{os.getsid(0)}:{os.geteuid()}"
        except OSError:
            continue
    return None


def _path(directory: Path, session: str) -> Path:
    return directory / f"context-{hashlib.sha256(session.encode()).hexdigest()[:16]}.json"


def load(directory: Path, session: str, now: float | None = None) -> State:
    """The state this terminal session left, or a new one."""
    path = _path(directory, session)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return State()
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid()
                or stat.S_IMODE(info.st_mode) & 0o077 or info.st_size > 1 << 20):
            return State()
        try:
            data = json.loads(handle.read())
            state = State.from_json(data["state"]) if data.get("session") == session else None
        except (ValueError, KeyError, TypeError, AttributeError):
            state = None
    if state is None or (now or time.time()) - state.at > EXPIRES_SECONDS:
        forget(directory, session)
        return State()
    return state


def save(directory: Path, session: str, state: State) -> None:
    """Keep ``state`` for the next one-shot in this terminal (best effort, never fatal)."""
    path = _path(directory, session)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"session": session, "state": state.to_json()}, handle, default=str)
        os.replace(staging, path)
    except (OSError, TypeError, ValueError):
        staging.unlink(missing_ok=True)
    _sweep(directory, keep=path)


def _sweep(directory: Path, keep: Path) -> None:
    """Contexts of terminals long gone: removed, so the directory does not fill up."""
    now = time.time()
    for old in directory.glob("context-*.json"):
        with contextlib.suppress(OSError):
            if old != keep and now - old.lstat().st_mtime > EXPIRES_SECONDS:
                old.unlink()


def forget(directory: Path, session: str) -> None:
    with contextlib.suppress(OSError):
        _path(directory, session).unlink()
