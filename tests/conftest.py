"""Shared fixtures: a private HOME per test, no network, the real nlsh, real child processes.

* Every test gets a fresh temporary HOME with its own XDG config/state/cache/data dirs,
  and its own temp directory for disk cleanup (``NLSH_TEMP_DIRS``), so no test ever
  sweeps the machine's real /tmp.
* The trained model lives in one cache shared by the whole run (``NLSH_MODEL_CACHE``),
  built once on first use, so tests exercise the real model without rebuilding it.
* Non-loopback connections fail, in this process and in every ``nlsh`` subprocess
  (``tests/support/netguard/sitecustomize.py``); any attempt fails the test.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NETGUARD = REPO / "tests" / "support" / "netguard"
# Installed plugins (examples/nlsh-tmux) change the model; the suite runs without them,
# and tests/test_plugins.py turns them on (one extra model build).
os.environ["NLSH_PLUGINS"] = "off"
MODEL_CACHE = Path(os.environ.get("NLSH_TEST_MODEL_CACHE")
                   or Path.home() / ".cache" / "nlsh-test" / "models")


def _install_netguard() -> None:
    spec = importlib.util.spec_from_file_location("_nlsh_netguard",
                                                  NETGUARD / "sitecustomize.py")
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))


_install_netguard()

# Fixtures for the process tests (real Python children, the policy chain of this branch).
pytest_plugins = ["tests.support.processes"]


@pytest.fixture(scope="session", autouse=True)
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the model once, before any test: the terminal tests wait two minutes for a
    prompt, which a first build on a loaded machine can take longer than."""
    home = tmp_path_factory.mktemp("model-home")
    completed = subprocess.run(
        [sys.executable, "-m", "nlsh", "--dry-run", "--json", "how much memory is free"],
        capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL,
        env=nlsh_env({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                      "XDG_STATE_HOME": str(home / ".state"),
                      "XDG_CACHE_HOME": str(home / ".cache"),
                      "XDG_DATA_HOME": str(home / ".data"),
                      "NLSH_MODEL_CACHE": str(MODEL_CACHE), "NLSH_HELPER": "off"}))
    if completed.returncode != 0:
        pytest.fail(f"the model could not be built:\n{completed.stderr}")


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh HOME and XDG tree; the model cache stays shared."""
    home = tmp_path / "home"
    for sub in (".config", ".local/state", ".cache", ".local/share"):
        (home / sub).mkdir(parents=True)
    netlog = tmp_path / "netguard.log"
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("NLSH_TEMP_DIRS", str(temp))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("NLSH_MODEL_CACHE", str(MODEL_CACHE))
    monkeypatch.setenv("NLSH_NETGUARD_LOG", str(netlog))
    # No resident language helper unless a test asks for one (tests/test_helper.py).
    monkeypatch.setenv("NLSH_HELPER", "off")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home
    if netlog.exists():
        pytest.fail("a non-loopback connection was attempted:\n" + netlog.read_text())


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def nlsh_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for an ``nlsh`` subprocess: this checkout first, netguard loaded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(REPO)])
    env["COLUMNS"] = "200"
    env["TERM"] = "dumb"
    if extra:
        env.update(extra)
    return env


def run_nlsh(*args: str, input: str | None = None, env: dict[str, str] | None = None,
             timeout: float = 300) -> Run:
    """Run the real ``nlsh`` (``python -m nlsh``) with no terminal, not even a controlling one."""
    completed = subprocess.run(
        [sys.executable, "-m", "nlsh", *args], input=input, capture_output=True, text=True,
        env=nlsh_env(env), timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal: nlsh cannot ask on /dev/tty
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def nlsh() -> type[Run]:
    return Run  # the type, for annotations; call run_nlsh directly


class Sleepers:
    """Real child processes: copies of ``sleep`` under unique names, cleaned up afterwards."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.children: list[subprocess.Popen[bytes]] = []

    def spawn(self, name: str | None = None, seconds: int = 300,
              **popen: object) -> subprocess.Popen[bytes]:
        name = name or f"nlshtest{uuid.uuid4().hex[:6]}"
        binary = self.directory / name
        if not binary.exists():
            shutil.copy2(shutil.which("sleep") or "/bin/sleep", binary)
        child = subprocess.Popen([str(binary), str(seconds)], **popen)  # type: ignore[call-overload]
        self.children.append(child)
        return child  # type: ignore[no-any-return]

    def cleanup(self) -> None:
        for child in self.children:
            if child.poll() is None:
                try:
                    os.kill(child.pid, signal.SIGCONT)
                    child.kill()
                except ProcessLookupError:
                    pass
            child.wait(timeout=5)


@pytest.fixture
def sleepers(tmp_path: Path) -> Iterator[Sleepers]:
    directory = tmp_path / "bin"
    directory.mkdir()
    pool = Sleepers(directory)
    yield pool
    pool.cleanup()
