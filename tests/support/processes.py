"""Helpers for the process tests: Python children with unique names, and running as nobody.

* ``Children.script`` runs a Python script under a unique file name (the name users
  would kill it by) and waits until the script says it is ready.
* ``Children.program`` runs Python under a copied interpreter with another process
  name (``docker-proxy``), for code that looks at process names.
* ``run_unprivileged`` runs Python code as the ``nobody`` user (as nlsh would run for a
  normal user) and returns what it printed as JSON.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.conftest import Sleepers

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
READY_TIMEOUT = 20.0


def wait_for(path: Path, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"child never became ready ({path} missing)")
        time.sleep(0.02)


def program_name(child: subprocess.Popen[bytes]) -> str:
    """The file name a child was started from (a sleeper's unique name)."""
    args = child.args
    assert isinstance(args, list)
    return Path(str(args[0])).name


def wait_gone(child: subprocess.Popen[bytes], timeout: float = 10.0) -> int | None:
    """The child's return code once it ended (None if it is still running at the timeout)."""
    try:
        return child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


class Children(Sleepers):
    """Real Python child processes (and sleepers), stopped and reaped after the test."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.public: list[Path] = []  # directories other users may read

    def script(self, code: str, stem: str | None = None, suffix: str = ".py",
               **popen: Any) -> tuple[subprocess.Popen[bytes], str]:
        """Run ``code`` as ``<stem><suffix>``; the code calls ``ready()`` when set up."""
        stem = stem or f"nlshtest_{uuid.uuid4().hex[:8]}"
        marker = self.directory / f"{stem}.ready"
        script = self.directory / f"{stem}{suffix}"
        script.write_text(f"def ready():\n    open({str(marker)!r}, 'w').close()\n\n{code}\n")
        child = subprocess.Popen([sys.executable, str(script)], **popen)
        self.children.append(child)
        wait_for(marker)
        return child, script.name

    def program(self, name: str, code: str) -> subprocess.Popen[bytes]:
        """Run ``code`` in a copy of the Python interpreter named ``name``."""
        binary = self.directory / name
        shutil.copy2(os.path.realpath(sys.executable), binary)
        marker = self.directory / f"{name}.ready"
        full = f"def ready():\n    open({str(marker)!r}, 'w').close()\n\n{code}\n"
        env = dict(os.environ, PYTHONHOME=sys.base_prefix)
        child = subprocess.Popen([str(binary), "-c", full], env=env)
        self.children.append(child)
        wait_for(marker)
        return child

    def cleanup(self) -> None:
        super().cleanup()
        for directory in self.public:
            shutil.rmtree(directory, ignore_errors=True)


IGNORE_SIGTERM = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
ready()
time.sleep(300)
"""

THREADS = """
import threading, time
for _ in range(4):
    threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
ready()
time.sleep(300)
"""


def listen_code(port_file: Path) -> str:
    return f"""
import socket, time
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
open({str(port_file)!r}, "w").write(str(server.getsockname()[1]))
ready()
time.sleep(300)
"""


def use_available_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real policy chain (see ``tests.support.files.use_present_policy_rules``)."""


def nice_of_threads(pid: int) -> dict[int, int]:
    """The nice field of /proc/PID/task/*/stat (field 19), by thread id."""
    nices: dict[int, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        stat = (task / "stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        nices[int(task.name)] = int(fields[16])  # field 19 counts pid, comm and state
    return nices


@functools.lru_cache(maxsize=1)
def _public_checkout() -> Path:
    """A copy of the ``nlsh`` package that any user may read (the checkout may not be)."""
    public = Path(tempfile.mkdtemp(prefix="nlsh-code-"))
    atexit.register(shutil.rmtree, public, True)
    shutil.copytree(REPO / "nlsh", public / "nlsh",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for path in [public, *public.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return public


@functools.lru_cache(maxsize=1)
def _nobody_python() -> str | None:
    """A Python interpreter the nobody user may run, with this venv's packages importable."""
    candidates = [sys.executable, os.path.realpath(sys.executable),
                  f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"]
    for candidate in dict.fromkeys(candidates):
        if not os.path.exists(candidate):
            continue
        try:
            done = subprocess.run([candidate, "-c", "import psutil, rich, nlsh"],
                                  user=NOBODY, group=NOBODY, extra_groups=[],
                                  env=_nobody_env("/nonexistent"), capture_output=True,
                                  timeout=60, cwd="/")
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return candidate
    return None


def _nobody_env(home: str) -> dict[str, str]:
    code = str(_public_checkout()) if os.geteuid() == 0 else str(REPO)
    site = [p for p in sys.path if p.endswith("site-packages")]
    return {"PATH": "/usr/bin:/bin", "HOME": home, "PYTHONPATH": os.pathsep.join([code, *site]),
            "XDG_STATE_HOME": f"{home}/state", "XDG_DATA_HOME": f"{home}/data",
            "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/config"}


def run_unprivileged(code: str) -> Any:
    """Run ``code`` as a normal user and return the JSON it printed last.

    As root the code runs as ``nobody`` (skipped when no Python interpreter and packages
    are readable for it); as a normal user it runs as that user.
    """
    if os.geteuid() != 0:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, env=_nobody_env(tempfile.mkdtemp()))
    else:
        python = _nobody_python()
        if python is None:
            pytest.skip("no Python interpreter with psutil and rich that nobody may run here")
        home = tempfile.mkdtemp(prefix="nlsh-nobody-")
        os.chown(home, NOBODY, NOBODY)
        try:
            done = subprocess.run([python, "-c", code], user=NOBODY, group=NOBODY,
                                  extra_groups=[], env=_nobody_env(home), capture_output=True,
                                  text=True, timeout=120, cwd="/")
        finally:
            shutil.rmtree(home, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def sleeper_as_nobody(children: Children, name: str | None = None,
                      ) -> subprocess.Popen[bytes]:
    """A copy of ``sleep`` run by nobody (starting one needs root)."""
    if os.geteuid() != 0:
        pytest.skip("starting a process as another user needs root")
    public = Path(tempfile.mkdtemp(prefix="nlsh-public-"))
    public.chmod(0o755)
    children.public.append(public)
    binary = public / (name or f"nlshtest{uuid.uuid4().hex[:6]}")
    shutil.copy2(shutil.which("sleep") or "/bin/sleep", binary)
    binary.chmod(0o755)
    child = subprocess.Popen([str(binary), "300"], user=NOBODY, group=NOBODY, extra_groups=[],
                             cwd="/")
    children.children.append(child)
    return child


@pytest.fixture
def children(tmp_path: Path) -> Any:
    """Python children for one test (import this fixture into a test module to use it)."""
    directory = tmp_path / "scripts"
    directory.mkdir()
    pool = Children(directory)
    yield pool
    pool.cleanup()


@pytest.fixture
def pipeline_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The policy chain as far as this branch has it (import into a test module to use it)."""
    use_available_rules(monkeypatch)


class AcceptAndEscalate:
    """A user who says yes to everything, including the SIGKILL offered for survivors."""

    reason = "cancelled"
    shows_plan = False

    def __init__(self) -> None:
        self.offered: list[Any] = []

    def select(self, plan: Any) -> Any:
        return None

    def confirm(self, plan: Any) -> Any:
        return plan

    def reconfirm(self, plan: Any) -> bool:
        return True

    def offer(self, plan: Any) -> bool:
        self.offered.append(plan)
        return True


class Picks:
    """A user who picks the named groups of a selectable plan, then says yes."""

    reason = "cancelled"
    shows_plan = False

    def __init__(self, *groups: str) -> None:
        self.groups = set(groups)
        self.shown: list[Any] = []

    def select(self, plan: Any) -> Any:
        self.shown.append(plan)
        return plan.narrowed_to(self.groups, summary="Close " + ", ".join(sorted(self.groups)))

    def confirm(self, plan: Any) -> Any:
        return plan

    def reconfirm(self, plan: Any) -> bool:
        return True

    def offer(self, plan: Any) -> bool:
        return False


def request(intent: str, confirmer: Any = None, *, dry_run: bool = False, ctx: Any = None,
            **slots: Any) -> Any:
    """Carry a fixed parse through ``nlsh.pipeline.run`` (no language model involved)."""
    from nlsh.context import Context
    from nlsh.pipeline import DeclineAll, run
    from nlsh.stages import Parse

    parse = Parse(text=f"{intent} {slots}", intent=intent, confidence=1.0, slots=slots)
    ctx = ctx or Context.from_environment(dry_run=dry_run)
    return run(parse.text, ctx, understand=lambda _: parse, confirmer=confirmer or DeclineAll(),
               parse=parse)


def journal_entries(event: str | None = None) -> list[dict[str, Any]]:
    from nlsh.context import Context

    entries = list(Context.from_environment().journal.entries())
    return [e for e in entries if event is None or e.get("event") == event]


def eventually(condition: Callable[[], object], seconds: float = 30) -> bool:
    """Whether ``condition()`` is (or within ``seconds`` becomes) true, polling it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def burning(children: list[subprocess.Popen[bytes]], cpu_seconds: float = 0.2) -> bool:
    """Whether every busy-loop child has used ``cpu_seconds`` of CPU (its load shows)."""
    try:
        return all(sum(psutil.Process(c.pid).cpu_times()[:2]) >= cpu_seconds
                   for c in children)
    except psutil.NoSuchProcess:
        return False


def running(pid: int) -> bool:
    """Whether ``pid`` exists and runs: neither gone, a zombie, nor stopped."""
    try:
        return psutil.Process(pid).status() not in (psutil.STATUS_ZOMBIE,
                                                    psutil.STATUS_STOPPED)
    except psutil.NoSuchProcess:
        return False


def missing_pid() -> int:
    """A pid no process has right now."""
    limit = int(Path("/proc/sys/kernel/pid_max").read_text())
    for pid in range(limit - 1, 300, -1):
        if not Path(f"/proc/{pid}").exists():
            return pid
    raise AssertionError("every pid is taken")  # pragma: no cover


def step_pids(items: Any) -> list[int]:
    """The pids of steps, or of step results, in order."""
    from nlsh.stages import ProcessRef

    pids = []
    for item in items:
        target = getattr(item, "target", None) or item.step.target
        assert isinstance(target, ProcessRef)
        pids.append(target.pid)
    return pids


# Code run by ``run_unprivileged``: the policy chain of this branch, a child with threads,
# and a helper that carries a fixed parse through the pipeline. Ends with ``emit(...)``.
UNPRIVILEGED_PRELUDE = '''
import importlib.util, json, os, subprocess, sys, time
import nlsh.policy
from nlsh.context import Context
from nlsh.pipeline import AcceptAll, run
from nlsh.stages import Parse, Step
from nlsh.system.processes import read_process

def spawn_threaded():
    code = ("import threading, time\\n"
            "for _ in range(3):\\n"
            "    threading.Thread(target=time.sleep, args=(300,), daemon=True).start()\\n"
            "time.sleep(300)")
    child = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 20
    while len(os.listdir(f"/proc/{child.pid}/task")) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    return child

def nices(pid):
    return {t: os.getpriority(os.PRIO_PROCESS, int(t)) for t in os.listdir(f"/proc/{pid}/task")}

def ask(intent, **slots):
    parse = Parse(text=intent, intent=intent, confidence=1.0, slots=slots)
    return run(parse.text, Context.from_environment(), understand=lambda _: parse,
               confirmer=AcceptAll(), parse=parse).to_json()

def emit(value):
    print(json.dumps(value, default=str))
'''
