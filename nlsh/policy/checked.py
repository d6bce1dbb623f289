"""rule unchecked-step: a step runs only when a rule checks its kind of target.

Every registered verb names the kind of target it acts on and the rule that checks it
(``nlsh/registry.py``; a verb without a checker cannot be registered). A step whose verb
is not registered, or whose target is not the verb's kind, has no rule that checked it:
the whole plan is refused, so that a new verb never passes unchecked.
"""

from __future__ import annotations

from nlsh import capabilities
from nlsh.context import Context
from nlsh.stages import Plan, Reply, Status

RULE = "unchecked-step"


def refuse_unchecked_steps(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: unchecked-step."""
    for step in plan.steps:
        target = None if step.target is None else type(step.target)
        definition = capabilities.verb(step.action)
        if definition is None:
            problem = f"the action {step.action!r} has no safety checker"
        elif definition.target is not target:
            kind = "nothing" if target is None else target.__name__
            problem = f"the action {step.action!r} on {kind} has no safety checker"
        else:
            continue
        return Reply(Status.REFUSED, f"Refused: {problem}; nothing was run", rule=RULE)
    return plan
