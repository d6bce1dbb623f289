"""nlsh --hosts through real ansible-core: several hosts that are this machine
(``ansible_connection=local``, each with its own HOME, config and journal), a host that is
unreachable on purpose and a host without nlsh; real sleepers; the real model."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import psutil
import pytest
import yaml

from tests.conftest import Run, Sleepers, nlsh_env, run_nlsh
from tests.support.processes import eventually, program_name, wait_gone

pytestmark = pytest.mark.skipif(
    shutil.which("ansible-playbook", path=str(Path(sys.executable).parent)) is None
    and shutil.which("ansible-playbook") is None, reason="ansible-core is not installed")

HOSTS = ("web1", "web2", "db1")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Fleet:
    """An inventory of hosts that are this machine, each with its own nlsh files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inventory = root / "inventory.yml"
        hosts: dict[str, Any] = {}
        for name in HOSTS:
            home = root / name
            for sub in (".config", ".local/state", ".cache", ".local/share", "tmp"):
                (home / sub).mkdir(parents=True)
            hosts[name] = {"nlsh_env": {
                "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_STATE_HOME": str(home / ".local/state"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_DATA_HOME": str(home / ".local/share"),
                "NLSH_TEMP_DIRS": str(home / "tmp")}}
        lost = {"gone": {"ansible_connection": "ssh", "ansible_host": "127.0.0.1",
                         "ansible_port": closed_port(), "ansible_user": "nobody"},
                # a Python without nlsh (nor this checkout on its path)
                "bare": {"nlsh_python": shutil.which("python3.11") or "/usr/bin/python3",
                         "nlsh_env": {"PYTHONPATH": ""}}}
        self.inventory.write_text(yaml.safe_dump({"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
            "children": {"web": {"hosts": {n: hosts[n] for n in ("web1", "web2")}},
                         "db": {"hosts": {"db1": hosts["db1"]}},
                         "lost": {"hosts": lost}}}}))

    def home(self, host: str) -> Path:
        return self.root / host

    def protect(self, host: str, process: str) -> None:
        config = self.home(host) / ".config" / "nlsh" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'[protect]\nprocesses = ["{process}"]\n')

    def journal(self, host: str) -> list[dict[str, Any]]:
        path = self.home(host) / ".local/state/nlsh/journal.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def nlsh(self, pattern: str, *args: str) -> Run:
        return run_nlsh("--hosts", pattern, "-i", str(self.inventory), *args,
                        env=self.env())

    def env(self) -> dict[str, str]:
        return {"ANSIBLE_LOCAL_TEMP": str(self.root / "ansible-local"),
                "ANSIBLE_HOME": str(self.root / "ansible-home"),
                "ANSIBLE_HOST_KEY_CHECKING": "false", "ANSIBLE_TIMEOUT": "10"}


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    yield Fleet(tmp_path / "fleet")


def rows(run: Run) -> dict[str, dict[str, Any]]:
    return {row["host"]: row for row in map(json.loads, run.stdout.splitlines())}


