"""The host side of nlsh --hosts: ``python -m nlsh.fleet.host`` plans a frame (no model, no
sentence read) and carries out only the steps the user confirmed, against real sleepers."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import psutil

from tests.conftest import Sleepers, nlsh_env
from tests.support.processes import program_name, wait_gone


def host(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([sys.executable, "-m", "nlsh.fleet.host"], input=json.dumps(request),
                          capture_output=True, text=True, env=nlsh_env(), timeout=120)
    return done.returncode, json.loads(done.stdout)


def kill_frame(name: str) -> dict[str, Any]:
    return {"version": 1, "text": f"kill {name}", "intent": "process.kill", "confidence": 0.99,
            "slots": {"process": name}, "operators": {}, "spans": []}


def test_a_host_plans_a_frame_against_its_own_processes(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    code, reply = host({"mode": "plan", "frame": kill_frame(name)})
    assert code == 0
    response = reply["response"]
    assert response["status"] == "planned"
    assert [step["pid"] for step in response["plan"]["steps"]] == [child.pid]
    assert child.poll() is None  # planned, not done


def test_a_host_carries_out_only_the_confirmed_steps(sleepers: Sleepers) -> None:
    first = sleepers.spawn()
    name = program_name(first)
    second = sleepers.spawn(name)  # the same name: one plan holds both
    code, planned = host({"mode": "plan", "frame": kill_frame(name)})
    steps = planned["response"]["plan"]["steps"]
    assert sorted(s["pid"] for s in steps) == sorted([first.pid, second.pid])
    confirmed = [s for s in steps if s["pid"] == first.pid]
    code, reply = host({"mode": "execute", "frame": kill_frame(name), "confirmed": confirmed})
    assert code == 0, reply
    assert reply["response"]["status"] == "done"
    assert wait_gone(first) is not None
    assert second.poll() is None  # planned too, but not confirmed: untouched


def test_a_confirmed_step_whose_process_is_gone_is_reported_never_replaced(
        sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    _, planned = host({"mode": "plan", "frame": kill_frame(name)})
    steps = planned["response"]["plan"]["steps"]
    child.kill()
    child.wait()
    newcomer = sleepers.spawn(name)  # the same name, another process
    _, reply = host({"mode": "execute", "frame": kill_frame(name), "confirmed": steps})
    assert reply["response"]["status"] == "cancelled"
    assert [s["pid"] for s in reply["gone"]] == [child.pid]
    assert newcomer.poll() is None


def test_a_bad_request_is_one_line_never_a_traceback() -> None:
    code, reply = host({"mode": "plan", "frame": {"version": 99}})
    assert code == 2
    assert reply["error"].startswith("bad request: frame version 99")


def test_answers_from_many_hosts_rank_the_worst_first() -> None:
    from nlsh.fleet.rank import is_answer, ranked
    from nlsh.fleet.rows import HostRow, HostState

    def disk(host: str, percent: float) -> HostRow:
        result = {"filesystems": [{"mountpoint": "/", "percent": percent, "free": 10 << 30},
                                  {"mountpoint": "/boot", "percent": 12.0, "free": 1 << 30}]}
        return HostRow(host, HostState.ANSWERED, "", {"kind": "disk_usage", "response": {
            "status": "done", "result": result}})

    rows = [disk("a", 40.0), disk("b", 97.0), HostRow("c", HostState.UNREACHABLE, "refused"),
            disk("d", 71.5)]
    assert is_answer(rows)
    order = ranked(rows)
    assert [entry.host for entry in order] == ["b", "d", "a"]
    assert order[0].evidence.startswith("/ 97% used")


def test_each_ansible_failure_is_one_row_with_its_reason() -> None:
    from nlsh.fleet.ansible import HostResult
    from nlsh.fleet.rows import HostState, row_of

    # The shapes ansible-core 2.19 reports (seen from real runs of docs/fleet.md's set-up).
    cases = [
        (HostResult("a", "unreachable", {"unreachable": True, "msg": "Task failed: Failed to "
                    "connect to the host via ssh: Connection refused"}), HostState.UNREACHABLE),
        (HostResult("b", "failed", {"failed": True, "msg": "Timed out after 4 second(s).",
                                    "timedout": {"frame": "..."}}), HostState.TIMEOUT),
        (HostResult("c", "failed", {"nlsh_reason": "no-nlsh", "msg": "nlsh is not installed "
                                    "on this host"}), HostState.NO_NLSH),
        (HostResult("d", "failed", {"msg": "Missing sudo password"}), HostState.REFUSED),
        (HostResult("e", "ok", {"changed": False}), HostState.FAILED),
    ]
    for result, state in cases:
        row = row_of(result)
        assert row.state is state, (result, row)
        assert row.reason and "Task failed" not in row.reason


def test_words_that_only_point_at_the_hosts_are_read_as_nothing_and_name_no_host() -> None:
    from nlsh.fleet.command import without_host_words

    assert without_host_words("what's using the most memory on all hosts") == (
        "what's using the most memory")
    assert without_host_words("kill nginx across the fleet") == "kill nginx"
    assert without_host_words("show disk usage on every server") == "show disk usage"
    assert without_host_words("which servers are low on disk") == "am I low on disk"
    # a host's name is not one of these words: it stays, for nlsh.fleet.narrow to narrow
    # the hosts with (never to widen them)
    assert without_host_words("pause rsync on web2") == "pause rsync on web2"
    assert without_host_words("kill hostsd") == "kill hostsd"


def test_a_pinned_pid_that_is_another_process_now_is_refused(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    frame = {"version": 1, "text": f"kill pid {child.pid}", "intent": "process.kill",
             "confidence": 0.99, "slots": {"pid": child.pid}, "operators": {}, "spans": []}
    shown_started = psutil.Process(child.pid).create_time() - 100.0  # "shown" as another
    code, reply = host({"mode": "plan", "frame": frame,
                        "pinned": {str(child.pid): shown_started}})
    assert code == 0, reply
    assert reply["response"]["status"] == "refused"
    assert reply["response"]["rule"] == "changed-since-shown"
    code, reply = host({"mode": "plan", "frame": frame, "pinned": {str(child.pid): "soon"}})
    assert code == 2 and reply["error"].startswith("bad request: unreadable pinned")
    assert child.poll() is None
