"""The judge and its wire protocol, through the in-process transport (no kernel, no sandbox).

Each case builds a small notebook (a setup cell, answer cells, one test cell), grades it with
`Judge` over `InProcessStudent`, exactly as `tests/notebook_runner.py` and real grading do,
and reads the verdict from the test cell's outputs. The test cell runs in the judge's
namespace; the answers' names there are proxies, so every value below crossed the boundary
as plain data (`nncourse/judge/wire.py`). The last case serves a call in a thread of its
own, where numpy's error state is not the caller's, as in another process. What only a
sandboxed kernel adds (isolation, limits, timeouts) is checked by the grading round trip, the
instructor cycle and the attack suite.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nncourse.judge.grader import Judge, failure
from nncourse.judge.inprocess import InProcessStudent
from nncourse.judge.wire import Peer, Proxy

SETUP = "import types\nimport numpy as np\nimport nnlib.layers"


def _cell(source: str, grade_id: str, *, answer: bool) -> NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": not answer, "solution": answer, "locked": not answer,
                                 "grade_id": grade_id, "schema_version": 3,
                                 **({} if answer else {"points": 1})}
    return cell


def notebook(answers: list[str], tests: list[str], setup: list[str] = (SETUP,)) -> NotebookNode:
    """Setup cells, then answer cells `answer0`..., then test cells `test0`..."""
    cells = [new_code_cell(s) for s in setup]
    cells += [_cell(a, f"answer{i}", answer=True) for i, a in enumerate(answers)]
    cells += [_cell(t, f"test{i}", answer=False) for i, t in enumerate(tests)]
    return new_notebook(cells=cells)


def grade(answer: str, test: str) -> tuple[list[NotebookNode], Judge, InProcessStudent]:
    """Grade one answer cell and one test cell: the test cell's outputs, the judge, the student."""
    nb = notebook([answer], [test])
    student = InProcessStudent()
    judge = Judge(student, nb, timeout=30)
    judge.grade(nb)
    answer_errors = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert not answer_errors, answer_errors[0].evalue
    return nb.cells[-1].outputs, judge, student


def passes(answer: str, test: str) -> tuple[Judge, InProcessStudent]:
    """Grade, and fail with the judge's message unless the test cell passed."""
    outputs, judge, student = grade(answer, test)
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, "\n".join(errors[0].traceback)
    return judge, student


def test_values_cross_as_plain_data_and_keep_their_types():
    passes("def echo(v):\n    return v", """
for v in [1, 2.5, "s", None, True, [1, (2, 3)], {"a": (4,)}, slice(1, 4), np.float32(1.5),
          np.int64(3), np.arange(6).reshape(2, 3), np.array([True, False])]:
    got = echo(v)
    assert type(got) is type(v), (v, got)
    assert np.array_equal(got, v) if isinstance(v, np.ndarray) else got == v, (v, got)
""")


def test_arrays_are_copies_whose_in_place_changes_come_back():
    judge, student = passes("""
def double_(a):
    a *= 2

def stash(a):
    global kept
    kept = a
    return float(a.sum())
""", """
x = np.arange(4.0)
assert double_(x) is None
assert np.array_equal(x, [0.0, 2.0, 4.0, 6.0]), x
y = np.ones((2, 3), dtype=np.float32)
assert stash(y) == 6.0
""")
    kept, y = student.namespace["kept"], judge.namespace["y"]
    assert kept is not y and kept.dtype == np.float32 and np.array_equal(kept, y)


def test_a_judge_function_sees_the_students_in_place_perturbation():
    """Numerical gradients: the student nudges x[i] and calls the test's f, which reads x."""
    passes("""
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
""", """
w = np.array([1.0, -2.0, 0.5])
start = w.copy()
loss = lambda: float(np.sum(w ** 3))
assert np.allclose(numerical_gradient(loss, w), 3 * start ** 2, atol=1e-5)
assert np.array_equal(w, start), "restored by the student, and synced back"
""")


