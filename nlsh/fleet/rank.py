"""Read-only questions across hosts, merged into one table: the worst host first.

Each kind of answer has its own measure of "worse" (the fullest filesystem, the least
memory available, the most matching sockets, the most findings); hosts whose answer has
no measure keep the inventory's order, after the measured ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nlsh.fleet.rows import HostRow, HostState
from nlsh.render.units import human_bytes

Measure = Callable[[Mapping[str, Any]], "tuple[float, str] | None"]


@dataclass(frozen=True)
class Ranked:
    """One host's answer in the merged table: ``score`` (higher is worse), its evidence."""

    host: str
    score: float | None
    evidence: str


def _disk(result: Mapping[str, Any]) -> tuple[float, str] | None:
    filesystems = [f for f in result.get("filesystems", ()) if isinstance(f, Mapping)]
    if not filesystems:
        return None
    fullest = max(filesystems, key=lambda f: float(f.get("percent") or 0))
    percent = float(fullest.get("percent") or 0)
    return percent, (f"{fullest.get('mountpoint')} {percent:.0f}% used, "
                     f"{human_bytes(int(fullest.get('free') or 0))} free")


def _memory(result: Mapping[str, Any]) -> tuple[float, str] | None:
    total, available = result.get("total"), result.get("available")
    if not isinstance(total, int) or not isinstance(available, int) or not total:
        return None
    used = 100.0 * (total - available) / total
    return used, (f"{human_bytes(available)} of {human_bytes(total)} available "
                  f"({result.get('verdict', '?')})")


def _connections(result: Mapping[str, Any]) -> tuple[float, str] | None:
    summary = result.get("summary")
    if not isinstance(summary, Mapping):
        return None
    listening = int(summary.get("listening") or 0)
    count = len(result.get("connections", ()))
    programs = ", ".join(str(p) for p in summary.get("programs", ())[:3]) or "no program shown"
    if not count:
        return 0.0, "none"
    return listening * 1000.0 + count, f"{listening} listening, {count} in all ({programs})"


def _processes(result: Mapping[str, Any]) -> tuple[float, str] | None:
    rows = [p for p in result.get("processes", ()) if isinstance(p, Mapping)]
    if not rows:
        return 0.0, "none"
    top = rows[0]
    if result.get("sort_by") == "cpu":
        cpu = float(top.get("cpu_percent") or 0)
        return cpu, f"pid {top.get('pid')} {top.get('name')} {cpu:.0f}% CPU"
    rss = int(top.get("memory_rss") or 0)
    return float(rss), f"pid {top.get('pid')} {top.get('name')} {human_bytes(rss)}"


def _diagnosis(result: Mapping[str, Any]) -> tuple[float, str] | None:
    findings = [f for f in result.get("findings", ()) if isinstance(f, Mapping)]
    if not findings:
        return 0.0, "nothing looks wrong"
    first = findings[0]
    return float(len(findings)), str(first.get("summary") or first.get("title") or "")


MEASURES: dict[str, Measure] = {
    "disk_usage": _disk, "memory": _memory, "connections": _connections,
    "process_table": _processes, "diagnosis": _diagnosis,
}


def is_answer(rows: list[HostRow]) -> bool:
    """Every host that replied answered a read-only question (a table to merge)."""
    replied = [row for row in rows if row.reply]
    return bool(replied) and all(row.state is HostState.ANSWERED for row in replied)


def ranked(rows: list[HostRow]) -> list[Ranked]:
    """The answering hosts, worst first (by the measure of their answer's kind)."""
    entries = []
    for order, row in enumerate(rows):
        if row.state is not HostState.ANSWERED:
            continue
        measure = MEASURES.get(str(row.reply.get("kind")))
        result = row.response.get("result")
        measured = measure(result) if measure and isinstance(result, Mapping) else None
        if measured is None:
            entries.append((order, Ranked(row.host, None, row.reason)))
        else:
            entries.append((order, Ranked(row.host, measured[0], measured[1])))
    entries.sort(key=lambda e: (e[1].score is None, -(e[1].score or 0.0), e[0]))
    return [entry for _, entry in entries]
