"""The one place that decides whether a plan may run (design.md, "Safety guarantees").

``review(plan, ctx)`` applies the core protections, then the checker each of the plan's
verbs declares (``nlsh/registry.py``), then the extra confirmations, in order. A rule
returns the plan (unchanged, narrowed, or with reasons to confirm again added) or a
``Reply`` with status ``refused`` that names the rule. Handlers never decide safety; the
executor never second-guesses the policy (it only re-checks identity).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from nlsh.context import Context
from nlsh.stages import Plan, ProcessRef, Reply, recount_processes

if TYPE_CHECKING:
    from nlsh.registry import Rule


def _refuse_unchecked_steps() -> Rule:
    from nlsh.policy.checked import refuse_unchecked_steps

    return refuse_unchecked_steps


def protect_processes_rule() -> Rule:
    from nlsh.policy.processes import protect_processes

    return protect_processes


def _confirm_privileged_processes() -> Rule:
    from nlsh.policy.processes import confirm_privileged_processes

    return confirm_privileged_processes


def protect_paths_rule() -> Rule:
    from nlsh.policy.paths import protect_paths

    return protect_paths


def _confirm_large_plans() -> Rule:
    from nlsh.policy.scale import confirm_large_plans

    return confirm_large_plans


def _flag_look_alikes() -> Rule:
    from nlsh.policy.lookalike import flag_look_alikes

    return flag_look_alikes


# Core protections run on every plan, whatever verb a plan uses (no plugin verb can
# lift them); the checkers that other verbs declare run after them. nlsh's own verbs
# declare the protection of their kind of target (``protect_processes_rule``,
# ``protect_paths_rule``), which is not run twice.
PROTECTIONS: tuple[Callable[[], Rule], ...] = (
    _refuse_unchecked_steps, protect_processes_rule, _confirm_privileged_processes,
    protect_paths_rule,
)
CONFIRMATIONS: tuple[Callable[[], Rule], ...] = (_confirm_large_plans, _flag_look_alikes)


def review(plan: Plan, ctx: Context) -> Plan | Reply:
    planned = _processes(plan)
    for load in (*PROTECTIONS, *_verb_checkers(plan), *CONFIRMATIONS):
        checked = load()(plan, ctx)
        if isinstance(checked, Reply):
            return checked
        plan = checked
    return _recounted(plan, planned)


def _verb_checkers(plan: Plan) -> list[Callable[[], Rule]]:
    """The checkers the plan's verbs declare, each once, beyond the core protections."""
    from nlsh import capabilities
    from nlsh.registry import NothingToCheck

    checkers: list[Callable[[], Rule]] = []
    for action in dict.fromkeys(step.action for step in plan.steps):
        definition = capabilities.verb(action)
        if definition is None or isinstance(definition.checker, NothingToCheck):
            continue
        if definition.checker not in PROTECTIONS and definition.checker not in checkers:
            checkers.append(definition.checker)
    return checkers


def _processes(plan: Plan) -> int:
    return len({s.target for s in plan.steps if isinstance(s.target, ProcessRef)})


def _recounted(plan: Plan, planned: int) -> Plan:
    """The plan with its summary counting the processes it keeps ("Terminate 2 processes"
    where the handler counted 3 and a rule left one out)."""
    kept = _processes(plan)
    if kept == planned:
        return plan
    return replace(plan, summary=recount_processes(plan.summary, planned, kept))
