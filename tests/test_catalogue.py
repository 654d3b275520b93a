"""The bug catalogue: every plausible wrong answer loses points where it should; other correct answers don't.

Each module in tests/catalogue/ names a NOTEBOOK and lists BUGS and CORRECT answers.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests import catalogue
from tests.notebook_runner import Bug, Correct, grade_with, solved_namespace


def _entries(kind: type):
    for info in pkgutil.iter_modules(catalogue.__path__):
        mod = importlib.import_module(f"tests.catalogue.{info.name}")
        for name, entry in getattr(mod, "BUGS" if kind is Bug else "CORRECT", {}).items():
            yield pytest.param(mod.NOTEBOOK, entry, id=f"{info.name}: {name}")


@pytest.mark.parametrize("notebook", sorted({p.values[0] for p in _entries(Bug)}))
def test_solution_passes_every_test_cell(notebook):
    _, graded = solved_namespace(notebook)
    failed = {g: e for g, e in graded.results.items() if e}
    assert not failed, f"the solution fails its own tests: {failed}"


@pytest.mark.parametrize("notebook, bug", list(_entries(Bug)))
def test_bug_loses_points(notebook, bug: Bug):
    graded = grade_with(notebook, bug.cell, bug.source)
    caught = [g for g in bug.fails if graded.results.get(g) is not None]
    assert caught == list(bug.fails), (
        f"bug not caught by {sorted(set(bug.fails) - set(caught))} ({bug.why}); "
        f"results: {graded.results}"
    )
    assert graded.score < graded.max_score
    if bug.visible:
        seen = grade_with(notebook, bug.cell, bug.source, visible_only=True)
        missed = [g for g in bug.fails if seen.results.get(g) is None]
        assert not missed, f"the visible tests of {missed} pass this bug ({bug.why})"


@pytest.mark.parametrize("notebook, correct", list(_entries(Correct)))
def test_other_correct_answer_gets_full_marks(notebook, correct: Correct):
    graded = grade_with(notebook, correct.cell, correct.source)
    failed = {g: e for g, e in graded.results.items() if e}
    assert not failed, f"a correct answer ({correct.why}) loses points: {failed}"
