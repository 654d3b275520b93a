"""nnlib.testing: every diagnosis that a graded test can show a student."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nnlib.testing import assert_close, assert_shape, assert_unchanged, student_or_reference

EXPECTED = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
FACTORS = {"the batch size (8)": 8, "2": 2}


def message(actual, expected=EXPECTED, **kwargs) -> str:
    with pytest.raises(AssertionError) as err:
        assert_close(actual, expected, name="mse_grad", factors=FACTORS, **kwargs)
    return str(err.value)


def test_close_values_pass():
    assert_close(EXPECTED + 1e-9, EXPECTED)
    assert_close(EXPECTED.tolist(), EXPECTED)
    assert_close(np.array([np.nan, np.inf, 1.0]), np.array([np.nan, np.inf, 1.0]))
    assert_close(3.0, 3.0 + 1e-9)
    assert_close(1.01, 1.0, rtol=0.02)


@pytest.mark.parametrize(
    "actual, expected_text",
    [
        (None, "mse_grad: got None. Did you forget the `return` statement?"),
        ("abc", "mse_grad: expected numbers, got str"),
        (EXPECTED.T, "wrong shape (3, 2), expected (2, 3). It looks transposed"),
        (EXPECTED.ravel(), "wrong shape (6,), expected (2, 3)"),
        (EXPECTED[:1], "The first axis (the batch) differs"),
        (EXPECTED * np.nan, "contains NaN or infinity (first at index (0, 0))"),
        (np.where(EXPECTED == 5, np.inf, EXPECTED), "(first at index (1, 1))"),
        (-EXPECTED, "has the wrong sign everywhere"),
        (8 * EXPECTED, "your values are the batch size (8) times too large (ratio 8)"),
        (EXPECTED / 8, "your values are the batch size (8) times too small (ratio 0.125)"),
        (EXPECTED / 2, "your values are 2 times too small (ratio 0.5)"),
        (2 * EXPECTED, "your values are 2 times too large (ratio 2)"),
        (3.5 * EXPECTED, "your values are a constant 3.5 times the expected ones"),
        (EXPECTED / 4, "a constant 0.25 times the expected ones (1/4)"),
        (EXPECTED + 1.5, "off by the same constant 1.5 everywhere: a bias/intercept term"),
        (EXPECTED - 0.5, "off by the same constant -0.5 everywhere"),
    ],
)
def test_each_diagnosis(actual, expected_text):
    msg = message(actual)
    assert msg.startswith("mse_grad: ")
    assert expected_text in msg


def test_transposed_square_matrix():
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "equals the transpose of the expected matrix" in message(square.T, square)


def test_generic_wrong_values_show_where_and_both_arrays():
    actual = EXPECTED.copy()
    actual[1, 2] = 7.0
    msg = message(actual)
    assert "wrong values; largest error 1 at index (1, 2) (got 7, expected 6)" in msg
    assert "got:" in msg and "expected:" in msg


def test_scalars():
    assert "2 times too large" in message(2.0, 1.0)
    assert "wrong sign" in message(-1.0, 1.0)
    assert "wrong values; largest error 7 (got 7, expected 0)" in message(7.0, 0.0)
    assert "A single number is expected" in message(np.ones(3), 1.0)


def test_hint_is_on_a_line_of_its_own_after_every_kind_of_failure():
    for actual in (None, EXPECTED.T, -EXPECTED, 2 * EXPECTED, EXPECTED + 1, EXPECTED * [1, 0, 1]):
        msg = message(actual, hint="see the cell above")
        assert msg.endswith("\nHint: see the cell above")
        assert "\n\n" not in msg


def test_multi_line_arrays_line_up_under_each_other():
    actual = np.array([[0.0, 2.0, 3.0], [0.0, 4.0, 5.0], [0.0, 6.0, 7.0]])
    expected = np.array([[1.0, 2.0, 3.0], [1.0, 4.0, 5.0], [1.0, 6.0, 8.0]])
    lines = message(actual, expected, hint="ones in column 0").splitlines()
    got = lines.index(" got:      [[0. 2. 3.]")
    assert lines[got:got + 6] == [
        " got:      [[0. 2. 3.]",
        "            [0. 4. 5.]",
        "            [0. 6. 7.]]",
        " expected: [[1. 2. 3.]",
        "            [1. 4. 5.]",
        "            [1. 6. 8.]]",
    ]
    assert lines[-1] == "Hint: ones in column 0"


@pytest.mark.parametrize("dtype, digits", [(np.float32, 7), (np.float16, 3)])
def test_a_single_precision_result_is_reported_as_a_dtype_problem(dtype, digits):
    expected = np.array([1 / 3, 2 / 3, 1e4 / 7])
    msg = message(expected.astype(dtype), expected, rtol=1e-9, atol=0)
    name = np.dtype(dtype).name
    assert f"your result is {name}, which keeps only about {digits} significant" in msg
    assert "Compute in float64" in msg
    assert "times" not in msg


def test_float64_values_that_agree_only_to_float32_precision_say_so():
    expected = np.array([1 / 3, 2 / 3, 1e4 / 7])
    for actual in (expected.astype(np.float32).astype(np.float64), expected * (1 + 3e-8)):
        msg = message(actual, expected, rtol=1e-9, atol=0, hint="h")
        assert "agree with the expected ones only to about 7 significant digits" in msg
        assert "float32" in msg and "a constant 1 times" not in msg
        assert "Hint" not in msg  # the exercise's hint is about formulas, not precision
    # a real factor close to 1 is still a factor, and a float32 result far off is a plain error
    assert "a constant 1.01 times" in message(1.01 * EXPECTED, EXPECTED)
    assert "float32" not in message((2 * EXPECTED).astype(np.float32))


def test_factors_are_optional():
    with pytest.raises(AssertionError, match="a constant 8 times the expected ones"):
        assert_close(8 * EXPECTED, EXPECTED)


@pytest.mark.parametrize(
    "got, want, expected_text",
    [
        ((3, 1), (3,), "You return a 2-D column or row; return a flat 1-D array"),
        ((1, 3), (3,), "You return a 2-D column or row"),
        ((3,), (3, 1), "You return a flat 1-D array; a 2-D column or row is expected"),
        ((), (3,), "You return a single number: did you sum or average too early?"),
        ((3,), (), "A single number is expected: did you forget to sum or average?"),
        ((4, 2), (5, 2), "The first axis (the batch) differs"),
        ((2, 5), (5, 2), "It looks transposed"),
    ],
)
def test_assert_shape_diagnoses(got, want, expected_text):
    with pytest.raises(AssertionError) as err:
        assert_shape(np.zeros(got), want, name="predict")
    msg = str(err.value)
    assert msg.startswith(f"predict: wrong shape {got}, expected {want}.")
    assert expected_text in msg


def test_assert_shape_passes_and_catches_none():
    assert_shape(np.zeros((2, 3)), (2, 3))
    assert_shape([[1, 2, 3]], (1, 3))
    with pytest.raises(AssertionError, match="predict: got None"):
        assert_shape(None, (2,), name="predict")


def test_assert_unchanged():
    x = np.array([1.0, np.nan])
    assert_unchanged(x, x.copy(), "X")
    with pytest.raises(AssertionError, match=r"X was modified in place.*x\.copy\(\)"):
        assert_unchanged(x, np.array([2.0, np.nan]), "X")


def test_assert_unchanged_recognises_a_shuffle_in_place():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(AssertionError) as err:
        assert_unchanged(X, X[[3, 1, 0, 5, 4, 2]], "X", hint="sgd must leave X alone")
    msg = str(err.value)
    assert msg.startswith("X was reordered in place (the same rows in another order)")
    assert "rng.permutation(len(X))" in msg and msg.endswith("\nHint: sgd must leave X alone")
    with pytest.raises(AssertionError, match="the same values in another order"):
        assert_unchanged(np.arange(4.0), np.arange(4.0)[::-1], "y")


def reference_square(x):
    return x * x


def choose(student, *probe, reference=reference_square, **kwargs):
    return student_or_reference(student, reference, *probe, name="square", **kwargs)


def test_student_or_reference_keeps_a_working_function(capsys):
    def student(x):
        return x**2

    assert choose(student, 3.0) is student
    assert choose(lambda x: np.float32(x) ** 2, 3.0) is not reference_square  # within tolerance
    assert capsys.readouterr().out == ""


def test_an_unfinished_exercise_is_reported_as_not_done_yet(capsys):
    def student(x):
        raise NotImplementedError()

    assert choose(student, 3.0) is reference_square
    out = capsys.readouterr().out
    assert out.startswith(
        "Note: your `square` is not done yet (it still raises NotImplementedError).")
    assert "NotImplementedError: )" not in out
    assert f"{__name__}.reference_square" in out and "re-run this cell" in out


def test_a_failing_student_function_is_reported_with_its_error(capsys):
    def student(x):
        raise ValueError("x must be an array")

    assert choose(student, 3.0) is reference_square
    out = capsys.readouterr().out
    assert "your `square` raises ValueError on a small check (x must be an array)" in out


@pytest.mark.parametrize("student, says", [
    (lambda x: x + x, "on a small check, your `square` gives 6 where nnlib's gives 9"),
    (lambda x: None, "your `square` returns None where nnlib's returns a number"),
    (lambda x: np.full(2, x * x), "returns an array of shape (2,) where nnlib's returns a number"),
])
def test_a_student_function_with_another_result_is_replaced(capsys, student, says):
    assert choose(student, 3.0) is reference_square
    out = capsys.readouterr().out
    assert says in out and "The cells below use nnlib's reference" in out


def fit_reference(X, y):
    """A result of several parts, as (w, losses, extras)."""
    return X.T @ y, [1.0, 0.5], {"steps": 2, "w0": np.zeros(2)}


@pytest.mark.parametrize("student, says", [
    (lambda X, y: (X.T @ y, [1.0, 0.5]),
     "returns a tuple of 2 items where nnlib's returns a tuple of 3"),
    (lambda X, y: (X.T @ y, [1.0, 0.6], {"steps": 2, "w0": np.zeros(2)}),
     "gives [1, 0.6] as item 1 of its result where nnlib's gives [1, 0.5]"),
    (lambda X, y: (X.T @ y, [1.0, 0.5], {"steps": 3, "w0": np.zeros(2)}),
     "gives 3 as key 'steps' of item 2 of its result where nnlib's gives 2"),
    (lambda X, y: (X.T @ y, [1.0, 0.5], {"steps": 2}),
     "returns a dict with keys ['steps'] as item 2"),
])
def test_nested_results_are_compared_item_by_item(capsys, student, says):
    X, y = np.eye(2), np.array([1.0, 2.0])
    assert student_or_reference(student, fit_reference, X, y, name="fit") is fit_reference
    assert says in capsys.readouterr().out


def test_equal_nested_results_in_other_containers_and_dtypes_are_accepted(capsys):
    def student(X, y):
        w = (X.T @ y).astype(np.float32)
        return [w, np.array([1.0, 0.5 + 1e-9]), {"w0": [0, 0], "steps": np.int64(2)}]

    assert student_or_reference(student, fit_reference, np.eye(2), np.array([1.0, 2.0]),
                                name="fit") is student
    assert capsys.readouterr().out == ""


def test_each_call_gets_its_own_copy_of_the_probe():
    seen = []

    def draws(x, rng):
        seen.append(rng.random())
        x += 1.0  # changes its own copy only
        return float(x[0])

    x, rng = np.zeros(1), np.random.default_rng(0)
    assert student_or_reference(draws, draws, x, rng, name="d") is draws
    assert seen[0] == seen[1] and x[0] == 0.0 and rng.random() == seen[0]


def test_changing_an_argument_in_place_unlike_the_reference_is_reported(capsys):
    def shuffles(X, rng):
        rng.shuffle(X)
        return float(X.sum())

    def leaves(X, rng):
        return float(X.sum())

    X = np.arange(6.0)
    assert student_or_reference(shuffles, leaves, X, np.random.default_rng(0), name="sgd") is leaves
    out = capsys.readouterr().out
    assert "your `sgd` changes `X` in place, which nnlib's leaves as it was" in out

    def updates(theta, g):
        theta -= g

    def forgets(theta, g):
        theta - g

    assert student_or_reference(updates, updates, np.ones(2), np.ones(2), name="step") is updates
    assert student_or_reference(forgets, updates, np.ones(2), np.ones(2), name="step") is updates
    assert "leaves `theta` as it was, where nnlib's updates it in place" in capsys.readouterr().out


class Plateau:
    def __init__(self, lr):
        self.lr = lr

    def step(self, metric):
        raise NotImplementedError()


class PlateauReference(Plateau):
    def step(self, metric):
        return self.lr / 2


def test_student_or_reference_probes_a_class_with_probe_with(capsys):
    class Halves(Plateau):
        def step(self, metric):
            return self.lr * 0.5

    class Thirds(Plateau):
        def step(self, metric):
            return self.lr / 3

    def probe(cls):
        return cls(0.1).step(1.0)

    def choose_class(cls):
        return student_or_reference(cls, PlateauReference, name="Plateau", probe_with=probe)

    assert choose_class(Plateau) is PlateauReference
    assert "your `Plateau` is not done yet" in capsys.readouterr().out
    assert choose_class(Halves) is Halves
    assert choose_class(Thirds) is PlateauReference
    assert "gives 0.0333333 where nnlib's gives 0.05" in capsys.readouterr().out


def test_objects_are_not_compared_and_a_probe_the_reference_cannot_run_only_checks_running(capsys):
    def make(rng):
        return object()

    assert student_or_reference(make, make, np.random.default_rng(0), name="net") is make

    def needs_two(x, y):
        return x

    def student(x):
        return -x

    assert student_or_reference(student, needs_two, 1.0, name="odd probe") is student
    assert capsys.readouterr().out == ""


def test_failures_in_ipython_hide_the_frames_of_nnlib_testing(capsys):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    try:
        shell.run_cell("import numpy as np\nfrom nnlib.testing import assert_close\n"
                       "def check(v):\n    assert_close(v, [1.0, 2.0], name='w', hint='look here')")
        capsys.readouterr()
        result = shell.run_cell("check(np.array([1.0, 3.0]))")
        shown = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)  # no colours
    finally:
        InteractiveShell.clear_instance()
    assert type(result.error_in_exec).__name__ == "AssertionError"
    assert isinstance(result.error_in_exec, AssertionError)
    assert "check(np.array([1.0, 3.0]))" in shown and "assert_close(v, [1.0, 2.0]" in shown
    assert "testing.py" not in shown and "raise _Failure" not in shown
    assert "skipping hidden" not in shown
    assert "w: wrong values" in shown and "Hint: look here" in shown


def test_wrong_length_of_a_vector_says_how_many_entries():
    with pytest.raises(AssertionError) as err:
        assert_close(np.zeros(2), np.zeros(3), name="w")
    assert "2 entries instead of 3" in str(err.value)
    assert "batch" not in str(err.value)
