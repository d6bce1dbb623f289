"""One ansible-playbook run of the nlsh module, its results host by host as they arrive.

nlsh starts ``ansible-playbook`` (ansible-core) with the user's own environment, so its
inventory plugins, ansible.cfg, SSH settings, forks, timeouts, become and host-key checking
apply as configured. nlsh adds only: its collection (the module and the JSON-lines stdout
callback), a playbook of one task, and the requests as extra vars (base64, so no part of a
sentence is ever read as a template). The pattern goes to ``--limit`` as given.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nlsh.errors import UsageError
from nlsh.stages import JSON

COLLECTIONS = Path(__file__).resolve().parent  # holds ansible_collections/nlsh/fleet
EVERY_HOST = "*"  # the request key every host without one of its own uses
FINISH_SECONDS = 30.0  # after Ctrl-C: how long hosts already running may take to report

PLAYBOOK = """\
- name: nlsh
  hosts: all
  gather_facts: false
  environment: "{{ nlsh_env | default({}) }}"
  tasks:
    - name: nlsh request
      nlsh.fleet.nlsh:
        request: "{{ nlsh_fleet_requests[inventory_hostname]
                     | default(nlsh_fleet_requests['*']) }}"
        python: "{{ nlsh_python | default(omit) }}"
"""


@dataclass(frozen=True)
class HostResult:
    """What Ansible reported for one host: ``state`` is ok, failed, unreachable or skipped."""

    host: str
    state: str
    result: Mapping[str, Any]


@dataclass
class Run:
    """An ansible-playbook run: the hosts its pattern matched and each one's result."""

    hosts: list[str] | None = None
    results: dict[str, HostResult] = field(default_factory=dict)
    interrupted: bool = False
    error: str | None = None  # ansible itself failed: a bad inventory, no host matched


@dataclass(frozen=True)
class Target:
    """Where to send requests: an inventory (None: ansible's configured one) and a pattern."""

    pattern: str
    inventory: str | None = None


def ansible_playbook() -> str:
    """The ansible-playbook next to this Python (a virtual environment), else on PATH."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    if beside.exists():
        return str(beside)
    found = shutil.which("ansible-playbook")
    if found is None:
        raise UsageError("--hosts needs ansible-core, which is not installed; install it "
                         "with: pip install 'nlsh[fleet]'")
    return found


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The user's environment with nlsh's collection added and its callback chosen.

    The user's own collections stay where ansible would look for them (their inventory
    plugins live there): ``ANSIBLE_COLLECTIONS_PATH``, else ``collections_path`` in the
    ansible.cfg ansible would read, else ansible's default."""
    env = dict(os.environ if base is None else base)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([str(COLLECTIONS),
                                                       _users_collections(env)])
    env["ANSIBLE_STDOUT_CALLBACK"] = "nlsh.fleet.lines"
    env["ANSIBLE_RETRY_FILES_ENABLED"] = "false"
    env["ANSIBLE_NOCOLOR"] = "true"
    return env


