"""The resident language helper: keeps the model loaded between one-shot commands.

Importing numpy and ONNX Runtime and opening the model costs a one-shot ~0.25 s, more
than the rest of nlsh together. A one-shot therefore asks a per-user helper process,
over a Unix socket, to read its sentence; it imports none of that itself.

* **On demand.** A one-shot that finds no helper reads the sentence in-process as
  always and starts one in the background for the next command.
* **The user's alone.** The socket lives in the user's runtime directory
  (``$XDG_RUNTIME_DIR/nlsh``, else ``/run/user/UID/nlsh`` or ``/tmp/nlsh-UID``), which
  must be a real directory owned by the user with mode 0700; the socket is 0600, and
  the helper answers only peers with its own uid (``SO_PEERCRED``).
* **Survives nothing it should not.** It exits after ``NLSH_HELPER_IDLE`` seconds
  without a request (default 600; ``helper.idle_minutes`` in config.toml, which the
  one-shot that starts it passes on), as soon as its socket is removed or replaced, when
  its model directory disappears, and when a client's model key differs from its own
  (the catalog or the code changed): a helper never answers with a stale model.
* **Only reads sentences.** It never plans or acts; a one-shot still does everything
  else itself.

``NLSH_HELPER=off`` (or ``helper.enabled = false`` in config.toml) disables it (the
one-shot then always reads in-process).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import socket
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nlsh.stages import Alternative, Parse, SlotSpan

PROTOCOL = 1
SOCKET_NAME = "language.sock"
LOCK_NAME = "language.lock"
MAX_REQUEST = 16 * 1024
DEFAULT_IDLE_SECONDS = 600
_CHECK_EVERY = 1.0


def enabled() -> bool:
    """``NLSH_HELPER``, else ``helper.enabled`` in config.toml, else on."""
    from nlsh.config import load

    return load().helper_enabled


def runtime_dir() -> Path | None:
    """The user's private runtime directory for nlsh, created if needed; None when no
    safe one exists (then there is no helper)."""
    uid = os.getuid()
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    candidates = [Path(xdg)] if xdg and os.path.isabs(xdg) else []
    candidates += [Path(f"/run/user/{uid}")]
    for base in candidates:
        if _private(base, uid):
            return _private_subdir(base / "nlsh", uid)
    return _private_subdir(Path(os.environ.get("TMPDIR") or "/tmp") / f"nlsh-{uid}", uid)


def _private(path: Path, uid: int) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == uid
            and stat.S_IMODE(info.st_mode) & 0o077 == 0)


def _private_subdir(path: Path, uid: int) -> Path | None:
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return path if _private(path, uid) else None


# ── client side (no numpy, no onnxruntime) ─────────────────────────────────


def ask(text: str, key: str, directory: Path, timeout: float = 2.0) -> Parse | None:
    """The helper's reading of ``text``; None when there is no usable helper."""
    path = directory / SOCKET_NAME
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
        return None
    request = json.dumps({"v": PROTOCOL, "key": key, "text": text}).encode() + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(str(path))
            connection.sendall(request)
            reply = _read_line(connection)
    except OSError:
        return None
    try:
        data = json.loads(reply)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != PROTOCOL or "parse" not in data:
        return None
    return parse_from_json(text, data["parse"])


def start(models: Path, directory: Path) -> None:
    """Start a helper in the background, detached from this process and terminal."""
    from nlsh.config import load

    env = dict(os.environ, NLSH_MODEL_CACHE=str(models),
               NLSH_HELPER_IDLE=str(load().helper_idle_seconds))
    with contextlib.suppress(OSError):  # no helper this time; the next one-shot tries again
        subprocess.Popen(
            [sys.executable, "-m", "nlsh.language.helper", str(directory)], env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, cwd="/",
        )


def _read_line(connection: socket.socket) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if chunk.endswith(b"\n") or size > 4 * MAX_REQUEST:
            break
    return b"".join(chunks)


