"""nncourse: the instructor's tools for nn-course (regenerate releases, grade, scan submissions)."""
