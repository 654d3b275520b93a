"""nbgrader's Execute step, replaced: the submission runs in a sandbox, its tests in the judge.

`nbgrader_config.py` puts `JudgeExecute` where nbgrader's autograder has `Execute`, so both
`nbgrader autograde` and `nn-course autograde` grade this way. nbgrader still does everything
around it: restoring the test cells from the gradebook, SaveAutoGrades from the outputs, late
penalties, the gradebook itself (in the trusted process only).

What the judge found is kept in the graded notebook's metadata under "nncourse": per test
cell {"passed", "error", "message"}; per notebook {"problems", "seconds", "sandbox"}.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode, read
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer

from nncourse import withheld
from nncourse.judge.grader import Judge, is_test
from nncourse.judge.kernel import KernelStudent
from nncourse.sandbox import Limits, check


def _plain_files(folder: Path) -> list[Path]:
    """The regular files of `folder` (not notebooks, not hidden, never a symbolic link).

    nbgrader copies a submission's files by following links; a link to solutions/ or to the
    gradebook must not bring their content into the sandbox, so files come from here instead.
    """
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.iterdir()) if not p.is_symlink() and p.is_file()
            and p.suffix != ".ipynb" and not p.name.startswith(".")]


class JudgeExecute(NbGraderPreprocessor):
    """Grade a restored submission: its cells in a sandboxed kernel, the tests in the judge."""

    timeout = Integer(120, help="Seconds per cell, and per test cell's calls.").tag(config=True)
    sandbox = Bool(True, help="Run the submission in bubblewrap (False: a plain kernel, "
                              "for students you trust; the verdict is still the judge's).",
                   ).tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="Address space per process.").tag(config=True)
    processes = Integer(Limits.processes, help="Processes at once.").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file written.").tag(config=True)
    output_mb = Integer(Limits.output_mb, help="Output kept per notebook.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source_dir = Path(coursedir.format_path(coursedir.source_directory, ".",
                                                info["assignment"]))
        source = read(source_dir / f"{info['notebook']}.ipynb", as_version=4)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info["student"],
                                               info["assignment"]))
        files = {p.name: p for p in _plain_files(submitted)}
        files.update({p.name: p for p in _plain_files(source_dir)})  # the instructor's win
        files = sorted(files.values())
        limits = Limits(self.memory_mb, self.file_mb, Limits.open_files,
                                self.processes, self.output_mb)
        if self.sandbox:
            check()
        with tempfile.TemporaryDirectory(prefix="nn-course-masks-") as folder:
            masks = withheld.masks(info["assignment"], Path(folder)) if self.sandbox else {}
            student = KernelStudent(files, limits, masks, sandboxed=self.sandbox)
            try:
                report = Judge(student, source, self.timeout).grade(nb)
            finally:
                student.close()
        for cell in nb.cells:
            if is_test(cell):
                errors = [o for o in cell.outputs if o.output_type == "error"]
                cell.metadata["nncourse"] = {
                    "passed": not errors,
                    "error": errors[0].ename if errors else None,
                    "message": errors[0].evalue[:2000] if errors else None}
        nb.metadata["nncourse"] = {"problems": report.problems,
                                   "seconds": round(report.seconds, 3),
                                   "sandbox": bool(self.sandbox)}
        return nb, resources
