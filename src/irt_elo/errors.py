"""The one exception type users see.

Data and option validation raises :class:`IrtEloError` with a message written for the person at the keyboard:
it names the file, row or column and says what to do. The CLI prints that message on one line and exits with
status 2; library users catch the exception.
"""
from __future__ import annotations

import numbers

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any


class IrtEloError(ValueError):
    """Bad input or inconsistent options, with a user-facing one-line message."""


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates that look like ``name`` (case-insensitive, substrings first).

    Examples
    --------
    >>> close_matches("gpt5", ["GPT-5", "GPT-4", "Claude 3.5 Sonnet"])  # the same letters first, then look-alikes
    ['GPT-5', 'GPT-4']
    """
    import difflib  # only when a name was not found

    cands = [str(c) for c in candidates]
    key = normalise_name(name)
    exact = [c for c in cands if normalise_name(c) == key]
    sub = [c for c in cands if key and key in normalise_name(c) and c not in exact]
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


def normalise_name(s: str) -> str:
    """Lower-case letters and digits only: how names are compared when looking for a match.

    Examples
    --------
    >>> normalise_name("GPT-5 (high)")
    'gpt5high'
    """
    return "".join(ch for ch in str(s).lower() if ch.isalnum())


def check_number(name: str, value: Any, ok: Callable[[float], Any], want: str) -> None:
    """Raise :class:`IrtEloError` ``"<name> must be <want>, not <value>"`` unless ``value`` is a real number (not a
    bool) with ``ok(value)`` true.

    Examples
    --------
    >>> check_number("ridge", 0.1, lambda v: v >= 0, ">= 0")
    >>> check_number("ridge", "a", lambda v: v >= 0, ">= 0")
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: ridge must be >= 0, not 'a'
    """
    # numpy registers its scalar types with the numbers ABCs, so numpy need not be imported here.
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and ok(float(value))):
        raise IrtEloError(f"{name} must be {want}, not {value!r}")


__all__ = ["IrtEloError", "close_matches", "did_you_mean", "normalise_name", "check_number"]
