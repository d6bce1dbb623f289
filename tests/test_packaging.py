"""nlsh built as a wheel, installed into a fresh venv outside the checkout, run from there.

The wheel is built from a copy of the files a release ships (pyproject.toml, README.md,
nlsh/), so a file the package forgets to declare is missing here as it would be for a user.
The fresh venv sees the dependencies already installed in the test venv through a ``.pth``
line (no download, no second torch); nlsh itself comes only from the wheel: the editable
install's finder is not loaded there, and the checkout is not on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pexpect
import pytest

from tests.conftest import NETGUARD, REPO, Sleepers

pytestmark = pytest.mark.slow

PROMPT = r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>"


def _build_wheel(work: Path) -> Path:
    source = work / "source"
    shutil.copytree(REPO / "nlsh", source / "nlsh",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(source)], check=True, timeout=600, cwd=work)
    (wheel,) = dist.glob("nlsh-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding nlsh from the wheel; returns its bin/ directory."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    site = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
         "['purelib'])"], check=True, capture_output=True, text=True).stdout.strip())
    (site / "_nlsh_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, timeout=600)
    return venv / "bin"


def _outside_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(NETGUARD)  # the network guard only: never the checkout
    env["COLUMNS"] = "200"
    env["TERM"] = "dumb"
    return env


def test_the_wheel_ships_the_catalog_and_leaves_the_bench_baseline_out(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith("/METADATA"))
    catalog = {Path(n).name for n in names if n.startswith("nlsh/intents/")}
    assert {"_slots.yaml", "process.kill.yaml", "_out_of_scope.yaml"} <= catalog
    assert catalog == {p.name for p in (REPO / "nlsh" / "intents").glob("*.yaml")}
    runtime = [line for line in metadata.splitlines()
               if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not any("sentence-transformers" in line for line in runtime)
    assert any("sentence-transformers" in line and "extra == \"bench\"" in line
               for line in metadata.splitlines())


def test_the_installed_nlsh_plans_from_another_directory(installed: Path, private_home: Path,
                                                         sleepers: Sleepers) -> None:
    elsewhere = private_home / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(installed / "python"), "-c",
         "import nlsh, nlsh.language.catalog as c; print(nlsh.__file__); "
         "print(c.default_directory())"],
        cwd=elsewhere, env=_outside_env(), capture_output=True, text=True, check=True)
    package, catalog = where.stdout.split()
    venv = installed.parent
    assert Path(package).is_relative_to(venv) and Path(catalog).is_relative_to(venv)

    name = "nlshwheel" + os.urandom(3).hex()
    sleeper = sleepers.spawn(name)
    done = subprocess.run([str(installed / "nlsh"), "--dry-run", "--json",
                           f"kill {name}"], cwd=elsewhere, env=_outside_env(),
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["intent"] == "process.kill"
    assert response["status"] == "planned"
    assert [step["pid"] for step in response["plan"]["steps"]] == [sleeper.pid]
    assert sleeper.poll() is None  # a dry run changes nothing


def test_the_installed_repl_answers_and_leaves(installed: Path, private_home: Path) -> None:
    env = _outside_env()
    env.update({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "160",
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    child = pexpect.spawn(str(installed / "nlsh"), env=env, cwd=str(private_home),
                          encoding="utf-8", timeout=120, dimensions=(40, 160))
    try:
        child.expect(PROMPT)
        child.sendline("how much memory is free")
        child.expect("available")
        child.expect(PROMPT)
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_the_wheel_ships_the_fleet_collection(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    collection = "nlsh/fleet/ansible_collections/nlsh/fleet/"
    assert {collection + "plugins/modules/nlsh.py", collection + "plugins/callback/lines.py",
            collection + "galaxy.yml", collection + "meta/runtime.yml"} <= names
