"""The kit's command line: ``python -m course_lib COMMAND``.

This is the only module of the kit that parses arguments and prints; every
command calls functions of the library and reports what they return.
Nothing imports this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course_lib import KIT_ROOT

LESSON_FOLDERS = ("notebooks", "solutions")


def _doctor(arguments: argparse.Namespace) -> int:
    from course_lib.doctor import run_all

    findings = run_all()
    for finding in findings:
        print(finding)
    problems = sum(not finding.ok for finding in findings)
    if problems:
        print(f"\n{problems} problem(s) found: apply the fixes above, then run the doctor again.")
        return 1
    print("\nAll checks passed: the kit is ready.")
    return 0


def _data(arguments: argparse.Namespace) -> int:
    from course_lib.datasets import write_world

    paths = write_world(arguments.out, seed=arguments.seed, n_customers=arguments.customers, progress=True)
    print(f"Wrote {len(paths)} files to {arguments.out} (seed {arguments.seed}, {arguments.customers} customers).")
    if Path(arguments.out).resolve() != (KIT_ROOT / "datasets").resolve():
        print(f"To use them in the lessons, set COURSE_KIT_DATA={Path(arguments.out).resolve()} before starting JupyterLab.")
    return 0


def _build(arguments: argparse.Namespace) -> int:
    from course_lib.exercise_build import build_exercises

    for path in build_exercises(KIT_ROOT / "solutions", KIT_ROOT / "exercises"):
        print(f"wrote {path.relative_to(KIT_ROOT)}")
    return 0


def _refresh(arguments: argparse.Namespace) -> int:
    from course_lib.exercise_build import build_exercises
    from course_lib.notebook_run import refresh_notebook

    # The kernels inherit this: one thread each, as in the test suite (see conftest.py).
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"

    paths = arguments.notebooks or sorted(
        path for folder in LESSON_FOLDERS for path in (KIT_ROOT / folder).glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        print(f"running {path} ...", flush=True)
        refresh_notebook(Path(path))
    build_exercises(KIT_ROOT / "solutions", KIT_ROOT / "exercises")
    print(f"Refreshed {len(paths)} notebook(s) and rebuilt the exercises.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from course_lib.datasets import DEFAULT_CUSTOMERS, DEFAULT_SEED

    parser = argparse.ArgumentParser(prog="python -m course_lib", description="Tools of the customer segmentation course kit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    doctor = commands.add_parser("doctor", help="check the installation, one line per check")
    doctor.set_defaults(run=_doctor)

    data = commands.add_parser("data", help="generate the course data (a new seed gives a cohort its own data)")
    data.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED}, the shipped data)")
    data.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help=f"number of customers (default {DEFAULT_CUSTOMERS})")
    data.add_argument("--out", type=Path, default=KIT_ROOT / "datasets", help="output folder (default: datasets/)")
    data.set_defaults(run=_data)

    build = commands.add_parser("build", help="generate exercises/ from solutions/")
    build.set_defaults(run=_build)

    refresh = commands.add_parser("refresh", help="re-run lessons and solutions, store their outputs, rebuild exercises")
    refresh.add_argument("notebooks", nargs="*", type=Path, help="notebooks to re-run (default: all lessons and solutions)")
    refresh.set_defaults(run=_refresh)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except (ValueError, TypeError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