def test_plans_on_every_matched_host_and_each_failure_is_its_own_row(
        fleet: Fleet, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    fleet.protect("web2", name)  # web2's own policy protects it
    run = fleet.nlsh("web*:lost", "--dry-run", "--json", f"kill {name}")
    by_host = rows(run)
    assert set(by_host) == {"web1", "web2", "gone", "bare"}  # db1 is not in the pattern
    assert by_host["web1"]["state"] == "planned"
    assert [s["pid"] for s in by_host["web1"]["response"]["plan"]["steps"]] == [child.pid]
    assert by_host["web2"]["state"] == "refused"
    assert by_host["gone"]["state"] == "unreachable" and by_host["gone"]["reason"]
    assert by_host["bare"]["state"] == "no_nlsh", by_host["bare"]
    assert "not installed" in by_host["bare"]["reason"]
    assert run.returncode == 3  # some hosts failed
    assert child.poll() is None  # a dry run changes nothing


def test_a_kill_across_hosts_with_yes_reports_each_host(
        fleet: Fleet, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    run = fleet.nlsh("web1:db1:gone", "--yes", "--json", f"kill {name}")
    by_host = rows(run)
    assert wait_gone(child) is not None
    assert by_host["gone"]["state"] == "unreachable"
    states = {by_host[h]["state"] for h in ("web1", "db1")}
    # Both hosts planned the same process (they are one machine): one killed it, the other
    # found it gone and did nothing else (its confirmed step gone, or, re-planning after the
    # kill, nothing left to do).
    assert "done" in states and states <= {"done", "skipped", "nothing_to_do"}, by_host
    done = [h for h in ("web1", "db1") if by_host[h]["state"] == "done"]
    assert any(e.get("event") == "step" and e.get("status") == "done"
               for e in fleet.journal(done[0]))  # in that host's own journal


def test_each_host_plans_its_own_files_and_only_the_picked_host_cleans(fleet: Fleet) -> None:
    sizes = {"web1": 3000, "web2": 300_000}
    for host, size in sizes.items():
        cached = fleet.home(host) / ".cache/pip/http/v2/a" / f"{host}-entry"
        cached.parent.mkdir(parents=True)
        cached.write_bytes(b"x" * size)
    planned = rows(fleet.nlsh("web*", "--dry-run", "--json", "clear pip caches"))
    plans = {host: planned[host]["response"]["plan"] for host in sizes}
    for host, size in sizes.items():  # bytes on disk: at least the file's size
        assert size <= plans[host]["bytes"] < size + 64 * 1024, planned[host]
        assert all(step["path"].startswith(str(fleet.home(host)))
                   for step in plans[host]["steps"])
    cleaned = rows(fleet.nlsh("web2", "--yes", "--json", "clear pip caches"))
    assert set(cleaned) == {"web2"} and cleaned["web2"]["state"] == "done", cleaned
    assert not (fleet.home("web2") / ".cache/pip/http/v2/a/web2-entry").exists()
    assert (fleet.home("web1") / ".cache/pip/http/v2/a/web1-entry").exists()


def test_read_only_questions_merge_into_one_ranked_table(fleet: Fleet) -> None:
    run = fleet.nlsh("web*:db1", "--json", "which servers are running out of disk")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 0, run.stderr
    assert {line["host"] for line in lines} == {"web1", "web2", "db1"}
    assert [line["rank"] for line in lines] == [1, 2, 3]
    assert all(line["state"] == "answered" and "% used" in line["evidence"] for line in lines)


def test_a_pattern_matching_no_host_is_one_line(fleet: Fleet) -> None:
    run = fleet.nlsh("nosuchhost", "--dry-run", "show disk usage")
    assert run.returncode == 2
    assert run.stderr.startswith("nlsh: --hosts nosuchhost:")
    assert "Traceback" not in run.stderr


def test_pick_one_host_then_undo_from_that_hosts_own_journal(
        fleet: Fleet, sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    name = program_name(child)
    argv = ["-m", "nlsh", "--hosts", "web*", "-i", str(fleet.inventory), f"pause {name}"]
    shell = pexpect.spawn(sys.executable, argv, env=nlsh_env(fleet.env()), encoding="utf-8",
                          timeout=120, dimensions=(50, 200))
    try:
        shell.expect(r"pick hosts 1-2\] ")
        assert shell.before.count(str(child.pid)) >= 2  # both hosts' plans show it
        shell.sendline("2")  # web2 only
        if shell.expect([r"Type 'yes' to continue: ", pexpect.EOF]) == 0:  # root's process
            shell.sendline("yes")
            shell.expect(pexpect.EOF)
        shell.close()
        assert shell.exitstatus == 0, shell.before
    finally:
        if shell.isalive():
            shell.terminate(force=True)
    assert eventually(lambda: psutil.Process(child.pid).status() == psutil.STATUS_STOPPED)
    assert fleet.journal("web1") and not any(e.get("status") == "done"
                                               for e in fleet.journal("web1"))
    nothing = rows(fleet.nlsh("web1", "--yes", "--json", "undo"))
    assert nothing["web1"]["state"] in ("nothing_to_do", "refused"), nothing
    assert psutil.Process(child.pid).status() == psutil.STATUS_STOPPED
    undone = rows(fleet.nlsh("web2", "--yes", "--json", "undo"))
    assert undone["web2"]["state"] == "done", undone
    assert eventually(lambda: psutil.Process(child.pid).status() != psutil.STATUS_STOPPED)


def test_more_hosts_than_the_limit_need_a_typed_yes() -> None:
    from nlsh.fleet.command import choose
    from nlsh.fleet.rows import HostRow, HostState

    planned = [HostRow(f"h{i}", HostState.PLANNED, "Kill 1 process", {"response": {
        "status": "planned", "plan": {"steps": []}}}) for i in range(1, 4)]
    said: list[str] = []
    answers = iter(["y", "no"])
    choice = choose(planned, 2, False, lambda prompt: next(answers), said.append)
    assert choice.hosts == ()
    assert "3 hosts (more than fleet.max_hosts = 2)" in said[-1]
    answers = iter(["1,2"])
    assert choose(planned, 2, False, lambda prompt: next(answers), said.append).hosts == (
        "h1", "h2")
    answers = iter(["y", "yes"])
    assert len(choose(planned, 2, False, lambda prompt: next(answers), said.append).hosts) == 3
    assert os.environ.get("NLSH_PLUGINS") == "off"


def test_ctrl_c_stops_the_run_and_still_reports_every_host(fleet: Fleet, tmp_path: Path) -> None:
    started = tmp_path / "slow-started"
    slow = tmp_path / "slowpython"
    slow.write_text(f"#!/bin/sh\ntouch {started}\nsleep 6\nexec {sys.executable} \"$@\"\n")
    slow.chmod(0o755)
    inventory = yaml.safe_load(fleet.inventory.read_text())
    inventory["all"]["children"]["db"]["hosts"]["db1"]["nlsh_python"] = str(slow)
    fleet.inventory.write_text(yaml.safe_dump(inventory))
    argv = ["-m", "nlsh", "--hosts", "web1:db1", "-i", str(fleet.inventory), "--json",
            "show disk usage"]
    shell = pexpect.spawn(sys.executable, argv, env=nlsh_env(fleet.env()), encoding="utf-8",
                          timeout=120, dimensions=(50, 200))
    try:
        assert eventually(started.exists, seconds=90)  # db1's nlsh is under way
        shell.sendintr()
        shell.expect(pexpect.EOF)
        shell.close()
    finally:
        if shell.isalive():
            shell.terminate(force=True)
    assert shell.exitstatus == 130, shell.before
    lines = [json.loads(line[line.index("{"):]) for line in shell.before.splitlines()
             if "{" in line]
    states = {line["host"]: line["state"] for line in lines}
    assert set(states) == {"web1", "db1"}, shell.before  # every host has its row
    assert states["db1"] == "interrupted"  # it was still starting its nlsh
    assert "nlsh: interrupted" in shell.before


def test_a_hosts_session_runs_each_line_on_the_hosts(fleet: Fleet) -> None:
    run = run_nlsh("--hosts", "db1", "-i", str(fleet.inventory), "--json",
                   input="show disk usage\nkill zqnosuchprocess9\n", env=fleet.env())
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(line["host"], line["state"]) for line in lines] == [
        ("db1", "answered"), ("db1", "nothing_to_do")]
    assert run.returncode == 1  # the worst line: nothing to do
