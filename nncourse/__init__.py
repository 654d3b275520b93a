"""nncourse: the commands of nn-course (release, lab, sandboxed autograde with a judge)."""
