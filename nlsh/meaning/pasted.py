"""Error messages pasted as requests: read by their shape, never by the model.

People paste what a program printed: "Error: listen EADDRINUSE: address already in use
:::8080", "umount: /mnt/usb: target is busy", a crash report that mentions
127.0.0.1:45456. Such text names a port or a path, and the helpful reply is who holds it:
``network.connections`` for the port, ``file.holders`` for the path, both read-only. A
pasted message never becomes a plan, whatever verbs its text happens to contain.
"""

from __future__ import annotations

import re

from nlsh.stages import Parse, Reply, SlotSpan, SlotValue, Status

# A port written after an address (not a bare "12:30", which is a time).
_ADDRESS_PORT = re.compile(
    r"(?:\[[0-9A-Fa-f:.]*\]|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}|\blocalhost|(?<![\w:])::"
    r"|(?<![\w])\*):(?P<port>\d{1,5})(?!\d)")
_PORT_IN_USE = re.compile(r"(?i)\bport\s+:?(?P<port>\d{1,5})\s+(?:is|was)\s+already\s+in\s+use")
_IN_USE = re.compile(r"(?i)\beaddrinuse\b|\baddress\s+already\s+in\s+use\b")
_IN_USE_MARKERS = re.compile(r"(?i)\b(?:eaddrinuse|bind|listen|error|errno|oserror)\b")
_BUSY = re.compile(r"(?i)\b(?:target|device)\s+is\s+busy\b|\bdevice\s+or\s+resource\s+busy\b"
                   r"|\bebusy\b")
_PATH = r"(?P<path>(?:~|\.{1,2})?/[^\s'\"`:,;]*|~(?![\w/]))"
# "umount: /mnt/x: target is busy", "rmdir: failed to remove '/mnt/x': Device or resource
# busy", "target is busy: /mnt/x": the path sits in the message itself.
_BUSY_PATH = (
    re.compile(r"(?i)['\"`]?" + _PATH + r"['\"`]?\s*:\s*(?:target|device)\s+is\s+busy"),
    re.compile(r"(?i)['\"`]?" + _PATH + r"['\"`]?\s*:\s*device\s+or\s+resource\s+busy"),
    re.compile(r"(?i)(?:target|device|resource)\s+(?:is\s+)?busy\s*:\s*['\"`]?" + _PATH),
    re.compile(r"(?i)^\s*(?:umount|eject|rmdir|rm|mv|fusermount\d?)(?:\(\d\))?:.*?['\"`]?"
               + _PATH),
)
_ERROR_MARKERS = re.compile(
    r"(?i)\b(?:error|errno|exception|traceback|panic(?:ked)?|fatal|failed|failure|refused"
    r"|econnrefused|etimedout|timed\s+out|unreachable|reset\s+by\s+peer|stack\s+trace"
    r"|segmentation\s+fault|core\s+dumped)\b")
PASTED_NOTE = "read as a pasted message: nlsh shows who holds it and changes nothing"


def read_pasted(sentence: str) -> tuple[Parse, Reply | None] | None:
    """The reading of a pasted error message (and a reply decided already, if any); None
    when ``sentence`` is not one."""
    address = _ADDRESS_PORT.search(sentence)
    in_use = _PORT_IN_USE.search(sentence)
    if in_use is not None or (_IN_USE.search(sentence) and (
            address is not None or _IN_USE_MARKERS.search(sentence))):
        found = in_use or address
        if found is None:  # the message names no port: every listening port
            return _parse(sentence, "network.connections", {"listening": True}), None
        return _port_parse(sentence, found), None
    if _BUSY.search(sentence):
        for shape in _BUSY_PATH:
            path = shape.search(sentence)
            if path is not None:
                return _parse(sentence, "file.holders", {"path": path.group("path")},
                              path.span("path")), None
        if re.search(_PATH, sentence) is None and (
                _ERROR_MARKERS.search(sentence) or sentence.lower().lstrip().startswith(
                    ("umount", "eject", "rmdir"))):
            parse = _parse(sentence, "file.holders", {})
            return parse, Reply(Status.CLARIFY, "Which path or mount point is busy? Say e.g. "
                                "'what holds files open under /mnt/usb'")
        return None
    if address is not None and _ERROR_MARKERS.search(sentence):
        return _port_parse(sentence, address), None
    return None


def _port_parse(sentence: str, found: re.Match[str]) -> Parse:
    port = int(found.group("port"))
    if not 1 <= port <= 65535:
        span = SlotSpan("port", found.group(0), *found.span(), None,
                        problem=f"port must be in 1–65535 (got {port})", rejected=True)
        return Parse(text=sentence, intent="network.connections", confidence=1.0,
                     spans=(span,), source="pasted")
    return _parse(sentence, "network.connections", {"port": port}, found.span())


def _parse(sentence: str, intent: str, slots: dict[str, SlotValue],
           span: tuple[int, int] | None = None) -> Parse:
    spans = tuple(SlotSpan(name, sentence[span[0]:span[1]], span[0], span[1], value)
                  for name, value in slots.items() if span is not None and name != "listening")
    return Parse(text=sentence, intent=intent, confidence=1.0, slots=slots, spans=spans,
                 source="pasted", notes=(PASTED_NOTE,))
