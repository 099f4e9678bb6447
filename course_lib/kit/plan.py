"""A class plan from the lessons' own timings, so an instructor can fit a session.

Lesson authors time their lessons in the notebooks themselves: the cell that
opens a section carries ``metadata.course.minutes`` and
``metadata.course.activity`` (one of :data:`ACTIVITIES`), and the notebook
carries ``metadata.course = {lesson, title, minutes}``. This module reads
those, and nothing else:

- :func:`class_plan` lists the timed sections of the chosen lessons in order,
  with their start and end in minutes from the start of the class;
- :func:`lesson_totals` adds them up per lesson and per activity;
- :func:`render_plan` writes the schedule as text and, given a target length,
  says what fits.

Examples
--------
>>> plan = pd.DataFrame({
...     "lesson": ["01", "01", "02"],
...     "lesson_title": ["Why segment", "Why segment", "RFM"],
...     "section": ["Bases", "Your turn", "Scores"],
...     "activity": ["lecture", "exercise", "demo"],
...     "minutes": [20.0, 15.0, 30.0],
... }).pipe(with_clock)
>>> print(render_plan(plan, target_minutes=60))
Class plan: lessons 01, 02 (65 min)
<BLANKLINE>
 start    end  lesson  section    activity    min
  0:00   0:20  01      Bases      lecture      20
  0:20   0:35  01      Your turn  exercise     15
  0:35   1:05  02      Scores     demo         30
<BLANKLINE>
Totals per lesson
  01 Why segment: 35 min (lecture 20, exercise 15)
  02 RFM: 30 min (demo 30)
<BLANKLINE>
Exercise slots: 01 "Your turn" at 0:20 (15 min)
<BLANKLINE>
Target 60 min: 5 min too long. Within 60 min: stop after lesson 01 "Your turn" at 0:35 (lesson 01 whole). Left for another session (30 min): lesson 02 from "Scores" on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat
import pandas as pd
from nbformat import NotebookNode

from course_lib import KIT_ROOT
from course_lib.validation import require_columns, require_non_empty, require_one_of

__all__ = [
    "ACTIVITIES",
    "PLAN_COLUMNS",
    "class_plan",
    "find_lessons",
    "lesson_sections",
    "lesson_totals",
    "render_plan",
    "with_clock",
]

#: What a section of a lesson does with the class; a section without one is a lecture.
ACTIVITIES = ("lecture", "demo", "exercise", "discussion")
#: The columns of a plan, in order.
PLAN_COLUMNS = ["lesson", "lesson_title", "section", "activity", "minutes", "start", "end"]
_LESSON_FILE = re.compile(r"^(\d\d)_")


def find_lessons(
    lessons: Iterable[str | int] | None = None, *, folder: Path | str = KIT_ROOT / "notebooks"
) -> list[Path]:
    """The lesson notebooks ``NN_name.ipynb`` of `folder`, all of them or those numbered `lessons`.

    Parameters
    ----------
    lessons : iterable of str or int, optional
        Lesson numbers such as ``["03", 4]``; ``None`` means every lesson.
    folder : path, default=KIT_ROOT / "notebooks"

    Returns
    -------
    list of Path
        In lesson order (the order of `lessons` when given).

    Examples
    --------
    >>> find_lessons(["77"], folder=KIT_ROOT / "notebooks")
    Traceback (most recent call last):
    ...
    ValueError: No lesson 77 in notebooks/. Lessons there: ...
    """
    folder = Path(folder)
    available = {path.name[:2]: path for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    if lessons is None:
        return list(available.values())
    paths = []
    for lesson in lessons:
        number = f"{int(lesson):02d}" if str(lesson).strip().isdigit() else str(lesson)
        if number not in available:
            raise ValueError(f"No lesson {number} in {folder.name}/. Lessons there: {sorted(available) or 'none'}.")
        paths.append(available[number])
    return paths


def _section_name(source: str) -> str:
    """The heading (or first line) of a cell, without its markdown marks."""
    first_line = next((line for line in source.splitlines() if line.strip()), "")
    name = first_line.strip().lstrip("#").strip().strip("*_").strip()
    return name if len(name) <= 60 else name[:57] + "..."


def lesson_sections(notebook: NotebookNode, *, lesson: str, title: str) -> pd.DataFrame:
    """The timed sections of one lesson notebook, in order.

    Parameters
    ----------
    notebook : NotebookNode
        A lesson, as read by ``nbformat.read``.
    lesson, title : str
        Used when the notebook's ``metadata.course`` does not give them.

    Returns
    -------
    DataFrame
        Columns ``lesson``, ``lesson_title``, ``section``, ``activity``, ``minutes``: one row per
        cell with ``metadata.course.minutes``. A lesson without timed sections gives one row,
        section "(not timed by section)", activity "lecture", with the lesson's own minutes.

    Notes
    -----
    A section's name is its cell's first line without the markdown heading marks. A section
    without ``activity`` counts as a "lecture".

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> timed = new_markdown_cell("## Bases", metadata={"course": {"minutes": 20}})
    >>> notebook = new_notebook(cells=[timed], metadata={"course": {"lesson": "01", "title": "Why"}})
    >>> lesson_sections(notebook, lesson="?", title="?")
      lesson lesson_title section activity  minutes
    0     01          Why   Bases  lecture     20.0
    """
    course = notebook.metadata.get("course", {})
    lesson = str(course.get("lesson", lesson))
    title = str(course.get("title", title))
    rows = []
    for index, cell in enumerate(notebook.cells):
        timing = cell.metadata.get("course", {})
        if "minutes" not in timing:
            continue
        minutes, activity = timing["minutes"], timing.get("activity", "lecture")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not minutes > 0:
            raise ValueError(
                f"Lesson {lesson}, cell {index}: metadata.course.minutes must be a positive number; got {minutes!r}."
            )
        require_one_of(
            activity,
            ACTIVITIES,
            parameter=f"metadata.course.activity (lesson {lesson}, cell {index})",
            function="the class plan",
        )
        rows.append((lesson, title, _section_name(cell.source), activity, float(minutes)))
    if not rows:
        minutes = course.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not minutes > 0:
            raise ValueError(
                f"Lesson {lesson} has no timed section and no metadata.course.minutes: "
                "time its sections (metadata.course.minutes on the cell that opens each one)."
            )
        rows.append((lesson, title, "(not timed by section)", "lecture", float(minutes)))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS[:5])


def with_clock(sections: pd.DataFrame) -> pd.DataFrame:
    """Add ``start`` and ``end``: minutes from the start of the class, sections back to back.

    Notes
    -----
    ``end = cumulative sum of minutes`` and ``start = end - minutes``, in row order.

    Examples
    --------
    >>> with_clock(pd.DataFrame({"minutes": [10.0, 5.0]}))
       minutes  start   end
    0     10.0    0.0  10.0
    1      5.0   10.0  15.0
    """
    require_columns(sections, ["minutes"], name="sections")
    end = sections["minutes"].cumsum()
    return sections.assign(start=end - sections["minutes"], end=end)


def class_plan(notebook_paths: Iterable[Path | str]) -> pd.DataFrame:
    """The schedule of a class made of the lessons at `notebook_paths`, in that order.

    Parameters
    ----------
    notebook_paths : iterable of path
        Lesson notebooks, for example ``find_lessons(["03", "04"])``.

    Returns
    -------
    DataFrame
        One row per timed section, columns :data:`PLAN_COLUMNS`: ``lesson``, ``lesson_title``,
        ``section``, ``activity``, ``minutes``, and ``start``/``end`` in minutes from the start
        of the class (see :func:`with_clock`).

    Notes
    -----
    Everything comes from the notebooks' metadata (see :func:`lesson_sections`); the lesson
    number falls back to the file name's ``NN_`` prefix and the title to the file name.
    """
    paths = [Path(path) for path in notebook_paths]
    if not paths:
        raise ValueError("`notebook_paths` is empty: give at least one lesson notebook.")
    frames = []
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"No lesson notebook at {str(path)!r}.")
        number = _LESSON_FILE.match(path.name)
        notebook = nbformat.read(path, as_version=4)
        frames.append(lesson_sections(notebook, lesson=number.group(1) if number else path.stem, title=path.stem))
    return with_clock(pd.concat(frames, ignore_index=True))


def lesson_totals(plan: pd.DataFrame) -> pd.DataFrame:
    """Minutes per lesson, in all and per activity, in the plan's lesson order.

    Examples
    --------
    >>> plan = pd.DataFrame({"lesson": ["01", "01", "02"], "lesson_title": ["A", "A", "B"],
    ...                      "activity": ["lecture", "exercise", "lecture"], "minutes": [20.0, 15.0, 30.0]})
    >>> lesson_totals(plan)
      lesson lesson_title  minutes  lecture  demo  exercise  discussion
    0     01            A     35.0     20.0   0.0      15.0         0.0
    1     02            B     30.0     30.0   0.0       0.0         0.0
    """
    require_columns(plan, ["lesson", "lesson_title", "activity", "minutes"], name="plan")
    require_non_empty(plan, name="plan")
    per_activity = (
        plan.pivot_table(index="lesson", columns="activity", values="minutes", aggfunc="sum", fill_value=0.0)
        .reindex(columns=list(ACTIVITIES), fill_value=0.0)
        .rename_axis(columns=None)
    )
    totals = plan.groupby("lesson", sort=False).agg(lesson_title=("lesson_title", "first"), minutes=("minutes", "sum"))
    return totals.join(per_activity).reset_index()


def _clock(minutes: float) -> str:
    """Minutes from the start as ``h:mm``, rounded down to the minute."""
    whole = int(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def _number(minutes: float) -> str:
    return f"{minutes:g}"


def _schedule_lines(plan: pd.DataFrame) -> list[str]:
    width = max(len("section"), *(len(name) for name in plan["section"]))
    lines = [f" start    end  lesson  {'section':<{width}}  {'activity':<10} {'min':>4}"]
    for row in plan.itertuples(index=False):  # formatting text, one line per row
        lines.append(
            f"{_clock(row.start):>6} {_clock(row.end):>6}  {row.lesson:<6}  {row.section:<{width}}  "
            f"{row.activity:<10} {_number(row.minutes):>4}"
        )
    return lines


def _fit_summary(plan: pd.DataFrame, target_minutes: float) -> str:
    """Whether the plan fits in `target_minutes`; if not, where to stop and what is left."""
    total = plan["minutes"].sum()
    target = _number(target_minutes)
    if total <= target_minutes:
        return f"Target {target} min: everything fits, with {_number(target_minutes - total)} min to spare."
    kept = plan.loc[plan["end"] <= target_minutes]
    left = plan.loc[plan["end"] > target_minutes]
    whole = [lesson for lesson in kept["lesson"].unique() if lesson not in set(left["lesson"])]
    if len(kept):
        last = kept.iloc[-1]
        within = f'stop after lesson {last["lesson"]} "{last["section"]}" at {_clock(last["end"])}'
        if whole:
            within += f" (lesson{'s' if len(whole) > 1 else ''} {', '.join(whole)} whole)"
    else:
        within = "even the first section does not fit"
    first = left.iloc[0]
    return (
        f"Target {target} min: {_number(total - target_minutes)} min too long. Within {target} min: {within}. "
        f"Left for another session ({_number(left['minutes'].sum())} min): lesson {first['lesson']} "
        f'from "{first["section"]}" on.'
    )


def render_plan(plan: pd.DataFrame, *, target_minutes: float | None = None) -> str:
    """The plan as text: the schedule, totals per lesson, the exercise slots and what fits.

    Parameters
    ----------
    plan : DataFrame
        As returned by :func:`class_plan`.
    target_minutes : float, optional
        The length of the class, for example 120. When given, the text says whether the plan
        fits and, if not, where to stop and what is left for another session.

    Returns
    -------
    str
        Ready to print (see the module's example).
    """
    require_columns(plan, PLAN_COLUMNS, name="plan")
    require_non_empty(plan, name="plan")
    if target_minutes is not None and (
        isinstance(target_minutes, bool) or not isinstance(target_minutes, (int, float)) or target_minutes <= 0
    ):
        raise ValueError(f"`target_minutes` must be a positive number of minutes; got {target_minutes!r}.")
    lessons = list(plan["lesson"].unique())
    total = plan["minutes"].sum()
    lines = [f"Class plan: lesson{'s' if len(lessons) > 1 else ''} {', '.join(lessons)} ({_number(total)} min)", ""]
    lines += _schedule_lines(plan)
    lines += ["", "Totals per lesson"]
    for row in lesson_totals(plan).itertuples(index=False):
        split = ", ".join(
            f"{activity} {_number(getattr(row, activity))}" for activity in ACTIVITIES if getattr(row, activity) > 0
        )
        lines.append(f"  {row.lesson} {row.lesson_title}: {_number(row.minutes)} min ({split})")
    exercises = plan.loc[plan["activity"] == "exercise"]
    slots = [
        f'{row.lesson} "{row.section}" at {_clock(row.start)} ({_number(row.minutes)} min)'
        for row in exercises.itertuples(index=False)
    ]
    lines += ["", "Exercise slots: " + ("; ".join(slots) if slots else "none")]
    if target_minutes is not None:
        lines += ["", _fit_summary(plan, target_minutes)]
    return "\n".join(lines)
