"""The parts of grading that run no kernel: answer files, the audit, the gradebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib import KIT_ROOT
from course_lib.kit.answers import Unreadable, dump_answer, load_answer
from course_lib.kit.evaluator import Evaluator
from course_lib.kit.gradebook import Task, gradebook, student_id, totals
from course_lib.kit.notebook_audit import audit_submission, free_text_answers, literal_answers, read_reference

# ---------------------------------------------------------------- answers as plain data

ANSWERS = {
    "table": pd.DataFrame(
        {
            "customer_id": [3, 1, 2],
            "share": [0.1, 1 / 3, np.nan],
            "name": ["Ana", None, "Luz"],
            "first": pd.to_datetime(["2024-01-31 00:00", None, "2023-12-01 10:30"]),
            "segment": pd.Categorical(["Loyal", "At risk", "Loyal"], categories=["At risk", "Loyal"], ordered=True),
            "gap": pd.to_timedelta([1, 2, 3], unit="D"),
            "orders": pd.array([1, None, 3], dtype="Int64"),
            "vegan": [True, False, True],
        }
    ).set_index("customer_id"),
    "counts": pd.Series([5, 2], index=pd.Index(["Loyal", "At risk"], name="segment"), name="customers"),
    "two_levels": pd.DataFrame(
        {"v": [1.5, 2.5]}, index=pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["k", "l"])
    ),
    "grid": np.arange(6, dtype="int32").reshape(2, 3),
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_tables_come_back_equal_with_their_dtypes(tmp_path, name):
    value = ANSWERS[name]
    dump_answer(value, tmp_path, name)
    back = load_answer(tmp_path, name)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value)
    elif isinstance(value, pd.Series):
        pd.testing.assert_series_equal(back, value)
    else:
        assert back.dtype == value.dtype and np.array_equal(back, value)


def test_values_come_back_equal(tmp_path):
    values = {
        "n": 3,
        "x": 0.1 + 0.2,
        "text": "hola",
        "actions": {"Loyal": "Say thanks", 7: [1, 2]},
        "pair": (1, "a"),
        "ids": {4, 2},
        "day": pd.Timestamp("2024-05-01"),
        "none": None,
        "todo": ...,
    }
    for name, value in values.items():
        dump_answer(value, tmp_path, name)
        assert load_answer(tmp_path, name) == value, name
    assert type(load_answer(tmp_path, "x")) is float and load_answer(tmp_path, "x") == 0.30000000000000004


def test_what_cannot_be_read_says_why(tmp_path):
    dump_answer(object(), tmp_path, "thing")
    assert "object" in load_answer(tmp_path, "thing").reason
    assert load_answer(tmp_path, "missing").reason == "`missing` was not defined when the notebook ended"
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert isinstance(load_answer(tmp_path, "broken"), Unreadable)


def test_an_answer_file_cannot_run_code(tmp_path):
    # A file claiming to hold a pickled object, or Python source, is only ever data.
    (tmp_path / "evil.json").write_text(
        json.dumps({"kind": "value", "value": "__import__('os').system('touch hacked')"}), encoding="utf-8"
    )
    assert load_answer(tmp_path, "evil") == "__import__('os').system('touch hacked')"
    (tmp_path / "pickle.json").write_text(json.dumps({"kind": "pickle", "value": "gASV"}), encoding="utf-8")
    assert isinstance(load_answer(tmp_path, "pickle"), Unreadable)
    assert not Path("hacked").exists()


def test_a_figure_is_rebuilt_from_its_parts(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [3, 5])
    ax.text(0, 4, "Choose")
    ax.set_title("Journey map: Busy lunchers")
    dump_answer(ax, tmp_path, "ax")
    plt.close(fig)
    back = load_answer(tmp_path, "ax")
    assert back.get_title() == "Journey map: Busy lunchers"
    assert [text.get_text() for text in back.texts] == ["Choose"]
    assert [patch.get_height() for patch in back.patches] == [3, 5]
    assert (tmp_path / "ax.png").stat().st_size > 0


# ---------------------------------------------------------------- the clean evaluator


def test_the_evaluator_calls_the_released_check_with_the_students_answer(tmp_path):
    evaluator = Evaluator()
    calls = [
        {"target": "course_lib.checks.lesson03.scores_four_bins", "args": ["scores"], "kwargs": []},
        {"target": "pandas.DataFrame", "args": [], "kwargs": []},
    ]
    plan = evaluator.plan(calls)
    assert [(check["exercise_id"], check["reads"]) for check in plan] == [("03.2", ["scores"])]
    dump_answer(..., tmp_path, "scores")
    [verdict] = evaluator.evaluate(str(tmp_path))
    assert verdict["verdict"] == "not yet" and "replace the `...`" in verdict["hint"]
    (tmp_path / "scores.json").unlink()
    assert evaluator.evaluate(str(tmp_path))[0]["verdict"] == "not run"


# ---------------------------------------------------------------- the audit


@pytest.mark.parametrize("lesson", sorted(path.name for path in (KIT_ROOT / "exercises").glob("*.ipynb")))
def test_the_solutions_are_not_flagged(lesson):
    """An honest, complete answer (the solution itself) must raise no flag against its exercise."""
    exercise = nbformat.read(KIT_ROOT / "exercises" / lesson, as_version=4)
    solution = nbformat.read(KIT_ROOT / "solutions" / lesson, as_version=4)
    plan = read_reference(exercise)
    ids = {position: f"call {position}" for position, call in enumerate(plan.calls) if ".checks." in call.target}
    answers = {ids[position]: plan.calls[position].variables for position in ids}
    names = [name for names in answers.values() for name in names]
    flags = audit_submission(solution, plan, answers=answers, ids=ids, literal_ok=literal_answers(solution, names))
    assert flags == []


def test_free_text_is_what_the_student_wrote_below_the_prompt():
    prompt = "## Think about it\n\nWhy?\n\n"
    reference = new_notebook(cells=[new_markdown_cell(prompt + "*Your answer here.*", id="q")])
    plan = read_reference(reference)
    answered = new_notebook(cells=[new_markdown_cell(prompt + "Because they **order** most.", id="q")])
    assert free_text_answers(answered, plan) == {"text-1": "Because they **order** most."}
    moved = new_notebook(cells=[new_markdown_cell("# Mine"), new_markdown_cell(prompt + "Price.")])
    assert free_text_answers(moved, plan) == {"text-1": "Price."}  # ids lost: found by its prompt
    assert free_text_answers(new_notebook(cells=[]), plan) == {"text-1": ""}


def test_a_magic_line_is_not_a_flag():
    reference = new_notebook(
        cells=[new_code_cell("import tiny as check"), new_code_cell("total = ...\ncheck.basket_total(total)")]
    )
    plan = read_reference(reference)
    submission = new_notebook(
        cells=[
            new_code_cell("%matplotlib inline\nimport tiny as check"),
            new_code_cell("total = 2 + 3\ncheck.basket_total(total)"),
        ]
    )
    assert audit_submission(submission, plan, answers={"90.1": ("total",)}, ids={0: "90.1"}) == []


# ---------------------------------------------------------------- the gradebook


def test_student_ids_from_file_names():
    assert student_id("ana_03_rfm") == "ana"
    assert student_id("luz/03_rfm") == "luz"
    assert student_id("03_rfm-ana", pattern=r"-(\w+)$") == "ana"
    assert student_id("nobody", pattern=r"^(\d+)_") == "nobody"


def test_one_row_per_student_the_best_submission_flagged():
    tasks = [Task("1", "One", 2.0), Task("2", "Two", 1.0)]
    grades = totals(
        pd.DataFrame(
            {
                "student_id": ["ana", "ana", "ben"],
                "file": ["ana_v1", "ana_v2", "ben_x"],
                "status": ["graded", "graded", "error"],
                "1": [0.0, 2.0, 2.0],
                "2": [1.0, 1.0, 0.0],
                "flags": ["", "", "typed-in answer for 2"],
            }
        ),
        tasks,
    )
    book = gradebook(grades, tasks)
    assert book[["student_id", "file", "total", "percent"]].values.tolist() == [
        ["ana", "ana_v2", 3.0, 100.0],
        ["ben", "ben_x", 2.0, 66.7],
    ]
    assert book.set_index("student_id").loc["ana", "flags"] == "2 submissions; the best counts"
    moodle = gradebook(grades, tasks, format="moodle", assignment="Exercise 03")
    assert moodle.columns.tolist() == ["Username", "Exercise 03", "Exercise 03 (feedback)"]
    assert moodle["Exercise 03 (feedback)"].tolist() == [
        "graded; flags: 2 submissions; the best counts",
        "error; flags: typed-in answer for 2",
    ]
    with pytest.raises(ValueError, match="`format` must be one of"):
        gradebook(grades, tasks, format="blackboard")


def test_check_cells_moved_or_given_code_edited_are_flagged():
    cells = [
        "import tiny as check",
        "basket = [2.5, 10.0]\ntotal = ...\ncheck.basket_total(total)",
        "n_vegan = ...\ncheck.diet_count(n_vegan, diet='vegan')",
    ]
    plan = read_reference(new_notebook(cells=[new_code_cell(source) for source in cells]))
    answers, ids = {"90.1": ("total",), "90.2": ("n_vegan",)}, {0: "90.1", 1: "90.2"}
    swapped = [
        cells[0],
        "n_vegan = 3\ncheck.diet_count(n_vegan, diet='vegan')",
        "basket = [2.5, 10.0]\ntotal = sum(basket)\ncheck.basket_total(total)",
    ]
    flags = audit_submission(
        new_notebook(cells=[new_code_cell(source) for source in swapped]), plan, answers=answers, ids=ids
    )
    assert "check cells moved: the checks no longer run in the exercise's order" in flags
    edited = [
        cells[0],
        "basket = [1.0]\ntotal = sum(basket)\ncheck.basket_total(total)",
        "n_vegan = len([1, 2])\ncheck.diet_count(n_vegan, diet='vegan')",
    ]
    flags = audit_submission(
        new_notebook(cells=[new_code_cell(source) for source in edited]), plan, answers=answers, ids=ids
    )
    assert flags == ["given code changed for 90.1: `basket = [2.5, 10.0]` is missing or edited"]


def test_a_kit_dataclass_comes_back_and_no_other_class_is_built(tmp_path):
    from course_lib.column_mapping import ColumnMapping

    mapping = ColumnMapping(customer="CustomerID", date="InvoiceDate", quantity="Quantity", price="UnitPrice")
    dump_answer(mapping, tmp_path, "mapping")
    assert load_answer(tmp_path, "mapping") == mapping
    forged = {"kind": "dataclass", "class": "subprocess.Popen", "fields": {"args": ["touch", "hacked"]}}
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    assert isinstance(load_answer(tmp_path, "forged"), Unreadable)
    assert not Path("hacked").exists()


# ---------------------------------------------------------------- lesson 10: homework carries no points


def test_lesson_10_homework_is_optional_in_the_grade_as_its_header_says():
    # The header calls tasks 5 to 8 optional homework: their checks carry 0 points, so a student who
    # solves the in-class tasks 1 to 3 (task 4 is a written answer) gets every point there is.
    from course_lib.kit.grading import _points_of, feedback_text

    exercise = nbformat.read(KIT_ROOT / "exercises" / "10_targets_and_proof.ipynb", as_version=4)
    header = exercise.cells[0].source
    assert "**Homework (optional, about 45 minutes): tasks 5 to 8**" in header and "no points" in header
    plan = read_reference(exercise)
    evaluator = Evaluator()
    calls = [{"target": call.target, "args": list(call.args), "kwargs": list(call.kwargs)} for call in plan.calls]
    checks = [check for check in evaluator.plan(calls) if not check["free_text"]]
    points = {check["exercise_id"]: _points_of(check, plan) for check in checks}
    assert points == {"10.1": 1, "10.2": 1, "10.3": 1, "10.5": 0, "10.6": 0, "10.8": 0}
    tasks = [Task(task, task, out_of) for task, out_of in points.items()]
    in_class = pd.DataFrame([{"student_id": "ana", **{task: float(task < "10.4") for task in points}}])
    assert totals(in_class, tasks)[["total", "max_points", "percent"]].iloc[0].tolist() == [3.0, 3.0, 100.0]
    verdicts = [(task, task, "correct" if task < "10.4" else "not yet", "hint") for task in points]
    scored = {task: (out_of * (task < "10.4"), out_of) for task, out_of in points.items()}
    text = feedback_text("ana", verdicts, status="graded", problem="", points=scored)
    assert "Score: 3 of 3 points (100%)" in text and "✅ 10.1 10.1 (1/1)" in text
    assert "❌ 10.5 10.5 (optional: no points): hint" in text


def test_a_written_answer_sent_back_still_reaches_the_instructor(tmp_path):
    # A short answer (under the task's word minimum) gets "not yet" for the student; the grader still
    # carries its text, so free_text.csv shows what was written instead of a blank.
    from course_lib.kit.answers import dump_answer

    exercise = nbformat.read(KIT_ROOT / "exercises" / "10_targets_and_proof.ipynb", as_version=4)
    plan = read_reference(exercise)
    evaluator = Evaluator()
    calls = [{"target": call.target, "args": list(call.args), "kwargs": list(call.kwargs)} for call in plan.calls]
    written = [check for check in evaluator.plan(calls) if check["free_text"]]
    assert [check["exercise_id"] for check in written] == ["10.4", "10.7"]
    short = "No: 334 affordable < 415 needed; raise the budget or drop the discount."
    dump_answer(short, tmp_path, written[0]["reads"][0])
    verdicts = {verdict["exercise_id"]: verdict for verdict in evaluator.evaluate(str(tmp_path))}
    assert verdicts["10.4"]["verdict"] == "not yet" and "at least" in verdicts["10.4"]["hint"]
    assert verdicts["10.4"]["text"] == short
    assert verdicts["10.7"]["verdict"] == "not run" and "text" not in verdicts["10.7"]  # nothing written
