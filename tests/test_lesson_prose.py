"""What a lesson says in words matches what its cells computed, and its notes look alike.

1. Every percentage ("46%", "12.3 %") and every decimal number ("0.41") in a lesson's
   markdown must appear among the stored outputs of the same notebook, as written or as
   the output's number rounded to the prose's precision ("46%" is found in "0.459" or
   "45.9"; "0.41" in "0.4067"). A short allow-list holds the constants a lesson may state
   without computing them (confidence levels, power, the NPS bands).
   Numbers inside `code spans`, in formulas and in self-check questions (hypothetical
   by design) are left out, and the test says so rather than hiding them: see `_prose`.
2. Instructor notes have one look: a "notes" cell that starts with "**For the
   instructor.**" (a code cell: "# For the instructor:"), and nothing outside a notes
   cell calls itself an instructor note. The handout deck leaves them out.
3. No "# NBVAL_..." comment in code a student sees: nbval's cell tags instead.
4. Self-check questions come with their answers folded in a <details> block.
"""

from __future__ import annotations

import math
import re

import nbformat
import pytest

from course_lib import KIT_ROOT

LESSONS = sorted([*(KIT_ROOT / "notebooks").glob("0[1-8]_*.ipynb"), *(KIT_ROOT / "notebooks").glob("1[0-9]_*.ipynb")])

#: Constants a lesson may state without computing them.
ALLOWED = {
    "95%",  # the confidence level of every interval in the course
    "80%",  # the power a test is planned for
    "5%",  # the significance level that goes with 95 % intervals
    "100%",  # "+100 % is twice the average", a definition
    "1.96",  # the normal quantile of a 95 % interval
}

PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?%")
DECIMAL = re.compile(r"(?<![\w.,])(\d+\.\d+)(?![\w%]|\s?%)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
INSTRUCTOR_LABEL = "**For the instructor.**"
INSTRUCTOR_CODE_LABEL = "# For the instructor:"


def _ids(paths):
    return [path.name for path in paths]


def _prose(cell) -> str:
    """The cell's markdown without code spans, code blocks, formulas and the self-check questions."""
    text = re.sub(r"```.*?```", " ", cell.source, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"<details>.*?</details>", " ", text, flags=re.DOTALL)  # answers to hypothetical questions
    return text.split("## Self-check questions")[0]


def _output_text(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                texts.append(str(output.data.get("text/plain", "")))
    return "\n".join(texts)


def _output_numbers(text: str) -> list[str]:
    return NUMBER.findall(text.replace(",", ""))


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _rounds_to(value: float, target: float, decimals: int) -> bool:
    """True when `value`, rounded half away from zero to `decimals`, is `target` (either rounding of a tie)."""
    scaled = abs(value) * 10**decimals
    candidates = {math.floor(scaled + 0.5), round(scaled)}
    return any(math.isclose(candidate / 10**decimals, abs(target)) for candidate in candidates) and (
        (value < 0) == (target < 0) or math.isclose(target, 0)
    )


def percentage_is_shown(percent: str, output_numbers: list[str], output_text: str) -> bool:
    """A percentage in prose is shown when an output prints it, or a share or percent that rounds to it."""
    number = percent.rstrip("%").strip()
    if re.search(rf"(?<![\d.]){re.escape(number)}\s?%", output_text):
        return True
    target, decimals = float(number), _decimals(number)
    for written in output_numbers:
        value = float(written)
        if "." not in written:
            continue  # a bare integer is a count, not a share
        if 0 <= abs(value) <= 1 and _rounds_to(100 * value, target, decimals) and _decimals(written) >= 2 + decimals:
            return True
        if _rounds_to(value, target, decimals) and _decimals(written) >= decimals:
            return True
    return False


def decimal_is_shown(number: str, output_numbers: list[str]) -> bool:
    target, decimals = float(number), _decimals(number)
    return any(
        _decimals(written) >= decimals and _rounds_to(float(written), target, decimals) for written in output_numbers
    )


def unsupported_numbers(notebook) -> list[str]:
    output_text = _output_text(notebook)
    output_numbers = _output_numbers(output_text)
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        prose = _prose(cell)
        for match in PERCENT.finditer(prose):
            written = match.group(0).replace(" ", "")
            if written not in ALLOWED and not percentage_is_shown(match.group(1), output_numbers, output_text):
                missing.append(f"cell {index}: {match.group(0)!r}")
        for match in DECIMAL.finditer(prose):
            if match.group(1) not in ALLOWED and not decimal_is_shown(match.group(1), output_numbers):
                missing.append(f"cell {index}: {match.group(0)!r}")
    return missing


# ----------------------------------------------------------------------------- the matcher itself


def test_the_matcher_finds_numbers_as_outputs_print_them():
    text = "share 0.459\nrate 45.9\n12%\ncount 46\nmean 0.4067"
    numbers = _output_numbers(text)
    assert percentage_is_shown("46", numbers, text)  # 0.459 -> 46 %
    assert percentage_is_shown("45.9", numbers, text)
    assert percentage_is_shown("12", numbers, text)  # printed as such
    assert not percentage_is_shown("47", numbers, text)
    assert decimal_is_shown("0.41", numbers)  # 0.4067 rounded
    assert not decimal_is_shown("0.42", numbers)
    assert not percentage_is_shown("3", ["3"], "3 customers")  # a count is not a share


def test_the_matcher_reads_prose_the_way_a_reader_does():
    cell = nbformat.v4.new_markdown_cell(
        "About 8 percentage points, 12% of them, and `bins=0.5` in code.\n\n"
        "## Self-check questions\n\n1. A score of 0.62?"
    )
    notebook = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell()])
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="share 0.121\n")]
    assert unsupported_numbers(notebook) == []
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="share 0.131\n")]
    assert unsupported_numbers(notebook) == ["cell 0: '12%'"]


