"""The check framework and its comparers: accept equivalent answers, reject wrong ones, never crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import compare_ids, compare_number, compare_partition, compare_table, exercise, recorded_results

EXPECTED = pd.DataFrame(
    {"diet": ["vegan", "vegetarian", "curious"], "customers": [5, 3, 1], "share": [5 / 9, 3 / 9, 1 / 9]}
)


def test_number_tolerance_and_types():
    assert compare_number(np.int64(3), 3.0) is None
    assert compare_number(pd.Series([3.0]), 3) is None
    assert compare_number(3 + 1e-9, 3) is None
    assert compare_number(3.1, 3) == "Your number is too high."
    assert compare_number(float("nan"), 3).startswith("Your number is NaN")
    assert compare_number("3", 3).startswith("The answer should be a single number")
    assert compare_number(True, 1).startswith("The answer should be a single number")


def test_table_accepts_reordered_rows_columns_and_float_counts():
    variant = EXPECTED.iloc[::-1][["share", "diet", "customers"]].astype({"customers": float})
    assert compare_table(variant, EXPECTED, key="diet") is None
    assert compare_table(EXPECTED.set_index("diet"), EXPECTED, key="diet") is None


def test_table_accepts_a_series_for_a_single_value_column():
    expected = EXPECTED[["diet", "customers"]]
    counts = pd.Series([1, 5, 3], index=["curious", "vegan", "vegetarian"], name="count")
    assert compare_table(counts, expected, key="diet") is None


def test_table_rejects_wrong_values_rows_and_columns_without_revealing_them():
    wrong = EXPECTED.assign(customers=[5, 3, 2])
    hint = compare_table(wrong, EXPECTED, key="diet")
    assert hint == "Column 'customers' differs in 1 row(s)."
    assert compare_table(EXPECTED.iloc[:2], EXPECTED, key="diet") == (
        "Your table has 2 rows; it should have 3. Missing: 'curious'."
    )
    doubled = pd.concat([EXPECTED, EXPECTED.iloc[:1]])
    assert "more than one row" in compare_table(doubled, EXPECTED, key="diet")
    assert "no column 'share'" in compare_table(EXPECTED.drop(columns="share"), EXPECTED, key="diet")
    assert "not the expected ones" in compare_table(EXPECTED.assign(diet=["a", "b", "c"]), EXPECTED, key="diet")
    assert compare_table("a table", EXPECTED) == "The answer should be a DataFrame; got a str."


def test_ids_as_any_collection():
    assert compare_ids(pd.Series([3, 1, 2, 2]), [1, 2, 3]) is None
    assert compare_ids(np.array([1, 2, 3]), {1, 2, 3}) is None
    assert (
        compare_ids([1, 2, 4], [1, 2, 3])
        == "1 of your customer ids should not be there (for example 4); 1 expected customer ids are missing."
    )
    assert compare_ids(pd.DataFrame({"id": [1]}), [1]).startswith("The answer should be a list or Series")


def test_check_prints_a_verdict_records_it_and_survives_a_crash(capsys):
    @exercise("99.9", "Total")
    def total(answer):
        return compare_number(sum(answer), 6)

    total([1, 2, 3])
    total(...)
    total(42)  # sum(42) raises TypeError inside the evaluation
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "✅ Correct (99.9 Total)"
    assert lines[1].startswith("❌ Not yet (99.9 Total): replace the `...`")
    assert lines[2].startswith("❌ Not yet (99.9 Total): the check could not use your answer (TypeError")
    assert [result.passed for result in recorded_results()[-3:]] == [True, False, False]


def test_partition_ignores_label_numbers_but_not_groups():
    expected = pd.Series([0, 0, 1, 1, 2, 2], index=[10, 11, 12, 13, 14, 15])
    relabelled = pd.Series([7, 7, 3, 3, 5, 5], index=[10, 11, 12, 13, 14, 15])
    assert compare_partition(relabelled, expected) is None
    assert compare_partition(relabelled.iloc[::-1], expected) is None, "a Series is matched on its index"
    assert compare_partition(np.array([2, 2, 0, 0, 1, 1]), expected) is None, "an array is matched by position"
    moved = pd.Series([0, 0, 1, 2, 2, 2], index=expected.index)
    assert "differ" in compare_partition(moved, expected)
    assert compare_partition(pd.Series([0, 0, 1, 1, 1, 1], index=expected.index), expected, n_clusters=3) == (
        "Your labels form 2 cluster(s); the task asks for 3."
    )


def test_exact_columns_names_an_extra_column_and_accepts_the_key_in_the_index():
    assert compare_table(EXPECTED.assign(junk=1), EXPECTED, key="diet") is None, "extra columns pass by default"
    hint = compare_table(EXPECTED.assign(junk=1), EXPECTED, key="diet", exact_columns=True)
    assert "extra column" in hint and "'junk'" in hint
    # The hint lists every column the table needs, the key too (the student would drop it otherwise).
    assert hint.endswith(f"keep only {list(EXPECTED.columns)}.") and "'diet'" in hint.split("keep only")[1]
    assert compare_table(EXPECTED.set_index("diet"), EXPECTED, key="diet", exact_columns=True) is None


def test_ids_name_cluster_numbers_given_instead_of_ids():
    labels = pd.Series([0, 1, 2, 3] * 50, index=range(1000, 1200))
    hint = compare_ids(labels, range(1000, 1050))
    assert "cluster numbers" in hint and "missing" not in hint
    # a short list of wrong ids is not mistaken for labels
    assert "should not be there" in compare_ids([1, 2, 4], [1, 2, 3])


def test_partition_counts_the_rows_in_another_group():
    expected = pd.Series([0] * 50 + [1] * 50)
    one_moved = expected.copy()
    one_moved.iloc[0] = 1
    hint = compare_partition(one_moved, expected)
    assert hint.startswith("Close, but 1 of 100 rows are in another group"), hint
    assert "1.00," not in hint, "an index rounded to 1.00 must not look like a pass"
    assert compare_partition(1 - expected, expected) is None, "the same groups under swapped numbers pass"


def test_free_text_is_recorded_never_correct(capsys):
    from course_lib.checks import free_text

    @free_text("99.8", "Why")
    def why(answer):
        return None if isinstance(answer, str) else "Write text."

    result = why.evaluate("Because the data say so, and we checked the interval too.")
    assert result.recorded and not result.passed and "Recorded" in str(result) and "Correct" not in str(result)
    assert result.text.startswith("Because")
    short = why.evaluate("x y z 0")
    assert not short.recorded and not short.passed and "at least 8 words" in short.hint
    assert not why.evaluate(...).recorded
    assert why.evaluate(42).hint == "Write text."


def test_a_check_reads_its_own_cell_in_a_kernel(tmp_path):
    """The shortcut a task forbids is seen in a real notebook cell, and only in the cell that calls the check."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from course_lib.kit.notebook_run import execute_notebook

    cells = [
        "from course_lib.checks._source import calls_in, current_cell_source",
        "print(calls_in(current_cell_source(), ['rfm_table']))  # calls rfm_table( here? no: a comment",
        "rfm_table = len\nprint(calls_in(current_cell_source(), ['rfm_table']), rfm_table([1]))",
    ]
    path = tmp_path / "cells.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(source) for source in cells]), path)
    executed = execute_notebook(path)
    printed = ["".join(output.get("text", "")) for cell in executed.cells for output in cell.outputs]
    assert printed == ["[]\n", "['rfm_table'] 1\n"]


