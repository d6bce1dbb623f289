"""disk.usage and disk.largest on the real filesystems and on trees built under HOME."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest

from nlsh.answers.disks import disk_largest, disk_usage
from nlsh.context import Context
from nlsh.render.disks import disk_largest_view, disk_usage_view
from nlsh.stages import Answer, Parse, Reply, Status
from nlsh.system.disks import Filesystem, is_real_filesystem
from nlsh.system.space import scan_space
from tests.support.privilege import drop_file_permission_override, run_weakened
from tests.support.render import HOSTILE, assert_shown_escaped, render_text

KIB, MIB = 1024, 1024**2
PSEUDO = {"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "squashfs", "debugfs",
          "securityfs", "mqueue", "hugetlbfs", "bpf", "tracefs", "configfs"}


def _parse(intent: str, **slots: Any) -> Parse:
    return Parse(text="disk", intent=intent, confidence=1.0, slots=slots)


def _usage(**slots: Any) -> Answer | Reply:
    return disk_usage(_parse("disk.usage", **slots), Context.from_environment())


def _largest(**slots: Any) -> Answer | Reply:
    return disk_largest(_parse("disk.largest", **slots), Context.from_environment())


def _allocated(*paths: Path) -> int:
    return sum(os.lstat(p).st_blocks * 512 for p in paths)


# ── disk.usage ─────────────────────────────────────────────────────────────


def test_every_listed_filesystem_matches_statvfs() -> None:
    answer = _usage()
    assert isinstance(answer, Answer)
    rows = answer.result["filesystems"]
    assert rows, "no filesystem at all was listed"
    for row in rows:
        stat = os.statvfs(row["mountpoint"])
        assert row["total"] == stat.f_blocks * stat.f_frsize
        assert abs(row["free"] - stat.f_bavail * stat.f_frsize) <= row["total"] * 0.01
        assert row["inodes_total"] == (stat.f_files or None)
        assert row["full"] == (row["percent"] >= 90 or (row["inodes_percent"] or 0) >= 90)
    json.dumps(answer.result)


def test_only_real_filesystems_each_once() -> None:
    answer = _usage()
    assert isinstance(answer, Answer)
    rows = answer.result["filesystems"]
    assert not {row["fstype"] for row in rows} & PSEUDO
    assert all(row["mountpoint"] == "/tmp" for row in rows if row["fstype"] == "tmpfs")
    devices = [os.stat(row["mountpoint"]).st_dev for row in rows]
    assert len(devices) == len(set(devices))
    root = next(p for p in psutil.disk_partitions(all=True) if p.mountpoint == "/")
    if root.fstype in {"ext4", "xfs", "btrfs", "overlay", "zfs", "f2fs", "ext3"}:
        assert "/" in [row["mountpoint"] for row in rows]


def test_a_path_narrows_to_the_filesystem_that_holds_it(private_home: Path) -> None:
    answer = _usage(path="~")
    assert isinstance(answer, Answer)
    [row] = answer.result["filesystems"]
    assert answer.result["path"] == str(private_home)
    assert os.stat(row["mountpoint"]).st_dev == os.stat(private_home).st_dev
    assert row["total"] == os.statvfs(private_home).f_blocks * os.statvfs(private_home).f_frsize
    assert answer.message.startswith(f"~ is on {row['mountpoint']}")


def test_a_missing_path_is_nothing_to_do() -> None:
    reply = _usage(path="~/no/such/folder")
    assert isinstance(reply, Reply)
    assert reply.status is Status.NOTHING_TO_DO
    assert "~/no/such/folder" in reply.message


@pytest.mark.parametrize(("fstype", "mountpoint", "real"), [
    ("ext4", "/", True),
    ("btrfs", "/home", True),
    ("vfat", "/boot/efi", True),
    ("nfs4", "/mnt/share", True),
    ("fuse.sshfs", "/home/u/remote", True),
    ("tmpfs", "/tmp", True),                   # temp files land here and fill RAM
    ("tmpfs", "/run", False),
    ("tmpfs", "/dev/shm", False),
    ("overlay", "/", True),                    # a container's root
    ("overlay", "/var/lib/docker/overlay2/x/merged", False),
    ("squashfs", "/snap/core/123", False),     # read-only images are always full
    ("proc", "/proc", False),
    ("cgroup2", "/sys/fs/cgroup", False),
    ("devtmpfs", "/dev", False),
])
def test_which_mounts_count_as_real(fstype: str, mountpoint: str, real: bool) -> None:
    block_types = frozenset({"ext4", "btrfs", "vfat", "squashfs", "xfs"})
    assert is_real_filesystem(fstype, mountpoint, block_types) is real
    if fstype not in {"ext4", "btrfs", "vfat"}:  # without /proc/filesystems, same answer
        assert is_real_filesystem(fstype, mountpoint, None) is real


def _filesystem(percent: float, inodes_percent: float | None) -> Filesystem:
    return Filesystem(device="/dev/sda1", mountpoint="/", fstype="ext4", readonly=False,
                      total=100, used=int(percent), free=100 - int(percent), percent=percent,
                      inodes_total=None if inodes_percent is None else 100, inodes_used=None,
                      inodes_free=None, inodes_percent=inodes_percent)


@pytest.mark.parametrize(("percent", "inodes", "full"), [
    (50.0, 10.0, False), (89.9, None, False), (90.0, 10.0, True), (40.0, 95.0, True),
])
def test_nearly_full_means_space_or_inodes(percent: float, inodes: float | None,
                                            full: bool) -> None:
    assert _filesystem(percent, inodes).full is full


def test_usage_view_flags_full_filesystems_and_escapes_names() -> None:
    answer = _usage()
    assert isinstance(answer, Answer)
    shown = render_text(disk_usage_view(answer.result))
    for row in answer.result["filesystems"]:
        assert row["mountpoint"] in shown
        assert f"{row['percent']:.0f}%" in shown
    hostile = {"path": None, "full": [HOSTILE], "unreadable": [], "full_percent": 90.0,
               "filesystems": [{"mountpoint": HOSTILE, "device": "/dev/sdz9", "fstype": "ext4",
                                "readonly": False, "total": 100 * MIB, "used": 95 * MIB,
                                "free": 5 * MIB, "percent": 95.0, "inodes_total": 10,
                                "inodes_used": 1, "inodes_free": 9, "inodes_percent": 10.0,
                                "full": True}]}
    shown = render_text(disk_usage_view(hostile))
    assert "95%" in shown and "nearly full" in shown
    assert_shown_escaped(shown)


# ── disk.largest ───────────────────────────────────────────────────────────


@pytest.fixture
def tree(private_home: Path, tmp_path: Path) -> Iterator[Path]:
    """~/data with nested folders, a hard link, a sparse file and links to a big file
    outside HOME that must never be counted."""
    data = private_home / "data"
    (data / "big" / "nested" / "deep").mkdir(parents=True)
    (data / "big" / "a.bin").write_bytes(os.urandom(3 * MIB))
    (data / "big" / "nested" / "deep" / "b.bin").write_bytes(os.urandom(1 * MIB))
    (data / "small.txt").write_bytes(os.urandom(10 * KIB))
    with (data / "sparse.img").open("wb") as sparse:
        sparse.truncate(100 * MIB)
    os.link(data / "big" / "a.bin", data / "zz-link.bin")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "huge.bin").write_bytes(os.urandom(8 * MIB))
    (data / "outside-file").symlink_to(outside / "huge.bin")
    (data / "outside-dir").symlink_to(outside)
    yield data
    for folder, _, _ in os.walk(data):
        os.chmod(folder, 0o755)


def test_largest_counts_allocated_bytes_once_and_never_follows_links(tree: Path) -> None:
    answer = _largest(path="~/data")
    assert isinstance(answer, Answer)
    result = answer.result
    big = tree / "big"
    in_big = _allocated(big, big / "nested", big / "nested" / "deep", big / "a.bin",
                        big / "nested" / "deep" / "b.bin")
    expected = in_big + _allocated(tree, tree / "small.txt", tree / "sparse.img",
                                   tree / "outside-file", tree / "outside-dir")
    assert result["total_bytes"] == expected  # the hard link once, nothing from outside
    assert result["path"] == str(tree)
    children = {c["name"]: c for c in result["children"]}
    assert children["big"] == {"name": "big", "path": str(big), "kind": "dir",
                               "bytes": in_big, "files": 2}
    assert children["zz-link.bin"]["bytes"] == 0  # its data was counted under big/
    assert children["outside-dir"]["kind"] == "symlink"
    assert children["outside-file"]["bytes"] < 8 * MIB
    assert children["sparse.img"]["bytes"] < MIB  # 100 MiB apparent, nothing allocated
    assert result["children"][0]["name"] == "big"  # largest first
    files = [f["path"] for f in result["largest_files"]]
    assert files[:2] == [str(big / "a.bin"), str(big / "nested" / "deep" / "b.bin")]
    assert not any("huge.bin" in f or "zz-link" in f for f in files)
    assert result["skipped"] == {"unreadable": 0, "vanished": 0, "other_filesystems": 0}
    assert answer.message.startswith("~/data takes")
    json.dumps(result)


@pytest.mark.parametrize(("slots", "children", "files"), [
    ({"limit": 2}, ["big", "small.txt"], ["a.bin", "b.bin"]),
    ({"min_size": 2 * MIB}, ["big"], ["a.bin"]),
    ({"min_size": 512 * MIB}, [], []),
])
def test_limit_and_min_size(tree: Path, slots: dict[str, int], children: list[str],
                            files: list[str]) -> None:
    answer = _largest(path=str(tree), **slots)
    assert isinstance(answer, Answer)
    assert [c["name"] for c in answer.result["children"]] == children
    assert [Path(f["path"]).name for f in answer.result["largest_files"]] == files


def test_the_default_folder_is_home(tree: Path, private_home: Path) -> None:
    answer = _largest()
    assert isinstance(answer, Answer)
    assert answer.result["path"] == os.path.realpath(private_home)
    assert "data" in [c["name"] for c in answer.result["children"]]


@pytest.mark.parametrize(("path", "says"), [
    ("~/missing", "No such folder: ~/missing"),
    ("~/data/small.txt", "~/data/small.txt is a file, not a folder"),
])
def test_a_missing_path_or_a_file_is_a_clear_reply(tree: Path, path: str, says: str) -> None:
    reply = _largest(path=path)
    assert isinstance(reply, Reply)
    assert reply.status is Status.NOTHING_TO_DO
    assert reply.message.startswith(says)


def test_an_unreadable_folder_is_skipped_and_reported(tree: Path) -> None:
    locked = tree / "locked"
    locked.mkdir()
    (locked / "secret.bin").write_bytes(os.urandom(2 * MIB))
    locked.chmod(0)

    def scan() -> tuple[dict[str, Any], str]:
        answer = _largest(path=str(tree))
        assert isinstance(answer, Answer)
        return dict(answer.result), answer.message

    # As root, permissions would not apply: the scan runs without the override.
    result, message = run_weakened(drop_file_permission_override, scan)
    assert result["skipped"]["unreadable"] == 1
    assert result["unreadable_paths"] == [str(locked)]
    children = {c["name"]: c for c in result["children"]}
    assert children["locked"]["bytes"] == _allocated(locked)  # the folder, not its secret
    assert "could not be read" in message
    assert "skipped 1 unreadable entry" in render_text(disk_largest_view(result))


def test_entries_that_vanish_mid_scan_are_counted(tree: Path) -> None:
    doomed = [tree / "doomed-1.bin", tree / "doomed-2.bin"]
    for path in doomed:
        path.write_bytes(b"x" * 4096)

    def delete_before_counting(current: str, done: int, total: int) -> None:
        if Path(current) in doomed:
            Path(current).unlink()  # another program deletes it while nlsh scans

    scan = scan_space(str(tree), progress=delete_before_counting)
    assert scan.vanished == 2
    assert "doomed-1.bin" not in [c.name for c in scan.children]


def test_another_filesystem_is_not_entered() -> None:
    if not os.path.ismount("/dev/pts") or os.stat("/dev").st_dev == os.stat("/dev/pts").st_dev:
        pytest.skip("/dev/pts is not a separate mount here")
    answer = _largest(path="/dev", limit=10000)
    assert isinstance(answer, Answer)
    children = {c["name"]: c for c in answer.result["children"]}
    assert children["pts"]["kind"] == "mount"
    assert children["pts"]["bytes"] == 0
    assert "/dev/pts" in answer.result["mounts_skipped"]
    assert "another filesystem, not counted" in render_text(disk_largest_view(answer.result))


def test_progress_reports_each_child_and_never_raw_names(tree: Path) -> None:
    (tree / HOSTILE).write_bytes(b"x")
    updates: list[tuple[str, float | None, float | None]] = []

    class Recorder:
        def update(self, description: str, completed: float | None = None,
                   total: float | None = None) -> None:
            updates.append((description, completed, total))

    @contextmanager
    def recording(title: str) -> Iterator[Recorder]:
        updates.append((title, None, None))
        yield Recorder()

    ctx = Context.from_environment(progress=recording)
    answer = disk_largest(_parse("disk.largest", path="~/data"), ctx)
    assert isinstance(answer, Answer)
    children = answer.result["children_total"]
    assert updates[0][0] == "Scanning ~/data"
    assert updates[-1][1:] == (children, children)
    assert all("\x1b" not in description for description, _, _ in updates)


def test_largest_view_shows_sizes_kinds_and_escaped_names(tree: Path) -> None:
    (tree / HOSTILE).write_bytes(os.urandom(64 * KIB))
    answer = _largest(path="~/data")
    assert isinstance(answer, Answer)
    shown = render_text(disk_largest_view(answer.result))
    assert "big/" in shown and "3.0 MiB" in shown
    assert "(symlink, not followed)" in shown
    assert "largest files anywhere below" in shown
    assert_shown_escaped(shown)
