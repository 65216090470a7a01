"""The house keeps its shape: layers import only downwards, no import circle, no private name crosses a module.

The imports are read with ``ast`` from the source (function-level imports included, ``if TYPE_CHECKING:`` blocks
left out since they never run), so the test sees what ``python -X importtime`` would only see for one code path.
The checker is tried on planted fixtures too, so a broken checker cannot pass silently.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import from its own layer and the layers before it. `plots` sits below `fit` because
# fitted objects draw themselves (`Fitter.plot()`); plot functions take the results they are handed and import
# nothing from fit or analysis. The package's public face (`irt_elo`, `irt_elo.datasets`, `python -m irt_elo`)
# stands above everything.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("irt_elo.errors", "irt_elo._version", "irt_elo._lazy")),
    ("core", ("irt_elo.core",)),
    ("data", ("irt_elo.data",)),
    ("plots", ("irt_elo.plots",)),
    ("fit", ("irt_elo.fit",)),
    ("analysis", ("irt_elo.analysis",)),
    ("report", ("irt_elo.report",)),
    ("cli", ("irt_elo.cli",)),
    ("api", ("irt_elo", "irt_elo.__main__", "irt_elo.datasets")),
)
# What the math may import: numpy, scipy, the standard library and the BLAS thread cap; nothing that reads files.
CORE_THIRD_PARTY = {"numpy", "scipy", "threadpoolctl"}


@dataclass(frozen=True)
class Import:
    importer: str  # module doing the import
    module: str  # module imported (a submodule when `from pkg import submodule`)
    names: tuple[str, ...]  # names taken from it (empty for `import module` / a submodule)
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _walk(node: ast.AST):
    """Every node, except the bodies of ``if TYPE_CHECKING:`` blocks."""
    for child in ast.iter_child_nodes(node):
        if _type_checking_only(child):
            for alt in child.orelse:
                yield alt
                yield from _walk(alt)
            continue
        yield child
        yield from _walk(child)


def read_imports(root: Path, package: str) -> tuple[dict[str, Path], list[Import]]:
    """All modules of ``package`` under ``root`` and every import between them (or from outside)."""
    modules = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    out: list[Import] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        base = name.split(".") if is_package(path) else name.split(".")[:-1]
        for node in _walk(tree):
            if isinstance(node, ast.Import):
                out += [Import(name, a.name, (), node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    stem = base[: len(base) - (node.level - 1)]
                    target = ".".join(stem + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = tuple(a.name for a in node.names)
                subs = [n for n in names if f"{target}.{n}" in modules]
                rest = tuple(n for n in names if n not in subs)
                out += [Import(name, f"{target}.{n}", (), node.lineno) for n in subs]
                if rest or not subs:
                    out.append(Import(name, target, rest, node.lineno))
    return modules, out


def layer_of(module: str, layers=LAYERS) -> int | None:
    """Index of the layer holding ``module`` (longest matching prefix), None outside the package."""
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(layers):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def upward_imports(imports: list[Import], layers=LAYERS) -> list[str]:
    bad = []
    for imp in imports:
        a, b = layer_of(imp.importer, layers), layer_of(imp.module, layers)
        if a is not None and b is not None and b > a:
            bad.append(f"{imp.importer} (line {imp.line}, layer {layers[a][0]}) imports {imp.module} "
                       f"(layer {layers[b][0]})")
    return bad


def private_imports(imports: list[Import], modules: dict[str, Path]) -> list[str]:
    """A name starting with '_' taken from another module, or a private module used from outside its package."""
    bad = []
    for imp in imports:
        if imp.module not in modules or imp.module == imp.importer:
            continue
        for n in imp.names:
            if n.startswith("_") and not (n.startswith("__") and n.endswith("__")):
                bad.append(f"{imp.importer} (line {imp.line}) takes private {n} from {imp.module}")
        parts = imp.module.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and part not in ("__init__", "__main__"):
                owner = ".".join(parts[:i])
                if not (imp.importer == owner or imp.importer.startswith(owner + ".")):
                    bad.append(f"{imp.importer} (line {imp.line}) imports private module {imp.module}")
    return bad


def import_cycles(imports: list[Import], modules: dict[str, Path]) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), each a circle; self-imports count."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in imports:
        if imp.module in modules:
            graph[imp.importer].add(imp.module)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@pytest.fixture(scope="module")
def house():
    return read_imports(SRC, "irt_elo")


def test_every_module_belongs_to_a_layer(house):
    modules, _ = house
    assert [m for m in modules if layer_of(m) is None] == []


def test_no_import_circle(house):
    modules, imports = house
    assert import_cycles(imports, modules) == []


def test_imports_only_go_down_the_layers(house):
    _, imports = house
    assert upward_imports(imports) == []


def test_no_module_takes_a_private_name_from_another(house):
    modules, imports = house
    assert private_imports(imports, modules) == []


def test_core_is_pure_math(house):
    """core: numpy/scipy and the standard library; no pandas, no plotting, no files, no printing."""
    modules, imports = house
    stdlib = set(sys.stdlib_module_names)
    bad = [f"{i.importer} imports {i.module}" for i in imports if i.importer.startswith("irt_elo.core")
           and not (i.module.split(".")[0] in CORE_THIRD_PARTY | stdlib | {"__future__"}
                    or i.module == "irt_elo.errors" or i.module.startswith("irt_elo.core"))]
    assert bad == []
    io_calls = []
    for name, path in modules.items():
        if name.startswith("irt_elo.core"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("open", "print"):
                    io_calls.append(f"{name} line {node.lineno}: {node.func.id}()")
    assert io_calls == []


def test_only_the_detector_knows_every_reader(house):
    modules, imports = house
    readers = {m for m in modules if m.startswith("irt_elo.data.readers.")}
    detect_uses = {i.module for i in imports if i.importer == "irt_elo.data.detect"}
    assert readers <= detect_uses, f"detect does not import {sorted(readers - detect_uses)}"
    back = [f"{i.importer} imports {i.module}" for i in imports
            if i.importer in readers and i.module == "irt_elo.data.detect"]
    assert back == []


# -- the checker itself, on planted houses -------------------------------------------------------------------------

PLANT_LAYERS = (("low", ("pkg.low",)), ("high", ("pkg.high",)), ("api", ("pkg",)))


def plant(tmp_path: Path, files: dict[str, str]) -> tuple[dict[str, Path], list[Import]]:
    for rel, text in {"pkg/__init__.py": "", "pkg/low/__init__.py": "", "pkg/high/__init__.py": "", **files}.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return read_imports(tmp_path, "pkg")


def test_checker_finds_a_planted_circle_through_a_function_level_import(tmp_path):
    modules, imports = plant(tmp_path, {
        "pkg/low/a.py": "from pkg.low.b import f\n",
        "pkg/low/b.py": "def f():\n    from . import a\n    return a\n",
        "pkg/low/c.py": "from pkg.low import a\n"})
    assert import_cycles(imports, modules) == [["pkg.low.a", "pkg.low.b"]]


def test_checker_finds_a_planted_upward_import(tmp_path):
    modules, imports = plant(tmp_path, {
        "pkg/low/a.py": "def f():\n    from ..high.b import g\n    return g\n",
        "pkg/high/b.py": "from pkg.low.a import f\n\ndef g():\n    return f\n"})
    assert upward_imports(imports, PLANT_LAYERS) == [
        "pkg.low.a (line 2, layer low) imports pkg.high.b (layer high)"]
    assert import_cycles(imports, modules) == [["pkg.high.b", "pkg.low.a"]]


def test_checker_finds_planted_private_imports_but_not_type_checking_ones(tmp_path):
    modules, imports = plant(tmp_path, {
        "pkg/low/_impl.py": "def _helper():\n    pass\n",
        "pkg/low/a.py": "from pkg.low._impl import _helper\n",
        "pkg/high/b.py": ("from typing import TYPE_CHECKING\nfrom pkg.low import _impl\n"
                          "if TYPE_CHECKING:\n    from pkg.high.c import C\n"),
        "pkg/high/c.py": "from pkg.high.b import x\n"})
    assert private_imports(imports, modules) == [
        "pkg.high.b (line 2) imports private module pkg.low._impl",
        "pkg.low.a (line 1) takes private _helper from pkg.low._impl"]
    assert import_cycles(imports, modules) == []  # b -> c only under TYPE_CHECKING
    assert upward_imports(imports, PLANT_LAYERS) == []


# -- the previous release's module paths ---------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, name, warned", [
    ("irt_elo.frontier", "irt_elo.analysis.capabilities", "Capabilities", "irt_elo.frontier"),
    ("irt_elo.presets", "irt_elo.fit.presets", "get_preset", "irt_elo.presets"),
    ("irt_elo.readers.epoch_hub", "irt_elo.data.readers.epoch_hub", "read_epoch_hub", "irt_elo.readers"),
    ("irt_elo.model", "irt_elo.core.model", "Design", "irt_elo.model"),
])
def test_old_module_paths_import_the_moved_module_with_a_warning(old, new, name, warned):
    # The first old path on the way warns (for a moved submodule: its moved package).
    code = (f"import importlib, warnings\nwarnings.simplefilter('error', FutureWarning)\n"
            f"try:\n    importlib.import_module({old!r})\nexcept FutureWarning as w:\n    print(w)\n"
            f"warnings.simplefilter('ignore')\nimport {old} as a, {new} as b\n"
            f"print(a is b, getattr(a, {name!r}) is getattr(b, {name!r}))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    first, same = r.stdout.splitlines()
    assert first.startswith(f"{warned} has moved to irt_elo.") and "works in this release only" in first
    assert same == "True True"


def test_public_short_paths_keep_working_without_a_warning():
    code = ("import warnings\nwarnings.simplefilter('error')\n"
            "from irt_elo.gap import gap\nfrom irt_elo.datasets import load_epoch_eci\nimport irt_elo\n"
            "print(irt_elo.gap.gap is gap, irt_elo.datasets.load_epoch_eci is load_epoch_eci, callable(irt_elo.fit))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True True True"
