"""Regenerate the student release in course/ from the instructor's source in solutions/.

nbgrader has no `generate_assignment --all`; `release` runs it for every assignment found
under solutions/ (or the ones named), through nbgrader's own API and the course's
nbgrader_config.py, so the gradebook at the course root records every source cell.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

CONFIG = "nbgrader_config.py"


class ReleaseError(Exception):
    """A release could not be generated (the message says which and why)."""


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding nbgrader_config.py and solutions/."""
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file() and (folder / "solutions").is_dir():
            return folder
    raise ReleaseError(f"no {CONFIG} with a solutions/ folder beside it in {start} or above")


def assignments(root: Path) -> list[str]:
    """Assignment ids: the folders of solutions/ that hold at least one notebook."""
    return sorted(
        p.name for p in (root / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
    )


def _api(root: Path) -> NbGraderAPI:
    config = PyFileConfigLoader(CONFIG, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    # nbgrader runs `alembic` by name when it creates a gradebook: find the one beside us.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def release(root: Path, ids: list[str] | None = None) -> dict[str, list[Path]]:
    """Run generate_assignment --force for each assignment; return the files written per id."""
    known = assignments(root)
    ids = ids or known
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise ReleaseError(
            f"not in {root / 'solutions'}: {', '.join(unknown)} (found: {', '.join(known)})"
        )
    api = _api(root)
    written = {}
    for assignment in ids:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            log = result.get("log", "") + result.get("error", "")
            raise ReleaseError(f"generate_assignment {assignment} failed:\n{log}")
        out = root / "course" / assignment
        written[assignment] = sorted(p for p in out.rglob("*") if p.is_file())
    return written
