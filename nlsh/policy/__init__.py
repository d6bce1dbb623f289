"""The one place that decides whether a plan may run (design.md, "Safety guarantees").

``review(plan, ctx)`` applies every rule in ``RULES`` in order. A rule returns the plan
(unchanged, narrowed, or with reasons to confirm again added) or a ``Reply`` with status
``refused`` that names the rule. Handlers never decide safety; the executor never
second-guesses the policy (it only re-checks identity).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace

from nlsh.context import Context
from nlsh.stages import Plan, ProcessRef, Reply, recount_processes

Rule = Callable[[Plan, Context], Plan | Reply]

RULES: tuple[str, ...] = (
    "nlsh.policy.checked:refuse_unchecked_steps",
    "nlsh.policy.processes:protect_processes",
    "nlsh.policy.processes:confirm_privileged_processes",
    "nlsh.policy.paths:protect_paths",
    "nlsh.policy.scale:confirm_large_plans",
    "nlsh.policy.lookalike:flag_look_alikes",
)


def review(plan: Plan, ctx: Context) -> Plan | Reply:
    planned = _processes(plan)
    for reference in RULES:
        module_name, _, attribute = reference.partition(":")
        rule: Rule = getattr(importlib.import_module(module_name), attribute)
        checked = rule(plan, ctx)
        if isinstance(checked, Reply):
            return checked
        plan = checked
    return _recounted(plan, planned)


def _processes(plan: Plan) -> int:
    return len({s.target for s in plan.steps if isinstance(s.target, ProcessRef)})


def _recounted(plan: Plan, planned: int) -> Plan:
    """The plan with its summary counting the processes it keeps ("Terminate 2 processes"
    where the handler counted 3 and a rule left one out)."""
    kept = _processes(plan)
    if kept == planned:
        return plan
    return replace(plan, summary=recount_processes(plan.summary, planned, kept))
