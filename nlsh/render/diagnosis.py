"""The diagnosis view: numbered findings, worst first, each with its evidence and a
follow-up sentence (numbered so the REPL can take "do 1")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from nlsh.render.safe import printable, text
from nlsh.render.units import human_bytes

_SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}


def diagnosis_view(result: Mapping[str, Any]) -> RenderableType:
    findings: list[Mapping[str, Any]] = list(result.get("findings", []))
    parts: list[RenderableType] = []
    if not any(f.get("severity") in ("warning", "critical") for f in findings):
        parts.append(Text("Nothing looks wrong: CPU, memory, disk and I/O are within normal "
                          "limits.", style="bold green"))
    for number, finding in enumerate(findings, start=1):
        parts.append(_finding(number, finding))
    parts.append(_footer(result))
    return Group(*parts)


def _finding(number: int, finding: Mapping[str, Any]) -> RenderableType:
    severity = str(finding.get("severity", "info"))
    lines: list[RenderableType] = [Text.assemble(
        (f"{number}. ", "bold"),
        (f"{severity.upper():<8}", _SEVERITY_STYLE.get(severity, "")),
        (f" {printable(finding.get('resource', '?')):<9} ", "bold"),
        text(finding.get("summary", "")),
    )]
    evidence = finding.get("evidence") or {}
    if evidence:
        lines.append(Text.assemble(
            ("     evidence: ", "dim"),
            text("; ".join(f"{key} {_figure(key, value)}" for key, value in evidence.items()),
                 style="dim")))
    processes = finding.get("processes") or []
    if processes:
        lines.append(Text.assemble(("     processes: ", "dim"), text(", ".join(
            _process(p) for p in processes))))
    if finding.get("suggestion"):
        lines.append(Text.assemble(("     try: ", "dim"),
                                   text(f'"{finding["suggestion"]}"', style="cyan")))
    return Group(*lines)


def _process(process: Mapping[str, Any]) -> str:
    figures = [f"{k} {_figure(k, v)}" for k, v in process.items() if k not in ("pid", "name")]
    return f"{process.get('name', '?')} (pid {process.get('pid', '?')}" + \
        "".join(f"; {figure}" for figure in figures) + ")"


def _figure(key: str, value: Any) -> str:
    """``value`` in the unit its key names (``free_bytes``, ``latency_ms``, ``temperature_c``)."""
    if isinstance(value, list):
        if value and isinstance(value[0], Mapping):
            return ", ".join(_application(item) for item in value)
        return "[" + ", ".join(_figure(key, v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key.endswith("_bytes_per_s"):
        return f"{human_bytes(value)}/s"
    if key.endswith("_bytes"):
        return human_bytes(value)
    if key.endswith("_percent"):
        return f"{value:.1f}%"
    if key.endswith("_ms"):
        return f"{value:.1f} ms"
    if key.endswith("_c"):
        return f"{value:.0f} °C"
    if key.endswith("_seconds"):
        return f"{value:.1f} s"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _application(item: Mapping[str, Any]) -> str:
    count = item.get("processes", "?")
    return f"{item.get('name', '?')} {human_bytes(item.get('rss_bytes'))}" \
           f" ({count} process{'' if count == 1 else 'es'})"


def _footer(result: Mapping[str, Any]) -> RenderableType:
    footer = Text(f"Sampled for {float(result.get('sampled_seconds', 0)):.1f} s; checked "
                  f"{len(result.get('checked', []))} readings.", style="dim")
    unavailable = result.get("unavailable") or []
    if unavailable:
        footer.append(" Not available here: " + printable(", ".join(unavailable)) + ".")
    return footer
