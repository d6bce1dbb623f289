"""Loaded by every Python process the test suite starts: no connection may leave loopback.

A connect to anything but 127.0.0.0/8, ::1 or a Unix socket raises, and the attempt is
appended to $NLSH_NETGUARD_LOG so the suite can fail on it even if nlsh swallowed the error.
"""

import ipaddress
import os
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto


def _allowed(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _refuse(address):
    log = os.environ.get("NLSH_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {address!r}\n")
    raise ConnectionRefusedError(f"netguard: non-loopback connection blocked: {address!r}")


def _connect(self, address):
    if not _allowed(address):
        _refuse(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    if not _allowed(address):
        _refuse(address)
    return _real_connect_ex(self, address)


def _sendto(self, data, *args):
    address = args[-1]
    if not _allowed(address):
        _refuse(address)
    return _real_sendto(self, data, *args)


socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
socket.socket.sendto = _sendto
