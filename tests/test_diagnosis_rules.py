"""Every diagnosis rule on snapshots built by hand: where it fires, how badly, whom it names
and what it suggests. Figures sit on both sides of each threshold."""

from __future__ import annotations

import pytest

from nlsh.diagnosis.finding import Finding, Severity
from nlsh.diagnosis.rules import RULES
from nlsh.diagnosis.rules.cpu import cpu_saturation, cpu_steal
from nlsh.diagnosis.rules.disk import (
    deleted_files_held_open,
    filesystem_nearly_full,
    inodes_nearly_exhausted,
)
from nlsh.diagnosis.rules.io import io_saturation, stuck_in_disk_sleep
from nlsh.diagnosis.rules.memory import memory_pressure, oom_kills
from nlsh.diagnosis.rules.processes import runaway_processes, zombies
from nlsh.diagnosis.rules.thermal import overheating
from nlsh.diagnosis.snapshot import Snapshot
from tests.support.diagnosis import (
    GIB,
    MIB,
    deleted,
    disk,
    filesystem,
    pressure,
    process,
    quiet_cpu,
    quiet_memory,
    quiet_snapshot,
    sensor,
)
from tests.test_catalog import SPEC_INTENTS

CRITICAL, WARNING, INFO = Severity.CRITICAL, Severity.WARNING, Severity.INFO


def severity(finding: Finding | None) -> Severity | None:
    return None if finding is None else finding.severity


def test_a_quiet_machine_fires_no_rule() -> None:
    snapshot = quiet_snapshot()
    assert [rule.__name__ for rule in RULES if rule(snapshot) is not None] == []


# ── CPU ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("busy", "some", "expected"), [
    (79.9, 19.9, None),
    (80.0, 5.0, WARNING),
    (94.9, 5.0, WARNING),
    (95.0, 5.0, CRITICAL),
    (30.0, 20.0, WARNING),   # tasks queue for the CPU though it is not all busy (a quota)
    (30.0, 49.9, WARNING),
    (30.0, 50.0, CRITICAL),
])
def test_cpu_saturation_thresholds(busy: float, some: float, expected: Severity | None) -> None:
    snapshot = quiet_snapshot(cpu=quiet_cpu(busy_percent=busy), cpu_pressure=pressure(some))
    assert severity(cpu_saturation(snapshot)) == expected


@pytest.mark.parametrize(("run_queue", "expected"), [
    (3.9, None), (4.0, WARNING), (7.9, WARNING), (8.0, CRITICAL), (None, None)])
def test_without_psi_the_run_queue_per_core_stands_in(run_queue: float | None,
                                                      expected: Severity | None) -> None:
    snapshot = quiet_snapshot(cpu=quiet_cpu(run_queue=run_queue), cpu_pressure=None)
    assert severity(cpu_saturation(snapshot)) == expected


def test_a_busy_cpu_names_its_busiest_processes_and_suggests_deprioritising_the_top() -> None:
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=99.0), cpu_pressure=pressure(60.0),
        processes=(process(10, "bash", cpu_percent=9.9), process(20, "Blender", cpu_percent=97.0),
                   process(30, "cc1", cpu_percent=60.0)))
    finding = cpu_saturation(snapshot)
    assert finding is not None
    assert [(p.pid, p.name) for p in finding.processes] == [(20, "Blender"), (30, "cc1")]
    assert finding.suggestion == "lower the priority of blender"
    assert "Blender (pid 20" in finding.summary
    assert finding.evidence["cpu_percent"] == 99.0
    assert finding.evidence["cores"] == 2
    assert finding.evidence["cpu_pressure_some_percent"] == 60.0


def test_a_busy_cpu_shared_by_many_small_processes_suggests_looking_at_them() -> None:
    crowd = tuple(process(100 + i, f"worker{i}", cpu_percent=20.0) for i in range(10))
    finding = cpu_saturation(quiet_snapshot(cpu=quiet_cpu(busy_percent=100.0), processes=crowd))
    assert finding is not None
    assert finding.suggestion == "show processes using the most cpu"
    assert len(finding.processes) == 5


