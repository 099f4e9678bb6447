"""The class plan reads the lessons' own timings, adds them up right, and says what fits."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib import KIT_ROOT
from course_lib.kit.plan import (
    PLAN_COLUMNS,
    README_TABLE_END,
    README_TABLE_START,
    class_plan,
    exercise_tasks,
    find_lessons,
    lesson_totals,
    readme_lesson_table,
    render_plan,
    update_readme_table,
    update_welcome_table,
    with_breaks,
    with_clock,
    with_homework,
)

# Every lesson of the course, 03b-style numbers included (conftest.LESSONS lists NN_ only).
LESSONS = find_lessons()


def timed(source: str, minutes=None, activity=None, cell=new_markdown_cell):
    course = {key: value for key, value in {"minutes": minutes, "activity": activity}.items() if value is not None}
    return cell(source, metadata={"slideshow": {"slide_type": "slide"}, **({"course": course} if course else {})})


def write_lesson(folder: Path, name: str, cells: list, **course) -> Path:
    path = folder / name
    nbformat.write(new_notebook(cells=cells, metadata={"course": course}), path)
    return path


@pytest.fixture
def lessons(tmp_path) -> list[Path]:
    first = write_lesson(
        tmp_path,
        "01_why.ipynb",
        [
            timed("# 01 · Why segment"),
            timed("## Bases of segmentation\n\ntext", minutes=20),
            timed("print('not timed')", cell=new_code_cell),
            timed("## **Your turn**", minutes=15, activity="exercise"),
        ],
        lesson="01",
        title="Why segment",
        minutes=35,
    )
    second = write_lesson(
        tmp_path,
        "02_rfm.ipynb",
        [
            timed("### RFM scores", minutes=30, activity="demo"),
            timed("## Discuss the segments", minutes=10.5, activity="discussion"),
            timed("## Try it", minutes=25, activity="exercise"),
        ],
        lesson="02",
        title="RFM",
        minutes=60,
    )
    return [first, second]


def test_plan_lists_timed_sections_in_order_with_their_clock(lessons):
    plan = class_plan(lessons)
    assert list(plan.columns) == PLAN_COLUMNS
    expected = pd.DataFrame(
        {
            "lesson": ["01", "01", "02", "02", "02"],
            "lesson_title": ["Why segment", "Why segment", "RFM", "RFM", "RFM"],
            "section": ["Bases of segmentation", "Your turn", "RFM scores", "Discuss the segments", "Try it"],
            "activity": ["lecture", "exercise", "demo", "discussion", "exercise"],
            "minutes": [20.0, 15.0, 30.0, 10.5, 25.0],
            # by hand: 0 +20 =20 +15 =35 +30 =65 +10.5 =75.5 +25 =100.5
            "start": [0.0, 20.0, 35.0, 65.0, 75.5],
            "end": [20.0, 35.0, 65.0, 75.5, 100.5],
        }
    )
    pd.testing.assert_frame_equal(plan, expected, check_dtype=False)


def test_the_chosen_order_is_the_class_order(lessons):
    plan = class_plan(lessons[::-1])
    assert plan["lesson"].tolist() == ["02", "02", "02", "01", "01"]
    assert plan["start"].iloc[3] == 65.5


def test_totals_per_lesson_and_activity(lessons):
    totals = lesson_totals(class_plan(lessons)).set_index("lesson")
    assert totals.loc["01", ["minutes", "lecture", "exercise", "demo"]].tolist() == [35.0, 20.0, 15.0, 0.0]
    assert totals.loc["02", ["minutes", "demo", "discussion", "exercise"]].tolist() == [65.5, 30.0, 10.5, 25.0]


def test_render_says_everything_fits_in_two_hours(lessons):
    text = render_plan(class_plan(lessons), target_minutes=120)
    assert text.startswith("Class plan: lessons 01, 02 (100.5 min)")
    assert "  1:05   1:15  02      Discuss the segments   discussion 10.5" in text
    assert "  01 Why segment: 35 min (lecture 20, exercise 15)" in text
    assert 'Exercise slots: 01 "Your turn" at 0:20 (15 min); 02 "Try it" at 1:15 (25 min)' in text
    assert "Target 120 min: everything fits, with 19.5 min to spare." in text


def test_render_says_where_to_stop_when_too_long(lessons):
    text = render_plan(class_plan(lessons), target_minutes=70)
    assert (
        'Target 70 min: 30.5 min too long. Within 70 min: stop after lesson 02 "RFM scores" at 1:05 '
        '(lesson 01 whole). Left for another session (35.5 min): lesson 02 from "Discuss the segments" on.'
    ) in text
    assert "even the first section does not fit" in render_plan(class_plan(lessons), target_minutes=10)
    assert "Target" not in render_plan(class_plan(lessons))


def test_a_lesson_without_timed_sections_counts_as_one_block(tmp_path):
    path = write_lesson(tmp_path, "03_x.ipynb", [timed("# Title")], lesson="03", title="Untimed", minutes=45)
    plan = class_plan([path])
    assert plan[["section", "activity", "minutes"]].values.tolist() == [["(not timed by section)", "lecture", 45.0]]


def test_lesson_number_and_title_fall_back_to_the_file_name(tmp_path):
    path = tmp_path / "04_clusters.ipynb"
    nbformat.write(new_notebook(cells=[timed("## K-means", minutes=5)]), path)
    assert class_plan([path])[["lesson", "lesson_title"]].iloc[0].tolist() == ["04", "04_clusters"]


def test_find_lessons_by_number(lessons, tmp_path):
    assert find_lessons(folder=tmp_path) == lessons
    assert find_lessons(["2", 1], folder=tmp_path) == lessons[::-1]
    with pytest.raises(ValueError, match=r"No lesson 07 in .*Lessons there: \['01', '02'\]"):
        find_lessons(["07"], folder=tmp_path)


@pytest.mark.parametrize(
    ("minutes", "activity", "message"),
    [
        (-5, "lecture", "minutes must be a positive number; got -5"),
        ("ten", "lecture", "minutes must be a positive number; got 'ten'"),
        (10, "lab", "must be one of .*Got 'lab' instead"),
    ],
)
def test_bad_timings_name_the_lesson_and_cell(tmp_path, minutes, activity, message):
    path = write_lesson(
        tmp_path,
        "05_bad.ipynb",
        [timed("# T"), timed("## S", minutes=minutes, activity=activity)],
        lesson="05",
        title="Bad",
        minutes=10,
    )
    with pytest.raises(ValueError, match=message):
        class_plan([path])
    with pytest.raises(ValueError, match="(?s)lesson 05.*cell 1|Lesson 05, cell 1"):
        class_plan([path])


def test_bad_input(tmp_path, lessons):
    with pytest.raises(ValueError, match="empty"):
        class_plan([])
    with pytest.raises(FileNotFoundError, match="No lesson notebook"):
        class_plan([tmp_path / "99_missing.ipynb"])
    untimed = write_lesson(tmp_path, "06_u.ipynb", [timed("# T")], lesson="06", title="U")
    with pytest.raises(ValueError, match="no timed section"):
        class_plan([untimed])
    with pytest.raises(ValueError, match="target_minutes"):
        render_plan(class_plan(lessons), target_minutes=0)
    with pytest.raises(ValueError, match="has no column"):
        render_plan(pd.DataFrame({"lesson": ["01"]}))


def test_plan_does_not_change_its_input(lessons):
    plan = class_plan(lessons)
    before = plan.copy()
    render_plan(plan, target_minutes=30)
    lesson_totals(plan)
    pd.testing.assert_frame_equal(plan, before)


def test_every_lesson_of_the_course_is_timed():
    plan = class_plan(LESSONS)
    assert set(plan["lesson"]) == {path.name.split("_")[0] for path in LESSONS}
    assert (plan["minutes"] > 0).all()


# --- lessons numbered 03b, breaks, buffer, homework, the README table ---------------------------


def test_find_lessons_picks_up_lessons_numbered_with_a_letter(lessons, tmp_path):
    extra = write_lesson(tmp_path, "01b_more.ipynb", [timed("## More", minutes=5)], lesson="01b", title="More")
    assert find_lessons(folder=tmp_path) == [lessons[0], extra, lessons[1]]
    assert find_lessons(["1b", "01B"], folder=tmp_path) == [extra, extra]
    assert class_plan([extra])["lesson"].tolist() == ["01b"]


def sections(*minutes: float) -> pd.DataFrame:
    count = len(minutes)
    return with_clock(
        pd.DataFrame(
            {
                "lesson": ["01"] * count,
                "lesson_title": ["A"] * count,
                "section": [f"s{index}" for index in range(count)],
                "activity": ["lecture"] * count,
                "minutes": [float(value) for value in minutes],
            }
        )
    )


def test_a_long_class_gets_a_break_near_every_hour():
    # 6 sections of 20 min: by hand, the boundaries after 60 and 120 min of teaching are the
    # hours; a break after the last section would be pointless.
    planned = with_breaks(sections(20, 20, 20, 20, 20, 20, 20), break_minutes=10, buffer_percent=0)
    assert planned["section"].tolist() == ["s0", "s1", "s2", "Break", "s3", "s4", "s5", "Break", "s6"]
    # Clock by hand: 60 min, break to 70, three sections to 130, break to 140, last to 160.
    assert planned["end"].iloc[-1] == 160.0
    assert planned.loc[planned["section"] == "Break", "start"].tolist() == [60.0, 130.0]


def test_the_break_goes_to_the_boundary_nearest_the_hour():
    # Boundaries at 50 and 75 min: 50 is 10 min from the hour, 75 is 15 min: break at 50.
    assert with_breaks(sections(50, 25, 30), buffer_percent=0)["section"].tolist() == ["s0", "Break", "s1", "s2"]
    # Boundaries at 40 and 65: 65 is nearer.
    assert with_breaks(sections(40, 25, 30), buffer_percent=0)["section"].tolist() == ["s0", "s1", "Break", "s2"]


def test_no_break_in_a_class_of_75_minutes_or_less_or_when_switched_off():
    assert "Break" not in with_breaks(sections(25, 25, 25), buffer_percent=0)["section"].tolist()
    assert "Break" not in with_breaks(sections(40, 40, 40), break_minutes=0, buffer_percent=0)["section"].tolist()
    # The class length decides: 70 min of lessons in a 90-minute class get a break.
    assert "Break" in with_breaks(sections(35, 35), buffer_percent=0, target_minutes=90)["section"].tolist()


def test_buffer_is_a_share_of_the_class():
    planned = with_breaks(sections(30, 30), break_minutes=0, buffer_percent=10, target_minutes=120)
    assert planned.iloc[-1][["activity", "minutes"]].tolist() == ["buffer", 12.0]  # 10 % of 120
    planned = with_breaks(sections(30, 30), break_minutes=0, buffer_percent=10)
    assert planned.iloc[-1]["minutes"] == 6.0  # 10 % of the 60 min of lessons
    assert "buffer" not in with_breaks(sections(30, 30), buffer_percent=0)["activity"].tolist()


def test_fit_counts_breaks_and_keeps_the_buffer():
    planned = with_breaks(sections(30, 30, 30, 30), break_minutes=10, buffer_percent=10, target_minutes=120)
    text = render_plan(planned, target_minutes=120)
    # By hand: 120 of lessons + 10 break + 12 buffer = 142, 22 too long; lessons must end by
    # 120 - 12 = 108: s0 s1 (60), break (70), s2 (100) fit, s3 (130) does not.
    assert text.startswith("Class plan: lesson 01 (120 min of lessons + 1 break of 10 min + 12 min buffer = 142 min)")
    assert (
        'Target 120 min: 22 min too long. Within 120 min, keeping the 12 min buffer: stop after lesson 01 "s2" at 1:40.'
        in text
    )
    assert 'Left for another session (30 min): lesson 01 from "s3" on.' in text


def test_plan_03_04_in_two_hours_is_honest_about_breaks_and_buffer():
    """The issue's case: lessons 03 and 04 in 120 minutes used to 'fit with 0 minutes to spare'."""
    paths = find_lessons(["03", "04"])
    lessons_only = class_plan(paths)
    planned = with_breaks(lessons_only, target_minutes=120)
    assert (planned["activity"] == "break").sum() >= 1
    assert planned["minutes"].sum() == lessons_only["minutes"].sum() + 10 * (planned["activity"] == "break").sum() + 12
    text = render_plan(planned, target_minutes=120, tasks=exercise_tasks(paths))
    assert "everything fits" not in text
    assert "If time runs short: stop at the end of a section (end of lesson 03 at" in text


