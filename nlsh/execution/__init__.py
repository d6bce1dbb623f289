"""The only code that changes the system.

``execute(plan, ctx, text) -> Outcome``: journals before and after each step, re-checks
each target's identity right before acting, and records what undo needs.
"""