@pytest.mark.parametrize(("steal", "expected"), [
    (9.9, None), (10.0, WARNING), (24.9, WARNING), (25.0, CRITICAL)])
def test_cpu_steal_thresholds(steal: float, expected: Severity | None) -> None:
    finding = cpu_steal(quiet_snapshot(cpu=quiet_cpu(steal_percent=steal)))
    assert severity(finding) == expected
    if finding is not None:
        assert finding.evidence["steal_percent"] == steal


# ── memory ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("available_percent", "expected"), [
    (10.5, None), (10.0, WARNING), (5.5, WARNING), (5.0, CRITICAL), (0.0, CRITICAL)])
def test_memory_available_thresholds(available_percent: float,
                                     expected: Severity | None) -> None:
    memory = quiet_memory(available_bytes=int(16 * GIB * available_percent / 100))
    assert severity(memory_pressure(quiet_snapshot(memory=memory))) == expected


@pytest.mark.parametrize(("swap_in", "swap_out", "expected"), [
    (0.5 * MIB, 0.49 * MIB, None), (0.5 * MIB, 0.5 * MIB, WARNING), (0.0, 20 * MIB, CRITICAL)])
def test_swapping_during_the_sample_is_memory_pressure(swap_in: float, swap_out: float,
                                                       expected: Severity | None) -> None:
    memory = quiet_memory(swap_in_bytes_per_s=swap_in, swap_out_bytes_per_s=swap_out)
    assert severity(memory_pressure(quiet_snapshot(memory=memory))) == expected


@pytest.mark.parametrize(("some", "expected"), [(9.9, None), (10.0, WARNING), (30.0, CRITICAL)])
def test_memory_stall_thresholds(some: float, expected: Severity | None) -> None:
    assert severity(memory_pressure(quiet_snapshot(memory_pressure=pressure(some)))) == expected


def test_memory_pressure_groups_processes_by_application() -> None:
    snapshot = quiet_snapshot(
        memory=quiet_memory(available_bytes=GIB // 2),
        processes=(process(11, "firefox", rss_bytes=2 * GIB), process(12, "firefox",
                   rss_bytes=3 * GIB), process(13, "firefox", rss_bytes=1 * GIB),
                   process(20, "java", rss_bytes=4 * GIB), process(30, "bash", rss_bytes=MIB)))
    finding = memory_pressure(snapshot)
    assert finding is not None and finding.severity is CRITICAL
    assert finding.evidence["top_applications"][0] == {
        "name": "firefox", "rss_bytes": 6 * GIB, "processes": 3}
    assert [p.pid for p in finding.processes][:4] == [12, 11, 13, 20]
    assert "firefox" in finding.summary and "3 processes" in finding.summary
    assert finding.suggestion == "free up memory"
    assert finding.evidence["available_bytes"] == GIB // 2


@pytest.mark.parametrize(("since_boot", "during", "expected"), [
    (0, 0, None), (2, 0, INFO), (3, 1, CRITICAL), (None, None, None)])
def test_oom_kills(since_boot: int | None, during: int | None,
                   expected: Severity | None) -> None:
    memory = quiet_memory(oom_kills_since_boot=since_boot, oom_kills_during_sample=during)
    assert severity(oom_kills(quiet_snapshot(memory=memory))) == expected


# ── disk space ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("used", "free", "expected"), [
    (89.9, 20 * GIB, None), (90.0, 20 * GIB, WARNING), (96.9, 6 * GIB, WARNING),
    (97.0, 6 * GIB, CRITICAL), (95.0, 50 * GIB, None)])  # 50 GiB free is plenty at any %
def test_filesystem_nearly_full_thresholds(used: float, free: int,
                                           expected: Severity | None) -> None:
    snapshot = quiet_snapshot(filesystems=(filesystem(used_percent=used, free_bytes=free),))
    assert severity(filesystem_nearly_full(snapshot)) == expected


