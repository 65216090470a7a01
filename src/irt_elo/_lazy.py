"""Lazy attributes for packages: ``import irt_elo`` (or a subpackage) costs nothing until a name is used.

A package's ``__init__`` lists where each public name lives; :func:`attach` returns the module-level
``__getattr__`` and ``__dir__`` (PEP 562) that import the defining module on first access and cache the value.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType


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


class MovedModules:
    """Old module paths that still import, as the module at the new path (same object).

    A meta path finder and its own loader (the protocol, not the importlib.abc classes: importing those costs more
    start-up time than the rest of ``import irt_elo``).

    ``moved`` maps an old full name to its new one; ``warn`` names the old paths that print a FutureWarning (the
    others are permanent short names). It answers for exactly those names and no other.
    """

    def __init__(self, moved: Mapping[str, str], warn: frozenset[str]) -> None:
        self.moved, self.warn = dict(moved), warn

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(fullname, self) if fullname in self.moved else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = self.moved[spec.name]
        if spec.name in self.warn:
            warnings.warn(f"{spec.name} has moved to {new}; the old path works in this release only",
                          FutureWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new path is already loaded."""
