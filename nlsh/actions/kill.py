"""process.kill: end the processes a sentence names.

SIGTERM by default (the executor waits for all of them together and offers SIGKILL for
exactly the survivors); SIGKILL at once only when ``force`` was said. Children come
before their parents. A port held by a systemd service or a container is not signalled
blindly: the reply names the unit or container and the command that stops it for good.
"""

from __future__ import annotations

from nlsh.actions.targets import Targets, find_targets, plural
from nlsh.context import Context
from nlsh.stages import Parse, Plan, Reply, Risk, Status, Step
from nlsh.system.managers import Manager, outside_manager

TERMINATE_DETAIL = "SIGTERM: ask it to exit; SIGKILL is offered if it does not"
KILL_DETAIL = "SIGKILL: end it at once; unsaved work is lost"


def plan_kill(parse: Parse, ctx: Context) -> Plan | Reply:
    found = find_targets(parse, ctx, what="process should be ended")
    if isinstance(found, Reply):
        return found
    force = parse.slot("force") is True
    processes, notes = list(found.processes), list(found.notes)
    managed = {p.pid: m for p in processes if (m := outside_manager(p, ctx.self_pid)) is not None}
    if found.port is not None and managed:
        refusal = _managed_port(found, managed)
        if refusal is not None:
            return refusal
        processes = [p for p in processes if p.pid not in managed]
        notes.extend(f"left alone: pid {pid} belongs to {m.describe()}; stop it with: "
                     f"{m.stop_command(found.port)}" for pid, m in managed.items())
    else:
        notes.extend(f"pid {pid} runs under {m.describe()}, which may start it again; "
                     f"to stop it for good: {m.stop_command()}" for pid, m in managed.items())

    action, detail = ("kill", KILL_DETAIL) if force else ("terminate", TERMINATE_DETAIL)
    steps = tuple(Step(action=action, target=p.ref(), detail=detail) for p in processes)
    verb = "Kill (SIGKILL)" if force else "Terminate"
    return Plan(intent="process.kill", steps=steps, risk=Risk.HIGH if force else Risk.MEDIUM,
                reversible=False, notes=tuple(notes),
                summary=f"{verb} {plural(len(steps), 'process')} {found.description}")


def _managed_port(found: Targets, managed: dict[int, Manager]) -> Reply | None:
    """A refusal when every process on the port is run by a service or a container."""
    if len(managed) < len(found.processes):
        return None
    managers = list(dict.fromkeys(managed.values()))
    owners = "; ".join(f"{m.describe()} (stop it with: {m.stop_command(found.port)})"
                       for m in managers)
    return Reply(Status.REFUSED,
                 f"Port {found.port} is held by {owners}. Killing its process would only "
                 "make it start again or break it; use the command shown instead",
                 rule="managed-process")