def test_a_full_home_filesystem_suggests_cleanup_and_another_suggests_looking_inside() -> None:
    home = filesystem("/", used_percent=92.0, free_bytes=10 * GIB, holds_home=True)
    data = filesystem("/data", used_percent=98.0, free_bytes=GIB, holds_home=False, st_dev=9)
    finding = filesystem_nearly_full(quiet_snapshot(filesystems=(home, data)))
    assert finding is not None
    assert finding.evidence["mountpoint"] == "/data"  # the fuller one comes first
    assert finding.suggestion == "what is taking space in /data"
    assert finding.evidence["also_nearly_full"] == ["/"]
    only_home = filesystem_nearly_full(quiet_snapshot(filesystems=(home,)))
    assert only_home is not None and only_home.suggestion == "clean up disk space"


@pytest.mark.parametrize(("inodes", "expected"), [
    (89.9, None), (90.0, WARNING), (97.0, CRITICAL), (None, None)])
def test_inode_thresholds(inodes: float | None, expected: Severity | None) -> None:
    snapshot = quiet_snapshot(filesystems=(filesystem("/srv", inodes_used_percent=inodes),))
    finding = inodes_nearly_exhausted(snapshot)
    assert severity(finding) == expected
    if finding is not None:
        assert finding.suggestion == "what is taking space in /srv"


@pytest.mark.parametrize(("size", "expected"), [
    (100 * MIB - 1, None), (100 * MIB, WARNING), (5 * GIB, WARNING)])
def test_deleted_files_held_open_thresholds(size: int, expected: Severity | None) -> None:
    snapshot = quiet_snapshot(deleted_files=(deleted(4242, "rsyslogd", size),))
    finding = deleted_files_held_open(snapshot)
    assert severity(finding) == expected
    if finding is not None:
        assert finding.suggestion == "kill pid 4242"
        assert [(p.pid, p.name) for p in finding.processes] == [(4242, "rsyslogd")]
        assert "releases the space" in finding.summary
        assert finding.evidence["deleted_bytes"] == size


def test_a_deleted_file_on_a_nearly_full_filesystem_is_critical() -> None:
    snapshot = quiet_snapshot(filesystems=(filesystem(used_percent=93.0, free_bytes=5 * GIB),),
                              deleted_files=(deleted(4242, "java", 2 * GIB),))
    finding = deleted_files_held_open(snapshot)
    assert finding is not None and finding.severity is CRITICAL
    assert finding.evidence["mountpoint"] == "/"


def test_a_file_shared_by_parent_and_child_counts_once_and_the_largest_holder_leads() -> None:
    files = (deleted(50, "nginx", 60 * MIB, inode=1), deleted(51, "nginx", 60 * MIB, inode=1),
             deleted(51, "nginx", 70 * MIB, inode=2))
    finding = deleted_files_held_open(quiet_snapshot(deleted_files=files))
    assert finding is not None
    assert finding.evidence["deleted_bytes"] == 130 * MIB
    assert [p.pid for p in finding.processes] == [51, 50]
    assert finding.suggestion == "kill pid 51"


# ── I/O ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("busy", "latency", "ops", "expected"), [
    (79.9, 49.9, 100.0, None), (80.0, 5.0, 100.0, WARNING), (95.0, 5.0, 100.0, CRITICAL),
    (10.0, 50.0, 5.0, WARNING), (10.0, 500.0, 4.9, None),  # two slow requests prove little
    (10.0, 200.0, 20.0, CRITICAL)])
def test_disk_busy_and_latency_thresholds(busy: float, latency: float, ops: float,
                                          expected: Severity | None) -> None:
    snapshot = quiet_snapshot(disks=(disk(busy_percent=busy, latency_ms=latency,
                                          ops_per_s=ops),))
    assert severity(io_saturation(snapshot)) == expected


@pytest.mark.parametrize(("some", "expected"), [(19.9, None), (20.0, WARNING), (50.0, CRITICAL)])
def test_io_stall_thresholds(some: float, expected: Severity | None) -> None:
    assert severity(io_saturation(quiet_snapshot(io_pressure=pressure(some)))) == expected


