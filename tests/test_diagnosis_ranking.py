"""Ranking findings and the answer built from them: the most likely cause comes first,
and a healthy machine gets a clear "nothing looks wrong"."""

from __future__ import annotations

import json

from nlsh.answers.diagnose import answer_for
from nlsh.diagnosis.analyse import analyse, rank
from nlsh.diagnosis.finding import Finding, Severity
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
)


def finding(resource: str, severity: Severity, score: float) -> Finding:
    return Finding(resource=resource, severity=severity, summary=resource, evidence={},
                   processes=(), suggestion="free up memory", score=score)


def test_severity_outranks_how_far_past_the_threshold() -> None:
    ranked = rank([finding("info", Severity.INFO, 50.0), finding("warn", Severity.WARNING, 9.0),
                   finding("crit", Severity.CRITICAL, 1.0)])
    assert [f.resource for f in ranked] == ["crit", "warn", "info"]


def test_within_a_severity_the_furthest_past_its_threshold_comes_first() -> None:
    ranked = rank([finding("a", Severity.WARNING, 1.1), finding("b", Severity.WARNING, 2.5),
                   finding("c", Severity.WARNING, 1.6)])
    assert [f.resource for f in ranked] == ["b", "c", "a"]


def test_a_swapping_machine_with_a_busy_cpu_puts_the_critical_memory_finding_first() -> None:
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=85.0), cpu_pressure=pressure(5.0),
        memory=quiet_memory(available_bytes=GIB // 2, swap_in_bytes_per_s=40 * MIB),
        processes=(process(10, "java", cpu_percent=95.0, rss_bytes=12 * GIB),))
    resources = [(f.resource, f.severity) for f in analyse(snapshot)]
    assert resources[0] == ("memory", Severity.CRITICAL)
    assert ("cpu", Severity.WARNING) in resources
    assert ("processes", Severity.WARNING) in resources


def test_of_two_critical_findings_the_one_further_past_its_threshold_leads() -> None:
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=100.0), cpu_pressure=pressure(100.0),  # 2× its threshold
        disks=(disk(busy_percent=96.0),))  # just past its threshold
    assert [f.resource for f in analyse(snapshot)][:2] == ["cpu", "io"]
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=96.0), cpu_pressure=pressure(10.0),
        disks=(disk(busy_percent=100.0, latency_ms=800.0, ops_per_s=50.0),))
    assert [f.resource for f in analyse(snapshot)][:2] == ["io", "cpu"]


def test_a_healthy_machine_is_told_so_plainly() -> None:
    answer = answer_for(quiet_snapshot())
    assert answer.kind == "diagnosis"
    assert answer.message.startswith("Nothing looks wrong")
    assert answer.result["findings"] == []
    assert answer.result["checked"] == ["cpu utilization per core"]


def test_notes_alone_still_mean_nothing_is_wrong() -> None:
    snapshot = quiet_snapshot(memory=quiet_memory(oom_kills_since_boot=3))
    answer = answer_for(snapshot)
    assert answer.message.startswith("Nothing looks wrong")
    assert "1 note" in answer.message
    assert [f["severity"] for f in answer.result["findings"]] == ["info"]


def test_a_problem_makes_the_top_finding_the_message_and_the_result_is_json() -> None:
    snapshot = quiet_snapshot(
        filesystems=(filesystem(used_percent=95.0, free_bytes=9 * GIB),),
        deleted_files=(deleted(321, "postgres", 3 * GIB),), unavailable=("temperature sensors",))
    answer = answer_for(snapshot)
    findings = answer.result["findings"]
    assert answer.message == findings[0]["summary"]
    assert findings[0]["suggestion"] == "kill pid 321"  # critical: on a nearly full filesystem
    assert findings[1]["suggestion"] == "clean up disk space"
    assert answer.result["unavailable"] == ["temperature sensors"]
    assert json.loads(json.dumps(answer.result)) == answer.result


def test_space_held_by_a_deleted_file_is_as_urgent_as_its_filesystem_is_full() -> None:
    snapshot = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=99.0), cpu_pressure=pressure(70.0),
        filesystems=(filesystem(used_percent=92.0, free_bytes=8 * GIB),),
        deleted_files=(deleted(9, "dd", 50 * GIB),))
    assert [(f.resource, f.severity) for f in analyse(snapshot)] == [
        ("cpu", Severity.CRITICAL), ("disk", Severity.CRITICAL), ("disk", Severity.WARNING)]
    fuller = quiet_snapshot(
        cpu=quiet_cpu(busy_percent=99.0), cpu_pressure=pressure(70.0),
        filesystems=(filesystem(used_percent=99.9, free_bytes=GIB // 5),),
        deleted_files=(deleted(9, "dd", 50 * GIB),))
    assert [f.resource for f in analyse(fuller)][:2] == ["disk", "disk"]
