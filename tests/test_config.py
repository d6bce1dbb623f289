"""config.toml: each setting reaches the code that uses it; bad config warns and defaults apply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from nlsh.config import load
from nlsh.language import helper
from tests.conftest import Sleepers, nlsh_env, run_nlsh
from tests.support.files import age, write
from tests.support.processes import eventually


def _config(home: Path, text: str) -> Path:
    path = home / ".config/nlsh/config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def temp() -> Path:
    return Path(os.environ["NLSH_TEMP_DIRS"])


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("nlsh: warning:")]


# ── nlsh config ─────────────────────────────────────────────────────────────


def test_nlsh_config_shows_each_setting_and_where_it_came_from(private_home: Path) -> None:
    _config(private_home, '[shell]\nkey = "alt-j"\n[protect]\npaths = ["~/projects"]\n')
    shown = run_nlsh("config")
    assert shown.returncode == 0 and shown.stderr == ""
    lines = shown.stdout.splitlines()
    assert lines[0] == f"# {private_home}/.config/nlsh/config.toml"
    assert 'key = "alt-j"  # file' in lines
    assert f'paths = ["{private_home}/projects"]  # file' in lines
    assert "command_not_found = false  # default" in lines
    assert "enabled = false  # env NLSH_HELPER" in lines  # the test suite turns it off


def test_nlsh_config_as_json(private_home: Path) -> None:
    _config(private_home, "[helper]\nidle_minutes = 2\n")
    shown = run_nlsh("--json", "config")
    assert run_nlsh("config", "--json").stdout == shown.stdout
    assert run_nlsh("config", "--yaml").returncode == 2
    data = json.loads(shown.stdout)
    assert data["exists"] is True
    assert data["settings"]["helper.idle_minutes"] == {"value": 2.0, "source": "file"}
    assert data["settings"]["helper.enabled"] == {"value": False, "source": "env",
                                                  "env": "NLSH_HELPER"}
    assert data["settings"]["cleanup.temp_dirs"] == {"value": [], "source": "default"}


def test_xdg_config_home_is_where_the_file_is_read(private_home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "xdg-config"
    (elsewhere / "nlsh").mkdir(parents=True)
    (elsewhere / "nlsh/config.toml").write_text('[shell]\nkey = "ctrl-k"\n')
    _config(private_home, '[shell]\nkey = "alt-j"\n')
    shown = run_nlsh("config", env={"XDG_CONFIG_HOME": str(elsewhere)})
    assert 'key = "ctrl-k"  # file' in shown.stdout.splitlines()


# ── bad configuration: one line naming the key, defaults apply ─────────────


@pytest.mark.parametrize(("text", "says", "default_line"), [
    ("[shell\nkey = 'alt-j'\n", "is not valid TOML", 'key = "alt-n"  # default'),
    ("[helper]\nidle_minutes = \"ten\"\n", "helper.idle_minutes must be a number of minutes",
     "idle_minutes = 10  # default"),
    ("[shell]\nkye = \"alt-j\"\n", "unknown key 'shell.kye' (did you mean shell.key?)",
     'key = "alt-n"  # default'),
    ("[shell]\nkey = \"hyper-x\"\n", "shell.key must be \"alt-LETTER\"",
     'key = "alt-n"  # default'),
    ("[shell]\ncommand_not_found = \"yes\"\n", "shell.command_not_found must be true or false",
     "command_not_found = false  # default"),
    ("helper = true\n", "helper must be a table", "idle_minutes = 10  # default"),
    ("[protect]\npaths = [\"projects\"]\n", "protect.paths must be a list of absolute paths",
     "paths = []  # default"),
    ("[protect]\nprocesses = \"backup\"\n", "protect.processes must be a list of process names",
     "processes = []  # default"),
    (b"[shell]\nkey = \"\xff\"\n", "is not UTF-8 text", 'key = "alt-n"  # default'),
    ("[cleanup]\ntemp_dirs = [\"~\"]\n", "cleanup.temp_dirs must name folders of their own",
     "temp_dirs = []  # default"),
    ("[cleanup]\ntemp_dirs = [\"/\"]\n", "not / or your home", "temp_dirs = []  # default"),
    ("[pager]\ncommand = \"less '-R\"\n", "pager.command must be a command line",
     'command = ""  # default'),
    ("[context]\nenabled = \"no\"\n", "context.enabled must be true or false",
     "enabled = true  # default"),
])
def test_bad_config_is_one_warning_line_and_the_default(private_home: Path, text: str | bytes,
                                                        says: str, default_line: str) -> None:
    path = _config(private_home, "")
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    shown = run_nlsh("config")
    assert shown.returncode == 0
    warnings = _warnings(shown.stderr)
    assert len(warnings) == 1 and says in warnings[0], shown.stderr
    assert "Traceback" not in shown.stderr
    assert default_line in shown.stdout.splitlines()


def test_a_bad_config_never_stops_a_request(private_home: Path) -> None:
    _config(private_home, "[shell\n")
    answered = run_nlsh("--json", "how much memory is free")
    assert answered.returncode == 0
    assert json.loads(answered.stdout)["intent"] == "memory.status"
    assert len(_warnings(answered.stderr)) == 1


def test_the_environment_wins_over_the_file(private_home: Path) -> None:
    _config(private_home, "[helper]\nenabled = true\nidle_minutes = 1\n")
    shown = run_nlsh("config", env={"NLSH_HELPER": "off", "NLSH_HELPER_IDLE": "30"})
    assert "enabled = false  # env NLSH_HELPER" in shown.stdout.splitlines()
    assert "idle_minutes = 0.5  # env NLSH_HELPER_IDLE" in shown.stdout.splitlines()


# ── the settings reach the code that uses them ──────────────────────────────


def test_extra_protected_processes_are_refused_by_policy(private_home: Path,
                                                         sleepers: Sleepers) -> None:
    child = sleepers.spawn("nightlyjob")
    before = json.loads(run_nlsh("--dry-run", "--json", "pause nightlyjob").stdout)
    assert before["status"] == "planned"
    assert [s["pid"] for s in before["plan"]["steps"]] == [child.pid]

    _config(private_home, '[protect]\nprocesses = ["nightlyjob"]\n')
    for args in (("--dry-run", "--json"), ("-y", "--json")):
        after = run_nlsh(*args, "pause nightlyjob")
        data = json.loads(after.stdout)
        assert data["status"] == "refused" and data["rule"] == "protected-process"
        assert "config.toml" in data["message"]
        assert after.returncode == 1
    assert psutil.Process(child.pid).status() != psutil.STATUS_STOPPED


def test_extra_protected_paths_are_refused_by_policy(private_home: Path, temp: Path) -> None:
    report = write(temp / "old-report.csv")
    build = write(temp / "build-7/obj/keep.o").parent.parent
    age(report, 10)
    age(build, 10)
    before = json.loads(run_nlsh("--dry-run", "--json", "clear temp files").stdout)
    assert sorted(s["path"] for s in before["plan"]["steps"]) == [str(build), str(report)]

    _config(private_home, f'[protect]\npaths = ["{report}", "{build}/obj/keep.o"]\n')
    for args in (("--dry-run", "--json"), ("-y", "--json")):
        after = run_nlsh(*args, "clear temp files")
        data = json.loads(after.stdout)
        assert data["status"] == "refused" and data["rule"] == "protected-path", data
        assert after.returncode == 1
    assert report.exists() and (build / "obj/keep.o").exists()


def test_extra_temp_dirs_are_cleaned_as_temp_folders(private_home: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    old = write(scratch / "old-render.tmp")
    age(old, 10)
    before = json.loads(run_nlsh("--dry-run", "--json", "clear temp files").stdout)
    assert before["status"] == "nothing_to_do"

    _config(private_home, f'[cleanup]\ntemp_dirs = ["{scratch}"]\n')
    after = json.loads(run_nlsh("--dry-run", "--json", "clear temp files").stdout)
    assert after["status"] == "planned"
    assert [s["path"] for s in after["plan"]["steps"]] == [str(old)]


def test_helper_enabled_false_in_the_file_turns_the_helper_off(
        private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NLSH_HELPER")
    assert helper.enabled()
    _config(private_home, "[helper]\nenabled = false\n")
    assert not helper.enabled()
    assert load().values["helper.enabled"].source.value == "file"


def test_the_helper_leaves_after_the_configured_idle_time(
        private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.delenv("NLSH_HELPER")
    _config(private_home, "[helper]\nenabled = true\nidle_minutes = 0.05\n")  # 3 s
    env_all = nlsh_env({"XDG_RUNTIME_DIR": str(runtime)})
    env_all.pop("NLSH_HELPER", None)
    try:
        subprocess.run([sys.executable, "-m", "nlsh", "--dry-run", "--json",
                        "how much memory is free"], env=env_all, capture_output=True,
                       timeout=300, check=True, stdin=subprocess.DEVNULL)

        def helpers() -> list[psutil.Process]:
            return [p for p in psutil.process_iter(["cmdline"])
                    if "nlsh.language.helper" in " ".join(p.info["cmdline"] or [])
                    and str(runtime) in " ".join(p.info["cmdline"] or [])]

        assert eventually(lambda: (runtime / "nlsh" / helper.SOCKET_NAME).exists(), 120)
        started = helpers()
        assert started
        assert started[0].environ().get("NLSH_HELPER_IDLE") == "3.0"
        assert eventually(lambda: not any(_alive(p) for p in started), 120)
    finally:
        for process in psutil.process_iter(["cmdline"]):
            if str(runtime) in " ".join(process.info["cmdline"] or []):
                process.kill()


def test_a_fifo_or_a_deeply_nested_file_is_one_warning_and_never_a_hang(
        private_home: Path) -> None:
    config = private_home / ".config/nlsh/config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(config)  # reading it would block forever
    run = run_nlsh("--json", "how much memory is free", timeout=120)
    assert run.returncode == 0, run.stderr
    assert "is not a regular file" in run.stderr
    config.unlink()
    config.write_text("a=" + "[" * 5000 + "]" * 5000 + "\n")
    run = run_nlsh("--json", "how much memory is free", timeout=120)
    assert run.returncode == 0, run.stderr
    assert "nests too deeply" in run.stderr
