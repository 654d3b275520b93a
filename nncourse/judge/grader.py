"""Grade one notebook: the student's cells run in their process, the test cells in the judge's.

The judge (this process) executes every autograder test cell, hidden tests included, in a
namespace of its own: the setup cells the tests need (the imports, taken from the instructor's
source, never from the submission) and, for every name an answer cell defines, a proxy to that
name in the student's process. A test calls the student's code through the proxy; arguments and
results cross as plain data (`wire.py`); the expected values, the assertions and the verdict
never leave the judge. The student's process only ever sees the inputs it is called with.

The graded notebook gets, in each test cell, the student's own output during the test, what the
test printed, and the judge's message if it failed (never a traceback through hidden test code),
so nbgrader's SaveAutoGrades scores it as usual.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import symtable
import time
import types
import warnings
from dataclasses import dataclass, field

from nbformat import NotebookNode, v4
from nbgrader import utils

from nncourse.judge.wire import Broken, Peer, Proxy, Timeout

JUDGE_MODULE = "__judge__"
# What the sandbox's refusals look like in a notebook's outputs, for the instructor's summary.
REFUSALS = {
    "WithheldError": "called a withheld nnlib reference",
    "MemoryError": "ran out of memory (the per-process limit)",
    "Unable to allocate": "ran out of memory (the per-process limit)",
    "Resource temporarily unavailable": "hit the process limit",
    "Network is unreachable": "tried the network",
    "File too large": "hit the file size limit",
    "Read-only file system": "tried to write outside its folder",
}
_INTERNAL = ("nncourse/judge/", "<nncourse-judge>")


class JudgePeer(Peer):
    """The judge's side: hands the student only what a test gave it, and no private attribute."""

    def __init__(self, namespace: dict):
        super().__init__("j")
        self.test_namespace = namespace
        self.guarded = True

    def exposable(self, obj) -> bool:
        if isinstance(obj, Proxy):
            return True
        if isinstance(obj, (types.ModuleType, type, types.BuiltinFunctionType,
                            types.FrameType, types.TracebackType, types.GeneratorType)):
            return False
        if isinstance(obj, types.FunctionType):
            return obj.__globals__ is self.test_namespace or _nnlib(obj.__module__)
        if isinstance(obj, types.MethodType):
            return self.exposable(obj.__self__) and self.exposable(obj.__func__)
        if isinstance(obj, types.CodeType):  # a generator's code: from the tests or nnlib
            return obj.co_filename.startswith("<test") or "nnlib" in obj.co_filename
        if isinstance(obj, types.SimpleNamespace):
            return True
        module = type(obj).__module__
        return module == JUDGE_MODULE or _nnlib(module)

    def readable(self, obj, name: str) -> bool:
        return not name.startswith("_")


def _nnlib(module: str | None) -> bool:
    return bool(module) and (module == "nnlib" or module.startswith("nnlib."))