def parse_to_json(parse: Parse) -> dict[str, Any]:
    return {
        "intent": parse.intent, "confidence": parse.confidence, "slots": dict(parse.slots),
        "alternatives": [[a.intent, a.confidence] for a in parse.alternatives],
        "spans": [[s.slot, s.text, s.start, s.end, s.value, s.problem, s.rejected]
                  for s in parse.spans],
        "source": parse.source, "uncertain": parse.uncertain,
    }


def parse_from_json(text: str, data: dict[str, Any]) -> Parse:
    return Parse(
        text=text, intent=data["intent"], confidence=float(data["confidence"]),
        slots=dict(data["slots"]),
        alternatives=tuple(Alternative(i, float(c)) for i, c in data["alternatives"]),
        spans=tuple(SlotSpan(slot=s[0], text=s[1], start=s[2], end=s[3], value=s[4],
                             problem=s[5], rejected=bool(s[6])) for s in data["spans"]),
        source=str(data["source"]), uncertain=bool(data["uncertain"]),
    )


# ── server side ────────────────────────────────────────────────────────────


def _peer_uid(connection: socket.socket) -> int:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                        struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid)


def serve(directory: Path, idle_seconds: float) -> int:
    """Load the model and answer requests until a reason to stop; returns an exit code."""
    lock_fd = os.open(directory / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o600)
    lock = os.fdopen(lock_fd, "w")  # held (and locked) for the helper's whole lifetime
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another helper is already serving this user
    from nlsh.language import load_engine
    from nlsh.language.build import current_model_dir
    from nlsh.paths import Paths

    paths = Paths.from_environment()
    model_dir = current_model_dir(paths.models, paths.user_intents)
    if model_dir is None:
        return 0  # nothing built yet: the one-shot builds it (with its progress bar)
    engine = load_engine(paths)
    key = engine.info.key
    path = directory / SOCKET_NAME
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old_mask)
    os.chmod(path, 0o600)
    identity = os.lstat(path).st_ino
    server.listen(16)
    last_request = time.monotonic()
    try:
        while True:
            ready, _, _ = select.select([server], [], [], _CHECK_EVERY)
            if ready:
                connection, _ = server.accept()
                with connection:
                    last_request = time.monotonic()
                    if not _answer(connection, engine, key):
                        return 0  # a client has a newer model: this helper is stale
            if time.monotonic() - last_request > idle_seconds:
                return 0
            try:
                if os.lstat(path).st_ino != identity:
                    return 0  # replaced: another helper owns the path now
            except OSError:
                return 0  # removed
            if not model_dir.is_dir():
                return 0
    finally:
        server.close()
        try:
            if os.lstat(path).st_ino == identity:
                path.unlink()
        except OSError:
            pass


def _answer(connection: socket.socket, engine: Any, key: str) -> bool:
    """Answer one request; False when the client's model key is not ours."""
    connection.settimeout(2.0)
    try:
        if _peer_uid(connection) != os.getuid():
            return True  # not ours to answer; say nothing
        request = json.loads(_read_line(connection)[:MAX_REQUEST])
        text = request["text"]
        if not isinstance(text, str) or request.get("v") != PROTOCOL:
            return True
        if request.get("key") != key:
            connection.sendall(json.dumps({"v": PROTOCOL, "stale": True}).encode() + b"\n")
            return False
        reply = {"v": PROTOCOL, "parse": parse_to_json(engine.parse(text))}
        connection.sendall(json.dumps(reply).encode() + b"\n")
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return True


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else runtime_dir()
    if directory is None or not _private(directory, os.getuid()):
        return 1
    idle = float(os.environ.get("NLSH_HELPER_IDLE", DEFAULT_IDLE_SECONDS))
    try:
        return serve(directory, idle)
    except Exception:  # a helper never takes anything down with it; clients fall back
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
