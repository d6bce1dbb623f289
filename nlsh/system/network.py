"""Internet sockets (TCP and UDP, IPv4 and IPv6) and the processes that own them.

An unprivileged user sees every socket but only the owners of their own: the kernel
hides which process holds another user's socket (``hidden``). Even root sees no owner
for sockets held by the kernel or by processes in another PID namespace (a container):
``unattributed``. Both are reported as they are, never guessed.
"""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Owner:
    """The process holding a socket. ``name`` is None when it could not be read.

    ``visibility`` is ``visible``, ``hidden`` (the kernel did not say which process
    holds it: another user's, nlsh is unprivileged), ``unattributed`` (no process in
    sight holds it, even for root), ``denied`` (known pid, details not readable) or
    ``gone`` (the process ended while being looked up).
    """

    pid: int | None
    name: str | None
    exe_name: str | None
    username: str | None
    visibility: str


@dataclass(frozen=True)
class Connection:
    proto: str  # tcp | udp
    family: str  # ipv4 | ipv6
    local_ip: str | None
    local_port: int | None
    remote_ip: str | None
    remote_port: int | None
    status: str  # LISTEN, ESTABLISHED, … ; NONE for UDP
    owner: Owner

    @property
    def listening(self) -> bool:
        """A TCP socket accepting connections, or a UDP socket bound and not connected."""
        if self.proto == "tcp":
            return self.status == psutil.CONN_LISTEN
        return self.local_port is not None and self.remote_port is None

    @property
    def established(self) -> bool:
        return self.status == psutil.CONN_ESTABLISHED


@dataclass(frozen=True)
class ConnectionsReading:
    """``complete`` is False when the system refused the socket table (it is then empty)."""

    connections: tuple[Connection, ...]
    complete: bool


HIDDEN = Owner(pid=None, name=None, exe_name=None, username=None, visibility="hidden")
UNATTRIBUTED = Owner(pid=None, name=None, exe_name=None, username=None,
                     visibility="unattributed")


def read_connections() -> ConnectionsReading:
    try:
        raw = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        # Linux lists sockets for anyone; other systems may refuse unprivileged users.
        return ConnectionsReading((), complete=False)
    owners: dict[int, Owner] = {}
    ownerless = UNATTRIBUTED if os.geteuid() == 0 else HIDDEN
    connections: list[Connection] = []
    for item in raw:
        local, remote = _endpoint(item.laddr), _endpoint(item.raddr)
        pid = item.pid
        if pid is None:
            owner = ownerless
        else:
            if pid not in owners:
                owners[pid] = owner_of(pid)
            owner = owners[pid]
        connections.append(Connection(
            proto="tcp" if item.type == socket.SOCK_STREAM else "udp",
            family="ipv6" if item.family == socket.AF_INET6 else "ipv4",
            local_ip=local[0], local_port=local[1], remote_ip=remote[0], remote_port=remote[1],
            status=str(item.status), owner=owner,
        ))
    return ConnectionsReading(tuple(connections), complete=True)


def owner_of(pid: int) -> Owner:
    """Name, executable and user of ``pid``, as far as they can be read right now."""
    try:
        process = psutil.Process(pid)
        name = process.name()
    except psutil.NoSuchProcess:  # includes ZombieProcess
        return Owner(pid=pid, name=None, exe_name=None, username=None, visibility="gone")
    except psutil.AccessDenied:
        return Owner(pid=pid, name=None, exe_name=None, username=None, visibility="denied")
    exe_name: str | None = None
    username: str | None = None
    try:
        exe = process.exe()
        exe_name = os.path.basename(exe) if exe else None
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        pass  # the name alone still identifies it
    # KeyError: a uid with no passwd entry
    with contextlib.suppress(psutil.AccessDenied, psutil.NoSuchProcess, KeyError):
        username = process.username()
    return Owner(pid=pid, name=name, exe_name=exe_name, username=username,
                 visibility="visible")


def _endpoint(address: object) -> tuple[str | None, int | None]:
    ip = getattr(address, "ip", None)
    port = getattr(address, "port", None)
    if ip is None and isinstance(address, tuple) and len(address) == 2:
        ip, port = address  # older psutil returned plain tuples
    return (str(ip) if ip is not None else None,
            int(port) if isinstance(port, int) else None)
