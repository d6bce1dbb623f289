"""Handlers for read-only intents: a parse → an ``Answer`` built from the live system."""
