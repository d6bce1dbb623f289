"""Run every rule over a snapshot and rank what they found."""

from __future__ import annotations

from collections.abc import Iterable

from nlsh.diagnosis.finding import Finding, Severity
from nlsh.diagnosis.rules import RULES, Rule
from nlsh.diagnosis.snapshot import Snapshot


def analyse(snapshot: Snapshot, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """The findings of ``rules``, most likely cause first."""
    return rank(f for rule in rules if (f := rule(snapshot)) is not None)


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """Critical before warning before info; within a severity, furthest past its
    threshold first; ties keep their order."""
    return sorted(findings, key=lambda f: (-f.severity.rank, -f.score))


def something_wrong(findings: Iterable[Finding]) -> bool:
    """True when a finding is worth acting on (informational notes are not)."""
    return any(f.severity is not Severity.INFO for f in findings)
