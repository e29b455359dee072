"""The server's module graph: the imports among webapp/ and sync/ modules read from their source
(no module is imported), the circles among top-level imports (those under `if TYPE_CHECKING:`
run nothing and are left out), the imports written inside
functions, and the modules over 400 lines. `python tests/py_modules.py` prints it as JSON;
tests/unit/test_py_modules.py checks it."""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

MAX_LINES = 400
PACKAGES = ("webapp", "sync")


def modules(root: Path) -> dict[str, Path]:
    """Every module of the packages by its dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _absolute(name: str, module: str, level: int, is_package: bool) -> str:
    """The dotted name a (relative) import names."""
    if not level:
        return name
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _is_type_checking(test: ast.expr) -> bool:
    """True for the test of an `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) block."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str, path: Path, known: dict[str, Path]) -> tuple[set[str], set[str]]:
    """The known modules a module imports: (at its top level, inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = {id(node) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(f) if node is not f}
    # `if TYPE_CHECKING:` imports are read by type checkers only; they run no code at import time.
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                   for stmt in block.body for node in ast.walk(stmt)}
    top, local = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", module, node.level, path.name == "__init__.py")
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        if id(node) in typing_only:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                (local if id(node) in inside else top).add(name)
    return top, local


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        """Number v, visit what it imports, and close a group at its root."""
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return sorted(groups)


def report(root: Path) -> dict:
    """The graph's circles, function-local imports and long modules."""
    known = modules(root)
    top, local, lines = {}, {}, {}
    for name, path in known.items():
        top[name], local[name] = imports(name, path, known)
        lines[name] = len(path.read_text(encoding="utf-8").splitlines())
    return {
        "modules": len(known),
        "cycles": cycles(top),
        "function_local_imports": {k: sorted(v) for k, v in local.items() if v},
        "too_long": {k: n for k, n in lines.items() if n > MAX_LINES},
    }


if __name__ == "__main__":
    print(json.dumps(report(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()), indent=1))
