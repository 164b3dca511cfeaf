"""The package layout, read from the source with ``ast`` (nothing is imported).

- at most ten modules stand directly in ``verify/``; the rest live in one folder per stage;
- no module imports an underscore name from another module;
- no import cycle between modules: every import counts, also those made inside a function or
  under ``TYPE_CHECKING``, and so does the package ``__init__`` an import runs on the way;
- a package's ``__init__`` is its face (a docstring, imports and a sorted ``__all__`` of what
  it imports, nothing else), and no other module re-exports a name it does not define.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "verify"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def package(self) -> str:
        """The package this module belongs to (a package's ``__init__`` belongs to itself)."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def verify_imports(module: Module) -> Iterator[tuple[str, list[ast.alias], ast.stmt]]:
    """(imported module, names, statement) for each import of a ``verify`` module, anywhere."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "verify" or node.module.startswith("verify."):
                yield node.module, node.names, node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "verify" or alias.name.startswith("verify."):
                    yield alias.name, [], node


def ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def import_graph(found: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> the modules importing it runs: the targets, their submodules named in a
    ``from`` import, and the package ``__init__`` files on the way that are not already running."""
    graph: dict[str, set[str]] = {name: set() for name in found}
    for module in found.values():
        own = {module.package, *ancestors(module.package)}
        for target, names, _ in verify_imports(module):
            submodules = {f"{target}.{a.name}" for a in names if f"{target}.{a.name}" in found}
            # ``from verify.report import display`` needs the submodule; the package runs only
            # on the way, and not at all when it is the importer's own (already running).
            hits = submodules if names and len(submodules) == len(names) else {target} | submodules
            for hit in list(hits):
                hits |= {a for a in ancestors(hit) if a not in own}
            graph[module.name] |= {h for h in hits if h in found and h != module.name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component larger than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def defined_names(tree: ast.Module) -> set[str]:
    """Names a module binds at top level other than by importing them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def dunder_all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return list(value)
    return None


def isort_key(name: str) -> tuple[int, str]:
    """The order ruff keeps ``__all__`` in: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_few_modules_stand_directly_in_the_package() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


def test_no_underscore_name_is_imported_from_another_module() -> None:
    found = modules()
    bad = [
        f"{m.name} imports {a.name} from {target}"
        for m in found.values()
        for target, names, _ in verify_imports(m)
        for a in names
        if a.name.startswith("_") and not a.name.startswith("__")
    ]
    assert bad == []


def test_no_import_cycle() -> None:
    assert cycles(import_graph(modules())) == []


def test_the_cycle_check_can_fail() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_faces_hold_imports_and_a_sorted_all() -> None:
    problems: list[str] = []
    for m in modules().values():
        if not m.is_package or m.name == "verify":
            continue
        imported: set[str] = set()
        for i, node in enumerate(m.tree.body):
            if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # the docstring
            if isinstance(node, ast.ImportFrom):
                imported |= {a.asname or a.name for a in node.names if node.module != "__future__"}
            elif isinstance(node, ast.Assign) and dunder_all(ast.Module([node], [])) is not None:
                continue
            else:
                problems.append(f"{m.name}: line {node.lineno} is neither an import nor __all__")
        exported = dunder_all(m.tree)
        if exported is None:
            problems.append(f"{m.name}: no __all__")
            continue
        if exported != sorted(exported, key=isort_key):
            problems.append(f"{m.name}: __all__ is not sorted")
        if set(exported) != imported:
            problems.append(f"{m.name}: __all__ differs from the imports by {set(exported) ^ imported}")
    assert problems == []


def test_no_module_outside_a_face_re_exports() -> None:
    problems: list[str] = []
    for m in modules().values():
        if m.is_package:
            continue
        for target, names, _ in verify_imports(m):
            problems += [
                f"{m.name}: {a.name} as {a.asname} from {target}" for a in names if a.asname == a.name
            ]
        exported = dunder_all(m.tree) or []
        foreign = sorted(set(exported) - defined_names(m.tree))
        if foreign:
            problems.append(f"{m.name}: __all__ lists names it does not define: {foreign}")
    assert problems == []


def test_names_are_imported_from_where_they_are_defined_or_from_a_face() -> None:
    found = modules()
    problems: list[str] = []
    for m in found.values():
        for target, names, _ in verify_imports(m):
            source = found.get(target)
            if source is None:
                problems.append(f"{m.name}: no module {target}")
                continue
            offered = set(dunder_all(source.tree) or []) if source.is_package else defined_names(source.tree)
            problems += [
                f"{m.name}: {a.name} from {target}, which does not define it"
                for a in names
                if a.name not in offered and f"{target}.{a.name}" not in found and a.name != "__version__"
            ]
    assert problems == []


def test_no_face_hides_a_submodule() -> None:
    """A face exporting a function named like one of its modules makes ``verify.x.name`` the
    function once the face has run, and ``from verify.x import name`` ambiguous."""
    found = modules()
    clashes = [
        f"{m.name}.{name}"
        for m in found.values()
        if m.is_package
        for name in dunder_all(m.tree) or []
        if f"{m.name}.{name}" in found
    ]
    assert clashes == []
