"""Lazy attributes for packages: ``import irt_elo`` (or a subpackage) costs nothing until a name is used.

A package's ``__init__`` lists where each public name lives; :func:`attach` returns the module-level
``__getattr__`` and ``__dir__`` (PEP 562) that import the defining module on first access and cache the value.
"""
from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def attach(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``names`` maps each public name to ``module`` (the attribute of
    the same name there) or ``module:attr``; a value ending in ``:`` is the module itself.

    Examples
    --------
    >>> getattr_, dir_ = attach("irt_elo", {"IrtEloError": "irt_elo.errors"})
    >>> getattr_("IrtEloError").__name__
    'IrtEloError'
    """
    def __getattr__(name: str) -> object:
        target = names.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = target.partition(":")
        obj = importlib.import_module(module)
        if not target.endswith(":"):
            obj = getattr(obj, attr or name)
        setattr(sys.modules[package], name, obj)  # cached: later lookups skip __getattr__
        return obj

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
