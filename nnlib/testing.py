"""Assertions for the graded tests, with messages that say what is wrong and where to look.

A failing test should teach: instead of "arrays not equal", the student reads
"mse_grad: your values are 2 times too small — did you drop the 2 from d/dw (Xw - y)^2?".
`assert_close` recognises the usual mistakes: returning None, wrong shape, a transposed
result, NaN or infinity, single precision (float32) where float64 is needed, a flipped sign,
a constant factor (2, the batch size, ...), a constant offset (a missing bias term).

In Jupyter the traceback of a failed check ends at the test line that called it: the frames
of this module are left out (they would only show how the message was built).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import numpy as np


class _Failure(AssertionError):
    """An AssertionError that IPython shows without the frames of nnlib.testing."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of formatting the traceback itself. Its own
        # __tracebackhide__ support still shows the innermost frame (ours), so rebuild the
        # traceback without the frames of this module and of IPython's machinery.
        from IPython import get_ipython

        kept = []
        tb = self.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            ours = frame.f_globals.get("__name__") == __name__
            if not ours and not frame.f_locals.get("__tracebackhide__"):
                kept.append(tb)
            tb = tb.tb_next
        trimmed = None
        for entry in reversed(kept):
            trimmed = TracebackType(trimmed, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
        formatter = get_ipython().InteractiveTB
        return formatter.structured_traceback(AssertionError, self, trimmed, tb_offset=0)


# Reported (ename, feedback) as the AssertionError it is.
_Failure.__name__ = _Failure.__qualname__ = "AssertionError"


def _fmt(a: Any, prefix: str) -> str:
    """`prefix` then the array, its later lines indented to line up under the first."""
    text = np.array2string(np.asarray(a), precision=4, threshold=12, edgeitems=2, prefix=prefix)
    return prefix + text


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
    __tracebackhide__ = True
    if actual is None:
        raise _Failure(f"{name}: got None. Did you forget the `return` statement?")
    got = np.shape(actual)
    if got != tuple(shape):
        raise _Failure(_shape_message(name, got, tuple(shape)))


def _precision_message(a: np.ndarray, e: np.ndarray, dtype: np.dtype) -> str | None:
    """What to say if `a` matches `e` only to about single precision, else None."""
    scale = float(np.abs(e).max()) if e.size else 0.0
    if scale == 0.0:
        return None
    rel = float(np.abs(a - e).max()) / scale
    if dtype.kind in "fc" and np.finfo(dtype).bits < 64:
        if rel >= 1e-3:
            return None
        digits = round(-np.log10(np.finfo(dtype).eps))
        return (f"your result is {dtype.name}, which keeps only about {digits} significant digits "
                f"(largest relative difference {rel:.1g}), too few for this check. Compute in "
                "float64, numpy's default: look for dtype=np.float32 or .astype(np.float32) in "
                "your code and in the functions it calls")
    if rel >= 1e-5:
        return None
    return (f"your values agree with the expected ones only to about {int(-np.log10(rel))} "
            f"significant digits (largest relative difference {rel:.1g}). That is the precision "
            "of float32: keep every array in float64, numpy's default (look for dtype=np.float32 "
            "or .astype(np.float32) in your code and in the functions it calls); otherwise look "
            "for a small constant where it does not belong (an epsilon, a rounding)")


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
    hint: shown on a line of its own after a failure message (where to look in this exercise),
          except after a precision problem, which the hint is not about
    """
    __tracebackhide__ = True
    tail = f"\nHint: {hint}" if hint else ""
    if actual is None:
        raise _Failure(f"{name}: got None. Did you forget the `return` statement?{tail}")
    try:
        dtype = np.asarray(actual).dtype
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError) as err:
        got = type(actual).__name__
        raise _Failure(f"{name}: expected numbers, got {got} ({err}).{tail}") from None
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise _Failure(_shape_message(name, a.shape, e.shape) + tail)
    bad = ~np.isfinite(a) & np.isfinite(e)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise _Failure(
            f"{name}: contains NaN or infinity (first at index {where}) where a finite value is "
            "expected. Look for overflow (exp of a large number), log(0) or a division by "
            f"zero.{tail}"
        )
    if np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        return
    precision = _precision_message(a, e, dtype)
    if precision:  # the formulas are right: the exercise's hint would send them the wrong way
        raise _Failure(f"{name}: {precision}.")
    if a.size and np.allclose(a, -e, rtol=rtol, atol=atol) and np.abs(e).max() > atol:
        raise _Failure(f"{name}: has the wrong sign everywhere (you return -expected).{tail}")
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a, e.T, rtol=rtol, atol=atol):
        raise _Failure(
            f"{name}: equals the transpose of the expected matrix: check the order of a matrix "
            f"product.{tail}"
        )
    c = _constant_ratio(a, e, rtol)
    if c is not None:
        raise _Failure(f"{name}: {_factor_message(c, factors or {})}.{tail}")
    diff = a - e
    constant_atol = max(atol, rtol * np.abs(e).max())
    if a.size > 1 and np.allclose(diff, diff.flat[0], rtol=0, atol=constant_atol):
        raise _Failure(
            f"{name}: off by the same constant {float(diff.flat[0]):.6g} everywhere: "
            f"a bias/intercept term missing or added twice?{tail}"
        )
    i = np.unravel_index(np.argmax(np.abs(diff)), diff.shape) if diff.ndim else ()
    where = f" at index {tuple(int(k) for k in i)}" if diff.ndim else ""
    raise _Failure(
        f"{name}: wrong values; largest error {float(np.abs(diff).max()):.3g}{where} "
        f"(got {float(a[i]):.6g}, expected {float(e[i]):.6g}).\n"
        f"{_fmt(a, ' got:      ')}\n{_fmt(e, ' expected: ')}{tail}"
    )


def _rows_reordered(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether `after` holds the same entries (1-D) or rows (2-D) as `before`, in another order."""
    if before.shape != after.shape or before.ndim not in (1, 2) or len(before) < 2:
        return False
    if before.ndim == 1:
        return bool(np.array_equal(np.sort(before), np.sort(after), equal_nan=True))
    return bool(np.array_equal(before[np.lexsort(before.T[::-1])], after[np.lexsort(after.T[::-1])],
                               equal_nan=True))


def assert_unchanged(before: np.ndarray, after: np.ndarray, name: str, hint: str = "") -> None:
    """Fail if a function modified an input array it should have left alone.

    before: a copy of the input taken before the call; after: the input after the call
    hint: shown on a line of its own after the message
    """
    __tracebackhide__ = True
    before, after = np.asarray(before), np.asarray(after)
    if np.array_equal(before, after, equal_nan=True):
        return
    if _rows_reordered(before, after):
        items = "rows" if before.ndim == 2 else "values"
        what = (f"{name} was reordered in place (the same {items} in another order): shuffling "
                "or sorting the caller's array changes it for every cell that uses it. Reorder "
                "indices instead, e.g. order = rng.permutation(len(X)), then use X[order] and "
                "y[order].")
    else:
        what = (f"{name} was modified in place. Work on a copy (x.copy()) or restore the values "
                "you change.")
    raise _Failure(what + (f"\nHint: {hint}" if hint else ""))


# ------------------------------------------------------------------ student_or_reference
_RTOL, _ATOL = 1e-5, 1e-8  # agreement asked of a student's answer on the small check


def _show(value: Any) -> str:
    """A short, one-line rendering of a value for a note."""
    array = _numbers(list(value) if isinstance(value, tuple) else value)
    if array is None:
        plain = value is None or isinstance(value, (str, bytes))
        return repr(value) if plain else f"a {type(value).__name__}"
    if array.ndim == 0 or (array.ndim == 1 and array.size <= 8):
        fmt = "{:.6g}" if array.dtype.kind in "fc" else "{}"
        entries = [fmt.format(v) for v in array.ravel().tolist()]
        return entries[0] if array.ndim == 0 else f"[{', '.join(entries)}]"
    text = np.array2string(array, precision=4, threshold=8, edgeitems=2, separator=", ")
    return " ".join(text.split())


def _numbers(value: Any) -> np.ndarray | None:
    """`value` as a numeric array (numbers, booleans, arrays, lists of them), else None."""
    if value is None or isinstance(value, (str, bytes, dict, tuple)):
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return array if array.dtype.kind in "biufc" else None


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)) and (isinstance(value, tuple) or _numbers(value) is None):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if _numbers(value) is not None:
        return "a number" if np.ndim(value) == 0 else f"an array of shape {np.shape(value)}"
    return f"a {type(value).__name__}"