def test_generators_cross_and_advance_on_both_sides():
    passes("""
def draw(rng, n):
    return rng.normal(size=n)

def own_rng():
    return np.random.default_rng(7)
""", """
rng, twin = np.random.default_rng(3), np.random.default_rng(3)
assert np.array_equal(draw(rng, 4), twin.normal(size=4))
assert rng.normal() == twin.normal(), "the student's draws advanced the judge's generator"
theirs, twin = own_rng(), np.random.default_rng(7)
assert isinstance(theirs, np.random.Generator)
assert theirs.normal() == twin.normal()
assert np.array_equal(draw(theirs, 2), twin.normal(size=2)), "the judge's draw went back"
""")


def test_objects_cross_as_handles():
    passes("""
class Value:
    def __init__(self, data, children=()):
        self.data, self.grad, self.children = data, 0.0, tuple(children)
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other))
    __radd__ = __add__
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other))
    __rmul__ = __mul__
    def __neg__(self):
        return self * -1
    def __repr__(self):
        return f"Value({self.data})"

class Bag:
    def __init__(self, *items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __setitem__(self, i, v):
        self.items[i] = v
    def __iter__(self):
        return iter(self.items)
    def total(self):
        return sum(self.items)
""", """
a, b = Value(2.0), Value(-3.0)
c = a * b + 1
assert c.data == -5.0 and (2 * a).data == 4.0 and (1 + a).data == 3.0 and (-a).data == -2.0
assert (a * a).data == 4.0 and len(c.children) == 2 and c.children[0].children[0].data == 2.0
c.grad = 1.5
assert c.grad == 1.5 and repr(a) == "Value(2.0)" and str(b) == "Value(-3.0)"
bag = Bag(1, 2, 3)
assert len(bag) == 3 and bag[1] == 2 and bag[1:] == [2, 3] and list(bag) == [1, 2, 3]
bag[0] = 10
assert bag.total() == 15 and 10 in bag
bag.label = "mine"
assert bag.label == "mine"
del bag.label
assert not hasattr(bag, "label")
""")


def test_remote_classes_answer_isinstance_and_name_their_module():
    passes("""
from nnlib.layers import Linear, Module, ReLU, Sequential

def build(rng):
    return Sequential(Linear(2, 3, rng=rng), ReLU(), Linear(3, 1, rng=rng))

class Doubler(Module):
    def forward(self, x):
        return 2 * x
""", """
net = build(np.random.default_rng(0))
assert isinstance(net, nnlib.layers.Sequential) and isinstance(net[0], nnlib.layers.Linear)
assert net.__class__ is nnlib.layers.Sequential and not isinstance(net, nnlib.layers.Linear)
assert net(np.ones((5, 2))).shape == (5, 1) and len(net.parameters()) == 4
d = Doubler()
assert isinstance(d, nnlib.layers.Module) and not isinstance(d, nnlib.layers.Sequential)
assert d.__class__.__module__ == "__main__" and d.__class__.__name__ == "Doubler"
assert np.array_equal(d.forward(np.arange(3.0)), [0.0, 2.0, 4.0])
""")


def test_a_fake_eq_compares_by_identity():
    passes("""
class Liar:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

def liar():
    return Liar()
""", """
fake = liar()
assert not fake == 5 and fake != 5 and not fake == liar()
assert fake == fake
""")


def test_student_exceptions_arrive_as_builtin_types_with_their_message():
    passes("""
import sys

class StepError(ValueError):
    pass

def step(lr):
    if lr < 0:
        raise StepError(f"negative learning rate {lr}")
    if lr == 0:
        raise KeyError("lr")
    sys.exit(3)
""", """
for lr, kind, text in [(-1, ValueError, "negative learning rate -1"), (0, KeyError, "lr"),
                       (1, RuntimeError, "3")]:
    try:
        step(lr)
    except Exception as err:
        assert type(err) is kind and text in str(err), (lr, repr(err))
    else:
        raise AssertionError(f"step({lr}) did not raise")
""")