def _free_text_checks():
    import importlib

    from course_lib.checks import FreeTextCheck

    found = []
    for number in range(11):  # every lesson with checks, 09 and 10 included
        module = importlib.import_module(f"course_lib.checks.lesson{number:02d}")
        found += [value for value in vars(module).values() if isinstance(value, FreeTextCheck)]
    return found


FREE_TEXT_CHECKS = _free_text_checks()


def test_every_lesson_from_01_has_a_recorded_interpretation():
    lessons = {check.exercise_id.split(".")[0] for check in FREE_TEXT_CHECKS}
    assert {f"{n:02d}" for n in range(1, 9)} <= lessons


@pytest.mark.parametrize("check", FREE_TEXT_CHECKS, ids=[check.exercise_id for check in FREE_TEXT_CHECKS])
def test_free_text_checks_never_record_a_placeholder_nonsense_or_a_number(check):
    for wrong in (..., "x y z 0", 42, None):
        result = check.evaluate(wrong)
        assert not result.recorded and not result.passed and result.hint, (check.exercise_id, wrong)


def test_free_text_refuses_filler_but_never_a_genuine_short_answer():
    from course_lib.checks import free_text

    @free_text("99.3", "Which diet first?", prompt="Which diet would you market to first, and why?")
    def which_diet(answer):
        return None

    for genuine in (
        "Vegans first: they order most often and spend the most.",
        "Flexitarians, because there are many of them and they are still choosing.",
        "Vegans. Same reason as the lesson: frequent, loyal, and they answer offers.",
    ):
        assert which_diet.evaluate(genuine).recorded, genuine
    for filler in ("blah " * 25, "Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do eiusmod."):
        assert which_diet.evaluate(filler).hint.startswith("Write it in your own words"), filler
    copied = which_diet.evaluate("Which diet would you market to first, and why? Why first?")
    assert copied.hint == "Write it in your own words: your answer is the task's own text."

    @free_text("99.4", "Personas", min_words=0)
    def personas(answer):
        return None

    assert personas.evaluate("Ana").recorded, "a check that asks for no minimum applies no filler rule"
