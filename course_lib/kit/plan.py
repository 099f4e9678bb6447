"""A class plan from the lessons' own timings, so an instructor can fit a session.

Lesson authors time their lessons in the notebooks themselves: the cell that
opens a section carries ``metadata.course.minutes`` and
``metadata.course.activity`` (one of :data:`ACTIVITIES`), and the notebook
carries ``metadata.course = {lesson, title, minutes}``. This module reads
those, and nothing else:

- :func:`class_plan` lists the timed sections of the chosen lessons in order,
  with their start and end in minutes from the start of the class;
- :func:`with_homework` moves exercise tasks (numbered ``NN.N`` by
  :func:`exercise_tasks`, from the worked exercises in ``solutions/``) out of
  class time;
- :func:`with_breaks` adds a break about every hour (when the class is longer
  than :data:`BREAKS_AFTER_MINUTES`) and a buffer for questions and overruns;
- :func:`lesson_totals` adds the minutes up per lesson and per activity, and
  :func:`readme_lesson_table` writes the README's lesson table from them;
- :func:`render_plan` writes the schedule as text, says what fits in a target
  length, and where to stop if time runs short.

Examples
--------
>>> plan = pd.DataFrame({
...     "lesson": ["01", "01", "02"],
...     "lesson_title": ["Why segment", "Why segment", "RFM"],
...     "section": ["Bases", "Your turn", "Scores"],
...     "activity": ["lecture", "exercise", "demo"],
...     "minutes": [40.0, 15.0, 30.0],
... }).pipe(with_clock)
>>> print(render_plan(with_breaks(plan, target_minutes=90), target_minutes=90))
Class plan: lessons 01, 02 (85 min of lessons + 1 break of 10 min + 9 min buffer = 104 min)
<BLANKLINE>
 start    end  lesson  section                      activity    min
  0:00   0:40  01      Bases                        lecture      40
  0:40   0:55  01      Your turn                    exercise     15
  0:55   1:05          Break                        break        10
  1:05   1:35  02      Scores                       demo         30
  1:35   1:44          Buffer: questions, overruns  buffer        9
<BLANKLINE>
Totals per lesson
  01 Why segment: 55 min (lecture 40, exercise 15)
  02 RFM: 30 min (demo 30)
<BLANKLINE>
Exercise slots: 01 "Your turn" at 0:40 (15 min)
<BLANKLINE>
Target 90 min: 14 min too long. Within 90 min, keeping the 9 min buffer: stop after lesson 01 "Your turn" at 0:55 (lesson 01 whole). Left for another session (30 min): lesson 02 from "Scores" on.
<BLANKLINE>
If time runs short: stop at the end of a section (end of lesson 01 at 0:55).
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
    "BREAKS_AFTER_MINUTES",
    "DEFAULT_BREAK_MINUTES",
    "DEFAULT_BUFFER_PERCENT",
    "PLAN_COLUMNS",
    "class_plan",
    "exercise_tasks",
    "find_lessons",
    "lesson_sections",
    "lesson_totals",
    "readme_lesson_table",
    "render_plan",
    "update_readme_table",
    "update_welcome_table",
    "with_breaks",
    "with_clock",
    "with_homework",
]

#: What a section of a lesson does with the class; a section without one is a lecture.
ACTIVITIES = ("lecture", "demo", "exercise", "discussion")
#: The columns of a plan, in order.
PLAN_COLUMNS = ["lesson", "lesson_title", "section", "activity", "minutes", "start", "end"]
_LESSON_FILE = re.compile(r"^(\d\d[a-z]?)_")
_LESSON_NUMBER = re.compile(r"^\s*(\d{1,2})([a-z]?)\s*$", re.IGNORECASE)


def find_lessons(
    lessons: Iterable[str | int] | None = None, *, folder: Path | str = KIT_ROOT / "notebooks"
) -> list[Path]:
    """The lesson notebooks ``NN_name.ipynb`` (or ``NNb_name.ipynb``) of `folder`, all or those numbered `lessons`.

    Parameters
    ----------
    lessons : iterable of str or int, optional
        Lesson numbers such as ``["03", 4, "3b"]``; ``None`` means every lesson, in file-name order
        (``03_...`` before ``03b_...`` before ``04_...``).
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
    available = {}
    for path in sorted(folder.glob("[0-9][0-9]*_*.ipynb")):
        match = _LESSON_FILE.match(path.name)
        if match:
            available[match.group(1)] = path
    if lessons is None:
        return list(available.values())
    paths = []
    for lesson in lessons:
        number = _lesson_number(lesson)
        if number not in available:
            raise ValueError(f"No lesson {number} in {folder.name}/. Lessons there: {sorted(available) or 'none'}.")
        paths.append(available[number])
    return paths


