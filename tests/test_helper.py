"""The resident language helper: on demand, private, never stale, never lingering."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from nlsh.language import Understander, helper
from nlsh.language.build import current_model_dir
from nlsh.paths import Paths
from tests.conftest import nlsh_env, run_nlsh
from tests.support.privilege import become_nobody, run_weakened
from tests.support.processes import eventually

SENTENCE = "make the backup job lower priority"


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime dir with the helper switched on; every helper ends afterwards."""
    base = tmp_path / "run"
    base.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    monkeypatch.setenv("NLSH_HELPER", "on")
    Understander(Paths.from_environment())("warm the model cache")  # make sure it is built
    directory = helper.runtime_dir()
    assert directory == base / "nlsh"
    yield directory
    for process in psutil.process_iter(["cmdline"]):
        if str(base) in " ".join(process.info["cmdline"] or []):
            process.kill()


def _ended(process: psutil.Process) -> bool:
    return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE


def _helpers(directory: Path) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"])
            if "nlsh.language.helper" in " ".join(p.info["cmdline"] or [])
            and str(directory) in " ".join(p.info["cmdline"] or [])]


def _start(directory: Path, idle: str = "600") -> None:
    subprocess.Popen([sys.executable, "-m", "nlsh.language.helper", str(directory)],
                     env=nlsh_env({"NLSH_HELPER_IDLE": idle}), start_new_session=True)
    assert eventually(lambda: (directory / helper.SOCKET_NAME).exists())


def _key() -> str:
    paths = Paths.from_environment()
    model_dir = current_model_dir(paths.models, paths.user_intents)
    assert model_dir is not None
    return model_dir.name


def test_first_one_shot_starts_a_helper_and_the_next_uses_it(runtime: Path) -> None:
    first = run_nlsh("--dry-run", "--json", SENTENCE)
    assert json.loads(first.stdout)["intent"] == "process.renice"
    assert eventually(lambda: (runtime / helper.SOCKET_NAME).exists())
    probe = ("import runpy, sys, json\n"
             f"sys.argv = ['nlsh', '--dry-run', '--json', {SENTENCE!r}]\n"
             "try:\n    runpy.run_module('nlsh', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print(json.dumps([m for m in ('onnxruntime', 'numpy', 'tokenizers')"
             " if m in sys.modules]), file=sys.stderr)\n")
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env=nlsh_env(), timeout=60)
    assert json.loads(second.stdout)["slots"] == json.loads(first.stdout)["slots"]
    assert json.loads(second.stderr.strip().splitlines()[-1]) == []  # answered by the helper


def test_socket_and_directory_are_private(runtime: Path) -> None:
    _start(runtime)
    assert stat.S_IMODE(os.stat(runtime).st_mode) == 0o700
    assert stat.S_IMODE(os.lstat(runtime / helper.SOCKET_NAME).st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(runtime / helper.LOCK_NAME).st_mode) == 0o600


def test_helper_reads_exactly_as_in_process(runtime: Path) -> None:
    _start(runtime)
    local = Understander(Paths.from_environment()).engine  # the helper stands in for it
    for sentence in (SENTENCE, "kill whatever is on port 8080", "what's the weather",
                     "free up memory by closing chrome", "set firefox's niceness to 70"):
        helped = helper.ask(sentence, _key(), runtime)
        assert helped is not None
        assert helped == local.parse(sentence)


def test_another_user_cannot_reach_it(runtime: Path) -> None:
    _start(runtime)
    request = json.dumps({"v": 1, "key": _key(), "text": SENTENCE}).encode() + b"\n"
    path = str(runtime / helper.SOCKET_NAME)

    def connect() -> str:
        with socket.socket(socket.AF_UNIX) as connection:
            try:
                connection.connect(path)
                connection.sendall(request)
                return connection.recv(100).decode()
            except OSError as error:
                return f"refused {error.errno}"

    assert run_weakened(become_nobody, connect).startswith("refused")
    assert helper.ask(SENTENCE, _key(), runtime) is not None  # its owner still gets answers


def test_a_stale_model_key_makes_it_exit(runtime: Path) -> None:
    _start(runtime)
    [process] = _helpers(runtime)
    assert helper.ask(SENTENCE, "0" * 16, runtime) is None
    assert eventually(lambda: _ended(process))


def test_it_exits_when_idle(runtime: Path) -> None:
    _start(runtime, idle="1")
    [process] = _helpers(runtime)
    assert eventually(lambda: _ended(process), seconds=15)
    assert not (runtime / helper.SOCKET_NAME).exists()


def test_it_exits_when_its_socket_is_removed(runtime: Path) -> None:
    _start(runtime)
    [process] = _helpers(runtime)
    (runtime / helper.SOCKET_NAME).unlink()
    assert eventually(lambda: _ended(process), seconds=15)


def test_only_one_helper_serves_a_user(runtime: Path) -> None:
    _start(runtime)
    second = subprocess.run([sys.executable, "-m", "nlsh.language.helper", str(runtime)],
                            env=nlsh_env(), timeout=60)
    assert second.returncode == 0
    assert len(_helpers(runtime)) == 1


def test_an_unsafe_runtime_dir_means_no_helper(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    monkeypatch.setenv("TMPDIR", str(shared))
    (shared / f"nlsh-{os.getuid()}").mkdir(mode=0o755)
    (shared / f"nlsh-{os.getuid()}").chmod(0o755)  # someone made it readable to all
    assert helper.runtime_dir() is None if not Path(f"/run/user/{os.getuid()}").is_dir() \
        else helper.runtime_dir() != shared / "nlsh"


def test_a_socket_planted_by_someone_else_is_not_used(runtime: Path) -> None:
    planted = socket.socket(socket.AF_UNIX)
    planted.bind(str(runtime / helper.SOCKET_NAME))
    os.chown(runtime / helper.SOCKET_NAME, 65534, 65534)  # the tests run as root
    try:
        assert helper.ask(SENTENCE, _key(), runtime) is None
    finally:
        planted.close()


def test_without_a_helper_the_one_shot_works_in_process(runtime: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NLSH_HELPER", "off")
    run = run_nlsh("--dry-run", "--json", SENTENCE)
    assert json.loads(run.stdout)["intent"] == "process.renice"
    assert not (runtime / helper.SOCKET_NAME).exists()
    assert _helpers(runtime) == []
