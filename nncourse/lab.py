"""`nn-course lab`: JupyterLab for a student, on a private copy of the course.

course/ is the release: `nn-course release` regenerates it and the tests compare it with
solutions/, so a student who saved work there would see the tests fail and a "fix" that wipes
their answers. This command copies course/ into a work folder (my-work/ by default, ignored by
git), copying only the files that folder lacks, so running it again never overwrites a notebook
in progress, then starts JupyterLab there as a student should see it:

- nbgrader's student tools only (Assignment List, Validate): the instructor's Formgrader,
  Course List and Create Assignment are left out, and so is the formgrader server extension;
- no JupyterLab news pop-up (nor its requests for the news feed);
- `--allow-root` when run as root (containers, CI, cloud machines), where JupyterLab otherwise
  refuses to start.

How: JupyterLab skips the plugins listed under `disabledExtensions` in `labconfig/
page_config.json` of any folder on the Jupyter config path, and JUPYTER_CONFIG_PATH puts a
folder first on that path. The command writes such a folder inside the work folder and sets
the variable for this server only, so the instructor's `jupyter lab` keeps every tool.
binder/postBuild hides the same plugins on Binder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from nncourse import release

WORK = "my-work"
CONFIG_DIR = ".nn-course-lab"  # inside the work folder; hidden in JupyterLab's file browser
HIDDEN_PLUGINS = (
    "@jupyter/nbgrader:formgrader",  # grading submissions
    "@jupyter/nbgrader:course-list",  # the courses one teaches
    "@jupyter/nbgrader:create-assignment",  # writing assignments
    "@jupyterlab/apputils-extension:announcements",  # the news pop-up
)
DISABLED_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",)


def copy_missing(course: Path, work: Path) -> list[Path]:
    """Copy each file of `course` that `work` lacks into `work`; never overwrite a file.

    Hidden files and folders (such as .ipynb_checkpoints) are skipped.
    Returns the copied files, relative to `work`, sorted.
    """
    copied = []
    for source in sorted(course.rglob("*")):
        relative = source.relative_to(course)
        if not source.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        target = work / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(relative)
    return copied


def write_student_config(folder: Path) -> Path:
    """Write into `folder` the Jupyter config that hides the instructor's tools; return it."""
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    page = {"disabledExtensions": dict.fromkeys(HIDDEN_PLUGINS, True)}
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n")
    server = {
        "ServerApp": {"jpserver_extensions": dict.fromkeys(DISABLED_SERVER_EXTENSIONS, False)},
        "LabApp": {"news_url": None},
    }
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n")
    return folder


def command(work: Path, *, no_browser: bool = False, as_root: bool = False,
            extra: Sequence[str] = ()) -> list[str]:
    """The argv that starts JupyterLab on `work`, with this environment's Python."""
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={work}"]
    if no_browser:
        argv.append("--no-browser")
    if as_root:
        argv.append("--allow-root")
    return argv + list(extra)


def environment(config: Path, base: Mapping[str, str]) -> dict[str, str]:
    """`base` with `config` first on JUPYTER_CONFIG_PATH (before any folders already there)."""
    env = dict(base)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(config), base.get("JUPYTER_CONFIG_PATH", "")) if p)
    return env


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _start(argv: list[str], env: dict[str, str]) -> None:
    """Replace this process with JupyterLab (so Ctrl+C and its exit code are JupyterLab's)."""
    os.execve(argv[0], argv, env)


def _run(args: argparse.Namespace) -> int:
    root = release.find_root(Path.cwd())
    work = Path(args.work).resolve() if args.work else root / WORK
    copied = copy_missing(root / "course", work)
    shown = work.relative_to(Path.cwd()) if work.is_relative_to(Path.cwd()) else work
    if copied:
        print(f"Copied {len(copied)} file(s) from course/ into {shown}/:")
        for path in copied:
            print(f"  {path.as_posix()}")
    else:
        print(f"{shown}/ already holds every file of course/: nothing copied.")
    print("Files already in the work folder are never overwritten.")
    config = write_student_config(work / CONFIG_DIR)
    argv = command(work, no_browser=args.no_browser, as_root=running_as_root(),
                   extra=args.jupyter_args)
    print(f"Starting JupyterLab on {shown}/ (press Ctrl+C twice to stop it).", flush=True)
    _start(argv, environment(config, os.environ))
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "lab",
        help=f"copy course/ into {WORK}/ (only missing files) and open it in JupyterLab",
        description=f"Copy the files of course/ that the work folder ({WORK}/ by default) lacks "
        "into it, never overwriting one, then start JupyterLab there with nbgrader's student "
        "tools only. Arguments after -- go to jupyter lab, e.g. -- --port=8899.",
    )
    p.add_argument("--work", metavar="DIR", help=f"work folder (default: {WORK}/ in the course)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("jupyter_args", nargs="*", metavar="JUPYTER_ARG",
                   help="passed on to jupyter lab (after --)")
    p.set_defaults(run=_run)