def test_plan_suggests_timed_exercise_tasks_for_homework():
    paths = find_lessons(["06", "07"])
    tasks = exercise_tasks(paths)
    text = render_plan(with_breaks(class_plan(paths), target_minutes=120), target_minutes=120, tasks=tasks)
    assert len(tasks) and f"--homework NN.N: {tasks['task'].iloc[0]} ({tasks['minutes'].iloc[0]:g} min)" in text


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_exercise_tasks_come_from_the_worked_exercises(path):
    tasks = exercise_tasks([path])
    solution_path = KIT_ROOT / "solutions" / path.name
    expected = []
    if solution_path.exists():
        for cell in nbformat.read(solution_path, as_version=4).cells:
            first = cell.source.strip().split("\n", 1)[0] if cell.source.strip() else ""
            minutes = cell.metadata.get("course", {}).get("minutes")
            if cell.cell_type == "markdown" and first.lstrip("# ").startswith("Task") and minutes:
                expected.append((int(first.lstrip("# ").split()[1]), float(minutes)))
    number = path.name.split("_")[0]
    assert tasks["task"].tolist() == [f"{number}.{task}" for task, _ in expected]
    assert tasks["minutes"].tolist() == [minutes for _, minutes in expected]


def test_homework_moves_a_task_out_of_class_time(tmp_path, lessons):
    tasks = pd.DataFrame(
        {"task": ["01.1", "01.2"], "lesson": ["01", "01"], "title": ["Count", "Plot"], "minutes": [4.0, 6.0]}
    )
    plan = class_plan(lessons)
    shorter, moved = with_homework(plan, tasks, ["01.2", "1.1"])
    # "Your turn" was 15 min; 6 + 4 go home: 5 left, and every later section starts 10 min earlier.
    assert shorter.loc[shorter["section"] == "Your turn", "minutes"].item() == 5.0
    assert shorter["end"].iloc[-1] == plan["end"].iloc[-1] - 10
    assert moved["task"].tolist() == ["01.2", "01.1"]
    text = render_plan(shorter, tasks=tasks, homework=moved)
    assert 'Homework (out of class time): 01.2 "Plot" (6 min, from 01 "Your turn")' in text
    assert "can go home" not in text  # both tasks are already at home
    pd.testing.assert_frame_equal(plan, class_plan(lessons))  # the input is unchanged


