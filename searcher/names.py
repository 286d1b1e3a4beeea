"""Person names: the normal form that the name registry is keyed by.

Pure Python. `name_key` folds case and accents, turns hyphens and punctuation
into spaces and drops the dots of initials, so `Olivier Masset-Depasse`,
`olivier masset depasse` and `OLIVIER MASSET–DEPASSE` share one key.
"""

from __future__ import annotations

import re

from .analysis import fold

__all__ = ["name_key"]

_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """The registry key of a name (idempotent: `name_key(name_key(x)) == name_key(x)`)."""
    return " ".join(_NOT_WORD.sub(" ", fold(name)).split())
