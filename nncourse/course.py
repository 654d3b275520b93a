"""The course folder as nbgrader sees it: its config, and where submissions and sources live."""

from __future__ import annotations

from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from nncourse.release import CONFIG


def load_config(root: Path) -> Config:
    """The course's nbgrader_config.py, with the course root made absolute."""
    config = PyFileConfigLoader(CONFIG, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def course_directory(config: Config) -> CourseDirectory:
    return CourseDirectory(config=config)


def folder(coursedir: CourseDirectory, step: str, student: str, assignment: str) -> Path:
    """Folder of one nbgrader step (e.g. coursedir.submitted_directory) for one student."""
    return Path(coursedir.format_path(step, student, assignment))


def source_notebooks(coursedir: CourseDirectory, assignment: str) -> list[Path]:
    """The instructor's notebooks of an assignment (its solutions/ folder)."""
    return sorted(folder(coursedir, coursedir.source_directory, ".", assignment).glob("*.ipynb"))


def submitted_students(coursedir: CourseDirectory, assignment: str) -> list[str]:
    """Ids of the students with a submitted/<student>/<assignment>/ folder, sorted."""
    base = Path(coursedir.root) / coursedir.submitted_directory
    return sorted(
        p.name for p in base.iterdir() if folder(coursedir, coursedir.submitted_directory,
                                                 p.name, assignment).is_dir()
    ) if base.is_dir() else []