def _difference(mine: Any, ref: Any, path: str = "") -> str | None:
    """How `mine` differs from the reference's `ref` (None if it does not).

    Numbers and arrays are compared with a tolerance, tuples/lists and dicts item by item;
    other objects (layers, generators...) are not compared. `path` says where in the result.
    """
    at = f" as {path} of its result" if path else ""
    ref_numbers = None if isinstance(ref, tuple) else _numbers(ref)
    if ref_numbers is not None:
        got = _numbers(list(mine) if isinstance(mine, tuple) else mine)
        if got is None or got.shape != ref_numbers.shape:
            return f"returns {_kind(mine)}{at} where nnlib's returns {_kind(ref)}"
        if np.allclose(got.astype(complex), ref_numbers.astype(complex), rtol=_RTOL, atol=_ATOL,
                       equal_nan=True):
            return None
        return f"gives {_show(mine)}{at} where nnlib's gives {_show(ref)}"
    if isinstance(ref, (tuple, list)):
        if not isinstance(mine, (tuple, list)) or len(mine) != len(ref):
            return f"returns {_kind(mine)}{at} where nnlib's returns {_kind(ref)}"
        items = (_difference(m, r, " of ".join(filter(None, (f"item {k}", path))))
                 for k, (m, r) in enumerate(zip(mine, ref, strict=True)))
        return next(filter(None, items), None)
    if isinstance(ref, dict):
        if not isinstance(mine, dict) or set(mine) != set(ref):
            keys = f" with keys {sorted(map(str, mine))}" if isinstance(mine, dict) else ""
            return (f"returns {_kind(mine)}{keys}{at} where nnlib's returns a dict with keys "
                    f"{sorted(map(str, ref))}")
        items = (_difference(mine[key], ref[key], " of ".join(filter(None, (f"key {key!r}", path))))
                 for key in ref)
        return next(filter(None, items), None)
    if ref is None or isinstance(ref, (str, bytes)):
        same = mine is None if ref is None else isinstance(mine, type(ref)) and mine == ref
        return None if same else f"returns {_show(mine)}{at} where nnlib's returns {_show(ref)}"
    return None


