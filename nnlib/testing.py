"""Assertions for the graded tests, with messages that say what is wrong and where to look.

A failing test should teach: instead of "arrays not equal", the student reads
"mse_grad: your values are 2 times too small — did you drop the 2 from d/dw (Xw - y)^2?".
`assert_close` recognises the usual mistakes: returning None, wrong shape, a transposed
result, NaN or infinity, a flipped sign, a constant factor (2, the batch size, ...),
a constant offset (a missing bias term).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


def _fmt(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a), precision=4, threshold=12, edgeitems=2)


def _shape_message(name: str, got: tuple, want: tuple) -> str:
    msg = f"{name}: wrong shape {got}, expected {want}."
    if len(got) == 2 and got[::-1] == want:
        msg += " It looks transposed: check the order of a matrix product or a missing/extra .T."
    elif len(want) == 1 and got in ((want[0], 1), (1, want[0])):
        msg += " You return a 2-D column or row; return a flat 1-D array (e.g. .ravel())."
    elif len(got) == 1 and want in ((got[0], 1), (1, got[0])):
        msg += " You return a flat 1-D array; a 2-D column or row is expected here."
    elif len(got) == 0 and len(want) > 0:
        msg += " You return a single number: did you sum or average too early?"
    elif len(want) == 0 and len(got) > 0:
        msg += " A single number is expected: did you forget to sum or average?"
    elif len(got) == len(want) == 1:
        msg += f" You return {got[0]} entries instead of {want[0]}."
    elif len(got) >= 2 and len(want) >= 2 and got[0] != want[0]:
        msg += " The first axis (the batch) differs: are you reducing over the wrong axis?"
    return msg


def assert_shape(actual: Any, shape: tuple[int, ...], name: str = "result") -> None:
    """Fail unless `actual` is an array-like of exactly this shape."""
    if actual is None:
        raise AssertionError(f"{name}: got None. Did you forget the `return` statement?")
    got = np.shape(actual)
    if got != tuple(shape):
        raise AssertionError(_shape_message(name, got, tuple(shape)))


def _constant_ratio(a: np.ndarray, e: np.ndarray, rtol: float) -> float | None:
    mask = np.abs(e) > 1e-12
    if not mask.any():
        return None
    ratios = a[mask] / e[mask]
    c = float(np.median(ratios))
    if c == 0 or not np.isfinite(c):
        return None
    if np.allclose(a, c * e, rtol=max(rtol, 1e-6), atol=1e-9):
        return c
    return None


def _factor_message(c: float, factors: Mapping[str, float]) -> str:
    for label, f in factors.items():
        if f not in (0, 1) and np.isclose(c, f, rtol=1e-6):
            return f"your values are {label} times too large (ratio {c:.6g})"
        if f not in (0, 1) and np.isclose(c, 1.0 / f, rtol=1e-6):
            return f"your values are {label} times too small (ratio {c:.6g})"
    if abs(c) > 1:
        return f"your values are a constant {c:.6g} times the expected ones"
    return f"your values are a constant {c:.6g} times the expected ones (1/{1 / c:.6g})"


def assert_close(
    actual: Any,
    expected: Any,
    *,
    name: str = "result",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    factors: Mapping[str, float] | None = None,
    hint: str = "",
) -> None:
    """Fail unless `actual` equals `expected` within tolerances, diagnosing the likely mistake.

    actual, expected: arrays (or numbers) of the same shape
    factors: named constants a buggy answer may be off by, e.g. {"the batch size (8)": 8}
    hint: appended to any failure message (where to look in this exercise)
    """
    tail = f" Hint: {hint}" if hint else ""
    if actual is None:
        raise AssertionError(f"{name}: got None. Did you forget the `return` statement?{tail}")
    try:
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{name}: expected numbers, got {type(actual).__name__} ({err}).{tail}") from None
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise AssertionError(_shape_message(name, a.shape, e.shape) + tail)
    bad = ~np.isfinite(a) & np.isfinite(e)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{name}: contains NaN or infinity (first at index {where}) where a finite value is "
            f"expected. Look for overflow (exp of a large number), log(0) or a division by zero.{tail}"
        )
    if np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        return
    if a.size and np.allclose(a, -e, rtol=rtol, atol=atol) and np.abs(e).max() > atol:
        raise AssertionError(f"{name}: has the wrong sign everywhere (you return -expected).{tail}")
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a, e.T, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{name}: equals the transpose of the expected matrix: check the order of a matrix product.{tail}"
        )
    c = _constant_ratio(a, e, rtol)
    if c is not None:
        raise AssertionError(f"{name}: {_factor_message(c, factors or {})}.{tail}")
    diff = a - e
    if a.size > 1 and np.allclose(diff, diff.flat[0], rtol=0, atol=max(atol, rtol * np.abs(e).max())):
        raise AssertionError(
            f"{name}: off by the same constant {float(diff.flat[0]):.6g} everywhere: "
            f"a bias/intercept term missing or added twice?{tail}"
        )
    i = np.unravel_index(np.argmax(np.abs(diff)), diff.shape) if diff.ndim else ()
    where = f" at index {tuple(int(k) for k in i)}" if diff.ndim else ""
    raise AssertionError(
        f"{name}: wrong values; largest error {float(np.abs(diff).max()):.3g}{where} "
        f"(got {float(a[i]):.6g}, expected {float(e[i]):.6g}).\n got:      {_fmt(a)}\n expected: {_fmt(e)}{tail}"
    )


def assert_unchanged(before: np.ndarray, after: np.ndarray, name: str) -> None:
    """Fail if a function modified an input array it should have left alone."""
    if not np.array_equal(before, after, equal_nan=True):
        raise AssertionError(
            f"{name} was modified in place. Work on a copy (x.copy()) or restore the values you change."
        )


def student_or_reference(
    student: Callable,
    reference: Callable,
    *probe: Any,
    name: str,
    probe_with: Callable[[Callable], Any] | None = None,
) -> Callable:
    """The student's function (or class) if it runs, otherwise nnlib's reference.

    It "runs" when student(*probe) raises nothing, or, if `probe_with` is given, when
    probe_with(student) raises nothing (e.g. lambda cls: cls(opt).step(1.0) for a class).
    Later cells use what this returns, so an unfinished exercise never blocks the rest
    of the notebook; the note printed says which one is in use.
    """
    try:
        probe_with(student) if probe_with is not None else student(*probe)
    except Exception as err:  # any failure of unfinished student code, by design
        ref = f"{reference.__module__}.{reference.__qualname__}"
        print(
            f"Note: your `{name}` does not run yet ({type(err).__name__}: {err}). "
            f"The cells below use nnlib's reference `{ref}` instead; "
            f"once yours works, re-run this cell to use it."
        )
        return reference
    return student
