"""file.trash: the user's own files in a named place, chosen by age, kind, name or size,
moved to the Trash — on real files under the test's HOME, through the real model, the
policy, the executor, the journal and undo."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nlsh.actions.file_trash import plan_file_trash
from nlsh.context import Context
from nlsh.stages import FileRef, Plan, Reply, Status
from tests.conftest import run_nlsh
from tests.support.files import age, request, write


@pytest.fixture
def downloads(private_home: Path) -> Path:
    """~/Downloads with old and new files of several kinds."""
    folder = private_home / "Downloads"
    for name, size, days in (("ubuntu.iso", 300_000, 40), ("debian.iso", 200_000, 5),
                             ("lease.pdf", 20_000, 90), ("notes.txt", 1_000, 2),
                             ("old/setup.deb", 50_000, 120)):
        age(write(folder / name, size), days)
    return folder


def _dry(sentence: str) -> dict[str, object]:
    done = run_nlsh("--dry-run", "--json", sentence)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def _planned_names(result: dict[str, object]) -> list[str]:
    plan = result.get("plan")
    assert isinstance(plan, dict), result
    return sorted(Path(step["path"]).name for step in plan["steps"] if "path" in step)


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_everything_older_than_30_days_goes_to_the_trash_and_undo_brings_it_back(
        downloads: Path, private_home: Path) -> None:
    before = _tree(downloads)
    result = _dry("delete everything in ~/Downloads older than 30 days")
    assert result["intent"] == "file.trash", result
    assert _planned_names(result) == ["lease.pdf", "setup.deb", "ubuntu.iso"]
    assert _tree(downloads) == before  # a dry run moves nothing
    done = run_nlsh("-y", "delete everything in ~/Downloads older than 30 days")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _tree(downloads) == ["debian.iso", "notes.txt"]
    trashed = sorted(p.name for p in (private_home / ".local/share/Trash/files").iterdir())
    assert trashed == ["lease.pdf", "setup.deb", "ubuntu.iso"]
    undone = run_nlsh("-y", "undo")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert _tree(downloads) == before


def test_only_the_extension_named(downloads: Path) -> None:
    result = _dry("remove the .iso files in Downloads")
    assert _planned_names(result) == ["debian.iso", "ubuntu.iso"]


def test_size_and_age_limits_together(downloads: Path) -> None:
    result = _dry("trash the files in ~/Downloads bigger than 100 KB older than 10 days")
    assert _planned_names(result) == ["ubuntu.iso"]


def test_an_excluded_extension_is_never_planned(downloads: Path) -> None:
    result = _dry("delete everything in ~/Downloads except the .pdf files")
    names = _planned_names(result)
    assert "lease.pdf" not in names and "ubuntu.iso" in names


@pytest.mark.parametrize("sentence", [
    "don't delete the iso files in Downloads",
    "should I delete the old files in ~/Downloads?",
])
def test_a_negation_or_a_question_moves_nothing(downloads: Path, sentence: str) -> None:
    before = _tree(downloads)
    done = run_nlsh("-y", "--json", sentence)
    result = json.loads(done.stdout)
    assert result["status"] != "done", result
    assert _tree(downloads) == before


def test_a_link_is_never_followed_and_an_open_file_stays(downloads: Path,
                                                         private_home: Path) -> None:
    outside = age(write(private_home / "precious" / "thesis.pdf"), 400) or \
        private_home / "precious" / "thesis.pdf"
    (downloads / "thesis-link.pdf").symlink_to(outside)
    (downloads / "linked-dir").symlink_to(private_home / "precious")
    ctx = Context.from_environment()
    with open(downloads / "lease.pdf", "rb"):
        plan = plan_file_trash(request("file.trash", "delete pdfs in ~/Downloads",
                                       path="~/Downloads", kind="pdf"), ctx)
    assert isinstance(plan, Reply) and plan.status is Status.NOTHING_TO_DO, plan
    assert "open in a program" in plan.message
    assert outside.exists()


def test_protected_places_and_the_trash_are_refused(private_home: Path) -> None:
    age(write(private_home / ".ssh" / "id_old"), 400)
    ctx = Context.from_environment()
    refused = plan_file_trash(request("file.trash", "delete files in ~/.ssh",
                                      path="~/.ssh"), ctx)
    assert isinstance(refused, Reply) and refused.status is Status.REFUSED
    assert refused.rule == "protected-path"
    write(ctx.paths.trash / "files" / "x.txt")
    in_trash = plan_file_trash(request("file.trash", "delete files in the trash",
                                       path=str(ctx.paths.trash / "files")), ctx)
    assert isinstance(in_trash, Reply) and in_trash.status is Status.REFUSED
    assert (private_home / ".ssh" / "id_old").exists()


def test_without_a_place_nlsh_asks(private_home: Path) -> None:
    age(write(private_home / "old.txt"), 400)
    ctx = Context.from_environment()
    asked = plan_file_trash(request("file.trash", "delete files older than a year"), ctx)
    assert isinstance(asked, Reply) and asked.status is Status.CLARIFY
    assert (private_home / "old.txt").exists()


def test_the_plan_lists_each_file_with_its_bytes(downloads: Path) -> None:
    ctx = Context.from_environment()
    plan = plan_file_trash(request("file.trash", "remove the iso files in ~/Downloads",
                                   path="~/Downloads", kind="iso"), ctx)
    assert isinstance(plan, Plan), plan
    sizes = {Path(s.target.path).name: s.target.size for s in plan.steps
             if isinstance(s.target, FileRef)}
    assert sizes == {"ubuntu.iso": 300_000, "debian.iso": 200_000}
    assert plan.reversible and all(s.action == "trash" for s in plan.steps)
    assert "488.3 KiB" in plan.summary or "488" in plan.summary
    assert os.path.exists(downloads / "ubuntu.iso")


def test_only_folders_of_the_users_own_are_places_to_clear(private_home: Path,
                                                           tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    age(write(elsewhere / "old.bin"), 400)
    age(write(private_home / ".config" / "app" / "settings.ini"), 400)
    ctx = Context.from_environment()
    for place in (str(elsewhere), "~", "~/.config", "/"):
        refused = plan_file_trash(request("file.trash", f"delete files in {place}",
                                          path=place), ctx)
        assert isinstance(refused, Reply) and refused.status is Status.REFUSED, (place, refused)
    temp = Path(os.environ["NLSH_TEMP_DIRS"]) / "foo"
    age(write(temp / "big.img", 2_000_000), 3)
    planned = plan_file_trash(request("file.trash", "trash the files in the temp foo folder",
                                      path=str(temp)), ctx)
    assert isinstance(planned, Plan)
    assert (elsewhere / "old.bin").exists()
    assert (private_home / ".config" / "app" / "settings.ini").exists()


def test_old_without_an_age_asks_how_old(downloads: Path) -> None:
    ctx = Context.from_environment()
    asked = plan_file_trash(request("file.trash", "trash old files in ~/Downloads",
                                    path="~/Downloads"), ctx)
    assert isinstance(asked, Reply) and asked.status is Status.CLARIFY
    assert "How old" in asked.message
