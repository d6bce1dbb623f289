"""Helpers for the cleanup, Trash, path-policy and undo tests: real trees under the
private HOME, measured independently of nlsh, and the real pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nlsh.context import Context
from nlsh.pipeline import AcceptAll, Confirmer, run
from nlsh.stages import Parse, Plan, Reply, Response, SlotValue

DAY = 86400


def use_present_policy_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real policy chain. (It once left out rule modules other branches had not merged;
    the typed chain in ``nlsh.policy`` now imports every rule, so there is nothing to drop.)
    """


def write(path: Path, size: int = 10_000) -> Path:
    """A real file of ``size`` random bytes (random, so nothing compresses or dedupes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))
    return path


def age(path: Path, days: float) -> None:
    """Make ``path`` and everything below it last modified ``days`` ago (links untouched)."""
    moment = time.time() - days * DAY
    for entry in sorted(_all_entries(path), key=lambda p: -len(p.parts)):
        os.utime(entry, (moment, moment), follow_symlinks=False)


def _all_entries(path: Path) -> Iterator[Path]:
    yield path
    if path.is_dir() and not path.is_symlink():
        for directory, subdirs, files in os.walk(path):
            for name in (*subdirs, *files):
                yield Path(directory) / name


def du(path: Path) -> int:
    """Allocated bytes of ``path`` and everything below it, links not followed."""
    return sum(os.lstat(p).st_blocks * 512 for p in _all_entries(path))


def snapshot(path: Path) -> dict[str, bytes | str]:
    """Every entry below ``path``: file contents, link targets, 'dir' for folders."""
    found: dict[str, bytes | str] = {}
    for entry in _all_entries(path):
        key = str(entry.relative_to(path))
        if entry.is_symlink():
            found[key] = "-> " + os.readlink(entry)
        elif entry.is_dir():
            found[key] = "dir"
        else:
            found[key] = entry.read_bytes()
    return found


def parse(**slots: SlotValue) -> Parse:
    """A fixed reading of a cleanup request (the language model is not involved)."""
    return request("disk.cleanup", "clean up disk space", **slots)


def request(intent: str, text: str, **slots: SlotValue) -> Parse:
    return Parse(text=text, intent=intent, confidence=1.0, slots=slots)


def plan(ctx: Context, **slots: SlotValue) -> Plan | Reply:
    from nlsh.actions.cleanup import plan_cleanup

    return plan_cleanup(parse(**slots), ctx)


def carry_out(ctx: Context, fixed: Parse, confirmer: Confirmer | None = None) -> Response:
    """The whole pipeline (policy, confirmation, executor, journal) for a fixed parse."""
    return run(fixed.text, ctx, understand=lambda _text: fixed,
               confirmer=confirmer or AcceptAll(), parse=fixed)


def finishes(ctx: Context) -> list[dict[str, Any]]:
    return [e for e in ctx.journal.entries() if e["event"] == "finish"]


def step_paths(result: Plan | Reply) -> list[str]:
    assert isinstance(result, Plan), result
    return [s.target.path for s in result.steps if s.target is not None
            and hasattr(s.target, "path")]


class Mounts:
    """Real mounts for a test (the machine runs tests as root); skips when it cannot mount."""

    def __init__(self) -> None:
        self.points: list[Path] = []

    def __call__(self, options: list[str], point: Path) -> None:
        point.mkdir(parents=True, exist_ok=True)
        if not shutil.which("mount"):
            pytest.skip("no mount command: this mount-point guarantee is untested here")
        done = subprocess.run(["mount", *options, str(point)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount here ({done.stderr.strip()}): this mount-point "
                        "guarantee is untested on this machine")
        self.points.append(point)

    def release(self) -> None:
        for point in reversed(self.points):
            subprocess.run(["umount", "-l", str(point)], check=False)
