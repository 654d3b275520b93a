"""Grading power: the share of plausible one-edit mutants of each solution that lose points.

    nice python benchmarks/grading_power.py [--notebook 05_backprop] [--cell Linear]
                                            [--limit N] [--timeout 60] [--report FILE] [--list]

For every autograded answer cell of solutions/*/*.ipynb, the code between `### BEGIN SOLUTION`
and `### END SOLUTION` is parsed with `ast` and changed by exactly one edit (docstrings,
signatures, string constants and f-strings such as error messages are never touched):

  operator   +/-, * and /, @ -> *, ** -> *, // -> /, += -> -= or =, -x -> x, not x -> x,
             < <-> <= and < <-> > (likewise for >, >=), == <-> !=, is, in, and <-> or
  constant   0 -> 1; 1 -> 0, 2, -1; 2 -> 1, -2; 0.5 -> 1, -0.5; c -> -c; an int c -> c+1, c-1;
             c in [0.01, 0.99] -> 1 - c (a probability and its complement); True <-> False;
             an index or slice bound (x[:, 1], shape[0], phi[1:]) -> c+1, c-1 (0 -> 1 only)
  axis       axis=k -> axis=0 (axis=1 when k = 0), or the keyword removed
  transpose  a .T removed, or added to an operand of @, np.dot or np.matmul
  swap       the two operands of @, np.dot, np.matmul or np.outer swapped
  drop       one statement removed (when what is left still parses)

Mutants whose source equals the solution's or an earlier mutant's are left out; the order is
deterministic (by line, then kind, then column), and --limit keeps the first N of each cell.

Each mutant replaces its answer cell in the solved notebook, graded by tests/notebook_runner.py's
`grade_with` in a forked child process (so one mutant cannot disturb the next), stopped after
--timeout seconds. Outcomes: killed (a test cell with points fails), definition (the cell raises
when it is defined: killed trivially), timeout (killed too: the grader's timeout would stop it),
crash (the child died: killed), survived (full marks). A surviving transpose or product swap
is graded once more with its operands passed through a recorder: if they are never 2-D the
edit is a no-op (.T of a 1-D array; a @ b of two 1-D ones) and the mutant counts as
equivalent, apart from the others. Prints a table per notebook
and every other survivor with its cell, line and edit, for a person to judge (some are
equivalent too: a constant whose value never matters). Exits 0.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # a polite guest on a shared machine
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402 - after the thread setting above

from tests.notebook_runner import grade_with, load_notebook, solved_namespace  # noqa: E402

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
KILLED_STATUSES = ("killed", "definition", "timeout", "crash")
STATUSES = (*KILLED_STATUSES, "equivalent", "survived")

# ------------------------------------------------------------------ the edits
SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
    ast.Pow: "**", ast.MatMult: "@", ast.Mod: "%", ast.USub: "-", ast.UAdd: "+",
    ast.Not: "not", ast.Invert: "~", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in", ast.And: "and", ast.Or: "or",
}
BINARY_SWAPS = {
    ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
    ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult],
}
COMPARE_SWAPS = {
    ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt, ast.GtE], ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt, ast.LtE], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot], ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In],
}
PRODUCTS = {"dot", "matmul", "outer"}  # np.<name>(a, b): a product whose operands can swap
KIND_ORDER = ("operator", "constant", "axis", "transpose", "swap", "drop")
PROBE = "_grading_power_probe"  # name of the ndim recorder that checks transpose survivors


@dataclass(frozen=True)
class Mutant:
    """One edit of an answer cell: `source` is the whole cell with that edit."""

    notebook: str
    cell: str  # grade_id of the answer cell
    kind: str  # one of KIND_ORDER
    line: int  # line of the edit in the answer cell, from 1
    edit: str  # what changed, e.g. "`+` -> `-`"
    before: str  # the changed line(s) of the solution (as unparsed)
    after: str  # the same line(s) in the mutant, "(removed)" for a dropped statement
    source: str
    probe_source: str = ""  # transpose or product swap: the mutant, operands through PROBE


@dataclass(frozen=True)
class _Site:
    """Where and how to edit: `apply` changes node number `index` of ast.walk(tree) in place."""

    key: tuple[int, int, int]  # line, kind order, column: the deterministic order of mutants
    index: int
    kind: str
    edit: str
    apply: Callable[[ast.AST, dict], None]
    probe: Callable[[ast.AST, dict], None] | None = None  # the same edit through PROBE


def solution_spans(source: str) -> list[tuple[int, int]]:
    """(begin marker line, end marker line) of each solution region, lines counted from 1."""
    spans, start = [], None
    for number, text in enumerate(source.splitlines(), 1):
        if BEGIN in text:
            start = number
        elif END in text and start is not None:
            spans.append((start, number))
            start = None
    return spans


def _parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """id(node) -> (parent, field, index in the field's list or None)."""
    out = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for i, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        out[id(child)] = (parent, field, i)
            elif isinstance(value, ast.AST):
                out[id(value)] = (parent, field, None)
    return out


def _replace(node: ast.AST, new: ast.AST, parents: dict) -> None:
    parent, field, i = parents[id(node)]
    if i is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[i] = new


def _remove(node: ast.AST, parents: dict) -> None:
    parent, field, i = parents[id(node)]
    del getattr(parent, field)[i]


def _number(node: ast.AST) -> int | float | bool | None:
    """The value of a numeric literal (`3`, `-0.5`, `True`), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return -inner if inner is not None and not isinstance(inner, bool) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    return None


def _literal(value: int | float | bool) -> ast.expr:
    if isinstance(value, bool) or value >= 0:
        return ast.Constant(value)
    return ast.UnaryOp(ast.USub(), ast.Constant(-value))


def new_constants(c: int | float | bool, index: bool = False) -> list[int | float | bool]:
    """The plausible wrong values of a numeric literal c (see the module docstring).

    index: c indexes or slices an array (`x[:, 1]`, `shape[0]`): only off by one, c+1 and c-1
        (0 -> 1 only).
    """
    if isinstance(c, bool):
        return [not c]
    if index and isinstance(c, int):
        out = [c + 1] if c == 0 else [c + 1, c - 1]  # x[-1] for x[0] would wrap around
    elif c == 0:
        out = [1]
    elif c == 1:
        out = [0, 2, -1]
    elif c == 2:
        out = [1, -2]
    elif c == 0.5:
        out = [1, -0.5]
    else:
        out = [-c]
        if isinstance(c, int):
            out += [c + 1, c - 1]
        elif 0.01 <= c <= 0.99:
            out.append(round(1 - c, 12))
    return [type(c)(v) for v in dict.fromkeys(out) if v != c]


def _swap_operands(node: ast.BinOp, parents: dict, probe: bool = False) -> None:
    node.left, node.right = node.right, node.left
    if probe:
        node.left, node.right = _probed(node.left, False), _probed(node.right, False)


def _swap_args(call: ast.Call, parents: dict, probe: bool = False) -> None:
    call.args[0], call.args[1] = call.args[1], call.args[0]
    if probe:
        call.args[0], call.args[1] = _probed(call.args[0], False), _probed(call.args[1], False)


def _is_index(node: ast.AST, parents: dict) -> bool:
    """Is this literal an index or a slice bound: `x[1]`, `x[:, 0]`, `x[1:]`?"""
    parent, field, _ = parents[id(node)]
    if isinstance(parent, ast.Tuple | ast.Slice):
        parent, field, _ = parents[id(parent)]
    return isinstance(parent, ast.Subscript) and field == "slice"


def _transposed(node: ast.expr) -> ast.expr:
    return ast.Attribute(value=node, attr="T", ctx=ast.Load())


def _set_arg(call: ast.Call, i: int, value: ast.expr) -> None:
    call.args[i] = value


def _probed(node: ast.expr, transpose: bool) -> ast.expr:
    """PROBE(node, transpose): records np.ndim(node), returns node.T if transpose else node."""
    return ast.Call(ast.Name(PROBE, ast.Load()), [node, ast.Constant(transpose)], [])


def _is_transpose(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "T"


def _short(node: ast.AST, width: int = 30) -> str:
    text = ast.unparse(node)
    return text if len(text) <= width else text[: width - 3] + "..."


def _sites(tree: ast.Module, spans: list[tuple[int, int]]) -> Iterator[_Site]:
    """Every edit inside a solution region, as _Sites (not yet in order)."""
    nodes = list(ast.walk(tree))
    parents = _parents(tree)
    hidden = {id(n) for s in nodes if isinstance(s, ast.JoinedStr) for n in ast.walk(s)}

    def inside(node: ast.AST) -> bool:
        return any(a < node.lineno and node.end_lineno < b for a, b in spans)

    def site(node: ast.AST, kind: str, edit: str, apply: Callable,
             probe: Callable | None = None) -> _Site:
        key = (node.lineno, KIND_ORDER.index(kind), node.col_offset)
        return _Site(key, nodes.index(node), kind, edit, apply, probe)

    for node in nodes:
        if id(node) in hidden or not hasattr(node, "lineno") or not inside(node):
            continue
        parent = parents.get(id(node), (None, "", None))[0]
        value = _number(node)
        if value is not None:
            # a literal: constant edits (axis=k has its own); `-c` is one literal, not two
            in_negative = isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.USub)
            in_axis = isinstance(parent, ast.keyword) and parent.arg == "axis"
            if not in_negative and not in_axis:
                for v in new_constants(value, index=_is_index(node, parents)):
                    yield site(node, "constant", f"`{value!r}` -> `{v!r}`",
                               lambda n, p, v=v: _replace(n, _literal(v), p))
            continue
        if isinstance(node, ast.BinOp | ast.AugAssign):
            old = SYMBOLS.get(type(node.op), "?")
            for new in BINARY_SWAPS.get(type(node.op), []):
                sym = SYMBOLS[new]
                edit = f"`{old}=` -> `{sym}=`" if isinstance(node, ast.AugAssign) else \
                    f"`{old}` -> `{sym}`"
                yield site(node, "operator", edit,
                           lambda n, p, new=new: setattr(n, "op", new()))
        if isinstance(node, ast.AugAssign):
            yield site(node, "operator", f"`{SYMBOLS.get(type(node.op), '?')}=` -> `=`",
                       lambda n, p: _replace(n, ast.Assign([n.target], n.value), p))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            yield site(node, "swap", "operands of `@` swapped", _swap_operands,
                       lambda n, p: _swap_operands(n, p, probe=True))
            for side in ("left", "right"):
                operand = getattr(node, side)
                if not _is_transpose(operand):
                    yield site(node, "transpose", f"`.T` added to `{_short(operand)}`",
                               lambda n, p, s=side: setattr(n, s, _transposed(getattr(n, s))),
                               lambda n, p, s=side: setattr(n, s, _probed(getattr(n, s), True)))
        if isinstance(node, ast.UnaryOp):
            yield site(node, "operator", f"`{SYMBOLS.get(type(node.op), '?')}` removed",
                       lambda n, p: _replace(n, n.operand, p))
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for new in COMPARE_SWAPS.get(type(op), []):
                    yield site(node, "operator", f"`{SYMBOLS[type(op)]}` -> `{SYMBOLS[new]}`",
                               lambda n, p, i=i, new=new: n.ops.__setitem__(i, new()))
        if isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield site(node, "operator", f"`{SYMBOLS[type(node.op)]}` -> `{SYMBOLS[new]}`",
                       lambda n, p, new=new: setattr(n, "op", new()))
        if isinstance(node, ast.keyword) and node.arg == "axis":
            k = _number(node.value)
            if isinstance(k, int) and not isinstance(k, bool):
                v = 1 if k == 0 else 0
                yield site(node, "axis", f"`axis={k}` -> `axis={v}`",
                           lambda n, p, v=v: setattr(n, "value", _literal(v)))
            yield site(node, "axis", f"`axis={ast.unparse(node.value)}` removed",
                       lambda n, p: _remove(n, p))
        if _is_transpose(node) and isinstance(node.ctx, ast.Load):
            yield site(node, "transpose", f"`.T` removed from `{_short(node.value)}`",
                       lambda n, p: _replace(n, n.value, p),
                       lambda n, p: _replace(n, _probed(n.value, False), p))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in PRODUCTS and len(node.args) >= 2):
            name = node.func.attr
            yield site(node, "swap", f"operands of `{name}` swapped", _swap_args,
                       None if name == "outer" else lambda n, p: _swap_args(n, p, probe=True))
            if name != "outer":
                for i in (0, 1):
                    if not _is_transpose(node.args[i]):
                        yield site(node, "transpose",
                                   f"`.T` added to `{_short(node.args[i])}`",
                                   lambda n, p, i=i: _set_arg(n, i, _transposed(n.args[i])),
                                   lambda n, p, i=i: _set_arg(n, i, _probed(n.args[i], True)))
        is_string = (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str))
        if isinstance(node, ast.stmt) and not is_string:
            yield site(node, "drop", "statement removed", lambda n, p: _remove(n, p))


def _changed_lines(old: str, new: str) -> tuple[str, str]:
    """The lines that differ between two unparsed sources, as (before, after)."""
    minus, plus = [], []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            minus.append(line[1:].strip())
        elif line.startswith("+") and not line.startswith("+++"):
            plus.append(line[1:].strip())

    def show(lines: list[str]) -> str:
        return lines[0] + (f" ... ({len(lines)} lines)" if len(lines) > 1 else "")

    return (show(minus) if minus else ""), (show(plus) if plus else "(removed)")


def mutants(notebook: str, cell: str, source: str) -> list[Mutant]:
    """Every distinct one-edit mutant of the solution regions of one answer cell, in order."""
    spans = solution_spans(source)
    if not spans:
        return []
    original = ast.unparse(ast.parse(source))
    seen, out = {original}, []
    for s in sorted(_sites(ast.parse(source), spans), key=lambda s: s.key):
        text = _edited(source, s.index, s.apply)
        try:
            ast.parse(text)
        except SyntaxError:  # e.g. the only statement of a body dropped
            continue
        if text in seen:
            continue
        seen.add(text)
        before, after = _changed_lines(original, text)
        probe = _edited(source, s.index, s.probe) if s.probe else ""
        out.append(Mutant(notebook, cell, s.kind, s.key[0], s.edit, before, after, text, probe))
    return out


def _edited(source: str, index: int, apply: Callable[[ast.AST, dict], None]) -> str:
    """`source` with `apply` done to node number `index` of ast.walk, unparsed."""
    tree = ast.parse(source)
    apply(list(ast.walk(tree))[index], _parents(tree))
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


def answer_cells(notebook: str) -> list[tuple[str, str]]:
    """(grade_id, source) of every autograded answer cell (those with a solution region)."""
    out = []
    for c in load_notebook(notebook):
        meta = c.get("metadata", {}).get("nbgrader", {})
        source = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        if meta.get("solution") and not meta.get("grade") and BEGIN in source:
            out.append((meta["grade_id"], source))
    return out


# ------------------------------------------------------------------ grading
@dataclass(frozen=True)
class Outcome:
    status: str  # one of STATUSES
    detail: str = ""  # the first failing test cell and its message, or why it crashed
    max_ndim: int = -1  # with probe=True: the largest np.ndim PROBE saw (-1: never called)


def _grade_here(notebook: str, cell: str, source: str) -> Outcome:
    try:
        graded = grade_with(notebook, cell, source)
    except RuntimeError as err:
        if "does not even define cleanly" in str(err):
            return Outcome("definition", str(err)[:300])
        return Outcome("crash", f"RuntimeError: {err}"[:300])
    failing = [(g, e) for g, e in graded.results.items() if e and graded.points[g] > 0]
    if failing:
        return Outcome("killed", f"{failing[0][0]}: {failing[0][1]}"[:300])
    return Outcome("survived")


def _child(notebook: str, cell: str, source: str, probe: bool) -> Outcome:
    """The forked child's work: grade, with PROBE defined in the namespace if asked."""
    ndims = [-1]
    if probe:
        def record(a: object, transpose: bool) -> object:
            ndims.append(int(np.ndim(a)))
            return a.T if transpose else a

        solved_namespace(notebook)[0][PROBE] = record
    outcome = _grade_here(notebook, cell, source)
    return Outcome(outcome.status, outcome.detail, max(ndims))


def grade(notebook: str, cell: str, source: str, timeout: float,
          probe: bool = False) -> Outcome:
    """Grade one replacement of answer cell `cell` in a forked child, killed after `timeout` s.

    probe: `source` calls PROBE(operand, transpose) (see Mutant.probe_source); the outcome
    then says how many dimensions the operand had at most.
    """
    solved_namespace(notebook)  # run the notebook once here: every child inherits the result
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade, send the outcome, never return into the caller
        try:
            os.close(read_fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            try:
                outcome = _child(notebook, cell, source, probe)
            except BaseException as err:  # noqa: B036 - anything the mutant raises is an outcome
                outcome = Outcome("crash", f"{type(err).__name__}: {err}"[:300])
            os.write(write_fd, json.dumps(outcome.__dict__).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    data, deadline, done = b"", time.monotonic() + timeout, False
    try:
        while not done:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                return Outcome("timeout", f"no verdict after {timeout:g} s")
            chunk = os.read(read_fd, 1 << 16)
            data, done = data + chunk, not chunk
    finally:  # also when this process is stopped (SIGTERM, Ctrl-C): the child goes with it
        os.close(read_fd)
        if not done:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        return Outcome(**json.loads(data))
    except ValueError:
        return Outcome("crash", "the grading process died without a verdict")


def judge(m: Mutant, timeout: float) -> Outcome:
    """Grade a mutant; a surviving transpose or swap is re-run through PROBE: is it a no-op?

    "equivalent": the operands are never 2-D while the tests run (.T of a 1-D array is the
    array itself; a @ b == b @ a for 1-D a and b). An edit whose operands are never evaluated
    stays a survivor, noted: the tests never run that expression.
    """
    outcome = grade(m.notebook, m.cell, m.source, timeout)
    if outcome.status != "survived" or not m.probe_source:
        return outcome
    probed = grade(m.notebook, m.cell, m.probe_source, timeout, probe=True)
    if probed.status != "survived":
        return outcome
    if probed.max_ndim < 0:
        return Outcome("survived", "the tests never evaluate this expression")
    if probed.max_ndim < 2:
        return Outcome("equivalent", f"operands at most {probed.max_ndim}-D in every test")
    return outcome


# ------------------------------------------------------------------ the report
def notebooks(pattern: str | None) -> list[str]:
    paths = sorted(ROOT.glob("solutions/*/*.ipynb"))
    return [str(p.relative_to(ROOT)) for p in paths if not pattern or pattern in p.parent.name]


def _table(rows: list[tuple[str, dict[str, int]]]) -> list[str]:
    head = (f"{'notebook':<24} {'mutants':>7} {'killed':>6} {'(def':>5} {'timeout':>7} "
            f"{'crash)':>6} {'equiv':>5} {'survived':>8} {'killed fraction':>15} "
            f"{'of non-equiv':>12}")
    lines = [head, "-" * len(head)]
    for name, c in rows:
        total = sum(c.values())
        killed = sum(c[k] for k in KILLED_STATUSES)
        fraction = f"{killed / total:.3f}" if total else "-"
        real = total - c["equivalent"]
        adjusted = f"{killed / real:.3f}" if real else "-"
        lines.append(f"{name:<24} {total:>7} {killed:>6} {c['definition']:>5} "
                     f"{c['timeout']:>7} {c['crash']:>6} {c['equivalent']:>5} "
                     f"{c['survived']:>8} {fraction:>15} {adjusted:>12}")
    return lines


def _survivor(m: Mutant, outcome: Outcome) -> str:
    note = f" ({outcome.detail})" if outcome.detail else ""
    return (f"    line {m.line:<3} [{m.kind}] {m.edit}{note}\n"
            f"        was: {m.before}\n        now: {m.after}")


def run(args: argparse.Namespace) -> list[str]:
    """Generate and grade the mutants; return the report, printing progress as it goes."""
    rows, sections = [], []
    for notebook in notebooks(args.notebook):
        name = Path(notebook).parent.name
        counts, lines = dict.fromkeys(STATUSES, 0), []
        for cell, source in answer_cells(notebook):
            if args.cell and cell != args.cell:
                continue
            found = mutants(notebook, cell, source)[: args.limit]
            if args.list:
                for m in found:
                    print(f"{name} {cell} line {m.line} [{m.kind}] {m.edit}: {m.after}")
                continue
            baseline = grade(notebook, cell, ast.unparse(ast.parse(source)), args.timeout)
            if baseline.status != "survived":
                print(f"{name} {cell}: the unedited solution itself fails ({baseline.detail}); "
                      "its mutants are skipped", flush=True)
                continue
            start, alive, same, stopped = time.perf_counter(), [], [], []
            for m in found:
                outcome = judge(m, args.timeout)
                counts[outcome.status] += 1
                group = {"survived": alive, "equivalent": same, "timeout": stopped,
                         "crash": stopped}.get(outcome.status)
                if group is not None:
                    group.append((m, outcome))
            print(f"{name} {cell}: {len(found)} mutants, {len(alive)} survived, "
                  f"{len(same)} equivalent ({time.perf_counter() - start:.0f} s)", flush=True)
            if alive:
                lines += [f"  -- {cell} ({len(alive)} of {len(found)} survived)",
                          *(_survivor(m, o) for m, o in alive)]
            if same:
                lines += [f"  -- {cell}: {len(same)} checked equivalent (no-op on 1-D operands)",
                          *(_survivor(m, o) for m, o in same)]
            if stopped:
                lines += [f"  -- {cell}: {len(stopped)} timed out or crashed (counted as killed)",
                          *(_survivor(m, Outcome(o.status, f"{o.status}: {o.detail}"))
                            for m, o in stopped)]
        if not args.list:
            rows.append((name, counts))
        if lines:
            sections += [f"== {name} ==", *lines]
    return _report(rows, sections)


def _report(rows: list[tuple[str, dict[str, int]]], sections: list[str]) -> list[str]:
    """The table, the overall fractions, then the survivors by notebook and answer cell."""
    if not rows:
        return []
    overall = {k: sum(c[k] for _, c in rows) for k in STATUSES}
    out = _table([*rows, ("all", overall)])
    total, killed = sum(overall.values()), sum(overall[k] for k in KILLED_STATUSES)
    if total:
        real = total - overall["equivalent"]
        out.append(f"\noverall: {killed} of {total} mutants lose points ({killed / total:.3f}); "
                   f"{killed} of the {real} not checked equivalent "
                   f"({killed / real if real else 1:.3f})")
    if sections:
        out += ["", "Surviving mutants (full marks), by notebook and answer cell; then the "
                "checked-equivalent ones, timeouts and crashes:", *sections]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebook", help="only assignments whose id contains this, e.g. 05")
    parser.add_argument("--cell", help="only the answer cell with this grade_id")
    parser.add_argument("--limit", type=int, help="at most this many mutants per answer cell")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before a mutant's grading is stopped (default 60)")
    parser.add_argument("--report", type=Path, help="also write the report to this file")
    parser.add_argument("--list", action="store_true", help="list the mutants, grade nothing")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the grading child
    report = run(args)
    print("\n".join(["", *report]))
    if args.report:
        args.report.write_text("\n".join(report) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
