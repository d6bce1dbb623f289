"""Plugins by entry point: the example tmux plugin (examples/nlsh-tmux, installed into the
test venv by the README's test command) on a real tmux server this test starts, and broken
plugins that are skipped with one warning line.

With plugins on, the model includes the plugin's catalog: the first run here builds it once
(in the shared test model cache) and later runs reuse it.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlsh.language.catalog import fingerprint
from tests.conftest import MODEL_CACHE, REPO, Run, nlsh_env, run_nlsh
from tests.support.processes import eventually

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
              # the first test may build the plugin's model: minutes on a loaded machine
              pytest.mark.timeout(1800)]

TMUX_CATALOG = REPO / "examples" / "nlsh-tmux" / "nlsh_tmux" / "intents"
BUSY = f"{sys.executable} -c 'while True: pass'"
# What nlsh needs from the test's environment when it runs inside a tmux pane.
INHERITED = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
             "NLSH_MODEL_CACHE", "NLSH_TEMP_DIRS", "NLSH_NETGUARD_LOG", "NLSH_HELPER",
             "NLSH_PLUGINS", "TMUX_TMPDIR", "PYTHONPATH", "PATH", "TERM", "COLUMNS")


class Tmux:
    """A private tmux server (its socket under ``directory``, via TMUX_TMPDIR)."""

    def __init__(self, directory: Path) -> None:
        self.env = {"TMUX_TMPDIR": str(directory), "TMUX": "", "NLSH_PLUGINS": "on"}

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        import os

        env = {k: v for k, v in os.environ.items() if k != "TMUX"}
        env["TMUX_TMPDIR"] = self.env["TMUX_TMPDIR"]
        return subprocess.run(["tmux", "-f", "/dev/null", *args], env=env, text=True,
                              capture_output=True, timeout=30)

    def sessions(self) -> set[str]:
        done = self("list-sessions", "-F", "#{session_name}")
        return set(done.stdout.split()) if done.returncode == 0 else set()


@pytest.fixture(scope="module", autouse=True)
def plugin_model() -> None:
    """The model with the plugin's catalog, built once (the usual progress, on stderr)."""
    built = run_nlsh("--dry-run", "--json", "show memory usage",
                     env={"NLSH_PLUGINS": "on", "NLSH_MODEL_CACHE": str(MODEL_CACHE),
                          "NLSH_HELPER": "off"}, timeout=1700)
    assert built.returncode == 0, built.stderr


@pytest.fixture
def tmux(private_home: Path) -> Iterator[Tmux]:
    server = Tmux(private_home / "tmux")
    (private_home / "tmux").mkdir(mode=0o700)
    assert server("new-session", "-d", "-s", "build", "sleep 600").returncode == 0
    assert server("new-session", "-d", "-s", "work", "sleep 600").returncode == 0
    yield server
    server("kill-server")


def _nlsh(tmux: Tmux, *args: str) -> Run:
    return run_nlsh(*args, env=tmux.env)


def test_nlsh_plugins_lists_the_installed_plugin_and_what_it_adds(tmux: Tmux) -> None:
    done = _nlsh(tmux, "plugins")
    assert done.returncode == 0, done.stderr
    assert "tmux  nlsh-tmux 0.1.0" in done.stdout
    assert "intents: tmux.kill, tmux.top" in done.stdout
    assert "verbs: tmux_kill_session" in done.stdout
    assert "views: tmux_sessions" in done.stdout


@pytest.mark.parametrize(("sentence", "imported"), [
    ("show memory usage", False),
    ("which tmux session is using the most CPU", True),
])
def test_plugin_code_is_imported_only_when_its_intent_was_understood(
        tmux: Tmux, sentence: str, imported: bool) -> None:
    for _ in range(2):  # the first run may have to read the entry points (a new path)
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "nlsh", "--dry-run",
                               "--json", sentence], env=nlsh_env(tmux.env),
                              capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
               if line.startswith("import time:")}
    # (importlib.import_module, which loads the manifest, escapes -X importtime; the code
    # the manifest and the handlers import with statements shows)
    assert any(m.startswith("nlsh_tmux.") for m in modules) is imported
    assert "importlib.metadata" not in modules  # the entry points come from the cache


def test_the_model_key_includes_plugin_catalogs() -> None:
    shipped = REPO / "nlsh" / "intents"
    assert fingerprint(shipped, None, (TMUX_CATALOG,)) != fingerprint(shipped)


def test_kill_the_tmux_session_called_build(tmux: Tmux) -> None:
    planned = _nlsh(tmux, "--dry-run", "--json", "kill the tmux session called build")
    assert planned.returncode == 0, planned.stderr
    response = json.loads(planned.stdout)
    assert (response["intent"], response["status"]) == ("tmux.kill", "planned")
    assert response["slots"] == {"session": "build"}
    (step,) = response["plan"]["steps"]
    assert (step["action"], step["session"]) == ("tmux_kill_session", "build")
    assert tmux.sessions() == {"build", "work"}  # a dry run changes nothing

    done = _nlsh(tmux, "-y", "kill the tmux session called build")
    assert done.returncode == 0, done.stderr
    assert tmux.sessions() == {"work"}
    assert "build" in done.stdout and "done" in done.stdout


def test_a_session_that_does_not_exist_is_nothing_to_do(tmux: Tmux) -> None:
    done = _nlsh(tmux, "-y", "kill the tmux session called deploy")
    assert done.returncode == 1
    assert "No tmux session is called 'deploy'" in done.stdout + done.stderr
    assert tmux.sessions() == {"build", "work"}


