"""nncourse: the instructor's and student's commands for nn-course (release, lab, sandboxed autograde)."""
