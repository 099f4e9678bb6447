"""Grading a folder: one row per submission with the right points, whatever each one does.

The submissions are tiny exercise notebooks (``grading_fixtures/tiny.py``) calling the
three checks of ``grading_fixtures/tiny_checks.py`` (lesson "90"), so these tests do
not depend on the course's lessons. 90.1 is worth 2 points, 90.2 and 90.3 one each,
the free-text question one (graded by hand).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.kit import cli
from course_lib.kit.grading import (
    STATUSES,
    default_reference,
    grade_submissions,
    new_run_folder,
    notebook_lesson,
    write_run,
)

sys.path.insert(0, str(Path(__file__).resolve().parent / "grading_fixtures"))
import tiny  # noqa: E402  (the fixtures' builder, beside tiny_checks)

TIMEOUT = 10  # seconds a cell may run: the endless loop costs this much; margin for a busy machine
RIGHT = tiny.RIGHT
# Deletes every notebook in its working folder, the folder above it, and a "submissions"
# folder beside that: harmless when the grader runs it in a temporary folder, ruinous
# for the class if it ran next to the submissions.
VANDAL = """\
from pathlib import Path
for folder in [Path("."), Path(".."), Path("../submissions")]:
    for notebook in folder.glob("*.ipynb"):
        notebook.unlink()
"""

# file -> (student_id, status, points of 90.1, 90.2, 90.3)
EXPECTED = {
    "alice_tiny": ("alice", "graded", 2, 1, 1),
    "bob_tiny": ("bob", "graded", 2, 0, 1),
    "carol": ("carol", "graded", 0, 0, 0),
    "dave": ("dave", "not a notebook", 0, 0, 0),
    "erin": ("erin", "wrong lesson", 0, 0, 0),
    "frank": ("frank", "timeout", 2, 0, 0),
    "grace": ("grace", "error", 0, 1, 1),
    "heidi/90_tiny": ("heidi", "kernel died", 2, 0, 0),
    "ivan": ("ivan", "graded", 2, 1, 1),
}


@pytest.fixture(scope="module")
def fixtures_importable():
    """The clean evaluator imports ``tiny_checks`` as the notebooks do: put it on its path."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tiny.FIXTURES), before]))
    yield
    if before is None:
        del os.environ["PYTHONPATH"]
    else:
        os.environ["PYTHONPATH"] = before


@pytest.fixture(scope="module")
def classroom(tmp_path_factory, fixtures_importable) -> dict[str, Path]:
    """A reference exercise and a folder of nine submissions: three honest ones, six broken."""
    root = tmp_path_factory.mktemp("classroom")
    folder = root / "submissions"
    tiny.submission(folder / "alice_tiny.ipynb", RIGHT, text="*Vegan*: the biggest group.")
    # Bob prints a verdict himself: the grader must not believe it.
    bob = {**RIGHT, "n_vegan": "n_vegan = 4\nprint('✅ Correct (90.2 Number of customers of a diet)')"}
    tiny.submission(folder / "bob_tiny.ipynb", bob)
    # Carol hands it back as handed out, saved with outputs of another run: a ✅ and an error.
    # Only this run's outputs count: no flag, no error.
    carol = nbformat.read(tiny.submission(folder / "carol.ipynb"), as_version=4)
    carol.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ Correct (90.1 Total)\n")]
    carol.cells[2].outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="old", traceback=[])]
    nbformat.write(carol, folder / "carol.ipynb")
    (folder / "dave.ipynb").write_text('{"cells": [', encoding="utf-8")
    tiny.write(folder / "erin.ipynb", tiny.cells(RIGHT), lesson="91")
    tiny.submission(folder / "frank.ipynb", RIGHT, check_total=tiny.CHECKS["total"] + "\nwhile True:\n    pass")
    tiny.submission(folder / "grace.ipynb", {**RIGHT, "total": "total = sum(BASKET) / 0"})
    tiny.submission(
        folder / "heidi" / "90_tiny.ipynb", RIGHT, check_total=tiny.CHECKS["total"] + "\nimport os\nos._exit(1)"
    )
    tiny.submission(folder / "ivan.ipynb", RIGHT, check_total=tiny.CHECKS["total"] + "\n" + VANDAL)
    # JupyterLab's autosave copies are not submissions.
    tiny.submission(folder / ".ipynb_checkpoints" / "alice-checkpoint.ipynb", RIGHT)
    reference = tiny.reference(root / "exercise" / "90_tiny.ipynb")
    return {"folder": folder, "reference": reference, "root": root}


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def graded(classroom):
    before = fingerprints(classroom["folder"])
    out = classroom["root"] / "run"
    result = grade_submissions(
        classroom["folder"], reference=classroom["reference"], out=out, timeout=TIMEOUT, jobs=2, progress=True
    )
    return {"result": result, "before": before, "out": out}


