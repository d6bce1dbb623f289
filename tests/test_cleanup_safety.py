"""disk.cleanup under attack: links, open files, replaced paths, mounts, hard links, other
users' files, protected names, glob characters, and root-only steps under --yes.

Races are staged inside the confirmer, which the pipeline calls after planning and right
before executing — exactly the window a real race would use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nlsh.actions import cleaners
from nlsh.context import Context
from nlsh.pipeline import AcceptAll
from nlsh.render.units import human_bytes
from nlsh.stages import FileRef, Plan, Reply, Status, StepStatus
from tests.conftest import Sleepers
from tests.support.files import (
    Mounts,
    age,
    carry_out,
    du,
    parse,
    plan,
    snapshot,
    step_paths,
    use_present_policy_rules,
    write,
)


@pytest.fixture(autouse=True)
def policy_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    use_present_policy_rules(monkeypatch)


@pytest.fixture
def ctx(private_home: Path) -> Context:
    return Context.from_environment()


@pytest.fixture(autouse=True)
def no_system_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())


@pytest.fixture
def home(private_home: Path) -> Path:
    return private_home


@pytest.fixture
def temp(private_home: Path) -> Path:
    return Path(os.environ["NLSH_TEMP_DIRS"])


@pytest.fixture
def documents(home: Path) -> Path:
    """The user's real work, which no cleanup may ever touch."""
    docs = home / "Documents"
    write(docs / "thesis.tex", 20_000)
    write(docs / "figures/plot.png", 30_000)
    write(docs / "wheels/numpy.whl", 10_000)
    return docs


class Before(AcceptAll):
    """Says yes, after doing something to the system between planning and execution."""

    def __init__(self, meddle: Callable[[], object]) -> None:
        self.meddle = meddle

    def confirm(self, plan: Plan) -> Plan | None:
        self.meddle()
        return plan


@pytest.fixture
def mount() -> Iterator[Mounts]:
    mounts = Mounts()
    yield mounts
    mounts.release()


def _hold_open(sleepers: Sleepers, path: Path) -> None:
    """A real child process that keeps ``path`` open (this process closes its copy)."""
    with path.open("ab") as handle:
        sleepers.spawn(stdout=handle)


def test_a_link_into_documents_goes_as_a_link_and_its_target_stays(
        home: Path, documents: Path, ctx: Context) -> None:
    before = snapshot(documents)
    app = home / ".cache/app"
    write(app / "blob", 5_000)
    (app / "docs").symlink_to(documents)
    (app / "thesis").symlink_to(documents / "thesis.tex")
    (home / ".cache/toplink").symlink_to(documents)

    planned = plan(ctx, target="cache")

    assert isinstance(planned, Plan)
    assert planned.total_bytes == du(app) + du(home / ".cache/toplink")
    carry_out(ctx, parse(target="cache"))
    assert not app.exists() and not (home / ".cache/toplink").is_symlink()
    assert snapshot(documents) == before


def test_a_cache_folder_that_is_a_link_is_never_cleaned_through(
        home: Path, documents: Path, ctx: Context) -> None:
    before = snapshot(documents)
    (home / ".cache/pip").symlink_to(documents / "wheels")

    packages = plan(ctx, target="packages")
    assert isinstance(packages, Reply) and packages.status is Status.NOTHING_TO_DO
    assert step_paths(plan(ctx, target="cache")) == [str(home / ".cache/pip")]

    carry_out(ctx, parse(target="cache"))
    assert not (home / ".cache/pip").is_symlink()
    assert snapshot(documents) == before


def test_a_file_open_by_a_process_is_not_counted_and_stays(
        home: Path, ctx: Context, sleepers: Sleepers) -> None:
    app = home / ".cache/app"
    data = write(app / "data.bin", 40_000)
    live = write(app / "live.log", 40_000)
    _hold_open(sleepers, live)

    planned = plan(ctx, target="cache")

    assert isinstance(planned, Plan) and planned.total_bytes == du(data)
    assert any("in use by a process: 1" in note for note in planned.notes)
    carry_out(ctx, parse(target="cache"))
    assert live.exists() and not data.exists()


def test_a_file_opened_after_planning_is_still_left_alone(
        home: Path, temp: Path, ctx: Context, sleepers: Sleepers) -> None:
    cached = write(home / ".cache/app/live.log", 40_000)
    old_temp = write(temp / "notes.txt", 1_000)
    age(old_temp, 30)

    def open_both() -> None:
        _hold_open(sleepers, cached)
        _hold_open(sleepers, old_temp)

    response = carry_out(ctx, parse(), Before(open_both))

    assert cached.exists() and old_temp.exists()
    assert response.outcome is not None
    temp_result = next(r for r in response.outcome.results if r.step.action == "trash")
    assert temp_result.status is StepStatus.SKIPPED
    assert "in use by a process" in temp_result.message


