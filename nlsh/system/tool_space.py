"""Space that a tool owns (docker, snap, flatpak, the package manager's old kernels), read
only: how much each could reclaim, and the command that reclaims it.

nlsh never runs these commands, nor a package manager, nor sudo: it runs only the tools'
own read-only listings (``docker system df``, ``snap list --all``, ``flatpak list``,
``dpkg-query -W``), each with a short timeout and ``LC_ALL=C``, and names the command a
person would run. A tool that is not installed is said to be so; one whose listing fails
or times out is said to be unreadable. Docker is not asked when ``DOCKER_HOST`` points
at another machine (nlsh never touches the network).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

_TIMEOUT = 5.0
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
          "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4, "k": 1024,
          "m": 1024**2, "g": 1024**3, "t": 1024**4}


@dataclass(frozen=True)
class Reclaimable:
    """One piece of a tool's space that its own command can reclaim."""

    tool: str
    what: str  # "unused images", "disabled snap revisions"
    bytes: int
    command: str  # what a person would run; nlsh never runs it

    def to_json(self) -> dict[str, object]:
        return {"tool": self.tool, "what": self.what, "bytes": self.bytes,
                "command": self.command}


@dataclass(frozen=True)
class ToolReading:
    tool: str
    installed: bool
    found: tuple[Reclaimable, ...] = ()
    problem: str | None = None  # why it could not be read

    def to_json(self) -> dict[str, object]:
        return {"tool": self.tool, "installed": self.installed,
                "reclaimable": [r.to_json() for r in self.found], "problem": self.problem}


