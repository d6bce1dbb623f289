"""nlsh's own capabilities, defined exactly as a plugin defines its own (``nlsh/registry.py``).

Each loader imports its module when called, so a one-shot request imports only what its
intent needs; the type checker sees each import and signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlsh.policy import protect_paths_rule, protect_processes_rule
from nlsh.registry import (
    IntentDefinition,
    Inverse,
    NothingToCheck,
    VerbDefinition,
    ViewDefinition,
)
from nlsh.stages import FileRef, ProcessRef

if TYPE_CHECKING:
    from nlsh.registry import Executor, Handler, Settler, View


# ── handlers ───────────────────────────────────────────────────────────────


def _list_processes() -> Handler:
    from nlsh.answers.processes import list_processes

    return list_processes


def _find_processes() -> Handler:
    from nlsh.answers.processes import find_processes

    return find_processes


def _plan_kill() -> Handler:
    from nlsh.actions.kill import plan_kill

    return plan_kill


def _plan_suspend() -> Handler:
    from nlsh.actions.signals import plan_suspend

    return plan_suspend


def _plan_resume() -> Handler:
    from nlsh.actions.signals import plan_resume

    return plan_resume


def _plan_renice() -> Handler:
    from nlsh.actions.priority import plan_renice

    return plan_renice


def _plan_ionice() -> Handler:
    from nlsh.actions.priority import plan_ionice

    return plan_ionice


def _list_zombies() -> Handler:
    from nlsh.answers.zombies import list_zombies

    return list_zombies


def _plan_reap() -> Handler:
    from nlsh.actions.reap import plan_reap

    return plan_reap


def _memory_status() -> Handler:
    from nlsh.answers.memory import memory_status

    return memory_status


def _plan_memory_free() -> Handler:
    from nlsh.actions.memory_free import plan_memory_free

    return plan_memory_free


def _disk_usage() -> Handler:
    from nlsh.answers.disks import disk_usage

    return disk_usage


def _disk_largest() -> Handler:
    from nlsh.answers.disks import disk_largest

    return disk_largest


def _plan_cleanup() -> Handler:
    from nlsh.actions.cleanup import plan_cleanup

    return plan_cleanup


def _plan_file_trash() -> Handler:
    from nlsh.actions.file_trash import plan_file_trash

    return plan_file_trash


def _find_files() -> Handler:
    from nlsh.answers.files import find_files

    return find_files


def _file_holders() -> Handler:
    from nlsh.answers.holders import file_holders

    return file_holders


def _network_connections() -> Handler:
    from nlsh.answers.network import network_connections

    return network_connections


def _system_status() -> Handler:
    from nlsh.answers.system import system_status

    return system_status


def _diagnose() -> Handler:
    from nlsh.answers.diagnose import diagnose

    return diagnose


def _show_help() -> Handler:
    from nlsh.answers.help import show_help

    return show_help


def _explain() -> Handler:
    from nlsh.answers.explain import explain

    return explain


def _plan_undo() -> Handler:
    from nlsh.actions.undo import plan_undo

    return plan_undo


def _show_history() -> Handler:
    from nlsh.answers.history import show_history

    return show_history


# ── verbs: executors and their policy checkers ─────────────────────────────


def _sigchld() -> Executor:
    from nlsh.execution.reap import sigchld

    return sigchld


def _settle_reaped() -> Settler:
    from nlsh.execution.reap import settle_reaped

    return settle_reaped


def _terminate() -> Executor:
    from nlsh.execution.processes import terminate

    return terminate


def _kill() -> Executor:
    from nlsh.execution.processes import kill

    return kill


def _suspend() -> Executor:
    from nlsh.execution.processes import suspend

    return suspend


def _resume() -> Executor:
    from nlsh.execution.processes import resume

    return resume


def _renice() -> Executor:
    from nlsh.execution.processes import renice

    return renice


def _ionice() -> Executor:
    from nlsh.execution.processes import ionice

    return ionice


def _trash() -> Executor:
    from nlsh.execution.files import trash

    return trash


def _delete() -> Executor:
    from nlsh.execution.files import delete

    return delete


def _restore() -> Executor:
    from nlsh.execution.files import restore

    return restore


def _needs_root() -> Executor:
    from nlsh.execution.files import needs_root

    return needs_root


def _settle_terminated() -> Settler:
    from nlsh.execution.processes import settle_terminated

    return settle_terminated


# ── views ──────────────────────────────────────────────────────────────────


def _process_table() -> View:
    from nlsh.render.processes import process_table

    return process_table


def _zombies_view() -> View:
    from nlsh.render.zombies import zombies_view

    return zombies_view


def _memory_view() -> View:
    from nlsh.render.memory import memory_view

    return memory_view


def _disk_usage_view() -> View:
    from nlsh.render.disks import disk_usage_view

    return disk_usage_view


def _disk_largest_view() -> View:
    from nlsh.render.disks import disk_largest_view

    return disk_largest_view


def _connections_view() -> View:
    from nlsh.render.network import connections_view

    return connections_view


def _system_status_view() -> View:
    from nlsh.render.system import system_status_view

    return system_status_view


def _diagnosis_view() -> View:
    from nlsh.render.diagnosis import diagnosis_view

    return diagnosis_view


def _fact_view() -> View:
    from nlsh.render.fact import fact_view

    return fact_view


def _help_view() -> View:
    from nlsh.render.help import help_view

    return help_view


def _history_view() -> View:
    from nlsh.render.history import history_view

    return history_view


def _would_view() -> View:
    from nlsh.render.question import would_view

    return would_view


def _file_find_view() -> View:
    from nlsh.render.files import file_find_view

    return file_find_view


def _found_total_view() -> View:
    from nlsh.render.files import found_total_view

    return found_total_view


def _found_folders_view() -> View:
    from nlsh.render.files import found_folders_view

    return found_folders_view


def _why_view() -> View:
    from nlsh.render.question import why_view

    return why_view


DEFINITIONS: tuple[IntentDefinition | VerbDefinition | ViewDefinition, ...] = (
    IntentDefinition("process.list", _list_processes, changes_system=False),
    IntentDefinition("process.find", _find_processes, changes_system=False),
    IntentDefinition("process.kill", _plan_kill, changes_system=True),
    IntentDefinition("process.suspend", _plan_suspend, changes_system=True),
    IntentDefinition("process.resume", _plan_resume, changes_system=True),
    IntentDefinition("process.renice", _plan_renice, changes_system=True),
    IntentDefinition("process.ionice", _plan_ionice, changes_system=True),
    IntentDefinition("process.zombies", _list_zombies, changes_system=False),
    IntentDefinition("process.reap", _plan_reap, changes_system=True),
    IntentDefinition("memory.status", _memory_status, changes_system=False),
    IntentDefinition("memory.free", _plan_memory_free, changes_system=True),
    IntentDefinition("disk.usage", _disk_usage, changes_system=False),
    IntentDefinition("disk.largest", _disk_largest, changes_system=False),
    IntentDefinition("disk.cleanup", _plan_cleanup, changes_system=True),
    IntentDefinition("file.find", _find_files, changes_system=False),
    IntentDefinition("file.holders", _file_holders, changes_system=False),
    IntentDefinition("file.trash", _plan_file_trash, changes_system=True),
    IntentDefinition("network.connections", _network_connections, changes_system=False),
    IntentDefinition("system.status", _system_status, changes_system=False),
    IntentDefinition("system.diagnose", _diagnose, changes_system=False),
    IntentDefinition("help", _show_help, changes_system=False),
    IntentDefinition("help.explain", _explain, changes_system=False),
    IntentDefinition("undo", _plan_undo, changes_system=True),
    IntentDefinition("history", _show_history, changes_system=False),
    VerbDefinition("terminate", ProcessRef, _terminate, protect_processes_rule,
                   settler=_settle_terminated),
    VerbDefinition("kill", ProcessRef, _kill, protect_processes_rule),
    VerbDefinition("suspend", ProcessRef, _suspend, protect_processes_rule,
                   inverse_when_unsure=Inverse(
                       "resume",
                       "continue (SIGCONT) what may have been paused when nlsh stopped")),
    VerbDefinition("resume", ProcessRef, _resume, protect_processes_rule),
    VerbDefinition("sigchld", ProcessRef, _sigchld, protect_processes_rule,
                   settler=_settle_reaped),
    VerbDefinition("renice", ProcessRef, _renice, protect_processes_rule),
    VerbDefinition("ionice", ProcessRef, _ionice, protect_processes_rule),
    VerbDefinition("trash", FileRef, _trash, protect_paths_rule),
    VerbDefinition("delete", FileRef, _delete, protect_paths_rule),
    VerbDefinition("restore", FileRef, _restore, protect_paths_rule),
    VerbDefinition("needs_root", None, _needs_root,
                   NothingToCheck("the step never runs anything: it says root is needed")),
    ViewDefinition("process_table", _process_table),
    ViewDefinition("zombies", _zombies_view),
    ViewDefinition("memory", _memory_view),
    ViewDefinition("disk_usage", _disk_usage_view),
    ViewDefinition("disk_largest", _disk_largest_view),
    ViewDefinition("connections", _connections_view),
    ViewDefinition("system_status", _system_status_view),
    ViewDefinition("diagnosis", _diagnosis_view),
    ViewDefinition("fact", _fact_view),
    ViewDefinition("help", _help_view),
    ViewDefinition("history", _history_view),
    ViewDefinition("would", _would_view),
    ViewDefinition("why", _why_view),
    ViewDefinition("file_find", _file_find_view),
    ViewDefinition("found_total", _found_total_view),
    ViewDefinition("found_folders", _found_folders_view),
)