def test_one_row_per_submission_with_the_right_points(graded):
    grades = graded["result"].grades
    assert list(grades.columns) == [
        "student_id",
        "file",
        "lesson",
        "status",
        "90.1",
        "90.2",
        "90.3",
        "text-1",
        "total",
        "max_points",
        "percent",
        "flags",
        "problem",
        "seconds",
    ]
    expected = pd.DataFrame(
        [
            (file, who, status, first, second, third, first + second + third, 5.0)
            for file, (who, status, first, second, third) in EXPECTED.items()
        ],
        columns=["file", "student_id", "status", "90.1", "90.2", "90.3", "total", "max_points"],
    )
    pd.testing.assert_frame_equal(grades[expected.columns], expected, check_dtype=False)
    # By hand: alice has 2 + 1 + 1 = 4 of 5 points before the free text is graded.
    assert grades.set_index("file").loc["alice_tiny", "percent"] == 80.0
    assert set(grades["status"]) <= set(STATUSES)
    assert grades["text-1"].isna().all(), "free text waits for the instructor's points"


def test_each_broken_submission_says_what_went_wrong(graded):
    problem = graded["result"].grades.set_index("file")["problem"]
    assert (problem[["alice_tiny", "bob_tiny", "carol", "ivan"]] == "").all()
    assert "not a valid Jupyter notebook" in problem["dave"]
    assert problem["erin"] == "this is a notebook for lesson 91; lesson 90 was expected."
    assert problem["frank"].startswith(f"cell 4 (`check.basket_total(total)`) ran longer than {TIMEOUT} s")
    assert problem["grace"].startswith("cell 3 (`total = sum(BASKET) / 0`) raised ZeroDivisionError")
    assert problem["heidi/90_tiny"].startswith("the Python kernel stopped during cell 4 (`check.basket_total")


def test_honest_submissions_are_not_flagged(graded):
    flags = graded["result"].grades.set_index("file")["flags"]
    assert flags["alice_tiny"] == flags["carol"] == flags["frank"] == ""
    assert "prints a verdict itself" in flags["bob_tiny"]
    assert "writes a file" not in flags["ivan"]  # deleting files is not writing answers


def test_the_submissions_are_untouched(classroom, graded):
    assert fingerprints(classroom["folder"]) == graded["before"]


def test_feedback_gives_hints_never_answers(graded):
    feedback = graded["result"].feedback
    assert set(feedback) == set(EXPECTED)
    assert feedback["alice_tiny"].startswith(
        "# Feedback for alice_tiny\n\nScore: 4 of 4 points (100%); 3 of 3 checks correct."
    )
    bob = feedback["bob_tiny"]
    assert "- ✅ 90.1 Total of the basket (2/2)" in bob
    assert "- ❌ 90.2 Number of customers of a diet (0/1): Your number is too high." in bob
    assert "3" not in bob.split("90.2", 1)[1].split("\n")[0], "the hint must not give the number away"
    assert "replace the `...`" in feedback["carol"]
    assert "- ⏹ 90.2 Number of customers of a diet (0/1): this check did not run." in feedback["frank"]
    assert "**Problem (timeout)**" in feedback["frank"]
    assert "**Flags for the instructor** (they do not change the score)" in bob