def test_busy_io_names_the_heaviest_process_and_suggests_its_io_priority() -> None:
    snapshot = quiet_snapshot(
        disks=(disk("nvme0n1", busy_percent=99.0, write_bytes_per_s=300 * MIB),),
        processes=(process(70, "Backup", io_write_bytes_per_s=250 * MIB),
                   process(71, "updatedb", io_read_bytes_per_s=5 * MIB),
                   process(72, "bash", io_write_bytes_per_s=0.5 * MIB)))
    finding = io_saturation(snapshot)
    assert finding is not None and finding.severity is CRITICAL
    assert [p.pid for p in finding.processes] == [70, 71]
    assert finding.suggestion == "lower the io priority of backup"
    assert finding.evidence["disk"] == "nvme0n1"


def test_io_stalls_with_no_visible_culprit_suggest_the_processes_by_disk_io() -> None:
    finding = io_saturation(quiet_snapshot(io_pressure=pressure(60.0)))
    assert finding is not None and finding.processes == ()
    assert finding.suggestion == "show processes doing the most disk io"
    assert finding.follow_up is not None and finding.follow_up.slots == {"sort_by": "io"}


def test_busy_io_with_only_a_stuck_process_suggests_looking_at_it() -> None:
    snapshot = quiet_snapshot(io_pressure=pressure(60.0), processes=(
        process(80, "mount.nfs", status="disk-sleep", stuck_in_disk_sleep=True),))
    finding = io_saturation(snapshot)
    assert finding is not None
    assert finding.suggestion == "show process 80"
    assert finding.evidence["uninterruptible_processes"] == 1


@pytest.mark.parametrize(("stuck", "expected"), [(0, None), (1, INFO), (2, INFO), (3, WARNING)])
def test_processes_stuck_in_uninterruptible_sleep(stuck: int, expected: Severity | None) -> None:
    processes = tuple(process(300 + i, "rsync", status="disk-sleep", stuck_in_disk_sleep=True)
                      for i in range(stuck))
    # in D state in one reading only: ordinary I/O, not stuck
    passing = process(400, "cp", status="disk-sleep", stuck_in_disk_sleep=False)
    finding = stuck_in_disk_sleep(quiet_snapshot(processes=(*processes, passing)))
    assert severity(finding) == expected
    if finding is not None:
        assert finding.suggestion == "show process 300"
        assert 400 not in [p.pid for p in finding.processes]


# ── heat ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("temperature", "expected"), [
    ((74.9, 80.0, 100.0), None), ((75.0, 80.0, 100.0), WARNING),
    ((94.9, 80.0, 100.0), WARNING), ((95.0, 80.0, 100.0), CRITICAL),
    ((89.9, None, None), None), ((90.0, None, None), WARNING),
    ((89.9, 0.0, 0.0), None),  # limits of 0 °C are a driver's placeholder, not limits
    ((89.9, 5.0, 15.0), None), ((90.0, 5.0, 15.0), WARNING),
])
def test_temperature_thresholds(temperature: tuple[float, float | None, float | None],
                                expected: Severity | None) -> None:
    current, high, critical = temperature
    finding = overheating(quiet_snapshot(temperatures=(sensor(current, high, critical),)))
    assert severity(finding) == expected
    if finding is not None:
        assert finding.suggestion == "show the temperature"
        assert finding.evidence["temperature_c"] == current


def test_throttling_during_the_sample_is_reported_even_when_sensors_are_missing() -> None:
    snapshot = quiet_snapshot(temperatures=(), throttle_events=12, cpu=quiet_cpu(
        busy_percent=60.0), processes=(process(5, "ffmpeg", cpu_percent=99.0),))
    finding = overheating(snapshot)
    assert finding is not None and finding.severity is WARNING
    assert finding.evidence["throttle_events"] == 12
    assert [p.pid for p in finding.processes] == [5]
    assert overheating(quiet_snapshot(temperatures=(), throttle_events=None)) is None


# ── processes ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("cpu", "whole", "expected"), [
    (89.9, True, None), (90.0, True, WARNING), (180.0, True, WARNING),
    (99.0, False, None)])  # started during the sample: not proven to be a loop