# ----------------------------------------------------------------------------- the lessons


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_numbers_in_prose_come_from_the_notebooks_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    missing = unsupported_numbers(notebook)
    assert not missing, f"{path.name}: numbers in the prose that no output shows: {missing}"


def _slide_type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_instructor_notes_look_the_same_everywhere(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        label = INSTRUCTOR_LABEL if cell.cell_type == "markdown" else INSTRUCTOR_CODE_LABEL
        if _slide_type(cell) == "notes":
            assert cell.source.startswith(label), f"{path.name} cell {index}: a notes cell must start with {label!r}"
        else:
            assert not re.search(r"instructor (note|section)|for the instructor|rubric for", cell.source, re.I), (
                f"{path.name} cell {index} speaks to the instructor but is not a notes cell"
            )


def test_every_lesson_has_instructor_notes_and_the_handout_leaves_them_out(tmp_path):
    from course_lib.kit.slides import build_deck

    assert all(
        any(_slide_type(cell) == "notes" for cell in nbformat.read(path, as_version=4).cells) for path in LESSONS
    )
    lesson = KIT_ROOT / "notebooks" / "04_clustering.ipynb"
    handout = build_deck(lesson, tmp_path / "handout", speaker_notes=False).read_text(encoding="utf-8")
    deck = build_deck(lesson, tmp_path / "deck", speaker_notes=True).read_text(encoding="utf-8")
    assert "For the instructor" in deck  # the speaker view keeps them
    assert "For the instructor" not in handout


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_no_nbval_comment_in_code_a_student_sees(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert "NBVAL_" not in cell.source, f"{path.name} cell {index}: use an nbval cell tag, not a comment"


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_self_check_questions_have_folded_answers(path):
    notebook = nbformat.read(path, as_version=4)
    cells = [cell.source for cell in notebook.cells if "## Self-check questions" in cell.source]
    assert len(cells) == 1, f"{path.name}: one self-check section"
    section = cells[0].split("## Self-check questions", 1)[1]
    questions = re.findall(r"^\d+\. ", section, flags=re.M)
    answers = re.findall(r"<details>\s*<summary>Answer</summary>(.*?)</details>", section, flags=re.S)
    assert len(questions) >= 2, f"{path.name}: at least two self-check questions"
    assert len(answers) == len(questions), f"{path.name}: {len(questions)} questions but {len(answers)} answers"
    assert all(len(answer.split()) >= 8 for answer in answers), f"{path.name}: an answer is too short to teach"