def test_answers_are_files_in_the_run_folder(graded):
    answers = graded["out"] / "answers"
    assert sorted(path.name for path in (answers / "alice_tiny").glob("*.json")) == [
        ".patched.json",  # what the hidden cells saw patched: nothing
        "n_vegan.json",
        "per_diet.json",
        "total.json",
    ]
    assert (answers / "alice_tiny" / ".patched.json").read_text(encoding="utf-8") == "[]"
    assert (answers / "alice_tiny" / "per_diet.csv").read_text(encoding="utf-8").startswith(",diet,customers")
    # Frank's loop stopped the notebook before n_vegan existed: no file, "not run".
    assert not (answers / "frank" / "n_vegan.json").exists()


def test_free_text_is_collected_per_class(graded):
    free = graded["result"].free_text
    assert list(free.columns) == ["student_id", "file", "task", "title", "answer", "check"]
    assert len(free) == len(EXPECTED)
    row = free.set_index("file").loc["alice_tiny"]
    assert (row["task"], row["title"], row["answer"]) == ("text-1", "Think about it", "*Vegan*: the biggest group.")
    assert free.set_index("file").loc["carol", "answer"] == ""


def test_manual_points_are_added_back(graded, tmp_path):
    result = graded["result"]
    manual = pd.DataFrame({"student_id": ["alice", "bob"], "task": ["text-1", "90.2"], "points": [1, 0.5]})
    from course_lib.kit.gradebook import add_manual_points

    grades = add_manual_points(result.grades, result.tasks, manual).set_index("file")
    assert grades.loc["alice_tiny", ["text-1", "total", "percent"]].tolist() == [1.0, 5.0, 100.0]
    assert grades.loc["bob_tiny", ["90.2", "total"]].tolist() == [0.5, 3.5]  # the instructor's judgement wins
    with pytest.raises(
        ValueError, match=r"row 2 of the manual scores: points 3 for text-1 must be a number from 0 to 1"
    ):
        add_manual_points(result.grades, result.tasks, manual.assign(points=[3, 0]))
    with pytest.raises(ValueError, match="no submission of student 'zoe'"):
        add_manual_points(result.grades, result.tasks, manual.assign(student_id=["zoe", "bob"]))
    with pytest.raises(ValueError, match="no task '9.9'"):
        add_manual_points(result.grades, result.tasks, manual.assign(task=["9.9", "90.2"]))


def test_write_run_tables_and_one_feedback_file_each(graded, tmp_path):
    result = graded["result"]
    written = write_run(result, graded["out"], format="canvas")
    table = pd.read_csv(written["grades"], dtype={"lesson": str}, keep_default_na=False)
    assert table["file"].tolist() == list(EXPECTED)
    canvas = pd.read_csv(written["gradebook"], keep_default_na=False)
    assert list(canvas.columns) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Tiny exercise"]
    assert canvas.set_index("SIS Login ID").loc["alice", "Tiny exercise"] == 4.0
    names = sorted(path.name for path in (graded["out"] / "feedback").iterdir())
    assert names == sorted(
        [
            "alice_tiny.md",
            "bob_tiny.md",
            "carol.md",
            "dave.md",
            "erin.md",
            "frank.md",
            "grace.md",
            "heidi__90_tiny.md",
            "ivan.md",
        ]
    )
    assert (graded["out"] / "feedback" / "bob_tiny.md").read_text(encoding="utf-8") == result.feedback["bob_tiny"]
    assert pd.read_csv(written["free_text"])["task"].eq("text-1").all()


def test_a_run_folder_is_never_mixed_with_an_earlier_run(tmp_path):
    first = new_run_folder(root=tmp_path)
    (first / "grades.csv").write_text("old", encoding="utf-8")
    second = new_run_folder(root=tmp_path)
    assert first != second and not any(second.iterdir())
    with pytest.raises(ValueError, match="already holds files"):
        new_run_folder(first)


