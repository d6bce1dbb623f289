"""A finding: one likely cause of slowness, with the figures that support it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nlsh.diagnosis.suggestions import FollowUp


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}

RESOURCES = ("cpu", "memory", "disk", "io", "thermal", "processes")


@dataclass(frozen=True)
class Culprit:
    """A process named in a finding, with the one figure that makes it responsible."""

    pid: int
    name: str
    figures: Mapping[str, float | int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"pid": self.pid, "name": self.name, **self.figures}


@dataclass(frozen=True)
class Finding:
    """What a rule concluded.

    ``evidence`` keys carry their unit (``cpu_percent``, ``free_bytes``, ``latency_ms``).
    ``score`` is how far past its threshold the worst figure is (1.0: just at it); it
    orders findings of equal severity and is not part of the JSON.
    """

    resource: str
    severity: Severity
    summary: str
    evidence: Mapping[str, Any]
    processes: tuple[Culprit, ...]
    suggestion: str
    score: float
    follow_up: FollowUp | None = None  # what "do N" runs: typed, never the sentence re-read

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "severity": self.severity.value,
            "summary": self.summary,
            "evidence": dict(self.evidence),
            "processes": [p.to_json() for p in self.processes],
            "suggestion": self.suggestion,
            **({"follow_up": self.follow_up.to_json()} if self.follow_up else {}),
        }


def graded(value: float, warning: float, critical: float) -> tuple[Severity, float] | None:
    """The severity of ``value`` against two rising thresholds, and its score; None below."""
    if value >= critical:
        return Severity.CRITICAL, value / critical
    if value >= warning:
        return Severity.WARNING, value / warning
    return None


def graded_below(value: float, warning: float, critical: float,
                 ) -> tuple[Severity, float] | None:
    """Like :func:`graded` for figures where less is worse (available memory)."""
    floor = max(value, critical / 100)  # keeps the score finite at zero
    if value <= critical:
        return Severity.CRITICAL, critical / floor
    if value <= warning:
        return Severity.WARNING, warning / floor
    return None


def worst(*grades: tuple[Severity, float] | None) -> tuple[Severity, float] | None:
    """The most severe of several grades (highest score among equals)."""
    present = [g for g in grades if g is not None]
    if not present:
        return None
    return max(present, key=lambda g: (g[0].rank, g[1]))