def _lesson_number(lesson: str | int) -> str:
    """``3`` -> ``"03"``, ``"3b"`` -> ``"03b"``; anything else is returned as given, for the error."""
    match = _LESSON_NUMBER.match(str(lesson))
    return f"{int(match.group(1)):02d}{match.group(2).lower()}" if match else str(lesson)


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
    """Minutes per lesson, in all and per activity, in the plan's lesson order (breaks and buffer aside).

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
    plan = plan.loc[plan["activity"].isin(ACTIVITIES)]
    per_activity = (
        plan.pivot_table(index="lesson", columns="activity", values="minutes", aggfunc="sum", fill_value=0.0)
        .reindex(columns=list(ACTIVITIES), fill_value=0.0)
        .rename_axis(columns=None)
    )
    totals = plan.groupby("lesson", sort=False).agg(lesson_title=("lesson_title", "first"), minutes=("minutes", "sum"))
    return totals.join(per_activity).reset_index()


# --- exercise tasks and homework -------------------------------------------------------------

_TASK_HEADING = re.compile(r"^#+\s*Task\s+(\d+)\s*[·:.\-]?\s*(.*)$", re.IGNORECASE)
_TASK_ID = re.compile(r"^\s*(\d{1,2}[a-z]?)\.(\d+)\s*$", re.IGNORECASE)
TASK_COLUMNS = ["task", "lesson", "title", "minutes"]


def exercise_tasks(lesson_paths: Iterable[Path | str], *, solutions: Path | str | None = None) -> pd.DataFrame:
    """The timed tasks of the lessons' exercises, numbered ``NN.N`` (lesson, task), for ``--homework``.

    Parameters
    ----------
    lesson_paths : iterable of path
        Lesson notebooks; each one's exercise is the notebook of the same name in `solutions`.
    solutions : path, optional
        The folder of the worked exercises; default: ``solutions/`` beside the lessons' folder.

    Returns
    -------
    DataFrame
        Columns ``task`` (``"03.2"``), ``lesson``, ``title``, ``minutes``: one row per cell whose
        heading reads "Task N · title" and that carries ``metadata.course.minutes``. A lesson
        without an exercise notebook has no rows.

    Examples
    --------
    >>> exercise_tasks(find_lessons(["03"]))[["task", "minutes"]]
       task  minutes
    0  03.1      6.0
    1  03.2      6.0
    """
    rows = []
    for path in map(Path, lesson_paths):
        folder = Path(solutions) if solutions is not None else path.parent.parent / "solutions"
        exercise = folder / path.name
        match = _LESSON_FILE.match(path.name)
        if not exercise.is_file() or not match:
            continue
        for cell in nbformat.read(exercise, as_version=4).cells:
            heading = _TASK_HEADING.match(cell.source.strip().splitlines()[0]) if cell.source.strip() else None
            minutes = cell.metadata.get("course", {}).get("minutes")
            if cell.cell_type == "markdown" and heading and isinstance(minutes, (int, float)) and minutes > 0:
                number = match.group(1)
                rows.append((f"{number}.{int(heading.group(1))}", number, heading.group(2).strip(), float(minutes)))
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def with_homework(
    plan: pd.DataFrame, tasks: pd.DataFrame, homework: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move exercise tasks out of class time: their minutes leave the lesson's exercise slot.

    Parameters
    ----------
    plan : DataFrame
        As returned by :func:`class_plan`.
    tasks : DataFrame
        As returned by :func:`exercise_tasks` for the same lessons.
    homework : iterable of str
        Task numbers ``NN.N``, for example ``["03.2"]``.

    Returns
    -------
    (DataFrame, DataFrame)
        The plan with the clock recomputed, and the tasks sent home (columns of `tasks` plus
        ``section``, the exercise slot they were taken from).

    Notes
    -----
    A task's minutes come off the first exercise section of its lesson that is long enough;
    the error names the lesson and the tasks there when a number does not exist.

    Examples
    --------
    >>> plan = with_clock(pd.DataFrame({"lesson": ["03"], "lesson_title": ["RFM"], "section": ["Your turn"],
    ...                                 "activity": ["exercise"], "minutes": [12.0]}))
    >>> tasks = pd.DataFrame({"task": ["03.2"], "lesson": ["03"], "title": ["Scores"], "minutes": [2.0]})
    >>> shorter, moved = with_homework(plan, tasks, ["3.2"])
    >>> shorter["minutes"].tolist(), moved["section"].tolist()
    ([10.0], ['Your turn'])
    """
    require_columns(plan, PLAN_COLUMNS, name="plan")
    require_columns(tasks, TASK_COLUMNS, name="tasks")
    plan = plan.copy()
    moved = []
    for wanted in homework:
        match = _TASK_ID.match(str(wanted))
        if not match:
            raise ValueError(f"--homework takes a task number NN.N, like 03.2 (lesson 03, task 2); got {wanted!r}.")
        task_id = f"{_lesson_number(match.group(1))}.{int(match.group(2))}"
        lesson = task_id.split(".")[0]
        if lesson not in set(plan["lesson"]):
            raise ValueError(
                f"Homework {task_id}: lesson {lesson} is not in this class ({', '.join(plan['lesson'].unique())})."
            )
        found = tasks.loc[tasks["task"] == task_id]
        if found.empty:
            available = ", ".join(tasks.loc[tasks["lesson"] == lesson, "task"]) or "none"
            raise ValueError(
                f"Homework {task_id}: lesson {lesson}'s exercise has no task {task_id}. Its tasks: {available}."
            )
        if task_id in {row["task"] for row in moved}:
            continue
        task = found.iloc[0]
        slots = plan.index[
            (plan["lesson"] == lesson) & (plan["activity"] == "exercise") & (plan["minutes"] >= task["minutes"])
        ]
        if slots.empty:
            raise ValueError(
                f"Homework {task_id}: lesson {lesson} has no exercise slot left with {task['minutes']:g} min to give."
            )
        plan.loc[slots[0], "minutes"] -= task["minutes"]
        moved.append({**task.to_dict(), "section": plan.loc[slots[0], "section"]})
    plan = plan.loc[plan["minutes"] > 0].reset_index(drop=True)
    return with_clock(plan[PLAN_COLUMNS[:5]]), pd.DataFrame(moved, columns=[*TASK_COLUMNS, "section"])


