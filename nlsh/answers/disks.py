"""disk.usage (how full the filesystems are) and disk.largest (what takes the space)."""

from __future__ import annotations

import os
import stat
from typing import Any

from nlsh.context import Context
from nlsh.render.units import human_bytes
from nlsh.stages import Answer, Parse, Reply, Status
from nlsh.system.disks import FULL_PERCENT, Filesystem, filesystem_of, read_filesystems
from nlsh.system.space import SpaceScan, scan_space

DEFAULT_LIMIT = 10


def disk_usage(parse: Parse, ctx: Context) -> Answer | Reply:
    raw = parse.slot("path")
    if isinstance(raw, str) and raw.strip():
        return _usage_of_path(raw, ctx)
    reading = read_filesystems()
    rows = [filesystem_json(f) for f in reading.filesystems]
    result: dict[str, Any] = {"path": None, "filesystems": rows,
                              "full": [f.mountpoint for f in reading.filesystems if f.full],
                              "unreadable": list(reading.unreadable),
                              "full_percent": FULL_PERCENT}
    return Answer(kind="disk_usage", message=_usage_message(reading.filesystems), result=result)


def _usage_of_path(raw: str, ctx: Context) -> Answer | Reply:
    path = user_path(raw, str(ctx.paths.home))
    try:
        filesystem = filesystem_of(path)
    except FileNotFoundError:
        return Reply(Status.NOTHING_TO_DO, f"No such file or folder: {raw}")
    except OSError as error:
        return Reply(Status.NOTHING_TO_DO, f"Cannot read {raw}: {error.strerror or error}")
    result: dict[str, Any] = {"path": path, "filesystems": [filesystem_json(filesystem)],
                              "full": [filesystem.mountpoint] if filesystem.full else [],
                              "unreadable": [], "full_percent": FULL_PERCENT}
    message = (f"{raw} is on {filesystem.mountpoint} ({filesystem.fstype}): "
               f"{filesystem.percent:.0f}% used, {human_bytes(filesystem.free)} free of "
               f"{human_bytes(filesystem.total)}")
    if filesystem.full:
        message += " (nearly full)"
    return Answer(kind="disk_usage", message=message, result=result)


def filesystem_json(filesystem: Filesystem) -> dict[str, Any]:
    return {
        "mountpoint": filesystem.mountpoint, "device": filesystem.device,
        "fstype": filesystem.fstype, "readonly": filesystem.readonly,
        "total": filesystem.total, "used": filesystem.used, "free": filesystem.free,
        "percent": filesystem.percent,
        "inodes_total": filesystem.inodes_total, "inodes_used": filesystem.inodes_used,
        "inodes_free": filesystem.inodes_free, "inodes_percent": filesystem.inodes_percent,
        "full": filesystem.full,
    }


def _usage_message(filesystems: tuple[Filesystem, ...]) -> str:
    if not filesystems:
        return "No disk filesystems found"
    fullest = max(filesystems, key=lambda f: f.percent)
    count = len(filesystems)
    message = (f"{count} filesystem{'s' if count != 1 else ''}; fullest: {fullest.mountpoint} "
               f"{fullest.percent:.0f}% used ({human_bytes(fullest.free)} free)")
    full = [f.mountpoint for f in filesystems if f.full]
    if full:
        message += f"; nearly full (≥{FULL_PERCENT:.0f}%): {', '.join(full)}"
    return message


def disk_largest(parse: Parse, ctx: Context) -> Answer | Reply:
    raw = parse.slot("path")
    home = str(ctx.paths.home)
    shown = raw if isinstance(raw, str) and raw.strip() else "~"
    path = os.path.realpath(user_path(shown, home))
    limit = _whole(parse.slot("limit"), DEFAULT_LIMIT, minimum=1)
    min_size = _whole(parse.slot("min_size"), 0, minimum=0)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Reply(Status.NOTHING_TO_DO, f"No such folder: {shown}")
    except OSError as error:
        return Reply(Status.NOTHING_TO_DO, f"Cannot read {shown}: {error.strerror or error}")
    if not stat.S_ISDIR(info.st_mode):
        return Reply(Status.NOTHING_TO_DO, f"{shown} is a file, not a folder; it takes "
                     f"{human_bytes(info.st_blocks * 512)}")

    from rich.markup import escape

    from nlsh.render.safe import shorten

    with ctx.progress(f"Scanning {escape(shorten(shown, 60))}") as bar:
        def report(folder: str, done: int, total: int) -> None:
            label = shorten(os.path.relpath(folder, path), 50)
            bar.update(f"Scanning {escape(label)}", completed=done, total=total)

        try:
            scan = scan_space(path, keep_files=limit, progress=report, keep_children=limit,
                              min_size=min_size)
        except OSError as error:
            return Reply(Status.NOTHING_TO_DO,
                         f"Cannot read {shown}: {error.strerror or error}")
    result = largest_result(scan, limit, min_size)
    return Answer(kind="disk_largest", message=_largest_message(shown, scan, result),
                  result=result)


def largest_result(scan: SpaceScan, limit: int, min_size: int) -> dict[str, Any]:
    children = [c for c in scan.children if c.bytes >= min_size]  # scan_space kept these
    files = [f for f in scan.largest_files if f.bytes >= min_size]
    return {
        "path": scan.root,
        "total_bytes": scan.total_bytes,
        "files": scan.files,
        "dirs": scan.dirs,
        "children": [{"name": c.name, "path": c.path, "kind": c.kind, "bytes": c.bytes,
                      "files": c.files} for c in children[:limit]],
        "children_total": scan.children_total,
        "children_matching": scan.children_matching,
        "largest_files": [{"path": f.path, "bytes": f.bytes} for f in files[:limit]],
        "limit": limit,
        "min_size": min_size,
        "skipped": {"unreadable": scan.unreadable, "vanished": scan.vanished,
                    "other_filesystems": len(scan.mounts_skipped)},
        "unreadable_paths": list(scan.unreadable_paths),
        "mounts_skipped": list(scan.mounts_skipped),
    }


def _largest_message(shown: str, scan: SpaceScan, result: dict[str, Any]) -> str:
    message = f"{shown} takes {human_bytes(scan.total_bytes)} in {scan.files:,} files"
    top = result["children"][:3]
    if top:
        message += "; largest: " + ", ".join(f"{c['name']} {human_bytes(c['bytes'])}"
                                             for c in top)
    elif result["min_size"]:
        message += f"; nothing in it is {human_bytes(result['min_size'])} or larger"
    skipped = scan.unreadable + scan.vanished
    if skipped:
        message += f" ({skipped} entr{'y' if skipped == 1 else 'ies'} could not be read)"
    return message


def user_path(raw: str, home: str) -> str:
    """``raw`` as an absolute path: ``~`` is the user's home, relative is from here."""
    raw = raw.strip()
    if raw == "~" or raw.startswith("~/"):
        return os.path.abspath(home + raw[1:])
    return os.path.abspath(os.path.expanduser(raw))  # ~otheruser, or no tilde at all


def _whole(value: object, default: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        return default
    return value
