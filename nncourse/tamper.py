"""Static scan of submissions for attempts to game the autograder; it reports, never grades.

Only code the student wrote is read: answer cells, and any other code cell whose source is
not one of the instructor's (test cells are restored by nbgrader at grading, so an edited
or deleted one is reported, not scanned). A flag names the cell, the line and what was seen:

- patches-module   assigns to, sets or deletes an attribute of an imported module or helper
                   (``np.allclose = ...``, ``setattr(np.testing, ...)``)
- rebinds-name     rebinds at top level a name the tests use: an imported module or helper
                   (``np``, ``assert_close``) or an assert-related builtin (``AssertionError``)
- builtins         touches ``__builtins__`` or the ``builtins`` module
- calls-reference  answers an exercise with nnlib's own implementation of it
- reads-files      open(), np.load & co., pathlib reads, file-system modules, course paths
- escapes          os/subprocess/importlib/inspect..., exec/eval, shell lines and magics
- edited-test      a test cell was edited or deleted (nbgrader grades the original)

`nncourse.scan` applies it to submissions and provides `nn-course scan`.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from importlib.machinery import all_suffixes
from pathlib import Path

from nbgrader import utils

PROTECTED_BUILTINS = {
    "AssertionError", "Exception", "BaseException", "__import__", "isinstance", "abs",
    "float", "bool", "all", "any", "len", "round", "getattr",
}
FILE_MODULES = {"pathlib", "shutil", "glob", "pickle", "shelve", "sqlite3", "io", "tempfile",
                "nbformat", "nbgrader", "json", "csv", "zipfile", "tarfile"}
ESCAPE_MODULES = {"os", "subprocess", "importlib", "inspect", "gc", "ctypes", "socket", "urllib",
                  "http", "requests", "runpy", "marshal", "multiprocessing", "threading",
                  "signal", "code", "IPython", "traceback", "types"}
SYS_ESCAPES = {"sys.modules", "sys._getframe", "sys.settrace", "sys.setprofile", "sys.meta_path",
               "sys.path", "sys.path_hooks", "sys.exit"}
FILE_CALLS = {"open", "numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile",
              "numpy.memmap", "numpy.fromregex", "io.open", "matplotlib.pyplot.imread"}
FILE_METHODS = {"read_text", "read_bytes", "open", "iterdir", "glob", "rglob"}
ESCAPE_CALLS = {"exec", "eval", "compile", "__import__", "breakpoint", "get_ipython", "vars",
                "globals", "locals"}
SAFE_MAGICS = {"matplotlib", "time", "timeit", "precision", "config"}
COURSE_PATHS = re.compile(r"gradebook|\.db\b|autograded|submitted|solutions/|nbgrader_config|\.\./")


def _grade_id(cell: dict, index: int) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell{index}"


def _strip_magics(source: str) -> tuple[str, list[tuple[int, str]]]:
    """Blank out IPython shell lines and magics (so ast can parse); return the risky ones."""
    lines, risky = source.splitlines(), []
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith(("!", "%")):
            name = s.lstrip("%!").split(" ")[0]
            if s.startswith("!") or name not in SAFE_MAGICS:
                risky.append((i + 1, f"shell line or magic {s[:40]!r}"))
            lines[i] = ""
    return "\n".join(lines), risky


def _imports(tree: ast.AST) -> dict[str, str]:
    """Names bound by the import statements of `tree` -> the dotted path they stand for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                names[a.asname or top] = a.name if a.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def _references(tree: ast.AST, aliases: dict[str, str]) -> dict[str, str]:
    """`student_or_reference(student_fn, reference_fn, ...)` calls: student name -> reference."""
    refs = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "student_or_reference" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)):
            path = _resolve(node.args[1], aliases)
            if path:
                refs[node.args[0].id] = path
    return refs


