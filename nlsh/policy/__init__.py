"""The one place that decides whether a plan may run (see design.md, Safety guarantees).

``review(plan, ctx) -> Plan | Reply``: returns the plan (possibly with protected targets
removed and reasons to confirm again added), or a ``Reply`` with ``Status.REFUSED``
naming the rule that refused it.
"""