@pytest.mark.parametrize(
    ("homework", "message"),
    [
        (["01.9"], r"no task 01.9\. Its tasks: 01.1"),
        (["07.1"], "lesson 07 is not in this class"),
        (["01"], "task number NN.N"),
        (["01.1", "01.3"], "no exercise slot left with 20 min"),
    ],
)
def test_bad_homework_gets_a_clear_error(lessons, homework, message):
    tasks = pd.DataFrame(
        {"task": ["01.1", "01.3"], "lesson": ["01", "01"], "title": ["Count", "Long"], "minutes": [4.0, 20.0]}
    )
    with pytest.raises(ValueError, match=message):
        with_homework(class_plan(lessons), tasks, homework)


@pytest.mark.parametrize(("option", "value"), [("break_minutes", -1), ("buffer_percent", 100), ("buffer_percent", "5")])
def test_bad_break_or_buffer(lessons, option, value):
    with pytest.raises(ValueError, match=option):
        with_breaks(class_plan(lessons), **{option: value})


def test_readme_lesson_table_is_the_plans_totals():
    """The README's table and `plan` read the same timings: equal, lesson by lesson."""
    readme = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    assert README_TABLE_START in readme, "README.md lost its lesson-table markers"
    written = readme.split(README_TABLE_START, 1)[1].split(README_TABLE_END, 1)[0].strip()
    assert written == readme_lesson_table(LESSONS), (
        "README.md's lesson table is out of date: run `python -m course_lib plan --update-readme`"
    )
    # And independently of the generator: each row's minutes are the plan's sum for that lesson.
    plan = class_plan(LESSONS)
    for row in written.splitlines()[2:]:
        number, _, time = (cell.strip() for cell in row.strip("|").split("|"))
        assert time == f"{plan.loc[plan['lesson'] == number, 'minutes'].sum():g} min", number
    assert len(written.splitlines()) - 2 == len(LESSONS)


