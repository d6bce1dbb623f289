"""Why is the computer slow: sample the system, then apply pure rules to the sample.

    collect.take_snapshot() ─► Snapshot ─► analyse.analyse() ─► ranked Findings

The collector is the only part that reads the system; the rules and the ranking are
pure functions of a :class:`~nlsh.diagnosis.snapshot.Snapshot`, so every rule is
tested with snapshots built by hand.
"""
