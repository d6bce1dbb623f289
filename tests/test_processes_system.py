"""Reading processes: names users call them by, literal matching, trees, ports, managers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nlsh.stages import ProcessRef
from nlsh.system.managers import Manager, manager_from_cgroup, manager_of
from nlsh.system.names import app_name_of
from nlsh.system.ports import listeners
from nlsh.system.processes import (
    ProcessInfo,
    children_first,
    matches,
    process_ref_from_json,
    read_process,
    snapshot,
)
from nlsh.system.scheduling import schedulers_ignoring_priorities
from tests.conftest import Sleepers
from tests.support.processes import Children, listen_code, program_name


def info(name: str, exe: str | None = None, cmdline: tuple[str, ...] = (), pid: int = 4242,
         ppid: int | None = 1) -> ProcessInfo:
    return ProcessInfo(pid=pid, ppid=ppid, name=name, exe=exe, cmdline=cmdline,
                       username="alice", create_time=1.0, status="sleeping", rss=1)


@pytest.mark.parametrize(("process", "wanted"), [
    (info("python3", "/usr/bin/python3.11", ("python3", "manage.py", "runserver")), "manage.py"),
    (info("python3", "/usr/bin/python3.11", ("python3", "manage.py", "runserver")), "python"),
    (info("python3", "/usr/bin/python3.11", ("python3", "manage.py", "runserver")),
     "python manage.py"),
    (info("bash", "/usr/bin/bash", ("bash", "/home/a/bin/backup.sh")), "backup.sh"),
    (info("bash", "/usr/bin/bash", ("bash", "/home/a/bin/backup.sh")), "backup"),
    (info("backup.sh", "/opt/jobs/backup.sh", ("/opt/jobs/backup.sh", "--full")), "backup"),
    (info("sync.py", "/usr/local/bin/sync.py", ("./sync.py",)), "sync"),
    (info("node", "/usr/bin/node", ("node", "--require", "x.js", "server.js")), "server"),
    (info("node", "/usr/bin/node", ("node", "server.js")), "node"),
    (info("python3", "/usr/bin/python3", ("python3", "-m", "http.server")), "http.server"),
    (info("Web Content", "/usr/lib/firefox/firefox", ("/usr/lib/firefox/firefox",)), "firefox"),
    (info("Web Content", "/usr/lib/firefox/firefox", ("/usr/lib/firefox/firefox",)), "browser"),
    (info("code", "/usr/share/code/code", ("/usr/share/code/code",)), "vscode"),
    (info("postgres", "/usr/lib/postgresql/16/bin/postgres", ("postgres",)), "postgresql"),
    (info("google-chrome", "/usr/bin/google-chrome", ("google-chrome",)), "chrome"),
    (info("nginx", "/usr/sbin/nginx", ("nginx: worker process",)), "nginx"),
    (info("Firefox", None, ()), "FIREFOX"),
    (info("app", "/opt/app/app (deleted)", ("/opt/app/app",)), "app"),
])
def test_a_process_is_found_by_the_names_users_call_it(process: ProcessInfo,
                                                       wanted: str) -> None:
    assert matches(process, wanted)


@pytest.mark.parametrize(("process", "wanted"), [
    (info("sleep", "/usr/bin/sleep", ("sleep", "100")), "*"),
    (info("sleep", "/usr/bin/sleep", ("sleep", "100")), "sl?ep"),
    (info("sleep", "/usr/bin/sleep", ("sleep", "100")), "sl*"),
    (info("sleep", "/usr/bin/sleep", ("sleep", "100")), "slee"),
    (info("sleep", "/usr/bin/sleep", ("sleep", "100")), "100"),
    (info("python3", "/usr/bin/python3", ("python3", "-c", "import x")), "x"),
    (info("firefox", "/usr/lib/firefox/firefox", ("firefox",)), "chrome"),
    # Google Chrome and Chromium are two programs (nlsh's map of programs keeps them apart)
    (info("chrome", "/opt/google/chrome/chrome", ("/opt/google/chrome/chrome",)), "chromium"),
    (info("python3", "/usr/bin/python3", ("python3", "manage.py")), "python manage.py extra"),
    (info("bash", "/usr/bin/bash", ("bash", "backup.sh")), ""),
    (info("bash", "/usr/bin/bash", ("bash", "/dev/fd/3")), "3"),
])
def test_names_are_literal_and_whole(process: ProcessInfo, wanted: str) -> None:
    assert not matches(process, wanted)


@pytest.mark.parametrize(("name", "exe", "cmdline", "app"), [
    ("python3", "/usr/bin/python3.11", ("python3", "/srv/manage.py", "runserver"), "manage.py"),
    ("Web Content", "/usr/lib/firefox/firefox", ("/usr/lib/firefox/firefox", "-contentproc"),
     "firefox"),
    ("memfd:sealed-91", "/memfd:sealed-91173221 (deleted)", ("tools/backend", "--x"), "backend"),
    ("kworker/0:1", None, (), "kworker/0:1"),
    ("bash", "/usr/bin/bash", ("bash", "/dev/fd/3"), "bash"),
])
def test_app_names_group_what_users_see_as_one_program(name: str, exe: str | None,
                                                       cmdline: tuple[str, ...],
                                                       app: str) -> None:
    assert app_name_of(name, exe, cmdline) == app


def test_a_snapshot_holds_live_sleepers_with_their_identity(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    found = [p for p in snapshot().values() if matches(p, name)]
    assert [p.pid for p in found] == [child.pid]
    assert found[0].create_time > 0 and found[0].rss and found[0].username
    assert [p for p in snapshot().values() if matches(p, name[:-1] + "?")] == []
    assert [p for p in snapshot().values() if matches(p, "*")] == []


def test_a_process_that_ended_reads_as_none(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    child.kill()
    child.wait()
    assert read_process(child.pid) is None


def test_children_come_before_their_parents() -> None:
    parent = info("app", pid=10, ppid=1)
    child = info("app", pid=11, ppid=10)
    grandchild = info("app", pid=12, ppid=11)
    other = info("app", pid=5, ppid=1)
    ordered = [p.pid for p in children_first([parent, other, grandchild, child])]
    assert ordered.index(12) < ordered.index(11) < ordered.index(10)


def test_a_ref_survives_the_journal_round_trip(sleepers: Sleepers) -> None:
    live = read_process(sleepers.spawn().pid)
    assert live is not None
    ref = live.ref()
    back = process_ref_from_json(ref.to_json())
    assert back is not None
    assert (back.pid, back.create_time, back.name, back.username, back.cmdline) == (
        ref.pid, ref.create_time, ref.name, ref.username, ref.cmdline)
    assert process_ref_from_json({"pid": "1", "create_time": 3.0}) is None
    assert process_ref_from_json({"pid": True, "create_time": 3.0}) is None


def test_secrets_on_a_command_line_stay_out_of_plans() -> None:
    process = info("mysql", "/usr/bin/mysql", ("mysql", "--password", "hunter2", "-h", "db"))
    ref: ProcessRef = process.ref()
    assert "hunter2" not in " ".join(ref.cmdline)
    assert "hunter2" not in str(ref.to_json())


def test_a_listening_socket_is_attributed_to_its_process(children: Children,
                                                         tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    child, _ = children.script(listen_code(port_file))
    port = int(port_file.read_text())
    found = listeners(port)
    assert found.pids == (child.pid,)
    assert found.ownerless == 0


@pytest.mark.parametrize(("path", "expected"), [
    ("/system.slice/nginx.service", Manager("systemd", "nginx.service")),
    ("/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service",
     Manager("systemd-user", "pipewire.service")),
    ("/user.slice/user-1000.slice/session-2.scope", None),
    ("/user.slice/user-1000.slice/user@1000.service/init.scope", None),
    ("/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
     ".scope", Manager("docker", "0123456789ab")),
    ("/machine.slice/libpod-abcdef0123456789.scope/container", Manager("podman", "abcdef012345")),
    ("/", None),
])
def test_services_and_containers_are_read_from_the_cgroup(path: str,
                                                          expected: Manager | None) -> None:
    assert manager_from_cgroup(path) == expected


def test_container_helpers_are_known_by_name() -> None:
    proxy = info("docker-proxy", "/usr/bin/docker-proxy",
                 ("docker-proxy", "-proto", "tcp", "-host-port", "8080"))
    manager = manager_of(proxy)
    assert manager is not None and manager.kind == "docker"
    assert "docker ps --filter publish=8080" in manager.stop_command(8080)
    conmon = manager_of(info("conmon", "/usr/bin/conmon", ("conmon", "-c", "abc", "-n", "web")))
    assert conmon == Manager("podman", "web")
    assert conmon.stop_command() == "podman stop web"


def test_only_bfq_and_cfq_honour_io_priorities(tmp_path: Path) -> None:
    for disk, line in (("vda", "[none] mq-deadline kyber bfq"), ("sdb", "mq-deadline [bfq]"),
                       ("nvme0n1", "[mq-deadline] none"), ("loop0", "[none]")):
        (tmp_path / disk / "queue").mkdir(parents=True)
        (tmp_path / disk / "queue" / "scheduler").write_text(line + "\n")
    assert schedulers_ignoring_priorities(tmp_path) == {"vda": "none", "nvme0n1": "mq-deadline"}


def test_our_own_process_reads_back_as_itself() -> None:
    me = read_process(os.getpid())
    assert me is not None and me.ppid == os.getppid() and me.cmdline


def test_one_reading_per_request_and_a_fresh_one_after_acting(sleepers: Sleepers) -> None:
    """Within a request /proc is read once; acting reads live, and what the request reads
    after acting (the next part of "kill A, then list …") is read again."""
    from nlsh.context import Context
    from nlsh.execution import execute
    from nlsh.stages import Plan, Risk, Step
    from nlsh.system.processes import one_reading

    first = sleepers.spawn()
    with one_reading():
        seen = snapshot()
        assert first.pid in seen
        later = sleepers.spawn()
        assert later.pid not in snapshot()  # the request's one reading
        assert read_process(later.pid) is not None  # a pid asked for is read
        plan = Plan(intent="process.kill", summary="kill", risk=Risk.MEDIUM, reversible=False,
                    steps=(Step(action="kill", target=seen[first.pid].ref(), detail="k"),))
        outcome = execute(plan, Context.from_environment(), text="kill")
        assert outcome.results[0].status.value == "done"
        first.wait(timeout=10)
        after = snapshot()
        assert first.pid not in after and later.pid in after