# --- breaks and buffer -----------------------------------------------------------------------

#: Minutes of a break, when a class gets breaks.
DEFAULT_BREAK_MINUTES = 10
#: A class longer than this (in minutes) gets a break about every hour.
BREAKS_AFTER_MINUTES = 75
#: Share of the class (percent) kept free for questions and overruns.
DEFAULT_BUFFER_PERCENT = 10
BREAK, BUFFER = "break", "buffer"


def _positive_or_zero(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"`{name}` must be a number of 0 or more; got {value!r}.")
    return float(value)


def with_breaks(
    plan: pd.DataFrame,
    *,
    break_minutes: float = DEFAULT_BREAK_MINUTES,
    buffer_percent: float = DEFAULT_BUFFER_PERCENT,
    target_minutes: float | None = None,
) -> pd.DataFrame:
    """Add breaks (about one an hour) and a buffer to a plan, and recompute its clock.

    Parameters
    ----------
    plan : DataFrame
        As returned by :func:`class_plan` (or :func:`with_homework`).
    break_minutes : float, default=DEFAULT_BREAK_MINUTES
        Length of each break; 0 means no breaks. Breaks are added only when the class (the
        target length, or else the lessons plus the buffer) is longer than
        :data:`BREAKS_AFTER_MINUTES` minutes.
    buffer_percent : float, default=DEFAULT_BUFFER_PERCENT
        Minutes kept free for questions and overruns, in percent of the class (of the target
        length when given, else of the lessons' time), rounded to the minute; a last row.
    target_minutes : float, optional
        The length of the class.

    Returns
    -------
    DataFrame
        The plan with rows of activity ``"break"`` and ``"buffer"`` (``lesson`` empty).

    Notes
    -----
    A break goes between two sections, at the section boundary nearest to each hour of
    teaching since the previous break (or the last boundary, when the hour falls in the last
    section); never inside a section, never after the last one.

    Examples
    --------
    >>> plan = with_clock(pd.DataFrame({"lesson": ["01"] * 4, "lesson_title": ["A"] * 4,
    ...                                 "section": ["a", "b", "c", "d"], "activity": ["lecture"] * 4,
    ...                                 "minutes": [25.0, 25.0, 25.0, 25.0]}))
    >>> with_breaks(plan)[["section", "minutes", "start"]]
                             section  minutes  start
    0                              a     25.0    0.0
    1                              b     25.0   25.0
    2                          Break     10.0   50.0
    3                              c     25.0   60.0
    4                              d     25.0   85.0
    5  Buffer: questions, overruns     10.0  110.0
    """
    require_columns(plan, PLAN_COLUMNS, name="plan")
    require_non_empty(plan, name="plan")
    break_minutes = _positive_or_zero(break_minutes, "break_minutes")
    buffer_percent = _positive_or_zero(buffer_percent, "buffer_percent")
    if buffer_percent >= 100:
        raise ValueError(f"`buffer_percent` must be below 100; got {buffer_percent!r}.")
    lessons = plan.loc[plan["activity"].isin(ACTIVITIES), PLAN_COLUMNS[:5]].reset_index(drop=True)
    content = lessons["minutes"].sum()
    buffer = round((target_minutes if target_minutes is not None else content) * buffer_percent / 100)
    class_length = target_minutes if target_minutes is not None else content + buffer
    rows = []
    since_break = 0.0
    for position, row in enumerate(lessons.to_dict("records")):
        rows.append(row)
        since_break += row["minutes"]
        following = lessons["minutes"].iloc[position + 1] if position + 1 < len(lessons) else None
        if following is None or not break_minutes or class_length <= BREAKS_AFTER_MINUTES:
            continue
        # Break here when the hour is passed before the next boundary and this boundary is at
        # least as near the hour as the next one (or the next section is the last).
        last_boundary = position + 2 >= len(lessons)
        nearer = 60 - since_break <= since_break + following - 60
        if since_break >= 60 or (since_break + following > 60 and (nearer or last_boundary)):
            rows.append(
                {"lesson": "", "lesson_title": "", "section": "Break", "activity": BREAK, "minutes": break_minutes}
            )
            since_break = 0.0
    if buffer > 0:
        rows.append(
            {
                "lesson": "",
                "lesson_title": "",
                "section": "Buffer: questions, overruns",
                "activity": BUFFER,
                "minutes": float(buffer),
            }
        )
    return with_clock(pd.DataFrame(rows, columns=PLAN_COLUMNS[:5]))