def _resolve(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """Dotted path of `np.testing.x` style expressions rooted at an imported name."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


class _CellScanner(ast.NodeVisitor):
    """Collects (line, kind, detail) for one student cell."""

    def __init__(self, aliases: dict[str, str], protected: set[str], exercise: set[str],
                 refs: set[str]):
        self.aliases, self.protected, self.exercise, self.refs = aliases, protected, exercise, refs
        self.found: list[tuple[int, str, str]] = []
        self.depth = 0  # > 0 inside a function or class body

    def flag(self, node: ast.AST, kind: str, detail: str) -> None:
        self.found.append((getattr(node, "lineno", 0), kind, detail))

    def _bind(self, target: ast.AST, node: ast.AST, import_of: str | None = None) -> None:
        """A name or attribute gets a new value (assignment, def, import, del...)."""
        if isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            for t in getattr(target, "elts", [getattr(target, "value", None)]):
                self._bind(t, node)
            return
        root = _root(target)
        if target is not root:
            if isinstance(root, ast.Name) and root.id in self.aliases:
                if not self.aliases[root.id].startswith("matplotlib"):
                    self.flag(node, "patches-module", f"changes {ast.unparse(target)}")
            return
        name = getattr(target, "id", None)
        if name is None or self.depth:
            return
        if name in ("__builtins__", "builtins"):
            self.flag(node, "builtins", f"rebinds {name}")
        elif name in PROTECTED_BUILTINS:
            self.flag(node, "rebinds-name", f"rebinds the builtin {name}")
        elif name in self.protected and import_of != self.aliases.get(name):
            self.flag(node, "rebinds-name", f"rebinds {name} ({self.aliases[name]})")

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._bind(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AST) -> None:
        self._bind(node.target, node)
        self.generic_visit(node)

    visit_AnnAssign = visit_AugAssign

    def visit_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._bind(t, node)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, node)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in self.protected or name in PROTECTED_BUILTINS:
                self.flag(node, "rebinds-name", f"declares global {name}")

    def _scope(self, node: ast.AST) -> None:
        self._bind(ast.Name(id=node.name), node)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def _import(self, node: ast.AST, bound: dict[str, str]) -> None:
        for name, path in bound.items():
            top = path.split(".")[0]
            if top == "builtins":
                self.flag(node, "builtins", f"imports {path}")
            elif top in FILE_MODULES:
                self.flag(node, "reads-files", f"imports {path}")
            elif top in ESCAPE_MODULES:
                self.flag(node, "escapes", f"imports {path}")
            elif path.startswith("nnlib.") and self._is_exercise(path):
                self.flag(node, "calls-reference", f"imports {path}, nnlib's own answer")
            self._bind(ast.Name(id=name), node, import_of=path)

    def visit_Import(self, node: ast.Import) -> None:
        self._import(node, _imports(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if any(a.name == "*" for a in node.names):
            self.flag(node, "rebinds-name", f"star import from {node.module}")
        self._import(node, _imports(node))

    def _is_exercise(self, path: str) -> bool:
        return path in self.refs or path.rsplit(".", 1)[-1].lower() in self.exercise

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag(node, "builtins", "uses __builtins__")
        elif node.id in ESCAPE_CALLS and node.id not in self.aliases:
            self.flag(node, "escapes", f"uses {node.id}")
        self._reference(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self._reference(node):
            self.generic_visit(node)

    def _reference(self, node: ast.AST) -> bool:
        path = _resolve(node, self.aliases)
        if path in SYS_ESCAPES:
            self.flag(node, "escapes", f"uses {path}")
            return True
        if path and path.startswith("nnlib.") and self._is_exercise(path):
            self.flag(node, "calls-reference", f"uses {path}, nnlib's own answer")
            return True
        return False

    def visit_Call(self, node: ast.Call) -> None:
        path = _resolve(node.func, self.aliases) or getattr(node.func, "id", None)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if path in FILE_CALLS or (path is None and method in FILE_METHODS):
            self.flag(node, "reads-files", f"calls {ast.unparse(node.func)}()")
        elif path in ("setattr", "delattr") and node.args:
            target = _resolve(node.args[0], self.aliases)
            if target and not target.startswith("matplotlib"):
                self.flag(node, "patches-module", f"{path} on {target}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and COURSE_PATHS.search(node.value):
            self.flag(node, "reads-files", f"mentions {node.value[:40]!r}")


def _is_module(path: str) -> bool:
    """Whether `path` names a module or package, looked up on disk without importing anything."""
    top, *parts = path.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    places = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    for part in parts:
        files = [p / f"{part}{suffix}" for p in places for suffix in all_suffixes()]
        if not any(f.exists() for f in files) and not any((p / part).is_dir() for p in places):
            return False
        places = [p / part for p in places if (p / part).is_dir()]
    return spec is not None


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _is_test(cell: dict) -> bool:
    return utils.is_grade(cell) and not utils.is_solution(cell)


def _edited_tests(submitted: list, source: list) -> list[tuple[str, int, str, str]]:
    found, present = [], {_grade_id(c, i) for i, c in submitted if _is_test(c)}
    for i, c in submitted:
        checksum = c["metadata"].get("nbgrader", {}).get("checksum")
        if _is_test(c) and checksum and utils.compute_checksum(c) != checksum:
            found.append((_grade_id(c, i), 0, "edited-test",
                          "test cell edited (graded as released)"))
    for i, c in source:
        if _is_test(c) and _grade_id(c, i) not in present:
            found.append((_grade_id(c, i), 0, "edited-test",
                          "test cell deleted (graded as released)"))
    return found


def scan_notebook(submitted: dict, source: dict) -> list[tuple[str, int, str, str]]:
    """Flags of a submitted notebook, read against its source (instructor) notebook.

    Returns (cell, line, kind, detail) tuples; the cell is its grade_id, else "cellN".
    """
    mine = [(i, c) for i, c in enumerate(source["cells"]) if c["cell_type"] == "code"]
    theirs = [(i, c) for i, c in enumerate(submitted["cells"]) if c["cell_type"] == "code"]
    found = _edited_tests(theirs, mine)
    instructor = {c["source"].strip() for _, c in mine if not utils.is_solution(c)}
    student = [(i, c) for i, c in theirs if not _is_test(c)
               and (utils.is_solution(c) or c["source"].strip() not in instructor)]

    given = ast.Module(body=[], type_ignores=[])  # the instructor's code, as one module
    for _, c in mine:
        given.body += getattr(_parse(_strip_magics(c["source"])[0]), "body", [])
    aliases = _imports(given)
    modules = {n for n, p in aliases.items() if _is_module(p)}
    protected = modules | {n for n, p in aliases.items() if p.split(".")[0] == "numpy"
                           or p.startswith("nnlib.testing")}
    refs = _references(given, aliases)

    trees = {}
    for i, c in student:
        code, risky = _strip_magics(c["source"])
        found += [(_grade_id(c, i), line, "escapes", detail) for line, detail in risky]
        trees[i] = _parse(code)  # None: a syntax error only fails the student's own cell
    own = {}
    for tree in filter(None, trees.values()):
        own.update(_imports(tree))
    aliases = {**own, **aliases}  # a student's import cannot redefine what np means

    for i, c in student:
        if trees[i] is None:
            continue
        cell = _grade_id(c, i)
        exercise = set()
        if utils.is_solution(c):
            exercise = {cell} | {n.name for n in trees[i].body if isinstance(n, _DEFS)}
        scanner = _CellScanner(aliases, protected, {e.lower() for e in exercise},
                               {refs[e] for e in exercise if e in refs})
        scanner.visit(trees[i])
        found += [(cell, line, kind, detail) for line, kind, detail in scanner.found]
    return found


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
