"""Feedback that never quotes hidden tests.

nbgrader's ClearHiddenTests removes the hidden block from a test cell's source, but the
cell's outputs were produced by running it: a traceback prints the failing line and its
neighbours, and a warning prints the line that raised it. `HideHiddenTestTracebacks`
rewrites the outputs of every autograder test cell that holds hidden tests:

- an error becomes ``ExcType: message`` (nnlib.testing writes messages for students), and
  a message that itself contains a hidden-test line is withheld;
- a stream line equal to a hidden-test line is replaced by a placeholder.

Test cells without hidden tests keep their full traceback. The hidden lines are read from
the gradebook (the source cells saved by generate_assignment), and from the cell itself in
case this preprocessor runs before ClearHiddenTests.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WITHHELD = "(message withheld: it quotes a hidden test)"
HIDDEN_LINE = "(hidden test line)"


def hidden_lines(
    source: str, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS"
) -> set[str]:
    """The stripped, non-blank lines between the hidden-test delimiters of a cell source."""
    lines, inside = set(), False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and line.strip():
            lines.add(line.strip())
    return lines


def quotes(text: str, lines: set[str]) -> bool:
    """Whether `text` contains any of `lines` longer than a token (ANSI colour codes ignored)."""
    plain = _ANSI.sub("", text)
    return any(line in plain for line in lines if len(line) >= 6)


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    """Reduce errors in hidden-test cells to type and message; drop echoed hidden lines."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources.get("nbgrader", {})
        self._saved: dict[str, str] = {}
        if {"db_url", "notebook", "assignment"} <= info.keys():
            with Gradebook(info["db_url"]) as gb:
                try:
                    notebook = gb.find_notebook(info["notebook"], info["assignment"])
                except MissingEntry:
                    self.log.warning("HideHiddenTestTracebacks: %s not in the gradebook", info)
                else:
                    self._saved = {c.name: c.source for c in notebook.source_cells}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        lines = set()
        for source in (self._saved.get(grade_id, ""), cell.source):
            lines |= hidden_lines(source, self.begin_test_delimeter, self.end_test_delimeter)
        if lines:
            cell.outputs = [self._scrub(output, lines) for output in cell.outputs]
        return cell, resources

    @staticmethod
    def _scrub(output: NotebookNode, lines: set[str]) -> NotebookNode:
        if output.output_type == "error":
            message = WITHHELD if quotes(output.evalue, lines) else output.evalue
            if not message:  # nbgrader's CellTimeoutError puts its text in the traceback only
                last = _ANSI.sub("", output.traceback[-1]) if output.traceback else ""
                head, _, tail = last.partition(": ")
                if head == output.ename and not quotes(tail, lines):
                    message = tail.strip()
            output.evalue = message
            output.traceback = [f"{output.ename}: {message}" if message else output.ename]
        elif output.output_type == "stream":
            text = output.text if isinstance(output.text, str) else "".join(output.text)
            output.text = "".join(
                HIDDEN_LINE + "\n" if _ANSI.sub("", line).strip() in lines else line
                for line in text.splitlines(keepends=True)
            )
        return output


class StripStrayHiddenMarkers(NbGraderPreprocessor):
    """Remove hidden-test delimiters from cells that are not test cells.

    A student may type `### BEGIN HIDDEN TESTS` in a cell of their own; nbgrader's
    ClearHiddenTests would then fail on it and the student would get no feedback.
    """

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if utils.is_grade(cell) and not utils.is_solution(cell):
            return cell, resources
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        for marker in (self.begin_test_delimeter, self.end_test_delimeter):
            source = source.replace(marker, marker.lower())
        cell.source = source
        return cell, resources

