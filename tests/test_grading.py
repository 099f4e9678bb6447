"""Grading a folder: one row per submission with the right score, whatever each one does.

The submissions are tiny exercise notebooks made here, calling the two checks of
``grading_fixtures/tiny_checks.py`` (lesson "90"), so these tests do not depend
on the course's lessons.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib.kit.grading import STATUSES, default_reference, grade_submissions, notebook_lesson

FIXTURES = Path(__file__).resolve().parent / "grading_fixtures"
TIMEOUT = 10  # seconds a cell may run: the endless loop costs this much; margin for a busy machine


def exercise_notebook(
    path: Path,
    *,
    total: str = "total = ...",
    n_vegan: str = "n_vegan = ...",
    after_first_check: str | None = None,
    lesson: str = "90",
) -> Path:
    """The tiny exercise, answered with `total` and `n_vegan` (the placeholders by default)."""
    cells = [
        new_markdown_cell("# 90 · Tiny exercise"),
        new_code_cell(
            f"import sys\nsys.path.insert(0, {str(FIXTURES)!r})\nimport tiny_checks as check\nfrom tiny_checks import BASKET, DIETS"
        ),
        new_code_cell(total),
        new_code_cell("check.basket_total(total)"),
        *([new_code_cell(after_first_check)] if after_first_check else []),
        new_code_cell(n_vegan),
        new_code_cell("check.vegan_count(n_vegan)"),
    ]
    notebook = new_notebook(
        cells=cells, metadata={"course": {"lesson": lesson, "title": "Tiny exercise", "minutes": 5}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


RIGHT_TOTAL = "total = sum(BASKET)"
RIGHT_VEGAN = "n_vegan = DIETS.count('vegan')"
# Deletes every notebook in its working folder, the folder above it, and a "submissions"
# folder beside that: harmless when the grader runs it in a temporary folder, ruinous
# for the class if it ran next to the submissions.
VANDAL = """\
from pathlib import Path
for folder in [Path("."), Path(".."), Path("../submissions")]:
    for notebook in folder.glob("*.ipynb"):
        notebook.unlink()