def test_the_judge_hands_out_no_module_class_or_builtin():
    passes("""
def give(thing):
    return "received"

def reach(obj):
    found = {}
    for name in ("__globals__", "__code__", "__closure__", "__dict__", "_secret", "mod",
                 "value"):
        try:
            found[name] = repr(getattr(obj, name))
        except Exception as err:
            found[name] = type(err).__name__
    return found
""", """
for thing in [np, nnlib.layers, int, nnlib.layers.Linear, print, len, types.SimpleNamespace]:
    try:
        give(thing)
    except TypeError as err:
        assert "cannot be handed across" in str(err), err
    else:
        raise AssertionError(f"{thing!r} was handed to the student")

class Box:
    pass

box = Box()
box._secret, box.mod, box.value = "hidden", np, 42
f = lambda: 1
for name in ("__globals__", "__code__", "__closure__", "__dict__"):
    assert reach(f)[name] == "AttributeError", (name, reach(f))
seen = reach(box)
assert seen["value"] == "42" and seen["_secret"] == "AttributeError", seen
assert seen["mod"] == "TypeError", seen
""")


def test_plan_takes_the_setup_cells_the_tests_need_and_the_answer_names():
    setup = ["import numpy as np\nfrom nnlib.testing import assert_close",
             "SEED = 4",
             "DEMO = np.ones(3)  # only the demos use it",
             "RNG = np.random.default_rng(SEED)"]
    nb = notebook(["def f(x):\n    return x\n\nHELPER = 2", "class Model:\n    pass"],
                  ["assert_close(f(RNG.normal(size=2)), 0 * HELPER)", "Model()"], setup)
    nb.cells.insert(1, new_markdown_cell("Some text."))
    plan = Judge(InProcessStudent(), nb, timeout=30).plan
    assert plan.answers == {"f", "HELPER", "Model"}
    assert plan.setup == [setup[0], setup[1], setup[3]]


HIDDEN_TEST = """
assert double(np.ones(2)).shape == (2,)
### BEGIN HIDDEN TESTS
secret_input = np.array([3.0, -1.0, 2.5])
expected_total = 2 * secret_input.sum()
assert double(secret_input).sum() == expected_total{message}
### END HIDDEN TESTS
"""


def test_failure_never_quotes_the_test():
    lines = {line.strip() for line in HIDDEN_TEST.splitlines() if line.strip()}
    answers = {"wrong": "def double(x):\n    return 3 * x",
               "raises": "def double(x):\n    if x.sum() != 2:\n"
                         "        raise ValueError('bad input')\n    return 2 * x"}
    for why, answer in answers.items():
        for message in ("", ', "double: the total is off"'):
            outputs, _, _ = grade(answer, HIDDEN_TEST.format(message=message))
            (error,) = [o for o in outputs if o.output_type == "error"]
            shown = "\n".join([error.evalue, *error.traceback])
            quoted = [line for line in lines if line.split("{")[0] in shown]
            assert not quoted, (why, message, quoted, shown)
    assert failure(AssertionError()).traceback == ["AssertionError: "]


def test_test_lines_never_reach_the_student():
    """A test's function that fails when the student calls it: its lines stay in the judge."""
    test = ("check = lambda v: secret_table[v]\nsecret_table = {1: 'one'}\n"
            "assert call(check) == 'KeyError'")
    _, student = passes("""
def call(f):
    global seen
    try:
        f(2)
    except Exception as err:
        seen = repr(err) + getattr(err, "remote_traceback", "")
        return type(err).__name__
""", test)
    assert "seen" in student.namespace
    assert not [line for line in test.splitlines() if line in student.namespace["seen"]]


class ThreadLink:
    """Frames served by the other peer in a thread of its own: numpy's error state is per
    thread, so nothing of the caller's reaches it except through the message."""

    def __init__(self, other: Peer, pool: ThreadPoolExecutor):
        self.other, self.pool, self.reply = other, pool, None

    def send(self, frame: str) -> None:
        self.reply = self.pool.submit(lambda: self.other.serve(self.other._read(frame)))

    def recv(self) -> str:
        return self.reply.result()


def test_a_call_runs_under_the_callers_errstate():
    """A test's np.errstate(over="raise") holds for the student's code it calls (02's overflow
    checks), though that code runs elsewhere; by default an overflow there only warns."""
    student, judge = Peer("s", {"naive": lambda z: 1 / (1 + np.exp(-z))}), Peer("j")
    with ThreadPoolExecutor(1) as pool:
        judge.link = ThreadLink(student, pool)
        naive = Proxy(judge, {"g": "naive"}, {})
        with np.errstate(over="ignore"):
            assert naive(np.array([-1000.0]))[0] == 0.0
        with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
            naive(np.array([-1000.0]))
