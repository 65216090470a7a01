"""Names made safe on the way out: model and benchmark names come from other people's files.

* :func:`terminal_safe`: control characters (C0 but newline and tab, DEL, C1, and the bidirectional overrides that
  reorder what a line shows) are written as visible escapes (``\\x1b``, ``\\u202e``), so an ANSI or OSC sequence in
  a name cannot retitle, recolour or rewrite the terminal. :class:`SafeStream` applies it to everything written to
  a stream (the CLI wraps stdout and stderr with it).
* :func:`csv_safe_frame`: a text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return; OWASP's "CSV injection" rule) gets a leading apostrophe, which
  spreadsheets show as text. Numbers, and text that is a plain number such as ``-1.5``, are left as they are.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

# C0 controls but \t and \n, DEL, C1 controls, and the Unicode bidi embeddings/overrides/isolates (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character written as a visible escape (newlines and tabs kept).

    Examples
    --------
    >>> terminal_safe("evil\\x1b]0;pwned\\x07 model")
    'evil\\\\x1b]0;pwned\\\\x07 model'
    """
    return _UNSAFE.sub(_escape, text)


class SafeStream:
    """A text stream whose ``write`` passes everything through :func:`terminal_safe`; the rest is the stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    @property
    def wrapped(self) -> Any:
        return self._stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def is_formula(value: Any) -> bool:
    """Whether a cell is text a spreadsheet would evaluate: it starts with one of :data:`FORMULA_START` and is not
    a plain number (``-1.5`` and ``+2`` stay numbers).

    Examples
    --------
    >>> [is_formula(v) for v in ("=1+2", "-1.5", "-2+3", "@SUM(A1)", "GPT-5", -1.5)]
    [True, False, True, True, False, False]
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return value[0] in "\t\r"  # a number after a tab or CR is still a cell a spreadsheet reads oddly


def csv_safe(value: Any) -> Any:
    """``value`` with a leading apostrophe when :func:`is_formula`, else unchanged."""
    return "'" + value if is_formula(value) else value


def csv_safe_frame(df: Any) -> Any:
    """A copy of the pandas frame ``df`` whose text cells and column names cannot run as spreadsheet formulas
    (``df`` itself when nothing needs changing); numeric columns are never touched."""
    import pandas as pd

    cols = [c for c in df.columns if not (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
                                          or pd.api.types.is_datetime64_any_dtype(df[c]))]
    bad = [c for c in cols if df[c].map(is_formula).any()]
    names = [csv_safe(c) for c in df.columns]
    if not bad and names == list(df.columns):
        return df
    out = df.copy()
    for c in bad:
        out[c] = out[c].map(csv_safe)
    out.columns = names
    return out


__all__ = ["terminal_safe", "SafeStream", "is_formula", "csv_safe", "csv_safe_frame", "FORMULA_START"]
