"""nbgrader configuration for nn-course (read by every nbgrader command run from this folder)."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "nn-course"
c.CourseDirectory.root = "."
# Instructors edit solutions/<assignment>/; students receive course/<assignment>/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"

# A submission that deleted a graded cell gets it back from the gradebook, and is graded on it.
c.OverwriteCells.add_missing_cells = True

# A runaway submission is cut after this many seconds per cell; later cells still run and are graded.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120
# Feedback shows scores and the student's own output, never the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nncourse.feedback.HideHiddenTestTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
