"""Plans that touch many objects or many bytes are shown in full and confirmed again.

Up to ``LISTED_IN_FULL_UP_TO`` steps the preview has a row per step; a longer plan is
previewed grouped (count, bytes and first targets per program or folder: a row per step
of 3,000 is not readable), and ``--json`` lists every step.
"""

from __future__ import annotations

from dataclasses import replace

from nlsh.context import Context
from nlsh.render.units import human_bytes
from nlsh.stages import Plan, ProcessRef, Reply

MANY_PROCESSES = 5
LARGE_CLEANUP_BYTES = 1024**3
LISTED_IN_FULL_UP_TO = 40


def _shown(plan: Plan) -> str:
    if len(plan.steps) <= LISTED_IN_FULL_UP_TO:
        return "all listed above"
    return "grouped above; --json lists each one"


def confirm_large_plans(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: many-objects — more than 5 processes, or a cleanup over 1 GiB, asks again."""
    processes = sum(isinstance(s.target, ProcessRef) for s in plan.steps)
    reasons = list(plan.confirmations)
    if processes > MANY_PROCESSES:
        reasons.append(f"this acts on {processes} processes ({_shown(plan)})")
    if plan.total_bytes > LARGE_CLEANUP_BYTES:
        reasons.append(f"this removes {human_bytes(plan.total_bytes)} "
                       f"in {len(plan.steps)} item(s) ({_shown(plan)})")
    if len(reasons) == len(plan.confirmations):
        return plan
    return replace(plan, confirmations=tuple(dict.fromkeys(reasons)))
