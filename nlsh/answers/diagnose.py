"""system.diagnose: "why is my computer slow?" — sample, apply the rules, rank."""

from __future__ import annotations

from nlsh.context import Context
from nlsh.diagnosis.analyse import analyse, something_wrong
from nlsh.diagnosis.collect import SAMPLE_SECONDS, take_snapshot
from nlsh.diagnosis.snapshot import Snapshot
from nlsh.stages import Answer, Parse


def diagnose(parse: Parse, ctx: Context) -> Answer:
    """Ranked findings over a short sample of the live system."""
    with ctx.progress("Sampling the system…"):
        # nlsh is the one measuring: never blame it for its own reading.
        snapshot = take_snapshot(SAMPLE_SECONDS, skip_pids=frozenset({ctx.self_pid}),
                                 home=ctx.paths.home)
    return answer_for(snapshot)


def answer_for(snapshot: Snapshot) -> Answer:
    """The answer for one snapshot; "nothing looks wrong" is a full answer."""
    findings = analyse(snapshot)
    if something_wrong(findings):
        message = findings[0].summary
    else:
        notes = len(findings)
        message = ("Nothing looks wrong: CPU, memory, disk and I/O are within normal limits"
                   + (f" ({notes} note{'s' if notes != 1 else ''} below)" if notes else ""))
    return Answer(kind="diagnosis", message=message, result={
        "findings": [f.to_json() for f in findings],
        "sampled_seconds": snapshot.sampled_seconds,
        "checked": list(snapshot.checked),
        "unavailable": list(snapshot.unavailable),
    })
