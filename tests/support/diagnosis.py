"""Snapshots built by hand for the diagnosis rules: a quiet machine, changed one figure
at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from nlsh.diagnosis.snapshot import (
    CpuSample,
    DeletedFile,
    DiskActivity,
    FilesystemUsage,
    MemorySample,
    Pressure,
    ProcessSample,
    Snapshot,
    Temperature,
)

GIB = 1024**3
MIB = 1024**2


def quiet_cpu(**changes: Any) -> CpuSample:
    base = CpuSample(cores=2, busy_percent=5.0, per_core_busy_percent=(4.0, 6.0),
                     iowait_percent=0.0, steal_percent=0.0, run_queue=0.2,
                     load_avg=(0.1, 0.2, 0.3))
    return replace(base, **changes)


def quiet_memory(**changes: Any) -> MemorySample:
    base = MemorySample(total_bytes=16 * GIB, available_bytes=12 * GIB, swap_total_bytes=2 * GIB,
                        swap_used_bytes=0, swap_in_bytes_per_s=0.0, swap_out_bytes_per_s=0.0,
                        oom_kills_since_boot=0, oom_kills_during_sample=0)
    return replace(base, **changes)


def filesystem(mountpoint: str = "/", **changes: Any) -> FilesystemUsage:
    base = FilesystemUsage(mountpoint=mountpoint, device="/dev/sda1", fstype="ext4", st_dev=2049,
                           total_bytes=200 * GIB, free_bytes=120 * GIB, used_percent=40.0,
                           inodes_used_percent=5.0, holds_home=True)
    return replace(base, **changes)


def disk(name: str = "sda", **changes: Any) -> DiskActivity:
    base = DiskActivity(name=name, busy_percent=2.0, read_bytes_per_s=0.0,
                        write_bytes_per_s=4096.0, ops_per_s=1.0, latency_ms=1.0)
    return replace(base, **changes)


def process(pid: int, name: str, **changes: Any) -> ProcessSample:
    base = ProcessSample(pid=pid, name=name, ppid=1, status="sleeping", cpu_percent=0.0,
                         rss_bytes=50 * MIB, io_read_bytes_per_s=0.0, io_write_bytes_per_s=0.0,
                         whole_sample=True, stuck_in_disk_sleep=False)
    return replace(base, **changes)


def deleted(pid: int, name: str, size_bytes: int, inode: int = 77, st_dev: int = 2049,
            path: str = "/var/log/big.log") -> DeletedFile:
    return DeletedFile(pid=pid, name=name, path=path, size_bytes=size_bytes, st_dev=st_dev,
                       inode=inode)


def sensor(current_c: float, high_c: float | None = 80.0,
           critical_c: float | None = 100.0, label: str = "Package id 0") -> Temperature:
    return Temperature(sensor="coretemp", label=label, current_c=current_c, high_c=high_c,
                       critical_c=critical_c)


def pressure(some_percent: float, full_percent: float | None = 0.0) -> Pressure:
    return Pressure(some_percent=some_percent, full_percent=full_percent)


def quiet_snapshot(**changes: Any) -> Snapshot:
    """A healthy two-core machine; ``changes`` replace whole fields."""
    base = Snapshot(
        sampled_seconds=1.2, cpu=quiet_cpu(), memory=quiet_memory(),
        cpu_pressure=pressure(1.0), memory_pressure=pressure(0.0), io_pressure=pressure(0.5),
        filesystems=(filesystem(),), disks=(disk(),),
        processes=(process(1, "systemd"), process(900, "bash"), process(1200, "firefox")),
        deleted_files=(), temperatures=(sensor(45.0),), throttle_events=0,
        checked=("cpu utilization per core",), unavailable=())
    return replace(base, **changes)
