"""nlsh --hosts over real SSH: an sshd on loopback, on a port of its own, with a throwaway
key pair made here; Ansible's ssh connection carries the frame to this machine's nlsh.
Skipped where sshd is not installed (.ci/run installs openssh-server)."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import Sleepers, run_nlsh
from tests.support.processes import program_name, wait_gone

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.access("/usr/sbin/sshd", os.X_OK)
                                else None)
ANSIBLE = (Path(sys.executable).parent / "ansible-playbook").exists() or shutil.which(
    "ansible-playbook")
pytestmark = [pytest.mark.skipif(SSHD is None or shutil.which("ssh") is None,
                                 reason="sshd or ssh is not installed"),
              pytest.mark.skipif(not ANSIBLE, reason="ansible-core is not installed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def accepting(port: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """An sshd on 127.0.0.1 that lets this user in with a key made for the test."""
    assert SSHD is not None
    root = tmp_path / "ssh"
    root.mkdir(mode=0o700)
    for key in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(root / key)], check=True, timeout=30)
    (root / "authorized_keys").write_text((root / "client.pub").read_text())
    port = free_port()
    config = root / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {root / 'host'}",
        f"AuthorizedKeysFile {root / 'authorized_keys'}", f"PidFile {root / 'sshd.pid'}",
        "StrictModes no", "UsePAM no", "PasswordAuthentication no",
        "PermitRootLogin prohibit-password", "KbdInteractiveAuthentication no", ""]))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not accepting(port):
            pytest.skip("sshd did not start on loopback")
        yield port, root / "client"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_kill_over_real_ssh(sshd: tuple[int, Path], sleepers: Sleepers,
                              tmp_path: Path) -> None:
    port, key = sshd
    child = sleepers.spawn()
    name = program_name(child)
    home = tmp_path / "remote-home"
    home.mkdir()
    inventory = tmp_path / "ssh.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"viassh": {
        "ansible_connection": "ssh", "ansible_host": "127.0.0.1", "ansible_port": port,
        "ansible_user": getpass.getuser(), "ansible_ssh_private_key_file": str(key),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no "
                                   "-o UserKnownHostsFile=/dev/null",
        "ansible_python_interpreter": sys.executable,
        "nlsh_env": {"HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
                     "XDG_CONFIG_HOME": str(home / "config"), "NLSH_PLUGINS": "off",
                     "PYTHONPATH": str(Path(__file__).resolve().parents[1])}}}}}))
    env = {"ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
           "ANSIBLE_HOME": str(tmp_path / "ansible-home")}
    done = run_nlsh("--hosts", "viassh", "-i", str(inventory), "--yes", "--json",
                    f"kill {name}", env=env)
    row = json.loads(done.stdout)
    assert row["state"] == "done", (row, done.stderr)
    assert [s["pid"] for s in row["response"]["outcome"]["steps"]] == [child.pid]
    assert wait_gone(child) is not None
    assert (home / "state" / "nlsh" / "journal.jsonl").exists()  # the host's own journal
