"""Which processes listen on a port, and how much of that the system lets us see.

Without privilege the kernel lists every socket but hides the owner of other users'
sockets; even root sees no owner for a socket held in another PID namespace (a
container) or by the kernel. Such sockets are counted, never attributed by guessing.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class PortListeners:
    """The owners of the sockets listening on ``port``.

    ``ownerless`` counts listening sockets whose owner the system did not name;
    ``complete`` is False when the socket table could not be read at all.
    """

    port: int
    pids: tuple[int, ...]
    ownerless: int
    complete: bool = True

    def ownerless_reason(self, euid: int) -> str:
        """Why the owner of a listening socket is not known, for a message."""
        if not self.complete:
            return "the system refused to list sockets to this user; run nlsh as root to see them"
        if euid != 0:
            return ("it belongs to another user, and the kernel hides which process holds it; "
                    "run nlsh as root to see it")
        return "no process in sight holds it: the kernel or a process in another container does"


def _port(address: object) -> int | None:
    port = getattr(address, "port", None)
    if port is None and isinstance(address, tuple) and len(address) == 2:
        port = address[1]  # older psutil returned plain tuples
    return port if isinstance(port, int) else None


def listeners(port: int) -> PortListeners:
    """Processes with a TCP socket listening on ``port``, or a UDP socket bound to it."""
    try:
        sockets = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        return PortListeners(port, (), 0, complete=False)
    pids: dict[int, None] = {}
    ownerless = 0
    for sock in sockets:
        if _port(sock.laddr) != port:
            continue
        if sock.type == socket.SOCK_STREAM:
            listening = sock.status == psutil.CONN_LISTEN
        else:
            listening = _port(sock.raddr) is None  # bound, not connected
        if not listening:
            continue
        if sock.pid is None:
            ownerless += 1
        else:
            pids.setdefault(sock.pid, None)
    return PortListeners(port, tuple(pids), ownerless)


def listening_ports(pids: set[int]) -> dict[int, tuple[int, ...]]:
    """The ports each of ``pids`` listens on (TCP) or is bound to (UDP); pids with none,
    or whose sockets the system hides, are left out."""
    try:
        sockets = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        return {}
    ports: dict[int, set[int]] = {}
    for sock in sockets:
        if sock.pid not in pids:
            continue
        port = _port(sock.laddr)
        listening = (sock.status == psutil.CONN_LISTEN if sock.type == socket.SOCK_STREAM
                     else _port(sock.raddr) is None)
        if port is not None and listening and sock.pid is not None:
            ports.setdefault(sock.pid, set()).add(port)
    return {pid: tuple(sorted(found)) for pid, found in ports.items()}
