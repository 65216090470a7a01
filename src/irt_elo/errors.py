"""The one exception type users see.

Data and option validation raises :class:`IrtEloError` with a message written for the person at the keyboard:
it names the file, row or column and says what to do. The CLI prints that message on one line and exits with
status 2; library users catch the exception.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class IrtEloError(ValueError):
    """Bad input or inconsistent options, with a user-facing one-line message."""


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates that look like ``name`` (case-insensitive, substrings first).

    Examples
    --------
    >>> close_matches("gpt5", ["GPT-5", "GPT-4", "Claude 3.5 Sonnet"])
    ['GPT-5']
    """
    cands = [str(c) for c in candidates]
    key = _norm(name)
    exact = [c for c in cands if _norm(c) == key]
    sub = [c for c in cands if key and key in _norm(c) and c not in exact]
    sub.sort(key=len)
    fuzzy = difflib.get_close_matches(name.lower(), [c.lower() for c in cands], n=n, cutoff=0.6)
    lower_to_orig = {c.lower(): c for c in cands}
    out: list[str] = []
    for c in exact + sub + [lower_to_orig[f] for f in fuzzy]:
        if c not in out:
            out.append(c)
    return out[:n]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean: ...?)' suffix for error messages, or '' when nothing is close."""
    m = close_matches(name, candidates)
    return f" (did you mean: {', '.join(repr(x) for x in m)}?)" if m else ""


def _norm(s: str) -> str:
    return "".join(ch for ch in str(s).lower() if ch.isalnum())
