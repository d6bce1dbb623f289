"""network.connections with real loopback sockets this test opens."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from nlsh.answers.network import network_connections, owned_by
from nlsh.context import Context
from nlsh.render.network import connections_view
from nlsh.stages import Answer, Parse
from nlsh.system.network import Connection, Owner
from tests.support.privilege import become_nobody, run_weakened
from tests.support.render import HOSTILE, assert_shown_escaped, render_text

ME = psutil.Process()


def _ask(**slots: Any) -> Answer:
    answer = network_connections(
        Parse(text="connections", intent="network.connections", confidence=1.0, slots=slots),
        Context.from_environment())
    assert isinstance(answer, Answer)
    json.dumps(answer.result)
    return answer


def _rows_on(answer: Answer, port: int) -> list[dict[str, Any]]:
    return [r for r in answer.result["connections"] if port in (r["local_port"],
                                                               r["remote_port"])]


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server
    server.close()


def test_the_listening_socket_shows_this_process_as_owner(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    answer = _ask(listening=True)
    [row] = _rows_on(answer, port)
    assert row["proto"] == "tcp" and row["status"] == "LISTEN" and row["listening"]
    assert (row["local_ip"], row["pid"], row["name"]) == ("127.0.0.1", os.getpid(), ME.name())
    assert row["user"] == ME.username()
    assert row["owner"] == "visible"
    assert ME.name() in answer.result["summary"]["programs"]
    assert all(r["listening"] for r in answer.result["connections"])


def test_a_port_narrows_to_that_port_and_names_the_listener(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    try:
        answer = _ask(port=port)
        rows = answer.result["connections"]
        assert rows == _rows_on(answer, port)
        assert [r["status"] for r in rows].count("ESTABLISHED") == 2  # both ends are ours
        assert rows[0]["listening"]  # listeners first
        assert answer.result["summary"]["listening"] == 1
        assert answer.result["summary"]["established"] == 2
        assert answer.message == f"Port {port}: {ME.name()} (pid {os.getpid()}) listening"
    finally:
        client.close()
        accepted.close()


def test_bound_udp_counts_as_listening_and_connected_udp_does_not() -> None:
    bound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    bound.bind(("127.0.0.1", 0))
    port = bound.getsockname()[1]
    talker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    talker.connect(("127.0.0.1", port))
    try:
        listening = _rows_on(_ask(listening=True), port)
        assert [(r["proto"], r["local_port"]) for r in listening] == [("udp", port)]
        everything = _rows_on(_ask(port=port), port)
        assert sorted(r["listening"] for r in everything) == [False, True]
    finally:
        bound.close()
        talker.close()


def test_a_process_name_matches_case_insensitively(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    fragment = ME.name()[:4].upper()
    answer = _ask(process=fragment.lower())
    assert _rows_on(answer, port)
    assert all(fragment.lower() in (r["name"] or "").lower() or
               fragment.lower() in (r["exe"] or "").lower()
               for r in answer.result["connections"])
    nothing = _ask(process="nosuchprogramxyz")
    assert nothing.result["connections"] == []
    assert nothing.message == "No sockets for nosuchprogramxyz"


def _connection(name: str | None, exe: str | None) -> Connection:
    owner = Owner(pid=1 if name else None, name=name, exe_name=exe, username="u",
                  visibility="visible" if name else "hidden")
    return Connection(proto="tcp", family="ipv4", local_ip="127.0.0.1", local_port=80,
                      remote_ip=None, remote_port=None, status="LISTEN", owner=owner)


@pytest.mark.parametrize(("name", "exe", "wanted", "matches"), [
    ("firefox", "firefox", "firefox", True),
    ("Web Content", "firefox", "firefox", True),        # a helper named differently
    ("isolated web co", "firefox-bin", "firefox", True),
    ("node", "node", "no", True),                       # a substring is enough
    ("nginx", "nginx", "node", False),
    (None, None, "node", False),                        # a hidden owner is never guessed
])
def test_owner_matching(name: str | None, exe: str | None, wanted: str, matches: bool) -> None:
    assert owned_by(_connection(name, exe), wanted) is matches


def test_a_hidden_owner_is_said_so_not_guessed(listener: socket.socket) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to hold a socket an unprivileged reader cannot attribute")
    port = listener.getsockname()[1]

    def look_as_nobody() -> tuple[Any, str, Any]:
        listener.close()  # the child's copy; the root-owned parent still listens
        answer = _ask(port=port)
        by_name = _ask(port=port, process=ME.name())
        return answer.result, answer.message, by_name.result

    result, message, by_name = run_weakened(become_nobody, look_as_nobody)
    [row] = result["connections"]
    assert (row["pid"], row["name"], row["owner"]) == (None, None, "hidden")
    assert any("run as root" in note for note in result["notes"])
    assert "hidden owner" in message
    assert "owner hidden (run as root)" in render_text(connections_view(result))
    # Asked by name, the hidden socket is not claimed for the program, nor silently dropped.
    assert by_name["connections"] == []
    assert any(f"may also belong to {ME.name().lower()}" in note for note in by_name["notes"])


def test_view_shows_addresses_states_and_escaped_names(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    shown = render_text(connections_view(_ask(port=port).result))
    assert f"127.0.0.1:{port}" in shown
    assert "LISTEN" in shown and str(os.getpid()) in shown
    hostile = {"connections": [{"proto": "tcp", "family": "ipv6", "local_ip": "::1",
                                "local_port": 8080, "remote_ip": None, "remote_port": None,
                                "status": "LISTEN", "listening": True, "pid": 4312,
                                "name": HOSTILE, "exe": HOSTILE, "user": "alice",
                                "owner": "visible"}],
               "summary": {"listening": 1, "established": 0, "programs": [HOSTILE],
                           "owner_hidden": 0}, "notes": []}
    shown = render_text(connections_view(hostile))
    assert "[::1]:8080" in shown
    assert_shown_escaped(shown)
