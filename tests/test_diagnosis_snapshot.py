"""The snapshot collector on the real machine: figures within their physical bounds, real
processes seen as they are, and missing kernel features reported, never raised."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from nlsh.diagnosis import procfs
from nlsh.diagnosis.collect import take_snapshot
from nlsh.diagnosis.process_readings import ProcessReading, process_samples
from tests.conftest import Sleepers


def test_system_figures_are_within_their_bounds(private_home: Path) -> None:
    snapshot = take_snapshot(0.5, home=private_home)
    cpu = snapshot.cpu
    assert cpu.cores == psutil.cpu_count() == len(cpu.per_core_busy_percent)
    for percent in (cpu.busy_percent, cpu.iowait_percent, cpu.steal_percent,
                    *cpu.per_core_busy_percent):
        assert 0.0 <= percent <= 100.0
    assert cpu.run_queue is None or cpu.run_queue >= 0
    assert all(load >= 0 for load in cpu.load_avg)
    assert 0 < snapshot.memory.available_bytes <= snapshot.memory.total_bytes
    assert snapshot.memory.swap_in_bytes_per_s >= 0 and snapshot.memory.swap_out_bytes_per_s >= 0
    assert snapshot.sampled_seconds >= 0.5  # rates are over the whole interval
    for pressure in (snapshot.cpu_pressure, snapshot.memory_pressure, snapshot.io_pressure):
        if pressure is not None:
            assert 0.0 <= pressure.some_percent <= 100.0
    for disk in snapshot.disks:
        assert 0.0 <= disk.busy_percent <= 100.0
        assert disk.latency_ms is None or disk.latency_ms >= 0
    for process in snapshot.processes:
        assert 0.0 <= process.cpu_percent <= 100.0 * cpu.cores


def test_the_filesystem_holding_home_is_found(private_home: Path) -> None:
    snapshot = take_snapshot(0.2, home=private_home)
    home = [fs for fs in snapshot.filesystems if fs.holds_home]
    if not home:  # HOME on a filesystem psutil does not list as a partition (tmpfs, overlay)
        assert os.stat(private_home).st_dev not in {fs.st_dev for fs in snapshot.filesystems}
        return
    usage = psutil.disk_usage(str(private_home))
    assert home[0].total_bytes == usage.total
    assert 0.0 <= home[0].used_percent <= 100.0


def test_real_processes_are_seen_with_their_name_parent_and_state(sleepers: Sleepers) -> None:
    child = sleepers.spawn("diagsleeper")
    snapshot = take_snapshot(0.3)
    by_pid = {p.pid: p for p in snapshot.processes}
    seen = by_pid[child.pid]
    assert (seen.name, seen.ppid, seen.whole_sample) == ("diagsleeper", os.getpid(), True)
    assert seen.cpu_percent < 50.0  # sleep(1) does not compute
    assert seen.rss_bytes is not None and seen.rss_bytes > 0
    assert not seen.stuck_in_disk_sleep
    assert os.getpid() in by_pid
    assert all(psutil.pid_exists(pid) for pid in (child.pid, os.getpid()))


def test_skipped_pids_are_never_sampled() -> None:
    snapshot = take_snapshot(0.2, skip_pids=frozenset({os.getpid()}))
    assert os.getpid() not in {p.pid for p in snapshot.processes}
    assert snapshot.processes  # everyone else still is


def test_a_zombie_child_is_seen_as_a_zombie_of_its_parent() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        # Not reaped until child.wait(): once it exits it stays a zombie of this process.
        deadline = time.monotonic() + 30
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the child never exited"
            time.sleep(0.01)
        snapshot = take_snapshot(0.2)
        zombie = next(p for p in snapshot.processes if p.pid == child.pid)
        assert (zombie.status, zombie.ppid) == ("zombie", os.getpid())
    finally:
        child.wait()


def test_what_was_checked_matches_what_this_machine_has() -> None:
    snapshot = take_snapshot(0.2)
    assert not set(snapshot.checked) & set(snapshot.unavailable)
    has_psi = os.access("/proc/pressure/cpu", os.R_OK)
    assert (snapshot.cpu_pressure is not None) == has_psi
    assert ("cpu pressure (/proc/pressure/cpu)" in snapshot.checked) == has_psi
    has_sensors = bool(psutil.sensors_temperatures())
    assert ("temperature sensors" in snapshot.checked) == has_sensors
    assert ("temperature sensors" in snapshot.unavailable) == (not has_sensors)


def test_a_machine_without_psi_or_vmstat_is_sampled_without_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(procfs, "PROC", tmp_path / "empty-proc")  # an old kernel, a container
    snapshot = take_snapshot(0.2)
    assert (snapshot.cpu_pressure, snapshot.memory_pressure, snapshot.io_pressure) == (
        None, None, None)
    assert snapshot.cpu.run_queue is None
    assert snapshot.memory.oom_kills_since_boot is None
    assert {"cpu pressure (/proc/pressure/cpu)", "run queue (/proc/stat)",
            "oom kills (/proc/vmstat)"} <= set(snapshot.unavailable)
    assert snapshot.cpu.cores >= 1 and snapshot.processes


# ── rates between two readings (pure) ──────────────────────────────────────


def reading(pid: int, cpu: float | None, created: float = 100.0, status: str = "running",
            io: int | None = 0) -> ProcessReading:
    return ProcessReading(pid=pid, name=f"p{pid}", ppid=1, status=status, create_time=created,
                          cpu_seconds=cpu, rss_bytes=1000, io_read_bytes=io, io_write_bytes=io)


def test_rates_tolerate_processes_that_come_go_or_hide() -> None:
    first = {1: reading(1, 10.0), 2: reading(2, 5.0), 3: reading(3, 1.0), 5: reading(5, 2.0)}
    second = {
        1: reading(1, 10.9, io=2_000_000),    # busy for the whole sample
        3: reading(3, 0.5, created=250.0),    # pid reused by a process started mid-sample
        4: reading(4, 0.3, created=205.0),    # new during the sample
        5: reading(5, None, io=None),         # access denied by now
        6: reading(6, 50.0, created=10.0),    # unseen at first yet old: rate unknown
    }
    samples = {s.pid: s for s in process_samples(first, second, started=200.0, elapsed=1.0,
                                                 cores=2)}
    assert 2 not in samples  # ended during the sample
    assert samples[1].cpu_percent == pytest.approx(90.0)
    assert samples[1].whole_sample
    assert samples[1].io_write_bytes_per_s == pytest.approx(2_000_000)
    assert samples[3].cpu_percent == pytest.approx(50.0) and not samples[3].whole_sample
    assert samples[4].cpu_percent == pytest.approx(30.0) and not samples[4].whole_sample
    assert samples[5].cpu_percent == 0.0 and samples[5].io_read_bytes_per_s is None
    assert samples[6].cpu_percent == 0.0 and samples[6].io_read_bytes_per_s is None


def test_only_a_process_in_disk_sleep_at_both_readings_counts_as_stuck() -> None:
    first = {1: reading(1, 1.0, status="disk-sleep"), 2: reading(2, 1.0, status="running")}
    second = {1: reading(1, 1.0, status="disk-sleep"), 2: reading(2, 1.0, status="disk-sleep")}
    samples = {s.pid: s for s in process_samples(first, second, 200.0, 1.0, 2)}
    assert samples[1].stuck_in_disk_sleep and not samples[2].stuck_in_disk_sleep


def test_a_cpu_figure_never_exceeds_every_core() -> None:
    samples = process_samples({1: reading(1, 0.0)}, {1: reading(1, 9.0)}, 200.0, 1.0, cores=2)
    assert samples[0].cpu_percent == 200.0


def test_read_only_filesystems_are_not_checked_for_space(
        monkeypatch: pytest.MonkeyPatch, private_home: Path) -> None:
    real = psutil.disk_partitions(all=False)
    if not real:
        pytest.skip("psutil lists no partitions here")
    as_read_only = [part._replace(opts="ro," + part.opts) for part in real]
    monkeypatch.setattr(psutil, "disk_partitions", lambda all=False: as_read_only)
    assert take_snapshot(0.1, home=private_home).filesystems == ()
    monkeypatch.setattr(psutil, "disk_partitions", lambda all=False: real)
    assert take_snapshot(0.1, home=private_home).filesystems != ()