def _users_collections(env: Mapping[str, str]) -> str:
    if env.get("ANSIBLE_COLLECTIONS_PATH"):
        return env["ANSIBLE_COLLECTIONS_PATH"]
    import configparser

    home = Path(env.get("HOME") or Path.home())
    for candidate in (env.get("ANSIBLE_CONFIG"), "ansible.cfg", str(home / ".ansible.cfg"),
                      "/etc/ansible/ansible.cfg"):
        if not candidate or not os.path.isfile(candidate):
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(candidate, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            break
        for key in ("collections_path", "collections_paths"):
            value = parser.get("defaults", key, fallback="").strip()
            if value:
                return os.pathsep.join(os.path.expanduser(p) for p in value.split(os.pathsep))
        break  # ansible reads the first config file it finds, and only that one
    ansible_home = env.get("ANSIBLE_HOME") or str(home / ".ansible")
    return os.pathsep.join([f"{ansible_home}/collections", "/usr/share/ansible/collections"])


def encode(request: JSON) -> str:
    return base64.b64encode(json.dumps(request, ensure_ascii=False).encode()).decode()


def run(target: Target, requests: Mapping[str, JSON],
        on_result: Callable[[HostResult], None] | None = None,
        limit_to: list[str] | None = None) -> Run:
    """Send ``requests`` (host name, or ``*`` for every host, → request) to the hosts
    ``target`` matches (and ``limit_to`` keeps, when given); Ctrl-C stops new work."""
    with _files(requests, limit_to) as (playbook, extra, limit_file):
        argv = [ansible_playbook(), str(playbook), "-e", f"@{extra}",
                "--limit", target.pattern]
        if limit_file is not None:
            argv += ["--limit", f"@{limit_file}"]
        if target.inventory is not None:
            argv += ["-i", target.inventory]
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
            return _run(argv, errors, target, on_result)


def _run(argv: list[str], errors: IO[str], target: Target,
         on_result: Callable[[HostResult], None] | None) -> Run:
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True,
                               env=environment(), start_new_session=True)
    outcome = Run()
    assert process.stdout is not None
    try:
        _read(process.stdout, outcome, on_result)
    except KeyboardInterrupt:
        outcome.interrupted = True
        _stop(process, outcome, on_result)
    code = process.wait()
    if outcome.hosts is None and not outcome.results and not outcome.interrupted:
        outcome.error = _last_error(errors) or f"ansible-playbook exit status {code}"
    elif outcome.hosts == [] and not outcome.results:
        outcome.error = _last_error(errors) or f"no host matches {target.pattern!r}"
    return outcome


def _read(stream: IO[str], outcome: Run, on_result: Callable[[HostResult], None] | None
          ) -> None:
    for line in stream:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # not ours (a plugin printing to stdout)
        if not isinstance(event, dict):
            continue
        if event.get("event") == "hosts":
            hosts = event.get("hosts")
            outcome.hosts = None if hosts is None else [str(h) for h in hosts]
        elif event.get("event") == "result":
            result = HostResult(str(event["host"]), str(event["state"]),
                                event.get("result") or {})
            outcome.results[result.host] = result
            if on_result is not None:
                on_result(result)


def _stop(process: subprocess.Popen[str], outcome: Run,
          on_result: Callable[[HostResult], None] | None) -> None:
    """Ctrl-C: ansible-playbook gets SIGINT and stops the run (no further host starts; it
    ends the hosts under way, whose nlsh stops as at a Ctrl-C, journal kept); what it
    reported before it ended is read; a second Ctrl-C kills it."""
    assert process.stdout is not None
    try:
        process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + FINISH_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            process.terminate()
        _read(process.stdout, outcome, on_result)
    except KeyboardInterrupt:
        process.kill()


def _last_error(errors: IO[str]) -> str | None:
    errors.seek(0)
    lines = [line.strip() for line in errors.read().splitlines() if line.strip()]
    for line in reversed(lines):
        if "ERROR" in line:
            return line.split("ERROR", 1)[1].lstrip("!]: ").strip()
    return lines[-1] if lines else None


@contextmanager
def _files(requests: Mapping[str, JSON], limit_to: list[str] | None
           ) -> Iterator[tuple[Path, Path, Path | None]]:
    with tempfile.TemporaryDirectory(prefix="nlsh-fleet-") as directory:
        root = Path(directory)
        playbook = root / "nlsh.yml"
        playbook.write_text(PLAYBOOK, encoding="utf-8")
        extra = root / "requests.json"
        extra.write_text(json.dumps({"nlsh_fleet_requests": {
            host: encode(request) for host, request in requests.items()}}), encoding="utf-8")
        limit_file = None
        if limit_to is not None:
            limit_file = root / "hosts"
            limit_file.write_text("".join(f"{host}\n" for host in limit_to), encoding="utf-8")
        yield playbook, extra, limit_file
