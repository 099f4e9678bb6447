"""The student copy of the kit: lessons, exercises, data and ``course_lib``, without the answers.

:func:`write_release` copies what a student needs and leaves out what is the
instructor's: ``solutions/``, the planted truth (``datasets/truth/``), the
instructor notes of the lessons (cells whose slide type is ``notes``, and
markdown cells that start with "For the instructor" or "Instructor note"), the
tests, benchmarks and grading runs. It then checks its own output
(:func:`release_problems`) and refuses to finish if any solution code or truth
file got in.

With ``seed=``, the data is generated for the cohort (a new world: the answers of
another seed do not fit it) and the seed is not written into the copy, since the
seed and the kit's generator together would recreate the planted truth.

Examples
--------
>>> from nbformat.v4 import new_markdown_cell, new_notebook
>>> lesson = new_notebook(cells=[new_markdown_cell("# RFM"), new_markdown_cell("**For the instructor:** ask the room.")])
>>> [cell.source for cell in student_notebook(lesson).cells]
['# RFM']
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_lib import KIT_ROOT
from course_lib.kit.exercise_build import BEGIN_MARKER, END_MARKER

__all__ = [
    "RELEASED_FILES",
    "is_instructor_cell",
    "release_problems",
    "solution_lines",
    "student_notebook",
    "write_release",
]

#: Top-level files a student needs to install and run the kit.
RELEASED_FILES = ("README.md", "kit.py", "pyproject.toml", "requirements.lock", "environment.yml", "LICENSE")
_FOLDERS = ("notebooks", "exercises", "course_lib")
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
_INSTRUCTOR_START = re.compile(r"^[\s#>*_]*(for the instructor|instructor notes?\b|instructor only)", re.IGNORECASE)


def is_instructor_cell(cell: NotebookNode) -> bool:
    """A cell for the instructor only: slide type ``notes``, or markdown starting "For the instructor"."""
    if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes":
        return True
    return cell.cell_type == "markdown" and bool(_INSTRUCTOR_START.match(cell.source))


def student_notebook(notebook: NotebookNode) -> NotebookNode:
    """The notebook without its instructor cells (the input is not changed)."""
    student = copy.deepcopy(notebook)
    student.cells = [cell for cell in student.cells if not is_instructor_cell(cell)]
    return student


def _copy_notebooks(source: Path, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.glob("*.ipynb")):
        notebook = student_notebook(nbformat.read(path, as_version=4))
        (target / path.name).write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        count += 1
    return count


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_data(out: Path, *, seed: int | None, customers: int | None, progress: bool) -> None:
    """``out/datasets``: the shipped data (or the cohort's), without ``truth/``, with fresh checksums."""
    target = out / "datasets"
    with tempfile.TemporaryDirectory(prefix="course-kit-release-") as scratch:
        if seed is None:
            source = KIT_ROOT / "datasets"
        else:
            from course_lib.datasets import DEFAULT_CUSTOMERS, write_world

            source = Path(scratch) / "data"
            write_world(source, seed=seed, n_customers=customers or DEFAULT_CUSTOMERS, progress=progress)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("truth", "SHA256SUMS", "__pycache__"))
    if seed is not None:  # the seed and the generator would recreate truth/: keep it out of the copy
        readme = target / "README.md"
        if readme.is_file():
            text = re.sub(r"--seed \d+", "--seed SEED", readme.read_text(encoding="utf-8"))
            readme.write_text(re.sub(r"\bseed \d[\d,]*", "the cohort's seed", text), encoding="utf-8")
    files = sorted(path for path in target.rglob("*") if path.is_file())
    lines = [f"{_sha256(path)}  {path.relative_to(target).as_posix()}" for path in files]
    (target / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def solution_lines(solution: NotebookNode) -> set[str]:
    """The code lines only a solution block of `solution` has (stripped, 12 characters or more).

    Lines that also stand outside the blocks (given code the task repeats) are not solution code.
    """
    pattern = re.compile(rf"{re.escape(BEGIN_MARKER)}[^\n]*\n(.*?){re.escape(END_MARKER)}", re.DOTALL)
    inside, outside = set(), set()
    for cell in solution.cells:
        if cell.cell_type != "code":
            continue
        for body in pattern.findall(cell.source):
            inside |= {line.strip() for line in body.splitlines() if len(line.strip()) >= 12}
        outside |= {line.strip() for line in pattern.sub("", cell.source).splitlines()}
    return inside - outside


def release_problems(out: Path | str, *, solutions: Path | str | None = KIT_ROOT / "solutions") -> list[str]:
    """What should not be in the release at `out`: solution code, truth files, instructor cells."""
    out = Path(out)
    problems = []
    for forbidden in ("solutions", "datasets/truth", "tests", "benchmarks"):
        if (out / forbidden).exists():
            problems.append(f"{forbidden}/ is in the release")
    notebooks = sorted(out.rglob("*.ipynb"))
    for path in notebooks:
        solution = Path(solutions) / path.name if solutions is not None else None
        bodies = set()
        if path.parent.name == "exercises" and solution is not None and solution.is_file():
            bodies = solution_lines(nbformat.read(solution, as_version=4))
        notebook = nbformat.read(path, as_version=4)
        for number, cell in enumerate(notebook.cells, start=1):
            where = f"{path.relative_to(out)} cell {number}"
            if BEGIN_MARKER in cell.source or END_MARKER in cell.source:
                problems.append(f"{where} has a solution marker")
            if is_instructor_cell(cell):
                problems.append(f"{where} is an instructor cell")
            if bodies and cell.cell_type == "code":
                leaked = [line for line in cell.source.splitlines() if line.strip() in bodies]
                if leaked:
                    problems.append(f"{where} holds solution code: {leaked[0].strip()!r}")
    return problems


def write_release(
    out: Path | str, *, seed: int | None = None, customers: int | None = None, progress: bool = False
) -> str:
    """Write the student copy of the kit in `out` (a new or empty folder); return a summary.

    Parameters
    ----------
    out : path
        The folder to write; it must not exist or be empty.
    seed : int, optional
        Generate the cohort's data with this seed (default: copy the shipped data).
    customers : int, optional
        Customers of the cohort's data (with `seed`).
    progress : bool, default=False
        Show the data generator's progress bar.

    Raises
    ------
    ValueError
        When `out` holds files, or when the check of the written copy finds solution code,
        truth files or instructor cells (the copy is then not fit to hand out).
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"The release folder {str(out)!r} already holds files: give a new or empty folder.")
    out.mkdir(parents=True, exist_ok=True)
    lessons = _copy_notebooks(KIT_ROOT / "notebooks", out / "notebooks")
    exercises = _copy_notebooks(KIT_ROOT / "exercises", out / "exercises")
    shutil.copytree(KIT_ROOT / "course_lib", out / "course_lib", ignore=_SKIPPED)
    for name in RELEASED_FILES:
        if (KIT_ROOT / name).is_file():
            shutil.copy2(KIT_ROOT / name, out / name)
    _copy_data(out, seed=seed, customers=customers, progress=progress)
    problems = release_problems(out)
    if problems:
        raise ValueError("The release is not fit to hand out: " + "; ".join(problems[:5]))
    data = "the shipped data" if seed is None else "data generated for the cohort (its seed is not in the copy)"
    return (
        f"Wrote the student copy to {out}: {lessons} lessons, {exercises} exercises, {data}, course_lib.\n"
        "Left out: solutions/, datasets/truth/, instructor notes, tests/, benchmarks/. Checked: no solution "
        "code, no truth files, no instructor cells."
    )