def parse_size(text: str) -> int | None:
    """``1.2GB``, ``800MB``, ``0B``, ``1.066kB``, ``2 GiB``, ``45.2 MB`` → bytes."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text)
    if match is None:
        return None
    unit = match.group(2).lower() or "b"
    try:
        return int(float(match.group(1)) * _UNITS[unit])
    except (KeyError, ValueError):
        return None


def _run(*command: str) -> str | None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT,
                              env=env, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


_DOCKER_COMMANDS = {"images": ("unused images", "docker image prune -a"),
                    "containers": ("stopped containers", "docker container prune"),
                    "local volumes": ("unused volumes", "docker volume prune"),
                    "build cache": ("build cache", "docker builder prune")}


def read_docker() -> ToolReading:
    if not shutil.which("docker"):
        return ToolReading("docker", False)
    host = os.environ.get("DOCKER_HOST", "")
    if host and not host.startswith(("unix://", "npipe://")):
        return ToolReading("docker", True, problem=f"DOCKER_HOST is {host}: nlsh never "
                                                   "touches the network")
    out = _run("docker", "system", "df")
    if out is None:
        return ToolReading("docker", True, problem="'docker system df' failed (is the "
                                                   "daemon running, may you use it?)")
    found = []
    for line in out.splitlines()[1:]:
        columns = re.split(r"\s{2,}", line.strip())
        if len(columns) < 5:
            continue
        kind = columns[0].lower()
        size = parse_size(re.sub(r"\s*\(.*\)$", "", columns[4]))
        if kind in _DOCKER_COMMANDS and size:
            what, command = _DOCKER_COMMANDS[kind]
            found.append(Reclaimable("docker", what, size, command))
    return ToolReading("docker", True, tuple(found))


def read_snaps() -> ToolReading:
    from nlsh.actions.cleaners import system_path

    if not shutil.which("snap"):
        return ToolReading("snap", False)
    out = _run("snap", "list", "--all")
    if out is None:
        return ToolReading("snap", True, problem="'snap list --all' failed")
    found = []
    for line in out.splitlines()[1:]:
        columns = line.split()
        if len(columns) < 6 or "disabled" not in columns[-1].split(","):
            continue
        name, revision = columns[0], columns[2]
        if not re.fullmatch(r"[a-z0-9-]+", name) or not revision.isdigit():
            continue
        try:
            size = os.lstat(system_path(f"/var/lib/snapd/snaps/{name}_{revision}.snap")).st_size
        except OSError:
            size = 0
        found.append(Reclaimable("snap", f"disabled revision {revision} of {name}", size,
                                 f"sudo snap remove {name} --revision={revision}"))
    return ToolReading("snap", True, tuple(found))


def read_flatpak() -> ToolReading:
    if not shutil.which("flatpak"):
        return ToolReading("flatpak", False)
    out = _run("flatpak", "list", "--runtime", "--columns=application,size")
    if out is None:
        return ToolReading("flatpak", True, problem="'flatpak list --runtime' failed")
    total = 0
    for line in out.splitlines():
        columns = line.split("\t")
        if len(columns) >= 2:
            total += parse_size(columns[-1].replace("\xa0", " ")) or 0
    if not total:
        return ToolReading("flatpak", True)
    return ToolReading("flatpak", True, (Reclaimable(
        "flatpak", "runtimes (those no app uses can go; flatpak lists them and asks first)",
        total, "flatpak uninstall --unused"),))


_KERNEL_PACKAGE = re.compile(
    r"linux-(?:image|modules|modules-extra|headers)-(?P<version>\d[\w.+~-]*)$")


def read_kernels(running: str | None = None) -> ToolReading:
    """Installed kernel packages other than the running kernel's (dpkg systems)."""
    if not shutil.which("dpkg-query"):
        return ToolReading("dpkg", False)
    out = _run("dpkg-query", "-W", "-f=${Package}\t${Status}\t${Installed-Size}\n",
               "linux-image-*", "linux-modules-*", "linux-headers-*")
    if out is None:
        return ToolReading("dpkg", True, problem="'dpkg-query -W' failed")
    running = running or os.uname().release
    by_version: dict[str, int] = {}
    for line in out.splitlines():
        columns = line.split("\t")
        if len(columns) < 3 or not columns[1].endswith(" installed"):
            continue
        match = _KERNEL_PACKAGE.match(columns[0])
        if match is None or running.startswith(match.group("version")) or \
                match.group("version").startswith(running):
            continue
        version = re.sub(r"-(?:generic|lowlatency|aws|azure|gcp|oem|virtual)$", "",
                         match.group("version"))
        size = int(columns[2]) * 1024 if columns[2].strip().isdigit() else 0
        by_version[version] = by_version.get(version, 0) + size
    found = tuple(Reclaimable("kernels", f"old kernel {version}", size,
                              "sudo apt autoremove --purge")
                  for version, size in sorted(by_version.items()))
    return ToolReading("kernels", True, found)


READERS: tuple[Callable[[], ToolReading], ...] = (read_docker, read_snaps, read_flatpak,
                                                  read_kernels)


def read_all() -> tuple[ToolReading, ...]:
    return tuple(reader() for reader in READERS)


def describe(readings: tuple[ToolReading, ...], *, absent: bool = False) -> list[str]:
    """One line per tool that holds something (largest first), and, with ``absent``, one
    for each tool that is not installed or could not be read."""
    lines = []
    holding = sorted((r for r in readings if r.found), key=lambda r: -sum(x.bytes for x in r.found))
    from nlsh.render.units import human_bytes

    for reading in holding:
        parts = [f"{x.what} {human_bytes(x.bytes)} ({x.command})"
                 for x in sorted(reading.found, key=lambda x: -x.bytes)]
        total = sum(x.bytes for x in reading.found)
        lines.append(f"{reading.tool} could reclaim {human_bytes(total)}: " + "; ".join(parts))
    if absent:
        for reading in readings:
            if not reading.installed:
                lines.append(f"{reading.tool} is not installed")
            elif reading.problem:
                lines.append(f"{reading.tool}: {reading.problem}")
            elif not reading.found:
                lines.append(f"{reading.tool}: nothing to reclaim")
    return lines
