"""Processes nlsh never touches, and processes it touches only after asking again.

rule protected-process: pid 0/1/2, kernel threads, init and systemd user managers, nlsh
itself and every ancestor (the shell, terminal, tmux, the ssh session), the display
server and display manager, logind, the message bus, sshd and a running package
manager, and the names listed in ``protect.processes`` of config.toml. Their steps are
removed with a note; a plan left empty is refused.

rule privileged-process: processes of another user (root's included) and processes run
by a systemd service or a container need a second confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from nlsh.context import Context
from nlsh.stages import Plan, ProcessRef, Reply, Status, Step
from nlsh.system.managers import outside_manager
from nlsh.system.names import names_of
from nlsh.system.processes import (
    ProcessInfo,
    ancestor_pids,
    read_process,
    same_process,
    thread_group,
    user_name,
)

_DISPLAY = "the display server or login manager (your graphical session would end)"
_BUS = "the system message bus"
_PACKAGES = "a package manager at work (interrupting it can leave packages broken)"
PROTECTED_NAMES: dict[str, str] = {
    "init": "init",
    "systemd": "the service manager",
    **dict.fromkeys(("xorg", "x", "xwayland", "gnome-shell", "kwin_wayland", "kwin_x11",
                     "sway", "weston", "mutter", "hyprland", "wayfire", "labwc", "niri",
                     "gnome-session-binary", "ksmserver", "xfce4-session", "gdm", "gdm3",
                     "gdm-session-worker", "gdm-wayland-session", "gdm-x-session", "sddm",
                     "sddm-helper", "lightdm", "xdm", "lxdm", "greetd"), _DISPLAY),
    "systemd-logind": "logind (it manages logins and sessions)",
    "elogind": "logind (it manages logins and sessions)",
    **dict.fromkeys(("dbus-daemon", "dbus-broker", "dbus-broker-launch"), _BUS),
    **dict.fromkeys(("sshd", "sshd-session", "sshd-auth"), "the ssh server or an ssh session"),
    **dict.fromkeys(("apt", "apt-get", "aptitude", "dpkg", "dnf", "dnf5", "yum", "rpm",
                     "pacman", "zypper", "snapd", "packagekitd", "unattended-upgrade",
                     "unattended-upgrades", "unattended-upgr", "apk"), _PACKAGES),
}


def lineage(ctx: Context) -> dict[int, str]:
    """nlsh itself and each of its ancestors, by pid, with what they are to the user."""
    family = {ctx.self_pid: "nlsh itself"}
    for pid in ancestor_pids(ctx.self_pid):
        family.setdefault(pid, "an ancestor of nlsh (the shell, terminal or session it runs in)")
    return family


def protection_reason(info: ProcessInfo | ProcessRef, family: Mapping[int, str],
                      configured: frozenset[str] = frozenset()) -> str | None:
    """Why ``info`` may never be signalled or reprioritised, or None when it may be.

    ``configured``: the names in ``protect.processes`` of the user's config.toml.
    """
    if info.pid in (0, 1):
        return "init"
    if isinstance(info, ProcessRef) and thread_group(info.pid) not in (None, info.pid):
        return "a thread of a process nlsh cannot read"
    if info.pid in family:
        return family[info.pid]
    if info.pid == 2 or (info.ppid == 2 and not info.cmdline):
        return "a kernel thread"
    exe = info.exe if isinstance(info, ProcessInfo) else None
    # Exact program names only: a user's "init.py" or "x.sh" is not init or the X server.
    for name in sorted(names_of(info.name, exe, tuple(info.cmdline), loose=False)):
        if name in PROTECTED_NAMES:
            return PROTECTED_NAMES[name]
        if name in configured:
            return "protected in your config.toml (protect.processes)"
    return None


def _live(ref: ProcessRef) -> ProcessInfo | ProcessRef:
    """The live process behind ``ref`` when it is still the same one (more names to check).

    A thread id stands for its whole process (a signal to it reaches them all).
    """
    group = thread_group(ref.pid)
    if group is not None and group != ref.pid:
        return read_process(group) or ref
    info = read_process(ref.pid)
    if info is not None and same_process(info.create_time, ref):
        return info
    return ref


def protect_processes(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: protected-process."""
    if not any(isinstance(s.target, ProcessRef) for s in plan.steps):
        return plan
    family = lineage(ctx)
    kept: list[Step] = []
    skipped: dict[str, None] = {}
    for step in plan.steps:
        target = step.target
        if not isinstance(target, ProcessRef):
            kept.append(step)
            continue
        live = _live(target)
        reason = protection_reason(live, family, ctx.settings.protected_processes)
        if reason is None:
            kept.append(step)
        else:
            whom = (f"pid {target.pid} ({target.name})" if live.pid == target.pid else
                    f"thread {target.pid} of process {live.pid} ({live.name})")
            skipped.setdefault(f"{whom}: protected, {reason}", None)
    if not skipped:
        return plan
    if not any(isinstance(s.target, ProcessRef) for s in kept):
        return Reply(Status.REFUSED, "Refused: " + "; ".join(skipped) + ". nlsh never touches "
                     "protected processes", rule="protected-process")
    notes = plan.notes + tuple(f"skipped {entry}" for entry in skipped)
    groups = {s.group for s in kept}
    choices = tuple(c for g, c in zip(plan.groups, plan.choices, strict=False) if g in groups)
    return replace(plan, steps=tuple(kept), notes=notes, choices=choices)


def confirm_privileged_processes(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: privileged-process."""
    refs = list(dict.fromkeys(s.target for s in plan.steps if isinstance(s.target, ProcessRef)))
    if not refs:
        return plan
    me = user_name(ctx.euid)
    foreign: dict[str, list[ProcessRef]] = {}
    managed: dict[str, list[ProcessRef]] = {}
    for ref in refs:
        owner = ref.username or "an unknown user"
        if owner == "root" or owner != me:
            foreign.setdefault(owner, []).append(ref)
        live = _live(ref)
        manager = outside_manager(live, ctx.self_pid) if isinstance(live, ProcessInfo) else None
        if manager is not None:
            managed.setdefault(f"{manager.describe()} (stop it with: {manager.stop_command()})",
                               []).append(ref)
    reasons = list(plan.confirmations)
    for owner, owned in foreign.items():
        reasons.append(f"{_listing(owned)} belong{'s' if len(owned) == 1 else ''} to {owner}"
                       + ("" if owner == me else ", not to you"))
    for manager_text, owned in managed.items():
        reasons.append(f"{_listing(owned)} run{'s' if len(owned) == 1 else ''} under "
                       f"{manager_text}; it may be restarted")
    if len(reasons) == len(plan.confirmations):
        return plan
    return replace(plan, confirmations=tuple(dict.fromkeys(reasons)))


def _listing(refs: list[ProcessRef], most: int = 12) -> str:
    shown = ", ".join(f"{r.pid} {r.name}" for r in refs[:most])
    more = f" and {len(refs) - most} more" if len(refs) > most else ""
    return f"pid{'s' if len(refs) > 1 else ''} {shown}{more}"
