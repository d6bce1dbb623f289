"""rule: protected-path — hand-made plans that try to reach protected or foreign paths.

The planner never proposes these; the rule is the second line, and the executor's own
re-check the third (a plan that skips the policy still cannot delete them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlsh.context import Context
from nlsh.execution import execute
from nlsh.policy import review
from nlsh.policy.paths import protect_paths
from nlsh.stages import FileRef, Plan, Reply, Risk, Status, Step, StepStatus
from tests.support.files import Mounts, snapshot, use_present_policy_rules, write


@pytest.fixture(autouse=True)
def policy_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    use_present_policy_rules(monkeypatch)


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


@pytest.fixture
def home(private_home: Path) -> Path:
    for path in ("Documents/thesis.tex", ".ssh/id_rsa", ".gnupg/pubring.kbx",
                 ".cache/app/blob", ".cache/tool/.git/config"):
        write(private_home / path, 1_000)
    (private_home / ".cache/link").symlink_to(private_home / "Documents")
    return private_home


@pytest.fixture
def mount() -> Iterator[Mounts]:
    mounts = Mounts()
    yield mounts
    mounts.release()


def _step(path: str, cleaner: str = "user cache", root: str | None = None,
          action: str = "delete", **params: object) -> Step:
    home = Path(os.environ["HOME"])
    device: int | None = None
    inode: int | None = None
    if os.path.lexists(path):
        info = os.lstat(path)
        device, inode = info.st_dev, info.st_ino
    ref = FileRef(path=path, size=1_000, device=device, inode=inode)
    return Step(action=action, target=ref, detail="test", group=cleaner, params={
        "cleaner": cleaner, "root": root or os.path.realpath(home / ".cache"), **params})


def _plan(*steps: Step) -> Plan:
    return Plan(intent="disk.cleanup", summary="Clean up", steps=steps, risk=Risk.LOW,
                reversible=False)


@pytest.mark.parametrize(("relative", "why"), [
    (".cache/../.ssh/id_rsa", ".ssh is protected"),
    (".ssh/id_rsa", ".ssh is protected"),
    (".gnupg/pubring.kbx", ".gnupg is protected"),
    (".cache/tool/.git", ".git is protected"),
    (".cache/tool/.git/config", ".git is protected"),
    (".cache", "is protected"),
    (".cache/nlsh/models/intent.onnx", "is protected"),
    ("Documents/thesis.tex", "outside"),
    (".cache/link/thesis.tex", "symbolic link"),
    (".cache/app/../../Documents/thesis.tex", "outside"),
])
def test_protected_or_foreign_paths_are_refused(relative: str, why: str, home: Path,
                                                ctx: Context) -> None:
    step = _step(f"{home}/{relative}")

    result = protect_paths(_plan(step), ctx)

    assert isinstance(result, Reply) and result.status is Status.REFUSED
    assert result.rule == "protected-path" and why in result.message


@pytest.mark.parametrize("path", ["/", "/etc/passwd", "/usr/bin/env", "relative/blob"])
def test_system_paths_and_relative_paths_are_refused(path: str, ctx: Context) -> None:
    result = protect_paths(_plan(_step(path)), ctx)

    assert isinstance(result, Reply) and result.rule == "protected-path"


def test_bad_steps_are_dropped_with_a_note_and_good_ones_stay(home: Path, ctx: Context) -> None:
    good = _step(str(home / ".cache/app"))
    bad = _step(f"{home}/.cache/../.ssh/id_rsa")

    result = protect_paths(_plan(good, bad), ctx)

    assert isinstance(result, Plan) and result.steps == (good,)
    assert result.notes == (f"left out {home}/.cache/../.ssh/id_rsa: .ssh is protected",)
    assert "1 item(s) left out" in result.summary


@pytest.mark.parametrize(("cleaner", "action", "why"), [
    ("temp files", "delete", "not in a cleanup location"),  # ~/.cache is not a temp root
    ("no such cleaner", "delete", "not in a cleanup location"),
    ("user cache", "trash", "does not trash"),
])
def test_a_step_must_match_its_cleaner(cleaner: str, action: str, why: str, home: Path,
                                       ctx: Context) -> None:
    result = protect_paths(_plan(_step(str(home / ".cache/app"), cleaner, action=action)), ctx)

    assert isinstance(result, Reply) and why in result.message


def test_temp_files_are_never_deleted_outright(ctx: Context) -> None:
    temp = os.path.realpath(os.environ["NLSH_TEMP_DIRS"])
    write(Path(temp) / "old.txt")

    result = protect_paths(_plan(_step(f"{temp}/old.txt", "temp files", temp, "delete")), ctx)

    assert isinstance(result, Reply) and "does not delete" in result.message


def test_another_users_item_is_refused(home: Path, ctx: Context) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    theirs = write(home / ".cache/theirs.bin")
    os.chown(theirs, 65534, 65534)

    result = protect_paths(_plan(_step(str(theirs))), ctx)

    assert isinstance(result, Reply) and "owned by another user" in result.message


def test_a_mount_point_is_refused(home: Path, ctx: Context, mount: Mounts) -> None:
    mount(["-t", "tmpfs", "tmpfs"], home / ".cache/mnt")

    result = protect_paths(_plan(_step(str(home / ".cache/mnt"))), ctx)

    assert isinstance(result, Reply) and "a mount point" in result.message


def test_a_trash_item_must_bring_its_own_trashinfo(home: Path, ctx: Context) -> None:
    trash = os.path.realpath(ctx.paths.trash)
    write(Path(trash) / "files/x.txt")
    step = _step(f"{trash}/files/x.txt", "Trash", f"{trash}/files",
                 info_file=str(home / ".ssh/x.txt.trashinfo"))

    result = protect_paths(_plan(step), ctx)

    assert isinstance(result, Reply) and ".trashinfo" in result.message


def _restore(ctx: Context, destination: str, trash_file: str, info_file: str) -> Step:
    return Step(action="restore", target=FileRef(path=destination, size=10), detail="put back",
                params={"trash_file": trash_file, "info_file": info_file})


def test_restores_come_only_from_a_trash_and_never_land_on_protected_paths(
        home: Path, ctx: Context) -> None:
    trash = str(ctx.paths.trash)
    fine = _restore(ctx, str(home / "Documents/x"), f"{trash}/files/x",
                    f"{trash}/info/x.trashinfo")
    from_elsewhere = _restore(ctx, str(home / "Documents/y"), str(home / "Documents/thesis.tex"),
                              f"{trash}/info/thesis.tex.trashinfo")
    into_ssh = _restore(ctx, str(home / ".ssh/authorized_keys"), f"{trash}/files/k",
                        f"{trash}/info/k.trashinfo")
    mismatched = _restore(ctx, str(home / "Documents/z"), f"{trash}/files/z",
                          f"{trash}/info/other.trashinfo")

    result = protect_paths(_plan(fine, from_elsewhere, into_ssh, mismatched), ctx)

    assert isinstance(result, Plan) and result.steps == (fine,)
    assert [n.split(": ", 1)[1] for n in result.notes] == [
        "the item to restore is not in a Trash", ".ssh is protected",
        "its .trashinfo does not match"]


def test_plans_without_files_pass_untouched(ctx: Context) -> None:
    plan = _plan(Step(action="needs_root", target=None, detail="sudo apt-get clean",
                      needs_root=True))

    assert protect_paths(plan, ctx) is plan


def test_the_whole_policy_chain_refuses(home: Path, ctx: Context) -> None:
    result = review(_plan(_step(f"{home}/.cache/../.ssh/id_rsa")), ctx)

    assert isinstance(result, Reply) and result.rule == "protected-path"


def test_the_executor_refuses_too_when_the_policy_is_bypassed(home: Path, ctx: Context) -> None:
    before = snapshot(home / ".ssh"), snapshot(home / "Documents")
    steps = (_step(f"{home}/.cache/../.ssh"), _step(f"{home}/.cache/link/thesis.tex"),
             _step(str(home / ".cache/link")))

    outcome = execute(_plan(*steps), ctx, text="clean up")

    assert [r.status for r in outcome.results] == [StepStatus.SKIPPED, StepStatus.SKIPPED,
                                                   StepStatus.DONE]
    assert ".ssh is protected" in outcome.results[0].message
    assert "symbolic link" in outcome.results[1].message
    assert not (home / ".cache/link").is_symlink()  # the link itself may go, as a link
    assert (snapshot(home / ".ssh"), snapshot(home / "Documents")) == before
