"""nbgrader configuration for nn-course (read by every nbgrader command run from this folder)."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "nn-course"
c.CourseDirectory.root = "."
# Instructors edit solutions/<assignment>/; students receive course/<assignment>/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"

# A submission that deleted a graded cell gets it back from the gradebook, and is graded on it.
c.OverwriteCells.add_missing_cells = True

# Grading runs each submission in a sandbox (bubblewrap) and its test cells in a separate, trusted
# judge process (nncourse/judge/): JudgeExecute takes the place of nbgrader's Execute.
c.Autograde.autograde_preprocessors = [
    "nncourse.judge.execute.JudgeExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A runaway submission is cut after this many seconds per cell (even if it ignores interrupts);
# later cells still run and are graded.
c.JudgeExecute.timeout = 120
# Limits per submission: memory per process, processes at once, largest file, output kept.
c.JudgeExecute.memory_mb = 2048
c.JudgeExecute.processes = 64
c.JudgeExecute.file_mb = 64
c.JudgeExecute.output_mb = 4
# Feedback shows scores and the student's own output, never the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nncourse.feedback.StripStrayHiddenMarkers",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nncourse.feedback.HideHiddenTestTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
