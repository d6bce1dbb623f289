"""Acting on what a search found ("move them to the trash"): the grammar, the plan, the
policy and the executor, on real files under the test's home, with undo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nlsh.actions.found_files import (
    FollowUp,
    FoundSet,
    act_on_found,
    found_set,
    read_follow_up,
)
from nlsh.answers.files import find_files
from nlsh.context import Context
from nlsh.pipeline import AcceptAll, run_handled
from nlsh.stages import Answer, Parse, Plan, Reply, Status


@pytest.mark.parametrize(("line", "expected"), [
    ("move them to the trash", FollowUp("trash", None)),
    ("put these files in the bin", FollowUp("trash", None)),
    ("delete the first two", FollowUp("trash", None, first=2)),
    ("trash the last one", FollowUp("trash", None, last=1)),
    ("remove files 1 and 3", FollowUp("trash", (0, 2))),
    ("delete the second one", FollowUp("trash", (1,))),
    ("how much space do they take", FollowUp("space", None)),
    ("how big are the first 3", FollowUp("space", None, first=3)),
    ("open the folder of the first one", FollowUp("folder", None, first=1)),
    ("open the folder of the third file", FollowUp("folder", (2,))),
    ("where are they", FollowUp("folder", None)),
])
def test_follow_up_grammar(line: str, expected: FollowUp) -> None:
    assert read_follow_up(line) == expected


@pytest.mark.parametrize("line", [
    "delete temp files", "kill firefox", "move firefox to the background",
    "delete the first two lines of the log", "how much space is left",
])
def test_other_sentences_are_not_about_the_found_files(line: str) -> None:
    assert read_follow_up(line) is None


def _search(ctx: Context, text: str, **slots: str) -> FoundSet:
    answer = find_files(Parse(text=text, intent="file.find", confidence=1.0, slots=slots), ctx)
    assert isinstance(answer, Answer)
    found = found_set(text, answer.result)
    assert found is not None
    return found


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


def test_trash_exactly_the_chosen_files_then_undo(ctx: Context, private_home: Path) -> None:
    folder = private_home / "reports"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (folder / name).write_bytes(b"%PDF " + name.encode())
    (folder / "keep.txt").write_text("not a pdf")
    found = _search(ctx, "pdfs in ~/reports", kind="pdf", path="~/reports")
    line = "delete the first two"
    follow_up = read_follow_up(line)
    assert follow_up is not None
    parse, plan = act_on_found(line, follow_up, found, str(ctx.paths.trash))
    assert isinstance(plan, Plan)
    assert [Path(s.target.path).name for s in plan.steps if s.target] == ["a.pdf", "b.pdf"]
    assert any(n.startswith("them = files #1, #2 found by the last search") for n in plan.notes)
    done = run_handled(parse, plan, ctx, AcceptAll())
    assert done.status is Status.DONE, done.message
    assert sorted(p.name for p in folder.iterdir()) == ["c.pdf", "keep.txt"]
    from nlsh.language import Understander
    from nlsh.pipeline import run

    undone = run("undo", ctx, Understander(ctx.paths), AcceptAll())
    assert undone.status is Status.DONE, undone.message
    assert sorted(p.name for p in folder.iterdir()) == ["a.pdf", "b.pdf", "c.pdf", "keep.txt"]


def test_policy_keeps_protected_and_replaced_files(ctx: Context, private_home: Path) -> None:
    ssh = private_home / ".ssh"
    ssh.mkdir()
    (ssh / "id_backup.pdf").write_bytes(b"%PDF key")
    (private_home / "plain.pdf").write_bytes(b"%PDF plain")
    found = _search(ctx, "pdfs in my home", kind="pdf")
    follow_up = read_follow_up("move them to the trash")
    assert follow_up is not None
    parse, plan = act_on_found("move them to the trash", follow_up, found,
                               str(ctx.paths.trash))
    (private_home / "plain.pdf").unlink()  # replaced after the search: another inode
    (private_home / "plain.pdf").write_bytes(b"%PDF another file now")
    done = run_handled(parse, plan, ctx, AcceptAll())
    assert (ssh / "id_backup.pdf").exists()  # ~/.ssh is protected: left out by the policy
    assert (private_home / "plain.pdf").read_bytes() == b"%PDF another file now"
    assert done.status in (Status.DONE, Status.REFUSED)
    assert ".ssh" in " ".join(done.plan.notes if done.plan else [done.message])


def test_a_row_that_was_not_shown_is_refused(ctx: Context, private_home: Path) -> None:
    (private_home / "only.pdf").write_bytes(b"%PDF")
    found = _search(ctx, "pdfs", kind="pdf")
    _parse, reply = act_on_found("delete file 4", FollowUp("trash", (3,)), found,
                                str(ctx.paths.trash))
    assert isinstance(reply, Reply) and "no file #4" in reply.message
    assert (private_home / "only.pdf").exists()


def test_space_and_folder_answers(ctx: Context, private_home: Path) -> None:
    (private_home / "music").mkdir()
    (private_home / "music" / "a.mp3").write_bytes(b"a" * 1000)
    (private_home / "b.mp3").write_bytes(b"b" * 24)
    found = _search(ctx, "music", kind="audio")
    _, total = act_on_found("how much space do they take", FollowUp("space", None), found, "")
    assert isinstance(total, Answer) and total.result["total_bytes"] == 1024
    _, folders = act_on_found("where are they", FollowUp("folder", None), found, "")
    assert isinstance(folders, Answer)
    assert sorted(folders.result["folders"]) == sorted(
        {str(private_home), os.path.join(private_home, "music")})