def test_nlsh_never_ends_the_tmux_session_it_runs_in(tmux: Tmux, private_home: Path) -> None:
    """nlsh run in a window of the session 'build', asked to end 'build'."""
    report = private_home / "inside.txt"
    env = nlsh_env({"NLSH_PLUGINS": "on", **tmux.env})
    env.pop("TMUX")
    command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items() if k in INHERITED),
                          sys.executable, "-m", "nlsh", "-y",
                          "kill the tmux session called build"])
    assert tmux("new-window", "-t", "build",
                f"{command} > {shlex.quote(str(report))} 2>&1; "
                f"echo exit=$? >> {shlex.quote(str(report))}").returncode == 0
    assert eventually(lambda: "exit=" in report.read_text() if report.exists() else False,
                      seconds=120)
    shown = report.read_text()
    assert "exit=1" in shown
    assert "running inside the tmux session 'build'" in shown
    assert tmux.sessions() == {"build", "work"}


def test_which_tmux_session_is_using_the_most_cpu(tmux: Tmux) -> None:
    assert tmux("new-session", "-d", "-s", "busy", BUSY).returncode == 0
    done = _nlsh(tmux, "--json", "which tmux session is using the most CPU")
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert (response["intent"], response["status"]) == ("tmux.top", "done")
    rows = response["result"]["sessions"]
    assert rows[0]["session"] == "busy" and rows[0]["cpu_percent"] > 0
    assert {r["session"] for r in rows} == {"busy", "build", "work"}

    shown = _nlsh(tmux, "which tmux session is using the most CPU")
    assert "tmux session 'busy' uses the most CPU" in shown.stdout
    assert "session" in shown.stdout and "cpu %" in shown.stdout


BROKEN = {
    # a verb nothing checks: the registry refuses it, so the plugin is skipped
    "nlsh_unchecked/plugin.py": (
        "from nlsh.plugins import Plugin\n"
        "from nlsh.registry import VerbDefinition\n"
        "PLUGIN = Plugin(definitions=(VerbDefinition('wipe', None, lambda: print, None),))\n"),
    "nlsh_unchecked/__init__.py": "",
    # code that fails on import
    "nlsh_crashing/plugin.py": "raise RuntimeError('this plugin is broken')\n",
    "nlsh_crashing/__init__.py": "",
}
ENTRY_POINTS = {
    "unchecked": "nlsh_unchecked.plugin:PLUGIN",
    "crashing": "nlsh_crashing.plugin:PLUGIN",
    "missing": "nlsh_not_installed.plugin:PLUGIN",
}


@pytest.fixture
def broken_plugins(tmp_path: Path) -> dict[str, str]:
    """Three broken plugins installed as a package manager would (dist-info on the path)."""
    site = tmp_path / "site"
    for relative, body in BROKEN.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(body)
    for name, reference in ENTRY_POINTS.items():
        info = site / f"nlsh_{name}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: nlsh-{name}\n"
                                       "Version: 0.1\n")
        (info / "entry_points.txt").write_text(f"[nlsh.plugins]\n{name} = {reference}\n")
    from tests.conftest import NETGUARD

    return {"PYTHONPATH": f"{NETGUARD}:{REPO}:{site}"}


def test_a_broken_plugin_is_skipped_with_one_warning_line(tmux: Tmux,
                                                          broken_plugins: dict[str, str]
                                                          ) -> None:
    env = dict(tmux.env, **broken_plugins)
    listed = run_nlsh("plugins", env=env)
    assert listed.returncode == 0
    assert "Traceback" not in listed.stderr + listed.stdout
    warnings = listed.stderr.splitlines()
    assert len([w for w in warnings if "'missing'" in w]) == 1
    assert len([w for w in warnings if "'unchecked'" in w and "checker" in w]) == 1
    assert len([w for w in warnings if "'crashing'" in w and "this plugin is broken" in w]) == 1
    assert all(w.startswith("nlsh: warning: skipped plugin") for w in warnings)
    assert "tmux  nlsh-tmux 0.1.0" in listed.stdout
    assert "unchecked  nlsh-unchecked 0.1" in listed.stdout and "skipped: broken" in \
        listed.stdout

    answered = run_nlsh("--dry-run", "--json", "kill the tmux session called work", env=env)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["intent"] == "tmux.kill"
    assert "Traceback" not in answered.stderr


def test_a_plugin_whose_code_and_catalog_disagree_is_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An intent the catalog says only reads, defined in code as changing the system."""
    from nlsh import plugins
    from nlsh.registry import Registry

    package = tmp_path / "nlsh_sneaky"
    (package / "intents").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "intents" / "sneaky.look.yaml").write_text(
        "intent: sneaky.look\nsummary: Look\nchanges_system: false\nexamples:\n  - look\n")
    (package / "plugin.py").write_text(
        "from nlsh.plugins import Plugin\n"
        "from nlsh.registry import IntentDefinition\n"
        "def _handler():\n    raise AssertionError('never loaded')\n"
        "PLUGIN = Plugin(definitions=(IntentDefinition('sneaky.look', _handler, True),))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sneaky = plugins.InstalledPlugin("sneaky", "nlsh_sneaky.plugin:PLUGIN", "nlsh-sneaky",
                                     "0.1", package / "intents")
    registry = Registry()
    assert plugins.load_into(registry, sneaky) is False
    assert registry.intents == {}
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith("nlsh: warning: skipped plugin 'sneaky'")
    assert "changes_system is True in the code but False" in warning
