"""Benchmark: grading 40 submissions of exercise 03 with ``grade -j 2``.

Run with ``.venv/bin/python benchmarks/grading.py [--submissions 40] [--jobs 2] [--baseline 3]``.

The submissions are made here from the course's own notebooks: a third the
solution (all correct), a third the released exercise (nothing answered), a
third the solution with task 2 scored in five groups instead of four (one task
wrong). The script grades them as an instructor would (each in its own kernel,
``jobs`` at a time, answers scored in the clean evaluator) and prints:

* the wall time of the run and per submission (the goal: the 40 in under 4 minutes
  on 2 cores);
* the CPU time of the grader and all its kernels, which a busy machine does not
  inflate, and what it means for an idle 2-core machine (CPU time / 2);
* the baseline, in the same run: the solution executed plainly (nbclient, no
  grading) ``--baseline`` times one after another, per notebook, and the ratio;
* the load average before and after, since the machine may be shared.

It also checks the scores: every solution full marks, every blank 0, every one-wrong one point less
(written answers are recorded for the instructor and give no automatic points).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one thread per kernel, as in the test suite

import nbformat

from course_lib import KIT_ROOT
from course_lib.kit.grading import grade_submissions
from course_lib.kit.notebook_run import execute_notebook

GOAL_SECONDS = 240
LESSON = "03_rfm.ipynb"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the kernels, the evaluator)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scored_checks() -> int:
    """The checks of lesson 03 that give points (a written answer is recorded, marked by hand)."""
    from course_lib.checks import Check, FreeTextCheck, lesson03

    return sum(isinstance(value, Check) and not isinstance(value, FreeTextCheck) for value in vars(lesson03).values())


def make_submissions(folder: Path, count: int) -> dict[str, float]:
    """Write `count` submissions; return the total points each must get."""
    solution = nbformat.read(KIT_ROOT / "solutions" / LESSON, as_version=4)
    blank = nbformat.read(KIT_ROOT / "exercises" / LESSON, as_version=4)
    one_wrong = nbformat.read(KIT_ROOT / "solutions" / LESSON, as_version=4)
    changed = 0
    for cell in one_wrong.cells:
        if "bins=4" in cell.source:
            cell.source = cell.source.replace("bins=4", "bins=5")
            changed += 1
    if changed != 1:
        raise RuntimeError("the solution of task 03.2 no longer says bins=4: update the benchmark's wrong variant")
    full = float(scored_checks())
    expected = {}
    for number in range(count):
        kind, notebook, points = [("right", solution, full), ("blank", blank, 0.0), ("wrong", one_wrong, full - 1)][
            number % 3
        ]
        name = f"s{number:02d}_{kind}"
        nbformat.write(notebook, folder / f"{name}_{LESSON}")
        expected[f"{name}_{LESSON[:-6]}"] = points
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=3, help="plain runs of the solution, for the ratio")
    arguments = parser.parse_args()
    print(f"load average before: {' '.join(f'{value:.1f}' for value in os.getloadavg())} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory(prefix="course-kit-bench-grading-") as scratch:
        folder = Path(scratch) / "submissions"
        folder.mkdir()
        expected = make_submissions(folder, arguments.submissions)

        cpu, wall = cpu_seconds(), time.perf_counter()
        for _ in range(arguments.baseline):
            execute_notebook(KIT_ROOT / "solutions" / LESSON, timeout=600)
        plain_wall = (time.perf_counter() - wall) / max(arguments.baseline, 1)
        plain_cpu = (cpu_seconds() - cpu) / max(arguments.baseline, 1)

        cpu, wall = cpu_seconds(), time.perf_counter()
        result = grade_submissions(
            folder,
            reference=KIT_ROOT / "exercises" / LESSON,
            out=Path(scratch) / "run",
            jobs=arguments.jobs,
            timeout=300,
            progress=True,
        )
        grading_wall = time.perf_counter() - wall
        grading_cpu = cpu_seconds() - cpu

    got = result.grades.set_index("file")["total"].to_dict()
    wrong = {name: (got.get(name), points) for name, points in expected.items() if got.get(name) != points}
    statuses = result.grades["status"].value_counts().to_dict()
    flagged = int((result.grades["flags"] != "").sum())
    count = arguments.submissions
    print(f"load average after:  {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    print(f"scores as expected: {not wrong} {wrong or ''}; statuses {statuses}; flagged {flagged}")
    print(f"plain run of the solution (baseline): {plain_wall:.1f} s wall, {plain_cpu:.1f} s CPU per notebook")
    print(
        f"grading {count} submissions with -j {arguments.jobs}: {grading_wall:.0f} s wall "
        f"({grading_wall / count:.1f} s per submission; median kernel run {result.grades['seconds'].median():.1f} s)"
    )
    print(
        f"CPU: {grading_cpu:.0f} s in all ({grading_cpu / count:.1f} s per submission, "
        f"{grading_cpu / count / plain_cpu:.2f}x a plain run); on an idle 2-core machine about "
        f"{grading_cpu / 2:.0f} s wall"
    )
    verdict = "met" if grading_wall <= GOAL_SECONDS else "missed on this machine now"
    print(f"goal: {count} submissions in under {GOAL_SECONDS} s wall: {verdict}")


if __name__ == "__main__":
    main()
