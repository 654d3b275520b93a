"""The `nn-course` command: the student's `lab` and the instructor's tools, one subcommand each.

To add a subcommand, write `_add_<name>(subparsers)` that registers its parser with
`set_defaults(run=<function(args) -> int>)` and append it to SUBCOMMANDS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nncourse import autograde, lab, release


def _run_release(args: argparse.Namespace) -> int:
    root = release.find_root(Path.cwd())
    written = release.release(root, args.assignments)
    for assignment, files in written.items():
        print(f"{assignment}: wrote {len(files)} file(s) to {root / 'course' / assignment}")
        for path in files:
            print(f"  {path.relative_to(root)}")
    return 0


def _add_release(subparsers) -> None:
    p = subparsers.add_parser(
        "release",
        help="regenerate the student release course/<id>/ from solutions/<id>/",
        description="Run nbgrader generate_assignment --force for every assignment under "
        "solutions/ (or only those named), from the course root.",
    )
    p.add_argument(
        "assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)"
    )
    p.set_defaults(run=_run_release)


SUBCOMMANDS = [lab.add_parser, _add_release, autograde.add_parser]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nn-course", description="Open the course as a student, or manage it as an instructor."
    )
    subparsers = parser.add_subparsers(
        dest="command", title="commands", required=True, metavar="COMMAND"
    )
    for add in SUBCOMMANDS:
        add(subparsers)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (release.ReleaseError, autograde.AutogradeError) as err:
        print(f"nn-course {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