def cell_source(cell: NotebookNode) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def is_test(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def is_answer(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and utils.is_solution(cell)


def _table(source: str) -> symtable.SymbolTable | None:
    try:
        return symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return None


def defined_names(table: symtable.SymbolTable) -> set[str]:
    """Names a cell binds at top level (definitions, assignments, imports, loop targets)."""
    return {s.get_name() for s in table.get_symbols()
            if s.is_assigned() or s.is_imported() or s.is_namespace()}


def free_names(table: symtable.SymbolTable) -> set[str]:
    """Global names a cell reads without binding them itself, in any of its scopes."""
    names = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    todo = list(table.get_children())
    while todo:
        child = todo.pop()
        names |= {s.get_name() for s in child.get_symbols() if s.is_global() and s.is_referenced()}
        todo += child.get_children()
    return names - defined_names(table)


@dataclass
class Plan:
    """What the judge takes from the instructor's source notebook."""

    answers: set[str]  # names the answer cells define: proxies to the student's process
    setup: list[str]  # sources of the non-graded cells the tests need, in order


def plan(source: NotebookNode) -> Plan:
    """The answer names and the setup cells (closure of the names the tests read) of a notebook."""
    answers, tests, others = set(), [], []
    for cell in source.cells:
        table = _table(cell_source(cell)) if cell.cell_type == "code" else None
        if table is None:
            continue
        if is_answer(cell):
            answers |= defined_names(table)
        elif is_test(cell):
            tests.append(table)
        else:
            others.append((cell_source(cell), table))
    needed = set().union(*(free_names(t) for t in tests)) - answers - set(dir(builtins))
    chosen: list[int] = []
    for i in range(len(others) - 1, -1, -1):
        _, table = others[i]
        if defined_names(table) & needed:
            chosen.append(i)
            needed |= free_names(table) - answers
    return Plan(answers, [others[i][0] for i in sorted(chosen)])


def remote_traceback(exc: BaseException) -> str:
    """The student's part of a traceback that came from their process (judge frames dropped)."""
    text = getattr(exc, "remote_traceback", "")
    keep, skip = [], False
    for line in text.splitlines():
        if line.startswith("  File "):
            skip = any(mark in line for mark in _INTERNAL)
        if not skip:
            keep.append(line)
    return "\n".join(keep)


def inert(output: NotebookNode) -> NotebookNode:
    """The student's output in a test cell, made unable to carry a grade.

    nbgrader scores a test cell from its outputs: an error means 0, an execute_result holding a
    number is partial credit, anything else full marks. Only the judge's outputs may say so.
    """
    if output.output_type == "execute_result":
        return v4.new_output("display_data", data=output.get("data", {}),
                             metadata=output.get("metadata", {}))
    if output.output_type == "error":
        return v4.new_output("stream", name="stdout",
                             text=f"{output.get('ename', '')}: {output.get('evalue', '')}\n")
    if output.output_type == "stream" and output.get("name") == "stderr":
        return v4.new_output("stream", name="stdout", text=output.get("text", ""))
    return output


def failure(exc: BaseException) -> NotebookNode:
    """An error output that says what the test found, without any line of the test."""
    name = getattr(exc, "remote_name", None) or type(exc).__name__
    message = str(exc)
    if isinstance(exc, NotImplementedError) and not message:
        message = "this exercise is not done yet (its cell still raises NotImplementedError)"
    lines = [f"{name}: {message}"]
    student = remote_traceback(exc)
    if student:
        lines += ["", "It was raised in your code:", student]
    return v4.new_output("error", ename=name, evalue=message, traceback=lines)


@dataclass
class Report:
    """What happened while grading one notebook, for the instructor's summary."""

    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Judge:
    """Runs a submission's cells in `student` and its test cells here, in notebook order.

    student: an object with execute(source, timeout) -> list of outputs (None after a
             timeout), take_outputs() -> outputs printed during calls, recover(), and peer
    source: the instructor's notebook (setup cells and answer names are read from it)
    timeout: seconds per cell, for student cells and for each test cell's calls
    """

    def __init__(self, student, source: NotebookNode, timeout: float):
        self.student = student
        self.timeout = timeout
        self.plan = plan(source)
        self.namespace: dict = {"__name__": JUDGE_MODULE, "__builtins__": builtins}
        self.peer = JudgePeer(self.namespace)
        student.connect(self.peer)
        self._ready = False

    def _setup(self) -> None:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for source in self.plan.setup:
                exec(compile(source, "<setup>", "exec"), self.namespace)
        self._ready = True

    def bind(self) -> None:
        """Point every answer name of the judge's namespace at the student's process."""
        for name in self.plan.answers:
            self.namespace[name] = Proxy(self.peer, {"g": name}, {})

    def run_test(self, source: str, label: str) -> tuple[list[NotebookNode], BaseException | None]:
        """Execute one test cell here; its outputs and the exception that failed it, if any."""
        if not self._ready:
            self._setup()
        self.bind()
        self.peer.reset_shared()
        self.peer.deadline = time.monotonic() + self.timeout
        printed = io.StringIO()
        error: BaseException | None = None
        try:
            self.student.begin_test()
            with contextlib.redirect_stdout(printed), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    exec(compile(source, f"<test {label}>", "exec"), self.namespace)
                finally:
                    self.student.end_test(self.peer.deadline)
        except Timeout:
            error = TimeoutError(f"stopped after the {self.timeout:g} s cell timeout: does a loop "
                                 "in your code never end?")
            self.student.recover()
        except Broken as err:
            error = RuntimeError(f"your code broke the connection to the grader ({err})")
            self.student.recover()
        except Exception as err:  # a failed test: its message is the verdict's explanation
            error = err
        finally:
            self.peer.deadline = None
        outputs = [inert(o) for o in self.student.take_outputs()]
        if printed.getvalue():
            outputs.append(v4.new_output("stream", name="stdout", text=printed.getvalue()))
        if error is not None:
            outputs.insert(0, failure(error))  # first: nbgrader reads the first verdict it finds
        return outputs, error

    def _stopped(self, label: str, report: Report) -> NotebookNode:
        if getattr(self.student, "died", False):
            report.problems.append(f"{label}: the kernel died (out of memory, or the code ended "
                                   "its own process); the cells after it still ran")
            return v4.new_output("error", ename="DeadKernelError", evalue="the kernel died",
                                 traceback=["DeadKernelError: the kernel died while this cell ran "
                                            "(out of memory, or the code ended its process)"])
        report.problems.append(f"{label} stopped after the {self.timeout:g} s timeout")
        return v4.new_output("error", ename="CellTimeoutError",
                             evalue=f"stopped after {self.timeout:g} s",
                             traceback=[f"CellTimeoutError: stopped after the {self.timeout:g} s "
                                        "cell timeout; the cells after it still ran"])

    def grade(self, nb: NotebookNode) -> Report:
        """Run every code cell of `nb` (test cells already restored); fill in their outputs."""
        report, start = Report(), time.monotonic()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if is_test(cell):
                gid = cell.metadata["nbgrader"]["grade_id"]
                cell.outputs, error = self.run_test(cell_source(cell), gid)
                if isinstance(error, TimeoutError):
                    report.problems.append(f"{gid} stopped after the {self.timeout:g} s timeout")
            else:
                outputs = self.student.execute(cell_source(cell), self.timeout)
                if outputs is None:  # the cell ran past the timeout, or its kernel died
                    label = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
                    outputs = [self._stopped(label, report)]
                cell.outputs = outputs
        report.problems += self.student.problems()
        report.problems += refusals(nb)
        report.seconds = time.monotonic() - start
        return report


def refusals(nb: NotebookNode) -> list[str]:
    """What the sandbox refused, as far as the notebook's outputs show it (once per kind).

    A withheld reference counts only when a test found the student's answer calling it (the
    notebook's own demo cells fall back to the references for unfinished exercises).
    """
    def text(cells) -> str:
        return "\n".join(str(o.get("text", "")) + str(o.get("evalue", "")) + str(o.get("ename", ""))
                         for cell in cells for o in cell.get("outputs", []))

    everywhere, in_tests = text(nb.cells), text(c for c in nb.cells if is_test(c))
    found = dict.fromkeys(why for mark, why in REFUSALS.items()
                          if mark in (in_tests if mark == "WithheldError" else everywhere))
    return [f"sandbox: {why}" for why in found]