def _argument_names(fn: Callable, count: int) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    return [f"`{params[k]}`" if k < len(params) else f"argument {k + 1}" for k in range(count)]


def _why_not_run(name: str, err: Exception) -> str:
    if isinstance(err, NotImplementedError):
        return f"your `{name}` is not done yet (it still raises NotImplementedError)"
    detail = f" ({err})" if str(err) else ""
    return f"your `{name}` raises {type(err).__name__} on a small check{detail}"


def student_or_reference(
    student: Callable,
    reference: Callable,
    *probe: Any,
    name: str,
    probe_with: Callable[[Callable], Any] | None = None,
) -> Callable:
    """The student's function (or class) if it agrees with nnlib's reference on a small check,
    otherwise the reference, with a note saying why.

    The check calls student(*probe) and reference(*probe), each on its own deep copy of the
    probe (so an rng or an array that one call changes is not seen by the other), and compares
    what they return, with a tolerance (nested tuples, lists, dicts and arrays item by item),
    and the array arguments after the calls (a function must change its arguments in place
    exactly when the reference does). With `probe_with`, it compares probe_with(student) with
    probe_with(reference) instead, e.g. lambda cls: cls(opt).step(1.0) for a class; probe_with
    must build fresh inputs on every call.

    Choose a probe whose answer every correct solution shares (where correct answers may
    differ, as hand-set weights or random draws do, let probe_with extract what they have in
    common). If the reference itself cannot run the probe, only whether the student's runs
    is checked.
    Later cells use what this returns, so an unfinished or wrong exercise never breaks them.
    """

    def run(fn: Callable) -> tuple[Any, tuple]:
        if probe_with is not None:
            return probe_with(fn), ()
        args = copy.deepcopy(probe)
        return fn(*args), args

    try:
        mine, my_args = run(student)
    except Exception as err:  # any failure of unfinished student code, by design
        problem = _why_not_run(name, err)
    else:
        try:
            theirs, their_args = run(reference)
        except Exception:  # the probe suits only the student's side: running is all we check
            return student
        problem = _difference(mine, theirs)
        passed = probe if probe_with is None else ()
        names = _argument_names(reference, len(passed))
        for arg, before, m, r in zip(names, passed, my_args, their_args, strict=True):
            if problem:
                break
            if _difference(m, r) is None:
                continue
            if _difference(r, before) is None:
                problem = f"changes {arg} in place, which nnlib's leaves as it was"
            elif _difference(m, before) is None:
                problem = f"leaves {arg} as it was, where nnlib's updates it in place"
            else:
                problem = f"changes {arg} in place differently from nnlib's: it {_difference(m, r)}"
        if problem:
            problem = f"on a small check, your `{name}` {problem}"
    if problem is None:
        return student
    ref = f"{reference.__module__}.{reference.__qualname__}"
    print(f"Note: {problem}. The cells below use nnlib's reference `{ref}` instead; once "
          "yours passes its test above, re-run this cell to use it.")
    return reference
