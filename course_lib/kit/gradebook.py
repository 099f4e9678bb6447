"""From graded submissions to a gradebook: student ids, points, manual scores, LMS formats.

Examples
--------
>>> student_id("alice_03_rfm")
'alice'
>>> student_id("2024-117_ana_03", pattern=r"^(?P<student_id>[0-9-]+)_")
'2024-117'
>>> tasks = [Task("03.1", "Total", 2.0), Task("text-1", "Think about it", 1.0, manual=True)]
>>> grades = pd.DataFrame({"student_id": ["ana"], "file": ["ana_03"], "status": ["graded"], "03.1": [2.0],
...                        "text-1": [float("nan")], "flags": [""]})
>>> manual = pd.DataFrame({"student_id": ["ana"], "task": ["text-1"], "points": [0.5]})
>>> add_manual_points(grades, tasks, manual)[["03.1", "text-1", "total", "max_points", "percent"]]
   03.1  text-1  total  max_points  percent
0   2.0     0.5    2.5         3.0     83.3
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "DEFAULT_STUDENT_PATTERN",
    "FORMATS",
    "Task",
    "add_manual_points",
    "gradebook",
    "read_manual_scores",
    "student_id",
    "totals",
]

#: The part of the file name before the first ``_`` (or the first folder of its path).
DEFAULT_STUDENT_PATTERN = r"^(?P<student_id>[^_/]+)"
FORMATS = ("csv", "canvas", "moodle")


@dataclass(frozen=True)
class Task:
    """One graded part of an exercise: a check (automatic) or a free-text answer (manual)."""

    task: str
    title: str
    points: float = 1.0
    manual: bool = False


def student_id(name: str, *, pattern: str = DEFAULT_STUDENT_PATTERN) -> str:
    """The student id in a submission's name (its path in the folder, without ``.ipynb``).

    `pattern` is a regular expression; its group ``student_id`` (or else its first group, or
    else the whole match) is the id. A name it does not match keeps the whole name.
    """
    found = re.search(pattern, name)
    if found is None:
        return name
    if "student_id" in found.re.groupindex:
        return found.group("student_id")
    return found.group(1) if found.re.groups else found.group(0)


def totals(grades: pd.DataFrame, tasks: list[Task]) -> pd.DataFrame:
    """Add ``total``, ``max_points`` and ``percent`` (rounded to 0.1) from the task columns."""
    columns = [task.task for task in tasks]
    out = grades.copy()
    out["total"] = out[columns].fillna(0.0).sum(axis=1).astype(float) if columns else 0.0
    out["max_points"] = float(sum(task.points for task in tasks))
    out["percent"] = (100 * out["total"] / out["max_points"]).round(1) if out["max_points"].gt(0).all() else 0.0
    return out


def read_manual_scores(path: Path | str) -> pd.DataFrame:
    """Read the instructor's manual points: columns ``student_id``, ``task``, ``points`` (``out_of`` optional)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No manual scores file at {str(path)!r}.")
    table = pd.read_csv(path, dtype={"student_id": str, "task": str})
    missing = [column for column in ("student_id", "task", "points") if column not in table.columns]
    if missing:
        raise ValueError(
            f"The manual scores {path.name} need the columns student_id, task and points; missing: {missing}."
        )
    return table


def add_manual_points(grades: pd.DataFrame, tasks: list[Task], manual: pd.DataFrame) -> pd.DataFrame:
    """Put the instructor's points in, then recompute the totals.

    A row for a free-text task fills its points; a row for a checked task replaces the
    automatic points (the instructor's judgement wins). An ``out_of`` column gives a task that
    has no points in the exercise's metadata its maximum. Unknown students or tasks, points
    that are not numbers, below 0 or above the task's maximum raise an error naming the row.
    """
    by_task = {task.task: task for task in tasks}
    if "out_of" in manual.columns:
        for name, group in manual.dropna(subset=["out_of"]).groupby("task"):
            if name in by_task:
                by_task[name] = Task(name, by_task[name].title, float(group["out_of"].max()), by_task[name].manual)
    tasks = [by_task[task.task] for task in tasks]
    out = grades.copy()
    known = set(out["student_id"])
    for number, row in enumerate(manual.itertuples(index=False), start=2):
        where = f"row {number} of the manual scores"
        if row.student_id not in known:
            raise ValueError(f"{where}: no submission of student {row.student_id!r}.")
        if row.task not in by_task:
            raise ValueError(f"{where}: no task {row.task!r}; the tasks are {list(by_task)}.")
        points = pd.to_numeric(pd.Series([row.points]), errors="coerce").iloc[0]
        limit = by_task[row.task].points
        if pd.isna(points) or not 0 <= points <= limit:
            hint = " (give the task a maximum in an `out_of` column)" if limit == 0 else ""
            raise ValueError(
                f"{where}: points {row.points!r} for {row.task} must be a number from 0 to {limit:g}{hint}."
            )
        out.loc[out["student_id"] == row.student_id, row.task] = float(points)
    return totals(out.drop(columns=["total", "max_points", "percent"], errors="ignore"), tasks)


def _one_per_student(grades: pd.DataFrame) -> pd.DataFrame:
    """One row per student: the best-scored submission; a flag when there were several."""
    counts = grades["student_id"].value_counts()
    best = grades.sort_values(["total", "file"], ascending=[False, True], kind="stable").drop_duplicates("student_id")
    best = best.set_index("student_id").loc[pd.unique(grades["student_id"])].reset_index()
    several = best["student_id"].map(counts) > 1
    note = best["student_id"].map(lambda who: f"{counts[who]} submissions; the best counts")
    best["flags"] = best["flags"].where(~several, (best["flags"] + "; " + note).str.strip("; "))
    return best


def gradebook(
    grades: pd.DataFrame, tasks: list[Task], *, format: str = "csv", assignment: str = "Exercise"
) -> pd.DataFrame:
    """The gradebook table in `format`: ``csv`` (everything), ``canvas`` or ``moodle`` (their import columns).

    Canvas imports a gradebook CSV matched on its ``SIS Login ID`` (also ``ID``/``SIS User ID``)
    with one column per assignment; Moodle's "Import CSV" maps an identifier column (here
    ``Username``) and one column per grade item, with an optional feedback column.
    """
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {FORMATS}; got {format!r}.")
    book = _one_per_student(grades)
    if format == "csv":
        columns = [
            "student_id",
            "file",
            *[task.task for task in tasks],
            "total",
            "max_points",
            "percent",
            "flags",
            "status",
        ]
        return book[columns]
    if format == "canvas":
        return pd.DataFrame(
            {
                "Student": book["student_id"],
                "ID": "",
                "SIS User ID": "",
                "SIS Login ID": book["student_id"],
                "Section": "",
                assignment: book["total"],
            }
        )
    feedback = book["status"].where(book["flags"] == "", book["status"] + "; flags: " + book["flags"])
    return pd.DataFrame(
        {"Username": book["student_id"], assignment: book["total"], f"{assignment} (feedback)": feedback}
    )
