"""disk.cleanup beyond caches: rotated system logs, the journal, apt's .debs, core dumps,
tool-owned space (docker, snap, kernels) and the disk-full flow — on real files under
``NLSH_SYSTEM_ROOT`` and the test's HOME, with fake tools on PATH that record any run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from nlsh.actions import cleaners
from nlsh.actions.cleanup import plan_cleanup
from nlsh.actions.disk_full import says_disk_full
from nlsh.context import Context
from nlsh.stages import FileRef, Plan, Reply, Status
from tests.support.files import age, carry_out, request, write

ELF_CORE = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + (4).to_bytes(2, "little") + b"\x00" * 4000


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "sysroot"
    monkeypatch.setenv("NLSH_SYSTEM_ROOT", str(root))
    return root


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder first on PATH where each fake tool prints what the real one would for a
    listing, and records any other call in ``ran``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def _tool(folder: Path, name: str, listing: tuple[str, ...], output: str) -> None:
    script = folder / name
    ran = folder.parent / "ran"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"if sys.argv[1:] == {list(listing)!r}:\n    sys.stdout.write({output!r})\n"
        f"else:\n    open({str(ran)!r}, 'a').write(' '.join(sys.argv) + '\\n')\n"
        "    sys.exit(1)\n")
    script.chmod(0o755)


def _cleanup(text: str, **slots: object) -> Plan | Reply:
    ctx = Context.from_environment()
    return plan_cleanup(request("disk.cleanup", text, **slots), ctx)  # type: ignore[arg-type]


def test_rotated_system_logs_are_listed_with_their_sizes_and_never_run(
        system: Path, fake_bin: Path) -> None:
    log = system / "var/log"
    write(log / "syslog", 7_000)  # the live log: not rotated
    write(log / "syslog.1", 30_000)
    write(log / "nginx/access.log.2.gz", 20_000)
    write(log / "dpkg.log.old", 10_000)
    write(log / "private/secret.log.1", 5_000).parent.chmod(0o000)
    try:
        result = _cleanup("delete old logs", target="logs")
    finally:
        (log / "private").chmod(0o755)
    text = result.message if isinstance(result, Reply) else " ".join(
        s.detail for s in result.steps)
    assert "rotated system logs takes" in text
    assert "sudo find /var/log" in text and "(not run: system logs belong to root)" in text
    assert not (fake_bin.parent / "ran").exists()
    assert (log / "syslog.1").exists() and (log / "nginx/access.log.2.gz").exists()


def test_a_system_log_folder_is_answered_with_its_sizes_not_refused(system: Path) -> None:
    write(system / "var/log/nginx/error.log.1", 40_000)
    result = _cleanup("remove old logs in /var/log/nginx", target="logs", path="/var/log/nginx")
    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "Only root can clean /var/log/nginx" in result.message
    assert "rotated system logs takes" in result.message
    assert (system / "var/log/nginx/error.log.1").exists()


def test_the_journal_size_is_shown_first_and_only_when_it_has_files(
        system: Path, fake_bin: Path) -> None:
    _tool(fake_bin, "journalctl", ("--disk-usage",), "")
    result = _cleanup("vacuum the journal", target="logs")
    assert "system journal" not in (result.message if isinstance(result, Reply) else "")
    journal = system / "var/log/journal/0123abcd"
    age(write(journal / "system@0001.journal", 60_000), 30)
    write(journal / "system.journal", 60_000)
    result = _cleanup("vacuum the journal", target="logs")
    message = result.message if isinstance(result, Reply) else " ".join(
        s.detail for s in result.steps)
    assert "system journal takes" in message
    assert message.index("system journal takes") < message.index("journalctl --vacuum-time")
    assert not (fake_bin.parent / "ran").exists()
    assert (journal / "system@0001.journal").exists()


def test_apt_counts_only_its_debs(system: Path, fake_bin: Path) -> None:
    _tool(fake_bin, "apt-get", ("--version",), "apt 2.7\n")
    archives = system / "var/cache/apt/archives"
    write(archives / "vim_9.1_amd64.deb", 80_000)
    write(archives / "lock", 0)
    write(archives / "partial/half.deb.FAILED", 5_000)
    result = _cleanup("clean the apt cache", target="packages")
    message = result.message if isinstance(result, Reply) else " ".join(
        s.detail for s in result.steps)
    assert "apt package cache takes" in message and "sudo apt-get clean" in message
    assert not (fake_bin.parent / "ran").exists()
    assert (archives / "vim_9.1_amd64.deb").exists()


def test_core_dumps_go_to_the_trash_and_come_back(private_home: Path, system: Path) -> None:
    core = private_home / "src/app/core.4312"
    core.parent.mkdir(parents=True)
    core.write_bytes(ELF_CORE)
    not_a_dump = write(private_home / "notes/core", 3_000)  # named core, not an ELF core
    text_named = write(private_home / "src/core.txt", 3_000)
    write(system / "var/lib/systemd/coredump/core.bash.1000.zst", 9_000)
    result = _cleanup("delete core dumps", target="coredumps")
    assert isinstance(result, Plan), result
    paths = [s.target.path for s in result.steps if isinstance(s.target, FileRef)]
    assert paths == [str(core)]
    assert all(s.action == "trash" for s in result.steps if s.target is not None)
    assert any(s.needs_root and "system core dumps takes" in s.detail for s in result.steps)
    ctx = Context.from_environment()
    done = carry_out(ctx, request("disk.cleanup", "delete core dumps", target="coredumps"))
    assert done.status is Status.DONE, done.message
    assert not core.exists() and not_a_dump.exists() and text_named.exists()
    undone = carry_out(ctx, request("undo", "undo"))
    assert undone.status is Status.DONE, undone.message
    assert core.read_bytes() == ELF_CORE


def test_a_plain_cleanup_never_walks_home_for_core_dumps(private_home: Path) -> None:
    core = private_home / "core"
    core.write_bytes(ELF_CORE)
    write(private_home / ".cache/app/blob", 5_000)
    result = _cleanup("clean up disk space")
    assert isinstance(result, Plan)
    assert str(core) not in [s.target.path for s in result.steps if isinstance(s.target, FileRef)]


DOCKER_DF = """TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE
Images          7         2         4.2GB     3.1GB (73%)
Containers      4         1         120MB     80MB (66%)
Local Volumes   3         1         1.5GB     0B (0%)
Build Cache     42        0         2.3GB     2.3GB
"""
SNAP_LIST = """Name    Version   Rev    Tracking       Publisher   Notes
core22  20240111  1122   latest/stable  canonical**  base,disabled
core22  20240408  1380   latest/stable  canonical**  base
firefox 124.0     4090   latest/stable  mozilla**    disabled
firefox 125.0     4173   latest/stable  mozilla**    -
"""
DPKG = ("linux-image-6.5.0-14-generic\tinstall ok installed\t14000\n"
        "linux-modules-6.5.0-14-generic\tinstall ok installed\t90000\n"
        "linux-image-generic\tinstall ok installed\t20\n"
        "linux-image-{running}\tinstall ok installed\t14500\n"
        "linux-headers-6.2.0-39-generic\tdeinstall ok config-files\t0\n")


def test_tool_owned_space_is_read_and_named_never_reclaimed(
        system: Path, fake_bin: Path) -> None:
    _tool(fake_bin, "docker", ("system", "df"), DOCKER_DF)
    _tool(fake_bin, "snap", ("list", "--all"), SNAP_LIST)
    write(system / "var/lib/snapd/snaps/core22_1122.snap", 70_000)
    write(system / "var/lib/snapd/snaps/firefox_4090.snap", 90_000)
    dpkg_args = ("-W", "-f=${Package}\t${Status}\t${Installed-Size}\n", "linux-image-*",
                 "linux-modules-*", "linux-headers-*")
    _tool(fake_bin, "dpkg-query", dpkg_args, DPKG.format(running=os.uname().release))
    docker = _cleanup("clean up docker", target="tools")
    assert isinstance(docker, Reply) and docker.status is Status.NOTHING_TO_DO
    assert "docker could reclaim" in docker.message
    assert "build cache 2.1 GiB (docker builder prune)" in docker.message
    assert "unused images 2.9 GiB (docker image prune -a)" in docker.message
    assert "snap" not in docker.message.split("docker could")[1]  # only what was named
    snaps = _cleanup("remove old snap revisions", target="tools")
    assert "sudo snap remove core22 --revision=1122" in snaps.message
    assert "sudo snap remove firefox --revision=4090" in snaps.message
    assert "1380" not in snaps.message and "4173" not in snaps.message
    kernels = _cleanup("remove old kernels", target="tools")
    assert "old kernel 6.5.0-14" in kernels.message and "sudo apt autoremove" in kernels.message
    assert os.uname().release not in kernels.message
    assert not (fake_bin.parent / "ran").exists()


def test_a_tool_that_is_not_installed_is_said_to_be(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = _cleanup("clean up snaps and flatpak", target="tools")
    assert isinstance(result, Reply)
    assert "snap is not installed" in result.message
    assert "flatpak is not installed" in result.message


@pytest.mark.parametrize("text", [
    "no space left on device", "my disk is full", "write error: No space left on device",
    "the root partition is almost full", "I'm out of disk space", "drive at 100%",
])
def test_disk_full_phrasings(text: str) -> None:
    assert says_disk_full(text)


@pytest.mark.parametrize("text", ["clean up disk space", "is the cache full of junk",
                                  "how much space is left"])
def test_not_disk_full(text: str) -> None:
    assert not says_disk_full(text)


def test_disk_full_plans_every_safe_reclaim_largest_first(
        private_home: Path, monkeypatch: pytest.MonkeyPatch, system: Path) -> None:
    monkeypatch.setenv("NLSH_FULL_PERCENT", "0")  # every filesystem here counts as full
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    write(private_home / ".cache/app/small", 10_000)
    age(write(private_home / ".cache/thumbnails/normal/a.png", 200_000), 3)
    ctx = Context.from_environment()
    trashed = write(ctx.paths.trash / "files" / "old.iso", 500_000)
    (ctx.paths.trash / "info").mkdir(parents=True, exist_ok=True)
    (ctx.paths.trash / "info" / "old.iso.trashinfo").write_text(
        "[Trash Info]\nPath=/home/x/old.iso\nDeletionDate=2020-01-01T00:00:00\n")
    core = private_home / "core"
    core.write_bytes(ELF_CORE)
    result = _cleanup("my disk is full")
    assert isinstance(result, Plan), result
    assert "disk full:" in result.summary
    groups = list(dict.fromkeys(s.group for s in result.steps))
    assert groups[:3] == ["Trash", "thumbnails", "user cache"], groups
    assert "core dumps" in groups
    assert trashed.exists() and core.exists()  # planned, not run


def test_disk_full_when_nothing_is_full_says_so(private_home: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NLSH_FULL_PERCENT", "101")
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    write(private_home / ".cache/app/blob", 10_000)
    result = _cleanup("no space left on device")
    assert isinstance(result, Plan), result
    assert any(note.startswith("no filesystem is full") for note in result.notes)
