"""Tampering: each attempt must neither raise the score nor go unflagged.

Every submission below is the tiny exercise (``grading_fixtures/tiny.py``) with one
trick. Its expected points are what its *real* answers earn (an honest run of the
same answers), never more; and its ``flags`` must name the trick. An honest
submission in the same run gets full points and no flag at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from course_lib.kit.grading import grade_submissions

sys.path.insert(0, str(Path(__file__).resolve().parent / "grading_fixtures"))
import tiny  # noqa: E402

TIMEOUT = 10
RIGHT = tiny.RIGHT
ZERO = {
    "total": "total = sum(BASKET) * 0",
    "n_vegan": "n_vegan = len(DIETS) * 0",
    "per_diet": "per_diet = len(DIETS) * 0",
}
WRONG_TABLE = RIGHT["per_diet"] + ".assign(customers=1)"
SECRET = "check.basket_total._evaluation = lambda *args, **kwargs: None"
CHECKS_TOTAL = tiny.CHECKS["total"]

# name -> (answers, cell changes, points of 90.1, 90.2, 90.3 its real answers earn, a flag it must get)
ATTEMPTS = {
    # The first: every check's evaluation returns nothing, every answer 0.
    "patched_evaluation": (
        ZERO,
        {
            "setup": tiny.SETUP + "\nfor found in (check.basket_total, check.diet_count, check.per_diet):\n"
            "    found._evaluation = lambda *args, **kwargs: None"
        },
        (0, 0, 0),
        "patched while it ran: `tiny_checks.basket_total._evaluation`",
    ),
    # The second: check calls replaced by printed verdicts.
    "printed_verdicts": (
        ZERO,
        {
            "check_total": "print('✅ Correct (90.1 Total of the basket)')",
            "check_n_vegan": "print('✅ Correct (90.2 Number of customers of a diet)')",
            "check_per_diet": "print('✅ Correct (90.3 Customers per diet)')",
        },
        (0, 0, 0),
        "check call deleted for 90.1",
    ),
    # pandas and NumPy patched so that any table compares equal in the student's kernel.
    "patched_pandas": (
        {**RIGHT, "per_diet": WRONG_TABLE},
        {
            "setup": tiny.SETUP + "\nimport numpy as np\npd.Series.equals = lambda self, other: True\n"
            "np.isclose = lambda left, right, **options: np.ones(len(left), dtype=bool)"
        },
        (2, 1, 0),
        "patched while it ran: `pandas.Series.equals`",
    ),
    # The check cell's expected value edited: another diet, whose count the answer is.
    "edited_expected_value": (
        {**RIGHT, "n_vegan": "n_vegan = DIETS.count('flexitarian')"},
        {"check_n_vegan": "check.diet_count(n_vegan, diet='flexitarian')"},
        (2, 0, 1),
        "check call changed for 90.2",
    ),
    "deleted_check_cell": (
        {**RIGHT, "n_vegan": "n_vegan = len(DIETS)"},
        {"check_n_vegan": None},
        (2, 0, 1),
        "check call deleted for 90.2: `check.diet_count(n_vegan, diet='vegan')` is missing",
    ),
    # Right, but typed in: it earns what the right answer earns, and the instructor is told.
    "hard_coded_answer": (
        {**RIGHT, "total": "total = 12.5"},
        {},
        (2, 1, 1),
        "typed-in answer for 90.1: `total = 12.5`",
    ),
    # Writes answer files where a grader might look for them; its real total is 0.
    "fake_answer_file": (
        {
            **RIGHT,
            "total": ZERO["total"] + "\nimport json, pathlib\nfake = json.dumps({'kind': 'value', 'value': 12.5})\n"
            "for folder in [pathlib.Path('.'), pathlib.Path('..'), pathlib.Path('answers'), *pathlib.Path('..').glob('answers-*')]:\n"
            "    folder.mkdir(exist_ok=True)\n"
            "    (folder / 'total.json').write_text(fake)",
        },
        {},
        (0, 1, 1),
        "wrote files while it ran (the grader ignores them): ../total.json, answers/total.json, total.json",
    ),
    # The check module swapped for a look-alike that always says Correct.
    "replaced_check_module": (
        ZERO,
        {
            "setup": tiny.SETUP + "\nimport types\ncheck = types.SimpleNamespace(basket_total=print, "
            "diet_count=lambda *args, **kwargs: print('✅ Correct (90.2 Number of customers of a diet)'), per_diet=print)"
        },
        (0, 0, 0),
        "replaces the check `check`",
    ),
    # Our own: the patch hidden in an encoded string, run with exec.
    "hidden_in_exec": (
        {**RIGHT, "total": ZERO["total"]},
        {"setup": tiny.SETUP + f"\nexec(bytes.fromhex({SECRET.encode().hex()!r}).decode())"},
        (0, 1, 1),
        "runs code the grader cannot read",
    ),
}


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tiny.FIXTURES), before]))
    root = tmp_path_factory.mktemp("tampering")
    folder = root / "submissions"
    for name, (answers, changes, _, _) in ATTEMPTS.items():
        tiny.submission(folder / f"{name}.ipynb", answers, **changes)
    tiny.submission(folder / "honest.ipynb", RIGHT)
    # Not tampering: the right answer and a second check call in a new cell below the task's, whose
    # `...` stays (the student's ✅ is real, but the task cell is unanswered); and the same `...`
    # with only a printed ✅, which is faked.
    below = {}
    for name, source in tiny.cells({**RIGHT, "total": "total = ..."}).items():
        below[name] = source
        if name == "check total":
            below["new cell"] = RIGHT["total"] + "\n" + CHECKS_TOTAL
    tiny.write(folder / "answer_below_task_cell.ipynb", below)
    tiny.submission(
        folder / "blank_with_printed_verdict.ipynb",
        RIGHT,
        total="total = ...",
        check_total=CHECKS_TOTAL + "\nprint('✅ Correct (90.1 Total of the basket)')",
    )
    # Patching the grader's own extraction to write a number the student typed (see the last test).
    tiny.submission(
        folder / "patched_extraction.ipynb",
        ZERO,
        setup=tiny.SETUP + "\nimport course_lib.kit.answers as grader\nreal = grader.dump_answer\n"
        "grader.dump_answer = lambda value, folder, name: real(12.5 if name == 'total' else value, folder, name)",
    )
    reference = tiny.reference(root / "90_tiny.ipynb")
    try:
        result = grade_submissions(folder, reference=reference, timeout=TIMEOUT, jobs=2, progress=False)
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
    return result


def test_there_are_at_least_eight_attempts():
    assert len(ATTEMPTS) >= 8


def test_an_honest_submission_gets_full_points_and_no_flag(tampered):
    honest = tampered.grades.set_index("file").loc["honest"]
    assert (honest["90.1"], honest["90.2"], honest["90.3"], honest["flags"]) == (2, 1, 1, "")


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_tampering_neither_raises_the_score_nor_goes_unflagged(tampered, name):
    _, _, earned, flag = ATTEMPTS[name]
    row = tampered.grades.set_index("file").loc[name]
    assert (row["90.1"], row["90.2"], row["90.3"]) == earned, row["flags"]
    assert row["status"] == "graded", row["problem"]
    assert flag in row["flags"], row["flags"]
    assert f"- ⚑ {flag}" in tampered.feedback[name]


def test_a_faked_verdict_on_screen_is_flagged_against_the_clean_one(tampered):
    flags = tampered.grades.set_index("file")["flags"]
    for name in ("patched_evaluation", "edited_expected_value", "replaced_check_module"):
        assert "the notebook shows ✅" in flags[name], name


def test_patching_the_extraction_is_flagged(tampered):
    # The student's code runs where the answers are taken out, so it can make the grader read
    # any value it could have typed in (12.5 here): the same as a typed-in answer. It cannot
    # hide that it did: both the source and the run-time record say so.
    flags = tampered.grades.set_index("file").loc["patched_extraction", "flags"]
    assert "patches a module or check: `grader.dump_answer = lambda" in flags
    assert "patched while it ran: `course_lib.kit.answers.dump_answer`" in flags


def test_an_answer_written_below_the_task_cell_is_named_as_such_not_as_tampering(tampered):
    # The task cell keeps `...`; a new cell below sets the right total and calls the check again
    # (its ✅ is real). Scored as the task cell stands (0), like nbgrader's answer cells, and both
    # the instructor and the student are told where the answer is, not that a check was faked.
    row = tampered.grades.set_index("file").loc["answer_below_task_cell"]
    assert (row["90.1"], row["90.2"], row["90.3"]) == (0, 1, 1)
    assert "the answer to 90.1 was written outside its task cell (the task cell still has `...`)" in row["flags"]
    assert "changed, patched or faked" not in row["flags"]
    feedback = tampered.feedback["answer_below_task_cell"]
    assert "❌ 90.1 Total of the basket (0/2): Your answer is outside the task cell" in feedback
    assert "in place of the `...`" in feedback


def test_a_blank_task_with_a_printed_verdict_is_still_flagged_as_faked(tampered):
    row = tampered.grades.set_index("file").loc["blank_with_printed_verdict"]
    assert (row["90.1"], row["90.2"], row["90.3"]) == (0, 1, 1)
    assert "the notebook shows ✅ for 90.1, but its answer is not correct" in row["flags"]
    assert "outside its task cell" not in row["flags"]
