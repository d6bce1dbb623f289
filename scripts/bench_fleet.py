"""``scripts/bench.py --fleet``: nlsh --hosts against a plain ``ansible -m ping`` of the
same hosts, measured alternately in one run.

The hosts are this machine through ``ansible_connection=local``, each with its own HOME, so
the figure is what nlsh adds to what Ansible costs anyway (starting ansible, connecting,
shipping a module): understanding the sentence once, the module starting the host's own nlsh,
planning there, and merging the replies. Overhead per host = (nlsh − ping) / hosts.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

SENTENCE = "show disk usage"


def _inventory(root: Path, hosts: int) -> Path:
    entries = {}
    for number in range(1, hosts + 1):
        home = root / f"host{number}"
        home.mkdir()
        entries[f"host{number}"] = {"nlsh_env": {"HOME": str(home)}}
    inventory = root / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "hosts": entries}}))
    return inventory


def fleet_rows(hosts: int, runs: int, run: Callable[[list[str], dict[str, str]],
                                                  tuple[float, int]],
               env: dict[str, str]) -> list[tuple[str, str, str]]:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="nlsh-bench-fleet-") as directory:
        inventory = _inventory(Path(directory), hosts)
        env = dict(env, ANSIBLE_LOCAL_TEMP=str(Path(directory) / "ansible-tmp"))
        ping = [str(bin_dir / "ansible"), "all", "-i", str(inventory), "-m", "ping"]
        nlsh = [sys.executable, "-m", "nlsh", "--hosts", "all", "-i", str(inventory),
                "--dry-run", "--json", SENTENCE]
        timings: dict[str, list[float]] = {"ping": [], "nlsh": []}
        run(nlsh, env)  # warm the page cache and the model load once
        for _ in range(runs):
            timings["ping"].append(run(ping, env)[0])
            timings["nlsh"].append(run(nlsh, env)[0])
    ping_median = statistics.median(timings["ping"])
    nlsh_median = statistics.median(timings["nlsh"])
    per_host = (nlsh_median - ping_median) / hosts
    return [
        (f"ansible all -m ping ({hosts} local hosts)", f"{ping_median:.2f} s", "baseline"),
        (f"nlsh --hosts all --dry-run \"{SENTENCE}\" ({hosts} hosts)", f"{nlsh_median:.2f} s",
         ""),
        ("nlsh's overhead per host", f"{per_host:.2f} s "
         f"({nlsh_median / ping_median:.2f}× the ping run in all)", ""),
    ]
