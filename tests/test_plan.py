"""The class plan reads the lessons' own timings, adds them up right, and says what fits."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import LESSONS
from course_lib.kit.plan import PLAN_COLUMNS, class_plan, find_lessons, lesson_totals, render_plan


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
    assert text.endswith("Target 120 min: everything fits, with 19.5 min to spare.")


def test_render_says_where_to_stop_when_too_long(lessons):
    text = render_plan(class_plan(lessons), target_minutes=70)
    assert text.endswith(
        'Target 70 min: 30.5 min too long. Within 70 min: stop after lesson 02 "RFM scores" at 1:05 '
        '(lesson 01 whole). Left for another session (35.5 min): lesson 02 from "Discuss the segments" on.'
    )
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
    assert set(plan["lesson"]) == {path.name[:2] for path in LESSONS}
    assert (plan["minutes"] > 0).all()