def test_a_path_replaced_between_plan_and_execution_is_skipped(
        home: Path, documents: Path, ctx: Context) -> None:
    blob = write(home / ".cache/blob.bin", 10_000)
    app = write(home / ".cache/app/x", 10_000).parent
    before = snapshot(documents)

    def replace_both() -> None:
        fresh = write(home / ".cache/blob.new", 3_000)
        fresh.replace(blob)  # same path, a new inode (the old one is still alive until now)
        shutil.rmtree(app)
        app.symlink_to(documents)

    response = carry_out(ctx, parse(target="cache"), Before(replace_both))

    assert response.outcome is not None
    assert [r.status for r in response.outcome.results] == [StepStatus.SKIPPED] * 2
    assert all("replaced" in r.message for r in response.outcome.results)
    assert blob.stat().st_size == 3_000 and app.is_symlink()
    assert snapshot(documents) == before


def test_a_folder_swapped_for_a_link_mid_plan_is_unlinked_not_followed(
        home: Path, documents: Path, ctx: Context) -> None:
    sub = write(home / ".cache/app/sub/file", 10_000).parent
    before = snapshot(documents)

    def swap() -> None:
        shutil.rmtree(sub)
        sub.symlink_to(documents)

    carry_out(ctx, parse(target="cache"), Before(swap))

    assert not (home / ".cache/app").exists()
    assert snapshot(documents) == before


def test_mount_points_inside_a_cache_are_never_crossed(
        home: Path, documents: Path, ctx: Context, mount: Mounts) -> None:
    app = home / ".cache/app"
    plain = write(app / "plain.bin", 20_000)
    mount(["-t", "tmpfs", "tmpfs"], app / "mnt")
    write(app / "mnt/inside.bin", 20_000)
    mount(["-t", "tmpfs", "tmpfs"], home / ".cache/whole-mount")
    write(home / ".cache/whole-mount/inside.bin", 5_000)
    mount(["--bind", str(documents)], home / ".cache/bound")  # same filesystem: same st_dev
    before = snapshot(documents)

    planned = plan(ctx, target="cache")

    assert step_paths(planned) == [str(app)]
    assert isinstance(planned, Plan) and planned.total_bytes == du(plain)
    carry_out(ctx, parse(target="cache"))
    assert (app / "mnt/inside.bin").exists() and not plain.exists()
    assert (home / ".cache/whole-mount/inside.bin").exists()
    assert snapshot(documents) == before


def test_a_mount_appearing_after_planning_is_not_crossed(
        home: Path, ctx: Context, mount: Mounts) -> None:
    sub = write(home / ".cache/app/sub/x.bin", 10_000).parent

    def mount_over() -> None:
        mount(["-t", "tmpfs", "tmpfs"], sub)
        write(sub / "inside.bin", 1_000)

    carry_out(ctx, parse(target="cache"), Before(mount_over))

    assert (sub / "inside.bin").exists()


def test_a_hard_link_to_a_document_frees_nothing_and_the_document_stays(
        home: Path, documents: Path, ctx: Context) -> None:
    app = home / ".cache/app"
    write(app / "own.bin", 30_000)
    os.link(documents / "thesis.tex", app / "thesis.tex")
    before = snapshot(documents)

    planned = plan(ctx, target="cache")

    assert isinstance(planned, Plan)
    assert planned.total_bytes == du(app) - du(app / "thesis.tex")  # the folder and own.bin
    carry_out(ctx, parse(target="cache"))
    assert not app.exists() and snapshot(documents) == before


def test_files_of_another_user_inside_a_cache_stay(home: Path, ctx: Context) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    app = home / ".cache/app"
    mine = write(app / "mine.bin")
    theirs = write(app / "theirs.bin")
    os.chown(theirs, 65534, 65534)

    planned = plan(ctx, target="cache")

    assert isinstance(planned, Plan) and planned.total_bytes == du(mine)
    assert any("owned by another user: 1" in note for note in planned.notes)
    carry_out(ctx, parse(target="cache"))
    assert theirs.exists() and not mine.exists()


@pytest.mark.parametrize("protected", [".git", ".ssh", ".gnupg"])
def test_protected_folders_inside_a_cache_stay(protected: str, home: Path,
                                               ctx: Context) -> None:
    tool = home / ".cache/tool"
    data = write(tool / "data.bin", 20_000)
    kept = write(tool / "repo" / protected / "precious", 5_000)

    planned = plan(ctx, target="cache")

    assert isinstance(planned, Plan) and planned.total_bytes == du(data)
    carry_out(ctx, parse(target="cache"))
    assert kept.exists() and not data.exists()
    refused = plan(ctx, path=f"~/.cache/tool/repo/{protected}")
    assert isinstance(refused, Reply) and refused.rule == "protected-path"


