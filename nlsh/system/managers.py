"""Who restarts a process if it is signalled: a systemd unit or a container runtime.

Killing a service's main process only makes systemd start it again, and killing a
container's proxy or shim breaks the container without stopping it; the right tool is
``systemctl stop`` or ``docker stop``. Read from ``/proc/PID/cgroup`` and the process
name, never guessed from a port number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlsh.system.processes import ProcessInfo, per_reading

_CONTAINER_ID = re.compile(r"(?P<runtime>cri-containerd|docker|libpod|crio)[-/]"
                           r"(?P<id>[0-9a-f]{12,64})")
_RUNTIME = {"docker": "docker", "libpod": "podman", "crio": "crio",
            "cri-containerd": "containerd"}
_USER_MANAGER = re.compile(r"^user@\d+\.service$")
# Processes that exist only to serve a container: signalling them breaks it, never stops it.
# Each with the runtime and the flags naming its container, best first.
_CONTAINER_HELPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "docker-proxy": ("docker", ()),
    "conmon": ("podman", ("-n", "--name", "-c", "--cid")),
    "rootlessport": ("podman", ()),
    "slirp4netns": ("podman", ()),
    "containerd-shim": ("containerd", ("-id",)),
}


@dataclass(frozen=True)
class Manager:
    """What keeps a process running. ``kind``: ``systemd``, ``systemd-user`` or a container
    runtime (``docker``, ``podman``, ``containerd``, ``crio``)."""

    kind: str
    name: str | None  # the unit, or the container id/name when known

    @property
    def is_service(self) -> bool:
        return self.kind in ("systemd", "systemd-user")

    def describe(self) -> str:
        if self.kind == "systemd":
            return f"the systemd service {self.name}"
        if self.kind == "systemd-user":
            return f"your systemd user service {self.name}"
        if self.name:
            return f"the {self.kind} container {self.name}"
        return f"a {self.kind} container"

    def stop_command(self, port: int | None = None) -> str:
        """The command that stops it for good (``port``: the port it publishes, if known)."""
        if self.kind == "systemd":
            return f"sudo systemctl stop {self.name}"
        if self.kind == "systemd-user":
            return f"systemctl --user stop {self.name}"
        tool = {"docker": "docker", "podman": "podman"}.get(self.kind, "crictl")
        if self.name:
            return f"{tool} stop {self.name}"
        find = f"{tool} ps --filter publish={port}" if port and tool != "crictl" else f"{tool} ps"
        return f"{find} (to find the container), then {tool} stop <container>"


def cgroup_path(pid: int) -> str | None:
    """The process's cgroup: the unified (v2) path, else the systemd (v1) one (read once per
    request)."""
    return per_reading("cgroup", pid, _read_cgroup_path)


def _read_cgroup_path(pid: int) -> str | None:
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    paths: dict[str, str] = {}
    for line in lines:
        fields = line.split(":", 2)
        if len(fields) == 3:
            paths[fields[1]] = fields[2]
    for key in ("", "name=systemd"):
        if paths.get(key, "/") not in ("", "/"):
            return paths[key]
    return None


def manager_from_cgroup(path: str) -> Manager | None:
    """A container or systemd unit named by a cgroup path (None for a login session)."""
    container = _CONTAINER_ID.search(path)
    if container:
        return Manager(_RUNTIME[container.group("runtime")], container.group("id")[:12])
    parts = [p for p in path.split("/") if p]
    services = [p for p in parts if p.endswith(".service")]
    if not services:
        return None  # a session scope, an app scope or the root
    unit = services[-1]
    if _USER_MANAGER.match(unit):
        return None  # the user's own service manager, or a scope under it
    if any(_USER_MANAGER.match(p) for p in parts):
        return Manager("systemd-user", unit)
    return Manager("systemd", unit)


def _flag(cmdline: tuple[str, ...], *flags: str) -> str | None:
    """The value of the first of ``flags`` (in that order of preference) on the command line."""
    for flag in flags:
        for index, arg in enumerate(cmdline[:-1]):
            if arg == flag:
                return cmdline[index + 1]
    return None


def manager_of(info: ProcessInfo) -> Manager | None:
    """What manages ``info``: its container (helpers first), else its systemd unit."""
    name = info.name.lower()
    helper = _CONTAINER_HELPERS.get("containerd-shim" if name.startswith("containerd-shim")
                                    else name)
    if helper is not None:
        runtime, flags = helper
        container = _flag(info.cmdline, *flags)
        return Manager(runtime, container[:64] if container else None)
    path = cgroup_path(info.pid)
    return manager_from_cgroup(path) if path else None


def outside_manager(info: ProcessInfo, self_pid: int) -> Manager | None:
    """The manager of ``info``, unless nlsh itself runs under the same one (inside that
    container, or from that service, its processes are the user's own)."""
    manager = manager_of(info)
    if manager is None:
        return None
    own = cgroup_path(self_pid)
    return None if own is not None and manager_from_cgroup(own) == manager else manager