def test_the_command_line_writes_a_new_run_folder(classroom, tmp_path, capsys):
    folder = tmp_path / "two"
    tiny.submission(folder / "ana_tiny.ipynb", RIGHT)
    tiny.submission(folder / "ben_tiny.ipynb")
    out = tmp_path / "run"
    code = cli.main(
        [
            "grade",
            str(folder),
            "--reference",
            str(classroom["reference"]),
            "--out",
            str(out),
            "-j",
            "2",
            "--timeout",
            str(TIMEOUT),
            "--format",
            "moodle",
        ]
    )
    assert code == 0
    moodle = pd.read_csv(out / "gradebook-moodle.csv", keep_default_na=False)
    assert moodle.columns.tolist() == ["Username", "Tiny exercise", "Tiny exercise (feedback)"]
    assert moodle.set_index("Username")["Tiny exercise"].to_dict() == {"ana": 4.0, "ben": 0.0}
    assert "Wrote the run to" in capsys.readouterr().out
    assert cli.main(["grade", str(folder), "--reference", str(classroom["reference"]), "--out", str(out)]) == 2


def test_the_lesson_comes_from_metadata_then_the_file_name():
    assert notebook_lesson(new_notebook(metadata={"course": {"lesson": "04"}}), Path("alice_03_rfm.ipynb")) == "04"
    assert notebook_lesson(new_notebook(), Path("alice_03_rfm.ipynb")) == "03"
    assert notebook_lesson(new_notebook(), Path("alice2024.ipynb")) is None


def test_default_reference_is_the_exercise_of_most_submissions(classroom, tmp_path):
    exercises = tmp_path / "exercises"
    expected = tiny.reference(exercises / "90_tiny.ipynb")
    tiny.write(exercises / "91_other.ipynb", tiny.cells(), lesson="91")
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
    with pytest.raises(ValueError, match="`jobs` must be a whole number"):
        grade_submissions(classroom["folder"], jobs=0)
    with pytest.raises(ValueError, match="`student_pattern` is not a regular expression"):
        grade_submissions(classroom["folder"], student_pattern="(")
    with pytest.raises(FileNotFoundError, match="No reference"):
        grade_submissions(classroom["folder"], reference=tmp_path / "missing.ipynb")
    no_checks = tmp_path / "no_checks.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), no_checks)
    with pytest.raises(ValueError, match="must call at least one check"):
        grade_submissions(classroom["folder"], reference=no_checks, timeout=TIMEOUT)


def test_manual_points_rescore_an_earlier_run_without_running_it(graded, tmp_path, capsys):
    first = tmp_path / "first"
    write_run(graded["result"], first)
    before = (first / "grades.csv").read_text(encoding="utf-8")
    scores = tmp_path / "scores.csv"
    scores.write_text("student_id,task,points\nalice,text-1,1\ncarol,text-1,0.5\n", encoding="utf-8")
    second = tmp_path / "second"
    assert cli.main(["grade", str(first), "--manual", str(scores), "--out", str(second)]) == 0
    book = pd.read_csv(second / "gradebook.csv").set_index("student_id")
    assert book.loc["alice", ["text-1", "total", "percent"]].tolist() == [1.0, 5.0, 100.0]
    assert book.loc["carol", ["total", "percent"]].tolist() == [0.5, 10.0]
    assert pd.isna(book.loc["bob", "text-1"])  # not graded by hand yet
    assert "alice_tiny  " in capsys.readouterr().out
    assert (first / "grades.csv").read_text(encoding="utf-8") == before  # the earlier run is untouched
    assert (second / "feedback" / "alice_tiny.md").is_file()
    bad = tmp_path / "bad.csv"
    bad.write_text("student_id,task,points\nalice,text-1,2\n", encoding="utf-8")
    assert cli.main(["grade", str(first), "--manual", str(bad), "--out", str(tmp_path / "third")]) == 2
    assert "points 2 for text-1 must be a number from 0 to 1" in capsys.readouterr().err