def test_glob_characters_are_names_not_patterns(home: Path, temp: Path, ctx: Context) -> None:
    for name in ("[a]", "a", "*", "b", "?"):
        write(home / ".cache" / name / "data", 2_000)
    for name in ("*.txt", "x.txt"):
        write(temp / name)
        age(temp / name, 30)

    assert step_paths(plan(ctx, path="~/.cache/[a]")) == [str(home / ".cache/[a]")]
    carry_out(ctx, parse(path="~/.cache/[a]"))
    carry_out(ctx, parse(path="~/.cache/*"))
    carry_out(ctx, parse(path=str(temp / "*.txt")))

    assert sorted(p.name for p in (home / ".cache").iterdir()) == ["?", "a", "b"]
    assert sorted(p.name for p in temp.iterdir()) == ["x.txt"]


def test_a_file_that_cannot_be_removed_is_reported_by_name(home: Path, ctx: Context) -> None:
    app = home / ".cache/app"
    stuck = write(app / "stuck.bin")
    loose = write(app / "loose.bin")
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        response = carry_out(ctx, parse(target="cache"))
    finally:
        subprocess.run(["chattr", "-i", str(stuck)], check=False)

    assert response.status is Status.FAILED and response.outcome is not None
    (result,) = response.outcome.results
    assert result.status is StepStatus.FAILED and str(stuck) in result.message
    assert stuck.exists() and not loose.exists()


@pytest.fixture
def fake_system_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A journal-vacuum tool and a sudo on PATH that leave a mark if anything runs them."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    marks = tmp_path / "marks"
    for tool in ("sudo", "nlsh-test-journalctl"):
        script = bin_dir / tool
        script.write_text(f"#!{sys.executable}\nimport sys\n"
                          f"open({str(marks)!r}, 'a').write(' '.join(sys.argv) + '\\n')\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    journal = tmp_path / "var-log-journal"
    write(journal / "system@old.journal", 50_000)
    age(journal / "system@old.journal", 30)
    write(journal / "system.journal", 50_000)  # the live one: not older than two weeks
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", (cleaners.RootCleaner(
        "system journal", "logs", ("nlsh-test-journalctl", "--vacuum-time=2weeks"),
        "nlsh-test-journalctl", (str(journal),), older_than_days=14),))
    return marks


def test_yes_never_runs_a_root_step(home: Path, ctx: Context, fake_system_tools: Path,
                                    tmp_path: Path) -> None:
    write(home / ".cache/app/blob")
    old_journal = tmp_path / "var-log-journal/system@old.journal"

    planned = plan(ctx)
    assert isinstance(planned, Plan)
    (root_step,) = [s for s in planned.steps if s.needs_root]
    assert root_step.action == "needs_root" and root_step.target is None
    held = du(old_journal) + du(old_journal.with_name("system.journal"))
    assert root_step.detail.startswith(f"system journal takes {human_bytes(held)} in ")
    assert (f"; sudo nlsh-test-journalctl --vacuum-time=2weeks frees "
            f"~{human_bytes(du(old_journal))} (not run: ") in root_step.detail

    response = carry_out(ctx, parse())

    assert response.status is Status.DONE and response.outcome is not None
    (result,) = [r for r in response.outcome.results if r.step.needs_root]
    assert result.status is StepStatus.SKIPPED
    assert "run: sudo nlsh-test-journalctl --vacuum-time=2weeks" in result.message
    assert not fake_system_tools.exists() and old_journal.exists()


def test_only_root_steps_left_is_nothing_to_do_naming_the_command(
        ctx: Context, fake_system_tools: Path) -> None:
    result = plan(ctx)

    assert isinstance(result, Reply) and result.status is Status.NOTHING_TO_DO
    assert "sudo nlsh-test-journalctl --vacuum-time=2weeks" in result.message
    assert not fake_system_tools.exists()


def test_previewed_items_carry_identity(home: Path, ctx: Context) -> None:
    blob = write(home / ".cache/blob.bin")
    planned = plan(ctx, target="cache")
    assert isinstance(planned, Plan)
    (step,) = planned.steps
    assert isinstance(step.target, FileRef)
    info = os.lstat(blob)
    assert (step.target.device, step.target.inode) == (info.st_dev, info.st_ino)
    assert step.target.mtime == info.st_mtime


def test_a_temp_file_written_to_after_planning_is_not_trashed(temp: Path, ctx: Context) -> None:
    notes = write(temp / "notes.txt", 1_000)
    age(notes, 30)

    def keep_writing() -> None:
        with notes.open("a") as handle:
            handle.write("one more line\n")

    response = carry_out(ctx, parse(target="temp"), Before(keep_writing))

    assert response.outcome is not None
    (result,) = response.outcome.results
    assert result.status is StepStatus.SKIPPED and "modified since" in result.message
    assert notes.read_bytes().endswith(b"one more line\n")
