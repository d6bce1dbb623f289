"""What one sample of the system holds: a frozen tree of plain values.

Rates and percentages are measured over the sample (two readings about a second
apart), never taken from the kernel's decaying averages, so a burst that ended a
minute ago does not show up as a problem now. A reading the machine cannot provide
(no PSI, no sensors) is ``None`` or empty and is named in ``Snapshot.unavailable``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CpuSample:
    """CPU time over the sample. Percentages are of the whole machine (0–100)."""

    cores: int
    busy_percent: float
    per_core_busy_percent: tuple[float, ...]
    iowait_percent: float
    steal_percent: float
    run_queue: float | None
    """Runnable tasks, averaged over the sample (``procs_running`` minus the reader)."""
    load_avg: tuple[float, float, float]


@dataclass(frozen=True)
class Pressure:
    """One ``/proc/pressure/*`` file: the share of the sample some (or all) tasks stalled."""

    some_percent: float
    full_percent: float | None


@dataclass(frozen=True)
class MemorySample:
    total_bytes: int
    available_bytes: int
    swap_total_bytes: int
    swap_used_bytes: int
    swap_in_bytes_per_s: float
    swap_out_bytes_per_s: float
    oom_kills_since_boot: int | None
    oom_kills_during_sample: int | None


@dataclass(frozen=True)
class FilesystemUsage:
    """A writable local filesystem; ``used_percent`` is of the space ordinary users get."""

    mountpoint: str
    device: str
    fstype: str
    st_dev: int
    total_bytes: int
    free_bytes: int
    used_percent: float
    inodes_used_percent: float | None
    holds_home: bool


@dataclass(frozen=True)
class DiskActivity:
    """One block device over the sample; latency is the mean time an I/O took."""

    name: str
    busy_percent: float
    read_bytes_per_s: float
    write_bytes_per_s: float
    ops_per_s: float
    latency_ms: float | None


@dataclass(frozen=True)
class ProcessSample:
    """One process over the sample. ``cpu_percent`` is of one core (a busy loop: ~100).

    ``whole_sample`` is False for a process that started during the sample.
    ``stuck_in_disk_sleep``: uninterruptible (state D) in both readings.
    I/O rates are None where the kernel does not let us read them.
    """

    pid: int
    name: str
    ppid: int | None
    status: str
    cpu_percent: float
    rss_bytes: int | None
    io_read_bytes_per_s: float | None
    io_write_bytes_per_s: float | None
    whole_sample: bool
    stuck_in_disk_sleep: bool
    create_time: float | None = None  # with the pid, which process a follow-up acts on


@dataclass(frozen=True)
class DeletedFile:
    """A file that was deleted while ``pid`` still holds it open: its space is not free."""

    pid: int
    name: str
    path: str
    size_bytes: int
    st_dev: int
    inode: int


@dataclass(frozen=True)
class Temperature:
    sensor: str
    label: str
    current_c: float
    high_c: float | None
    critical_c: float | None


@dataclass(frozen=True)
class Snapshot:
    """Everything the rules look at. ``checked``/``unavailable`` name what was (not) read."""

    sampled_seconds: float
    cpu: CpuSample
    memory: MemorySample
    cpu_pressure: Pressure | None
    memory_pressure: Pressure | None
    io_pressure: Pressure | None
    filesystems: tuple[FilesystemUsage, ...]
    disks: tuple[DiskActivity, ...]
    processes: tuple[ProcessSample, ...]
    deleted_files: tuple[DeletedFile, ...]
    temperatures: tuple[Temperature, ...]
    throttle_events: int | None
    """Thermal throttle events counted during the sample; None without the counters."""
    checked: tuple[str, ...]
    unavailable: tuple[str, ...]