"""

# student -> (status, passed, verdict of 90.1, verdict of 90.2)
EXPECTED = {
    "alice": ("graded", 2, "correct", "correct"),
    "bob": ("graded", 1, "correct", "not yet"),
    "carol": ("graded", 0, "not yet", "not yet"),
    "dave": ("not a notebook", 0, "not run", "not run"),
    "erin": ("wrong lesson", 0, "not run", "not run"),
    "frank": ("timeout", 1, "correct", "not run"),
    "grace": ("error", 1, "not run", "correct"),
    "heidi/90_tiny": ("kernel died", 1, "correct", "not run"),
    "ivan": ("graded", 2, "correct", "correct"),
}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> dict[str, Path]:
    """A reference exercise and a folder of nine submissions: three honest ones, six broken."""
    root = tmp_path_factory.mktemp("classroom")
    folder = root / "submissions"
    exercise_notebook(folder / "alice.ipynb", total=RIGHT_TOTAL, n_vegan=RIGHT_VEGAN)
    # Bob prints a verdict himself: the grader must not believe it.
    exercise_notebook(
        folder / "bob.ipynb",
        total=RIGHT_TOTAL,
        n_vegan="n_vegan = 4\nprint('✅ Correct (90.2 Number of vegan customers)')",
    )
    exercise_notebook(folder / "carol.ipynb")  # handed back as handed out
    (folder / "dave.ipynb").write_text('{"cells": [', encoding="utf-8")
    exercise_notebook(folder / "erin.ipynb", total=RIGHT_TOTAL, n_vegan=RIGHT_VEGAN, lesson="91")
    exercise_notebook(
        folder / "frank.ipynb", total=RIGHT_TOTAL, n_vegan=RIGHT_VEGAN, after_first_check="while True:\n    pass"
    )
    exercise_notebook(folder / "grace.ipynb", total="total = sum(BASKET) / 0", n_vegan=RIGHT_VEGAN)
    exercise_notebook(
        folder / "heidi" / "90_tiny.ipynb",
        total=RIGHT_TOTAL,
        n_vegan=RIGHT_VEGAN,
        after_first_check="import os\nos._exit(1)",
    )
    exercise_notebook(folder / "ivan.ipynb", total=RIGHT_TOTAL, n_vegan=RIGHT_VEGAN, after_first_check=VANDAL)
    # JupyterLab's autosave copies are not submissions.
    exercise_notebook(folder / ".ipynb_checkpoints" / "alice-checkpoint.ipynb", total=RIGHT_TOTAL, n_vegan=RIGHT_VEGAN)
    reference = exercise_notebook(root / "exercise" / "90_tiny.ipynb")
    return {"folder": folder, "reference": reference}


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def graded(classroom):
    before = fingerprints(classroom["folder"])
    grades, feedback = grade_submissions(
        classroom["folder"], reference=classroom["reference"], timeout=TIMEOUT, progress=True
    )
    return {"grades": grades, "feedback": feedback, "before": before}


def test_one_row_per_submission_with_the_right_scores(graded):
    grades = graded["grades"]
    assert list(grades.columns) == [
        "student",
        "lesson",
        "status",
        "passed",
        "total",
        "score",
        "problem",
        "90.1",
        "90.2",
    ]
    expected = pd.DataFrame(
        [
            (student, status, passed, 2, 50.0 * passed, first, second)
            for student, (status, passed, first, second) in EXPECTED.items()
        ],
        columns=["student", "status", "passed", "total", "score", "90.1", "90.2"],
    )
    pd.testing.assert_frame_equal(grades[expected.columns], expected, check_dtype=False)
    assert set(grades["status"]) <= set(STATUSES)


def test_each_broken_submission_says_what_went_wrong(graded):
    problem = graded["grades"].set_index("student")["problem"]
    assert problem["alice"] == problem["bob"] == problem["carol"] == problem["ivan"] == ""
    assert "not a valid Jupyter notebook" in problem["dave"]
    assert problem["erin"] == "this is a notebook for lesson 91; lesson 90 was expected."
    assert problem["frank"].startswith(f"cell 5 (`while True:`) ran longer than {TIMEOUT} s")
    assert problem["grace"].startswith("cell 3 (`total = sum(BASKET) / 0`) raised ZeroDivisionError")
    assert problem["heidi/90_tiny"].startswith("the Python kernel stopped during cell 5 (`import os`)")


def test_the_submissions_are_untouched(classroom, graded):
    assert fingerprints(classroom["folder"]) == graded["before"]


def test_feedback_gives_hints_never_answers(graded):
    feedback = graded["feedback"]
    assert set(feedback) == set(EXPECTED)
    assert feedback["alice"].startswith("# Feedback for alice\n\nScore: 2 of 2 checks correct (100%).")
    bob = feedback["bob"]
    assert "- ✅ 90.1 Total of the basket" in bob
    assert "- ❌ 90.2 Number of vegan customers: Your number is too high." in bob
    assert "3" not in bob.split("90.2", 1)[1], "the hint must not give the number away"
    assert "replace the `...`" in feedback["carol"]
    assert "- ⏹ 90.2 Number of vegan customers: this check did not run." in feedback["frank"]
    assert "**Problem (timeout)**" in feedback["frank"]


def test_write_grades_csv_and_one_feedback_file_each(graded, tmp_path):
    written = write_grades(graded["grades"], graded["feedback"], tmp_path / "out" / "grades.csv")
    assert written[0] == tmp_path / "out" / "grades.csv"
    table = pd.read_csv(written[0], dtype={"lesson": str}, keep_default_na=False)
    assert table["student"].tolist() == list(EXPECTED)
    assert table["score"].tolist() == [100.0, 50.0, 0.0, 0.0, 0.0, 50.0, 50.0, 50.0, 100.0]
    names = sorted(path.name for path in written[1:])
    assert names == sorted(
        ["alice.md", "bob.md", "carol.md", "dave.md", "erin.md", "frank.md", "grace.md", "heidi__90_tiny.md", "ivan.md"]
    )
    assert (tmp_path / "out" / "feedback" / "bob.md").read_text(encoding="utf-8") == graded["feedback"]["bob"]


def test_the_lesson_comes_from_metadata_then_the_file_name():
    assert notebook_lesson(new_notebook(metadata={"course": {"lesson": "04"}}), Path("alice_03_rfm.ipynb")) == "04"
    assert notebook_lesson(new_notebook(), Path("alice_03_rfm.ipynb")) == "03"
    assert notebook_lesson(new_notebook(), Path("alice2024.ipynb")) is None


def test_default_reference_is_the_exercise_of_most_submissions(classroom, tmp_path):
    exercises = tmp_path / "exercises"
    expected = exercise_notebook(exercises / "90_tiny.ipynb")
    exercise_notebook(exercises / "91_other.ipynb", lesson="91")
    # Eight readable submissions of lesson 90, one of lesson 91, one not a notebook.
    assert default_reference(classroom["folder"], exercises=exercises) == expected
    empty = tmp_path / "elsewhere" / "exercises"
    empty.mkdir(parents=True)
    with pytest.raises(ValueError, match=r"No exercise notebook exercises/90_\*.ipynb for lesson 90"):
        default_reference(classroom["folder"], exercises=empty)
    anonymous = tmp_path / "anonymous"
    anonymous.mkdir()
    (anonymous / "someone.ipynb").write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="says which lesson"):
        default_reference(anonymous, exercises=exercises)


def test_bad_input(classroom, tmp_path):
    with pytest.raises(FileNotFoundError, match="No folder of submissions"):
        grade_submissions(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"No notebook \(\*\.ipynb\)"):
        grade_submissions(tmp_path)
    with pytest.raises(ValueError, match="`timeout` must be a whole number"):
        grade_submissions(classroom["folder"], timeout=0)
    with pytest.raises(FileNotFoundError, match="No reference"):
        grade_submissions(classroom["folder"], reference=tmp_path / "missing.ipynb")
    no_checks = tmp_path / "no_checks.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), no_checks)
    with pytest.raises(ValueError, match="call at least one check"):
        grade_submissions(classroom["folder"], reference=no_checks, timeout=TIMEOUT)
    with pytest.raises(ValueError, match="has no column"):
        write_grades(pd.DataFrame({"student": ["a"]}), {}, tmp_path / "grades.csv")
