"""rule unchecked-step: a step runs only when a rule checks its kind of target.

Every verb names the kind of target it acts on, and every kind of target names the rule
that checks it. A step whose verb is not listed, or whose target is not the verb's kind,
has no rule that checked it: the whole plan is refused, so that a new verb never passes
unchecked.
"""

from __future__ import annotations

from nlsh.context import Context
from nlsh.stages import FileRef, Plan, ProcessRef, Reply, Status

RULE = "unchecked-step"

# The kind of target each verb acts on (None: a step that acts on nothing).
VERB_TARGETS: dict[str, type | None] = {
    **dict.fromkeys(("terminate", "kill", "suspend", "resume", "renice", "ionice"), ProcessRef),
    **dict.fromkeys(("trash", "delete", "restore"), FileRef),
    "needs_root": None,
}

# The rule that checks each kind of target.
CHECKERS: dict[type | None, str] = {
    ProcessRef: "nlsh.policy.processes:protect_processes",
    FileRef: "nlsh.policy.paths:protect_paths",
    None: "nothing to check: the step never runs anything (needs_root)",
}


def refuse_unchecked_steps(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: unchecked-step."""
    for step in plan.steps:
        target = None if step.target is None else type(step.target)
        if step.action not in VERB_TARGETS:
            problem = f"the action {step.action!r} has no safety checker"
        elif VERB_TARGETS[step.action] is not target or target not in CHECKERS:
            kind = "nothing" if target is None else target.__name__
            problem = f"the action {step.action!r} on {kind} has no safety checker"
        else:
            continue
        return Reply(Status.REFUSED, f"Refused: {problem}; nothing was run", rule=RULE)
    return plan
