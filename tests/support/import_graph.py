"""The import graph of the app's own modules, read from the source with `ast` (nothing is imported).

A reusable helper for architecture tests: `ImportGraph.load(root)` parses every module under
`webapp/` and `sync/` and records each import of another app module, marking the ones written
inside a function. Rules are then plain queries: `graph.cycles()`, `graph.imports_from(...)`,
`graph.long_modules()`. Run it to see the whole report, e.g. from the project root:
`.venv/bin/python -m tests.support.import_graph` (circles, imports inside functions, long modules).
"""
from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("webapp", "sync")
MAX_LINES = 400


@dataclass(frozen=True)
class Edge:
    """One import: `source` imports `target` at `line`; `local` when written inside a function."""

    source: str
    target: str
    line: int
    local: bool


@dataclass
class ImportGraph:
    """Modules of the app and the imports between them."""

    modules: dict[str, Path] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path, packages: tuple[str, ...] = PACKAGES) -> "ImportGraph":
        """Parse every module of `packages` under `root`."""
        graph = cls()
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                parts = list(path.relative_to(root).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                graph.modules[".".join(parts)] = path
        for name, path in graph.modules.items():
            graph.edges += graph._edges_of(name, path)
        return graph

    def _resolve(self, base: str, names: list[str]) -> list[str]:
        """The app modules an import of `base` (with these imported names) reaches."""
        found = []
        for imported in names:
            if f"{base}.{imported}" in self.modules:
                found.append(f"{base}.{imported}")
            elif base in self.modules:
                found.append(base)
        return sorted(set(found))

    def _edges_of(self, name: str, path: Path) -> list[Edge]:
        """The imports one module makes of other app modules."""
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: list[Edge] = []

        def visit(node: ast.AST, local: bool, type_only: bool) -> None:
            """Walk the tree, remembering whether we are inside a function or a TYPE_CHECKING block."""
            for child in ast.iter_child_nodes(node):
                inside = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                guarded = type_only or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
                if isinstance(child, ast.Import) and not guarded:
                    for alias in child.names:
                        if alias.name.split(".")[0] in PACKAGES and alias.name in self.modules:
                            edges.append(Edge(name, alias.name, child.lineno, inside))
                elif isinstance(child, ast.ImportFrom) and not guarded:
                    if child.level:
                        package = name if is_package else name.rpartition(".")[0]
                        for _ in range(child.level - 1):
                            package = package.rpartition(".")[0]
                        base = f"{package}.{child.module}" if child.module else package
                    else:
                        base = child.module or ""
                    if base.split(".")[0] in PACKAGES:
                        for target in self._resolve(base, [a.name for a in child.names]):
                            if target != name:
                                edges.append(Edge(name, target, child.lineno, inside))
                visit(child, inside, guarded)

        visit(tree, False, False)
        return edges

    def imports_from(self, prefix: str, *, local: bool | None = None) -> list[Edge]:
        """Imports made by modules named `prefix` or under it (only local ones, or only top-level)."""
        return [e for e in self.edges if _under(e.source, prefix) and (local is None or e.local == local)]

    def cycles(self, *, include_local: bool = True) -> list[list[str]]:
        """Groups of modules that import each other (strongly connected components of two or more)."""
        nexts: dict[str, set[str]] = {m: set() for m in self.modules}
        for e in self.edges:
            if include_local or not e.local:
                nexts[e.source].add(e.target)
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []
        counter = [0]

        def strong(v: str) -> None:
            """Tarjan's algorithm, one vertex."""
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on_stack.add(v)
            for w in sorted(nexts[v]):
                if w not in index:
                    strong(w)
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
                    found.append(sorted(group))

        for module in sorted(self.modules):
            if module not in index:
                strong(module)
        return sorted(found)


    def long_modules(self, limit: int = MAX_LINES) -> dict[str, int]:
        """Modules longer than `limit` lines, with their length."""
        lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in self.modules.items()}
        return {name: n for name, n in sorted(lengths.items()) if n > limit}

    def report(self) -> dict:
        """Everything a reader wants to see at once: circles, imports inside functions, long modules."""
        local: dict[str, list[str]] = {}
        for e in self.edges:
            if e.local:
                local.setdefault(e.source, []).append(f"{e.target} (line {e.line})")
        return {
            "modules": len(self.modules),
            "cycles": self.cycles(include_local=False),
            "cycles_counting_imports_inside_functions": self.cycles(include_local=True),
            "imports_inside_functions": {k: sorted(v) for k, v in sorted(local.items())},
            "longer_than_%d_lines" % MAX_LINES: self.long_modules(),
        }


def _under(module: str, prefix: str) -> bool:
    """True when `module` is `prefix` or inside it."""
    return module == prefix or module.startswith(prefix + ".")


if __name__ == "__main__":
    print(json.dumps(ImportGraph.load(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()).report(), indent=1))
