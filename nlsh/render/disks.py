"""Views for disk.usage (filesystems) and disk.largest (what takes the space)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import printable, text
from nlsh.render.units import human_bytes

_BAR_WIDTH = 12


def _percent_bar(percent: float, full_at: float) -> Text:
    filled = min(round(_BAR_WIDTH * percent / 100), _BAR_WIDTH)
    style = "bold red" if percent >= full_at else ("yellow" if percent >= 75 else "green")
    return Text.assemble(("█" * filled, style), ("·" * (_BAR_WIDTH - filled), "dim"),
                         (f" {percent:>3.0f}%", style))


def disk_usage_view(result: Mapping[str, Any]) -> RenderableType:
    full_at = float(result.get("full_percent", 90.0))
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("mounted on")
    table.add_column("type")
    table.add_column("size", justify="right")
    table.add_column("used", justify="right")
    table.add_column("free", justify="right")
    table.add_column("use")
    table.add_column("inodes", justify="right")
    table.add_column("device")
    for row in result["filesystems"]:
        inodes = row.get("inodes_percent")
        inode_text = Text("—" if inodes is None else f"{inodes:.0f}%",
                          style="bold red" if inodes is not None and inodes >= full_at else "")
        mount = text(row["mountpoint"], style="bold red" if row["full"] else "")
        if row.get("readonly"):
            mount.append(" (read-only)", style="dim")
        table.add_row(mount, text(row["fstype"]), human_bytes(row["total"]),
                      human_bytes(row["used"]), human_bytes(row["free"]),
                      _percent_bar(float(row["percent"]), full_at), inode_text,
                      text(row["device"], style="dim"))
    parts: list[RenderableType] = []
    if result.get("path"):
        parts.append(Text.assemble("filesystem holding ", text(result["path"], style="bold")))
    parts.append(table)
    for mount in result.get("full", []):
        parts.append(Text.assemble(("nearly full: ", "bold red"), text(mount),
                                   f" is at or above {full_at:.0f}% (space or inodes)"))
    unreadable = result.get("unreadable") or []
    if unreadable:
        parts.append(Text("could not measure: " + ", ".join(printable(m) for m in unreadable),
                          style="yellow"))
    return Group(*parts)


def disk_largest_view(result: Mapping[str, Any]) -> RenderableType:
    heading = Text.assemble(
        text(result["path"], style="bold"), " takes ",
        (human_bytes(result["total_bytes"]), "bold"),
        f" in {result['files']:,} files and {result['dirs']:,} folders",
    )
    parts: list[RenderableType] = [heading]
    children = result["children"]
    if children:
        parts.append(_children_table(children, int(result["total_bytes"])))
        hidden = int(result["children_matching"]) - len(children)
        if hidden > 0:
            parts.append(Text(f"… and {hidden} more", style="dim"))
    elif result.get("min_size"):
        parts.append(Text(f"nothing here is {human_bytes(result['min_size'])} or larger"))
    else:
        parts.append(Text("the folder is empty"))
    files = result["largest_files"]
    if files:
        table = Table(title="largest files anywhere below", title_justify="left",
                      show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("size", justify="right")
        table.add_column("file")
        for row in files:
            table.add_row(human_bytes(row["bytes"]), text(row["path"]))
        parts.append(table)
    parts.extend(_skipped_lines(result))
    return Group(*parts)


def _children_table(children: list[Mapping[str, Any]], total: int) -> Table:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("size", justify="right")
    table.add_column("share", justify="right")
    table.add_column("name")
    table.add_column("files", justify="right")
    for row in children:
        name = text(row["name"], style="bold blue" if row["kind"] == "dir" else "")
        if row["kind"] == "dir":
            name.append("/")
        elif row["kind"] == "symlink":
            name.append(" (symlink, not followed)", style="dim")
        elif row["kind"] == "mount":
            name.append(" (another filesystem, not counted)", style="dim")
        share = f"{100 * row['bytes'] / total:.0f}%" if total else ""
        files = f"{row['files']:,}" if row["kind"] == "dir" else ""
        table.add_row(human_bytes(row["bytes"]), share, name, files)
    return table


def _skipped_lines(result: Mapping[str, Any]) -> list[Text]:
    lines: list[Text] = []
    skipped = result["skipped"]
    if skipped["unreadable"]:
        paths = result.get("unreadable_paths") or []
        lines.append(Text.assemble(
            (f"skipped {skipped['unreadable']} unreadable entr"
             f"{'y' if skipped['unreadable'] == 1 else 'ies'}", "yellow"),
            ": " if paths else "", text(", ".join(paths[:5])),
            " …" if len(paths) > 5 else ""))
    if skipped["vanished"]:
        lines.append(Text(f"{skipped['vanished']} entries vanished during the scan",
                          style="yellow"))
    if skipped["other_filesystems"]:
        mounts = result.get("mounts_skipped") or []
        lines.append(Text.assemble(("not counted (other filesystems): ", "dim"),
                                   text(", ".join(mounts[:5]), style="dim")))
    return lines