def test_runaway_process_thresholds(cpu: float, whole: bool, expected: Severity | None) -> None:
    snapshot = quiet_snapshot(processes=(process(66, "Node", cpu_percent=cpu,
                                                 whole_sample=whole),))
    finding = runaway_processes(snapshot)
    assert severity(finding) == expected
    if finding is not None:
        assert finding.suggestion == "lower the priority of node"
        assert [p.pid for p in finding.processes] == [66]


@pytest.mark.parametrize(("count", "expected"), [(0, None), (1, INFO), (19, INFO), (20, WARNING)])
def test_zombies_name_the_parent_that_does_not_reap(count: int,
                                                    expected: Severity | None) -> None:
    undead = tuple(process(500 + i, "defunct", ppid=900, status="zombie") for i in range(count))
    finding = zombies(quiet_snapshot(processes=(process(900, "bash"), *undead)))
    assert severity(finding) == expected
    if finding is not None:
        assert finding.evidence["zombie_processes"] == count
        assert [(p.pid, p.name) for p in finding.processes] == [(900, "bash")]
        assert finding.suggestion == "show process 900"


# ── what every finding promises ────────────────────────────────────────────

_TEMPLATES = (
    r"lower the priority of [a-z0-9._+\- ]+", r"lower the io priority of [a-z0-9._+\- ]+",
    r"free up memory", r"show processes using the most cpu",
    r"show processes using the most memory", r"clean up disk space",
    r"what is taking space in /\S*", r"kill pid \d+", r"show the temperature",
    r"show process \d+", r"show processes doing the most disk io",
)

_TROUBLED: list[Snapshot] = [
    quiet_snapshot(cpu=quiet_cpu(busy_percent=100.0, steal_percent=30.0),
                   processes=(process(20, "Blender", cpu_percent=190.0),)),
    quiet_snapshot(memory=quiet_memory(available_bytes=GIB // 10, oom_kills_since_boot=4,
                                       oom_kills_during_sample=1)),
    quiet_snapshot(filesystems=(filesystem("/", used_percent=99.0, free_bytes=GIB,
                                           inodes_used_percent=99.0),),
                   deleted_files=(deleted(7, "java", GIB),)),
    quiet_snapshot(disks=(disk(busy_percent=100.0),), processes=(
        process(8, "dd", io_write_bytes_per_s=90 * MIB),
        *(process(30 + i, "nfs", stuck_in_disk_sleep=True) for i in range(3)),
        *(process(60 + i, "z", ppid=8, status="zombie") for i in range(25)))),
    quiet_snapshot(temperatures=(sensor(99.0),), throttle_events=3),
]


@pytest.mark.parametrize("snapshot", _TROUBLED)
def test_every_finding_suggests_a_sentence_nlsh_understands_and_is_json_ready(
        snapshot: Snapshot) -> None:
    import json
    import re

    findings = [f for rule in RULES if (f := rule(snapshot)) is not None]
    assert findings
    for finding in findings:
        assert any(re.fullmatch(t, finding.suggestion) for t in _TEMPLATES), finding.suggestion
        data = finding.to_json()
        assert set(data) == {"resource", "severity", "summary", "evidence", "processes",
                             "suggestion", "follow_up"}
        assert data["follow_up"]["intent"] in SPEC_INTENTS
        assert data["resource"] in ("cpu", "memory", "disk", "io", "thermal", "processes")
        assert "\n" not in data["summary"]
        assert json.loads(json.dumps(data)) == data
        for key, value in data["evidence"].items():
            if key.endswith("_bytes"):
                assert isinstance(value, int), key
        assert all(set(p) >= {"pid", "name"} for p in data["processes"])


def test_a_completely_full_filesystem_holding_a_deleted_file_is_graded_not_crashed() -> None:
    snapshot = quiet_snapshot(filesystems=(filesystem(used_percent=100.0, free_bytes=0,
                                                      inodes_used_percent=100.0),),
                              deleted_files=(deleted(3, "java", GIB),))
    assert [severity(rule(snapshot)) for rule in (
        filesystem_nearly_full, inodes_nearly_exhausted, deleted_files_held_open)] == [
        CRITICAL, CRITICAL, CRITICAL]