# --- the text -------------------------------------------------------------------------------


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
    """Whether the plan fits in `target_minutes`; if not, where to stop and what is left.

    The buffer stays free: the lessons (and breaks) must end by ``target - buffer``.
    """
    total = plan["minutes"].sum()
    target = _number(target_minutes)
    buffer = plan.loc[plan["activity"] == BUFFER, "minutes"].sum()
    if total <= target_minutes:
        spare = f"{_number(target_minutes - total)} min to spare"
        return f"Target {target} min: everything fits, with {spare}" + (
            f" besides the {_number(buffer)} min buffer." if buffer else "."
        )
    teaching = plan.loc[plan["activity"] != BUFFER]
    limit = target_minutes - buffer
    kept = teaching.loc[teaching["end"] <= limit]
    while len(kept) and kept["activity"].iloc[-1] == BREAK:
        kept = kept.iloc[:-1]  # no class ends on a break
    left = teaching.loc[teaching.index.difference(kept.index)]
    left = left.loc[left["activity"] != BREAK]
    whole = [lesson for lesson in kept["lesson"].unique() if lesson and lesson not in set(left["lesson"])]
    if len(kept):
        last = kept.iloc[-1]
        within = f'stop after lesson {last["lesson"]} "{last["section"]}" at {_clock(last["end"])}'
        if whole:
            within += f" (lesson{'s' if len(whole) > 1 else ''} {', '.join(whole)} whole)"
    else:
        within = "even the first section does not fit"
    first = left.iloc[0]
    kept_buffer = f", keeping the {_number(buffer)} min buffer" if buffer else ""
    return (
        f"Target {target} min: {_number(total - target_minutes)} min too long. "
        f"Within {target} min{kept_buffer}: {within}. "
        f"Left for another session ({_number(left['minutes'].sum())} min): lesson {first['lesson']} "
        f'from "{first["section"]}" on.'
    )


