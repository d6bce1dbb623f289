"""Errors nlsh reports to users, and the exit codes of the spec.

This is the one place where a failure becomes an exit status: front ends catch
``NlshError`` and call :func:`exit_status_for` on responses; nothing else picks numbers.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes from ``spec/intents.md`` (130 for an interrupt, as shells expect)."""

    OK = 0
    NOTHING_DONE = 1
    USAGE = 2
    FAILED = 3
    INTERRUPTED = 130


class NlshError(Exception):
    """A failure with a one-line message meant for the user."""

    exit_status = ExitStatus.FAILED


class UsageError(NlshError):
    """The input cannot be understood as a request (empty, too long, not text)."""

    exit_status = ExitStatus.USAGE


class CatalogError(NlshError):
    """An intent file is malformed; the message names the file and the item."""

    exit_status = ExitStatus.FAILED


class ModelError(NlshError):
    """The language model could not be built or loaded."""

    exit_status = ExitStatus.FAILED


class JournalError(NlshError):
    """The journal cannot be written, so an action that must be journaled cannot run."""

    exit_status = ExitStatus.NOTHING_DONE
