"""The audit log: every request and every executed step, as JSON Lines.

Writers take an exclusive ``flock`` on the file for each line, so concurrent nlsh
processes (a REPL and a one-shot) interleave whole lines and never corrupt it.
A journal that cannot be written degrades to a warning; callers that must not run
unjournaled check :attr:`Journal.writable` first.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlsh.journal.redact import redact

SCHEMA_VERSION = 1


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (a short write, as on a nearly full disk, is an error: ENOSPC)."""
    written = os.write(fd, data)
    if written != len(data):
        raise OSError(28, "No space left on device")


@dataclass
class Journal:
    path: Path
    warnings: list[str] = field(default_factory=list)
    _broken: bool = False

    # ── writing ──

    def append(self, entry: Mapping[str, Any]) -> bool:
        """Append one entry; False (with a warning kept) when the journal cannot be written."""
        record = {"v": SCHEMA_VERSION, "ts": time.time(), **entry}
        line = json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Never through a link: a journal swapped for one would write where it points.
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                data = line.encode("utf-8")
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    # The last line was torn (a crash, a full disk): start on a fresh line
                    # so that this entry stays readable.
                    data = b"\n" + data
                _write_all(fd, data)
            finally:
                os.close(fd)  # closing releases the lock
        except OSError as error:
            if not self._broken:
                self.warnings.append(
                    f"journal not written ({error.strerror or error}): {self.path}"
                )
            self._broken = True
            return False
        return True

    @property
    def writable(self) -> bool:
        """Whether an entry can be appended right now (checked without writing one)."""
        if self._broken:
            return False
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return False
        target = self.path if self.path.exists() else directory
        return os.access(target, os.W_OK)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]

    def record(self, event: str, request: str, **fields: Any) -> bool:
        if "text" in fields and isinstance(fields["text"], str):
            fields["text"] = redact(fields["text"])
        return self.append({"event": event, "request": request, **fields})

    # ── reading ──

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every well-formed entry, oldest first; corrupted lines are skipped and counted."""
        try:
            handle = os.fdopen(os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW), "rb")
        except FileNotFoundError:
            return
        except OSError as error:
            self.warnings.append(f"journal not readable ({error.strerror or error}): {self.path}")
            return
        skipped = 0
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            for raw in handle:
                try:
                    entry = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    skipped += 1
                    continue
                if isinstance(entry, dict) and "event" in entry:
                    yield entry
                else:
                    skipped += 1
        if skipped:
            self.warnings.append(f"skipped {skipped} unreadable journal line(s) in {self.path}")