def _short_of_time(plan: pd.DataFrame, tasks: pd.DataFrame | None, moved: pd.DataFrame | None) -> str:
    """Where to stop if time runs short: lesson ends, and the tasks that can go home."""
    teaching = plan.loc[plan["activity"].isin(ACTIVITIES)]
    ends = teaching.groupby("lesson", sort=False)["end"].max()
    stops = [f"end of lesson {lesson} at {_clock(end)}" for lesson, end in ends.iloc[:-1].items()]
    text = "If time runs short: stop at the end of a section"
    text += f" ({'; '.join(stops)})" if stops else ""
    if tasks is not None and len(tasks):
        home = set(moved["task"]) if moved is not None else set()
        lessons = set(teaching["lesson"])
        candidates = tasks.loc[tasks["lesson"].isin(lessons) & ~tasks["task"].isin(home)]
        if len(candidates):
            listed = ", ".join(f"{row.task} ({_number(row.minutes)} min)" for row in candidates.itertuples())
            text += f". Exercise tasks that can go home with --homework NN.N: {listed}"
    return text + "."


def render_plan(
    plan: pd.DataFrame,
    *,
    target_minutes: float | None = None,
    tasks: pd.DataFrame | None = None,
    homework: pd.DataFrame | None = None,
) -> str:
    """The plan as text: the schedule, totals per lesson, exercise slots, homework and what fits.

    Parameters
    ----------
    plan : DataFrame
        As returned by :func:`class_plan`, :func:`with_homework` or :func:`with_breaks`.
    target_minutes : float, optional
        The length of the class, for example 120. When given, the text says whether the plan
        fits and, if not, where to stop and what is left for another session.
    tasks : DataFrame, optional
        :func:`exercise_tasks` of the lessons: listed as candidates for homework.
    homework : DataFrame, optional
        The tasks :func:`with_homework` sent home.

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
    teaching = plan.loc[plan["activity"].isin(ACTIVITIES)]
    lessons = list(teaching["lesson"].unique())
    total = plan["minutes"].sum()
    breaks = plan.loc[plan["activity"] == BREAK, "minutes"]
    buffer = plan.loc[plan["activity"] == BUFFER, "minutes"].sum()
    parts = [f"{_number(teaching['minutes'].sum())} min of lessons"]
    if len(breaks):
        parts.append(f"{len(breaks)} break{'s' if len(breaks) > 1 else ''} of {_number(breaks.iloc[0])} min")
    if buffer:
        parts.append(f"{_number(buffer)} min buffer")
    summary = f"{_number(total)} min" if len(parts) == 1 else f"{' + '.join(parts)} = {_number(total)} min"
    lines = [f"Class plan: lesson{'s' if len(lessons) > 1 else ''} {', '.join(lessons)} ({summary})", ""]
    lines += _schedule_lines(plan)
    lines += ["", "Totals per lesson"]
    for row in lesson_totals(teaching).itertuples(index=False):
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
    if homework is not None and len(homework):
        sent = "; ".join(
            f'{row.task} "{row.title}" ({_number(row.minutes)} min, from {row.lesson} "{row.section}")'
            for row in homework.itertuples(index=False)
        )
        lines += [f"Homework (out of class time): {sent}"]
    if target_minutes is not None:
        lines += ["", _fit_summary(plan, target_minutes)]
    lines += ["", _short_of_time(plan, tasks, homework)]
    return "\n".join(lines)


# --- the README's lesson table --------------------------------------------------------------

README_TABLE_START = "<!-- lesson-table: generated by `python -m course_lib plan --update-readme` -->"
README_TABLE_END = "<!-- lesson-table: end -->"


def readme_lesson_table(lesson_paths: Iterable[Path | str] | None = None, *, link_folder: str = "notebooks/") -> str:
    """The README's table of lessons, from the same timings as the plan (markdown).

    Each row: the lesson number, its title linked to the notebook, and its minutes as
    :func:`lesson_totals` adds them up from the timed sections. `link_folder` is the
    path from the page that shows the table to the lessons (``""`` from a lesson).
    """
    paths = [Path(path) for path in (lesson_paths if lesson_paths is not None else find_lessons())]
    totals = lesson_totals(class_plan(paths))
    lines = ["| # | lesson | time |", "| --- | --- | --- |"]
    for path, row in zip(paths, totals.itertuples(index=False), strict=True):
        link = f"{link_folder}{path.name}"
        lines.append(f"| {row.lesson} | [{row.lesson_title}]({link}) | {_number(row.minutes)} min |")
    return "\n".join(lines)


def _with_table(text: str, table: str, *, name: str) -> str:
    """`text` with `table` written between the lesson-table markers."""
    if README_TABLE_START not in text or README_TABLE_END not in text:
        raise ValueError(f"{name} has no lesson-table markers ({README_TABLE_START!r} ... {README_TABLE_END!r}).")
    before, rest = text.split(README_TABLE_START, 1)
    _, after = rest.split(README_TABLE_END, 1)
    return f"{before}{README_TABLE_START}\n{table}\n{README_TABLE_END}{after}"


def update_readme_table(readme: Path | str = KIT_ROOT / "README.md", table: str | None = None) -> bool:
    """Write :func:`readme_lesson_table` between the README's markers; True when it changed."""
    readme = Path(readme)
    text = readme.read_text(encoding="utf-8")
    new = _with_table(text, readme_lesson_table() if table is None else table, name=readme.name)
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


#: The welcome lesson, whose course map is the same table with links from the lessons' folder.
WELCOME_LESSON = KIT_ROOT / "notebooks" / "00_welcome.ipynb"


def update_welcome_table(welcome: Path | str = WELCOME_LESSON, table: str | None = None) -> bool:
    """Write the lesson table into the welcome lesson's course-map cell; True when it changed."""
    welcome = Path(welcome)
    notebook = nbformat.read(welcome, as_version=4)
    table = readme_lesson_table(link_folder="") if table is None else table
    cells = [cell for cell in notebook.cells if README_TABLE_START in cell.source]
    if len(cells) != 1:
        raise ValueError(f"{welcome.name} needs exactly one cell with the lesson-table markers; found {len(cells)}.")
    new = _with_table(cells[0].source, table, name=welcome.name)
    if new == cells[0].source:
        return False
    cells[0].source = new
    nbformat.write(notebook, welcome)
    return True
