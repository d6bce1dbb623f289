"""The conversation: what a line means after the previous ones (``references``), what the
previous ones left to refer to (``state``), and keeping it between one-shots (``store``)."""

from nlsh.dialogue.references import Resolution, resolve
from nlsh.dialogue.state import Referent, State

__all__ = ["Referent", "Resolution", "State", "resolve"]
