"""nnlib.testing: every diagnosis that a graded test can show a student."""

from __future__ import annotations

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


def test_hint_is_appended_to_every_kind_of_failure():
    for actual in (None, EXPECTED.T, -EXPECTED, 2 * EXPECTED, EXPECTED + 1):
        assert message(actual, hint="see the cell above").endswith(" Hint: see the cell above")


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


def reference_square(x):
    return x * x


def test_student_or_reference_keeps_a_working_function(capsys):
    def student(x):
        return x**2

    assert student_or_reference(student, reference_square, 3.0, name="square") is student
    assert capsys.readouterr().out == ""


def test_student_or_reference_falls_back_with_a_note(capsys):
    def student(x):
        raise NotImplementedError()

    assert student_or_reference(student, reference_square, 3.0, name="square") is reference_square
    out = capsys.readouterr().out
    assert "your `square` does not run yet (NotImplementedError" in out
    assert f"{__name__}.reference_square" in out and "re-run this cell" in out


def test_student_or_reference_probes_a_class_with_probe_with(capsys):
    class Unfinished:
        def __init__(self, lr):
            self.lr = lr

        def step(self, metric):
            raise NotImplementedError()

    class Reference(Unfinished):
        def step(self, metric):
            return self.lr

    chosen = student_or_reference(Unfinished, Reference, name="Plateau",
                                  probe_with=lambda cls: cls(0.1).step(1.0))
    assert chosen is Reference
    assert "Plateau" in capsys.readouterr().out
    assert student_or_reference(Reference, Unfinished, name="x",
                                probe_with=lambda cls: cls(0.1).step(1.0)) is Reference


def test_wrong_length_of_a_vector_says_how_many_entries():
    with pytest.raises(AssertionError) as err:
        assert_close(np.zeros(2), np.zeros(3), name="w")
    assert "2 entries instead of 3" in str(err.value)
    assert "batch" not in str(err.value)
