"""Mounted filesystems and how full they are (space and inodes).

Which mounts count as real filesystems, the ones a user can fill up:

* block-backed filesystems (not marked ``nodev`` in ``/proc/filesystems``): ext4, xfs,
  btrfs, vfat, ntfs (fuseblk)…, except ``squashfs``: read-only images (snaps,
  AppImages) are always 100 % full and say nothing about free space;
* network and shared filesystems (NFS, SMB, sshfs, 9p, virtiofs…);
* ``tmpfs`` only when it is ``/tmp``: that is where temporary files land and it fills
  RAM; ``/run``, ``/dev/shm`` and friends are runtime state;
* ``overlay`` only when it is ``/`` (the root of a container); other overlays are
  container layers stacked on a disk that is already listed.

A device mounted twice (bind mounts, btrfs subvolumes) is listed once, at its shortest
mount point.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psutil

FULL_PERCENT = 90.0

NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "fuse.rclone", "9p", "virtiofs",
    "ceph", "glusterfs", "fuse.glusterfs", "fuse.s3fs", "afs",
})
# Used when /proc/filesystems cannot be read: kernel pseudo filesystems seen in practice.
_KNOWN_PSEUDO = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "cgroup", "cgroup2", "securityfs",
    "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "bpf",
    "autofs", "binfmt_misc", "rpc_pipefs", "nsfs", "efivarfs", "selinuxfs", "overlay",
    "fuse", "fuse.gvfsd-fuse", "fuse.portal", "nfsd", "sockfs", "pipefs",
})


@dataclass(frozen=True)
class Filesystem:
    """One mounted filesystem. ``free`` is what an unprivileged user can still write;
    ``percent`` is used / (used + free), as ``df`` reports it."""

    device: str
    mountpoint: str
    fstype: str
    readonly: bool
    total: int
    used: int
    free: int
    percent: float
    inodes_total: int | None
    inodes_used: int | None
    inodes_free: int | None
    inodes_percent: float | None

    @property
    def full(self) -> bool:
        return self.percent >= FULL_PERCENT or (self.inodes_percent or 0.0) >= FULL_PERCENT


@dataclass(frozen=True)
class Filesystems:
    """The real filesystems, and the mounts that could not be measured."""

    filesystems: tuple[Filesystem, ...]
    unreadable: tuple[str, ...]


def measure(device: str, mountpoint: str, fstype: str, readonly: bool) -> Filesystem:
    """Space and inode figures of the filesystem mounted at ``mountpoint``.

    Raises:
        OSError: the mount cannot be measured (permission, stale network share).
    """
    stat = os.statvfs(mountpoint)
    total = stat.f_blocks * stat.f_frsize
    used = (stat.f_blocks - stat.f_bfree) * stat.f_frsize
    free = stat.f_bavail * stat.f_frsize
    usable = used + free
    inodes_total: int | None = stat.f_files or None  # btrfs and some others do not count
    inodes_used = inodes_free = None
    inodes_percent = None
    if inodes_total:
        inodes_used = stat.f_files - stat.f_ffree
        inodes_free = stat.f_favail
        inodes_percent = round(100.0 * inodes_used / inodes_total, 1)
    return Filesystem(
        device=device, mountpoint=mountpoint, fstype=fstype, readonly=readonly,
        total=total, used=used, free=free,
        percent=round(100.0 * used / usable, 1) if usable else 0.0,
        inodes_total=inodes_total, inodes_used=inodes_used, inodes_free=inodes_free,
        inodes_percent=inodes_percent,
    )


def read_filesystems() -> Filesystems:
    """The real filesystems (see the module docstring), sorted by mount point."""
    block_types = _block_backed_types()
    measured: list[Filesystem] = []
    unreadable: list[str] = []
    seen_devices: set[str] = set()
    seen_ids: set[int] = set()
    partitions = sorted(psutil.disk_partitions(all=True), key=lambda p: len(p.mountpoint))
    for part in partitions:
        if not is_real_filesystem(part.fstype, part.mountpoint, block_types):
            continue
        if part.device.startswith("/dev/") and part.device in seen_devices:
            continue
        try:
            identity = os.stat(part.mountpoint).st_dev
            if identity in seen_ids:
                continue
            filesystem = measure(part.device, part.mountpoint, part.fstype,
                                 _readonly(part.opts))
        except OSError:
            unreadable.append(part.mountpoint)
            continue
        if filesystem.total == 0:
            continue  # autofs placeholders and the like hold nothing
        seen_devices.add(part.device)
        seen_ids.add(identity)
        measured.append(filesystem)
    measured.sort(key=lambda f: f.mountpoint)
    return Filesystems(tuple(measured), tuple(unreadable))


def filesystem_of(path: str) -> Filesystem:
    """The filesystem that holds ``path`` (any kind, even one ``read_filesystems`` skips).

    Raises:
        OSError: ``path`` does not exist or cannot be reached.
    """
    real = os.path.realpath(path)
    os.stat(real)  # a missing path raises here, not as a wrong answer below
    best = None
    for part in psutil.disk_partitions(all=True):
        mount = part.mountpoint
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and (best is None or len(mount) >= len(best.mountpoint)):
            best = part  # the last of equal mount points is the one on top
    if best is None:
        return measure("?", _mount_root(real), "?", False)
    return measure(best.device, best.mountpoint, best.fstype, _readonly(best.opts))


def _mount_root(path: str) -> str:
    """The mount point above ``path`` found by ``st_dev`` (when the mount table is empty)."""
    current = Path(path)
    device = current.stat().st_dev
    while current.parent != current and current.parent.stat().st_dev == device:
        current = current.parent
    return str(current)


def is_real_filesystem(fstype: str, mountpoint: str,
                       block_types: frozenset[str] | None) -> bool:
    """Whether a mount is one a user can fill up (the rules in the module docstring).

    ``block_types``: the kernel's device-backed types; None when they could not be read.
    """
    if fstype in NETWORK_TYPES:
        return True
    if fstype == "tmpfs":
        return mountpoint == "/tmp"
    if fstype == "overlay":
        return mountpoint == "/"
    if fstype == "squashfs":
        return False
    if block_types is None:
        return fstype not in _KNOWN_PSEUDO
    return fstype in block_types or fstype.startswith("fuseblk")


def _block_backed_types() -> frozenset[str] | None:
    """Filesystem types the kernel knows that need a device; None when unreadable."""
    try:
        lines = Path("/proc/filesystems").read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return frozenset(line.strip() for line in lines if line and not line.startswith("nodev"))


def _readonly(opts: str) -> bool:
    return "ro" in opts.split(",")
