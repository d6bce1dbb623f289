"""The one place that decides whether a plan may run (design.md, "Safety guarantees").

``review(plan, ctx)`` applies every rule in ``RULES`` in order. A rule returns the plan
(unchanged, narrowed, or with reasons to confirm again added) or a ``Reply`` with status
``refused`` that names the rule. Handlers never decide safety; the executor never
second-guesses the policy (it only re-checks identity).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from nlsh.context import Context
from nlsh.stages import Plan, Reply

Rule = Callable[[Plan, Context], Plan | Reply]

RULES: tuple[str, ...] = (
    "nlsh.policy.checked:refuse_unchecked_steps",
    "nlsh.policy.processes:protect_processes",
    "nlsh.policy.processes:confirm_privileged_processes",
    "nlsh.policy.paths:protect_paths",
    "nlsh.policy.scale:confirm_large_plans",
)


def review(plan: Plan, ctx: Context) -> Plan | Reply:
    for reference in RULES:
        module_name, _, attribute = reference.partition(":")
        rule: Rule = getattr(importlib.import_module(module_name), attribute)
        checked = rule(plan, ctx)
        if isinstance(checked, Reply):
            return checked
        plan = checked
    return plan