def test_update_readme_rewrites_only_the_table(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Kit\n\n{README_TABLE_START}\nold\n{README_TABLE_END}\n\nAfter.\n", encoding="utf-8")
    assert update_readme_table(readme, table="| new |") is True
    assert (
        readme.read_text(encoding="utf-8") == f"# Kit\n\n{README_TABLE_START}\n| new |\n{README_TABLE_END}\n\nAfter.\n"
    )
    assert update_readme_table(readme, table="| new |") is False
    (tmp_path / "NO.md").write_text("no markers", encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        update_readme_table(tmp_path / "NO.md", table="x")


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_a_lessons_stated_time_is_the_sum_of_its_sections(path):
    # The plan adds up the sections; the lesson's metadata and its "Time needed" cell must say the same,
    # or an instructor planning from the text runs short (lesson 08 said 90 and timed 88).
    notebook = nbformat.read(path, as_version=4)
    stated = notebook.metadata["course"]["minutes"]
    sections = sum(cell.metadata.get("course", {}).get("minutes", 0) for cell in notebook.cells)
    assert sections == stated, f"{path.name}: sections add up to {sections} min, the metadata says {stated}"
    time_needed = next(cell.source for cell in notebook.cells if cell.source.startswith("## Time needed"))
    said = re.search(r"About \*\*(\d+) minutes\*\*", time_needed)
    assert said and int(said.group(1)) == stated, f"{path.name}: 'Time needed' says {said and said.group(0)}"


def test_the_welcome_lessons_course_map_is_the_plans_table():
    """Students start on lesson 00: its course map lists every lesson, linked from notebooks/."""
    welcome = nbformat.read(KIT_ROOT / "notebooks" / "00_welcome.ipynb", as_version=4)
    maps = [cell.source for cell in welcome.cells if README_TABLE_START in cell.source]
    assert len(maps) == 1, "lesson 00 lost its course-map cell"
    written = maps[0].split(README_TABLE_START, 1)[1].split(README_TABLE_END, 1)[0].strip()
    assert written == readme_lesson_table(LESSONS, link_folder=""), (
        "lesson 00's course map is out of date: run `python -m course_lib plan --update-readme`"
    )
    linked = re.findall(r"\]\(([^)]+)\)", written)
    assert linked == [path.name for path in LESSONS]
    assert all((KIT_ROOT / "notebooks" / name).is_file() for name in linked)


def test_update_welcome_table_rewrites_only_the_map(tmp_path):
    path = tmp_path / "00_welcome.ipynb"
    cell = new_markdown_cell(f"## Map\n\nintro\n\n{README_TABLE_START}\nold\n{README_TABLE_END}\nafter")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Welcome"), cell]), path)
    assert update_welcome_table(path, table="| new |") is True
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].source == "# Welcome"
    assert cells[1].source == f"## Map\n\nintro\n\n{README_TABLE_START}\n| new |\n{README_TABLE_END}\nafter"
    assert update_welcome_table(path, table="| new |") is False
    nbformat.write(new_notebook(cells=[new_markdown_cell("# no map")]), path)
    with pytest.raises(ValueError, match="exactly one cell with the lesson-table markers; found 0"):
        update_welcome_table(path)
