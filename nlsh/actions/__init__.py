"""Planners for the intents that change the system: a sentence's parse → a ``Plan``."""
