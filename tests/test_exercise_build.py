"""The exercise build: solution blocks become runnable placeholders; nothing else changes."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_lib.kit.exercise_build import build_exercises, make_exercise, placeholder_for, stale_exercises


def solution_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell(
                "# Lesson\n\nWhy is the sky blue?\n\n### BEGIN SOLUTION\nRayleigh scattering.\n### END SOLUTION"
            ),
            new_code_cell(
                "customers = load()\n### BEGIN SOLUTION\nn = len(customers)\nshare, rest = n / 2, 1\n### END SOLUTION\ncheck(n)",
                execution_count=1,
                outputs=[new_output("stream", name="stdout", text="✅ Correct\n")],
                metadata={"execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}, "slideshow": {"slide_type": "-"}},
            ),
            new_code_cell(
                "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION",
                execution_count=2,
            ),
            new_code_cell("### BEGIN SOLUTION\nprint('hello')\n### END SOLUTION", execution_count=3),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def test_placeholder_keeps_every_assigned_name():
    assert placeholder_for("a = 1\nb, c = 2, 3\na += 1\n") == (
        "# YOUR CODE HERE: replace each ... with your code\na = ...\nb = ...\nc = ...\n"
    )


def test_placeholder_without_assignment_is_an_ellipsis_or_return():
    assert placeholder_for("print(1)\n").splitlines()[-1] == "..."
    assert placeholder_for("    return 1\n").splitlines()[-1] == "    return ..."


def test_make_exercise_replaces_solutions_and_clears_outputs():
    solution = solution_notebook()
    before = copy.deepcopy(solution)
    exercise = make_exercise(solution)
    assert solution == before, "the solution notebook must not be modified"
    markdown, code, function, printing = (cell.source for cell in exercise.cells)
    assert "Rayleigh" not in markdown and "*Your answer here.*" in markdown and "Why is the sky blue?" in markdown
    assert (
        code
        == "customers = load()\n# YOUR CODE HERE: replace each ... with your code\nn = ...\nshare = ...\nrest = ...\ncheck(n)"
    )
    assert function == "def total(xs):\n    # YOUR CODE HERE: replace each ... with your code\n    return ..."
    assert "print" not in printing
    assert all(
        cell.outputs == [] and cell.execution_count is None for cell in exercise.cells if cell.cell_type == "code"
    )
    assert exercise.cells[1].metadata == {"slideshow": {"slide_type": "-"}}, (
        "run timestamps dropped, slide metadata kept"
    )


def test_generated_code_runs():
    exercise = make_exercise(solution_notebook())
    namespace = {"load": lambda: [1, 2], "check": lambda answer: None}
    for cell in exercise.cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    assert namespace["n"] is Ellipsis and namespace["total"]([1]) is Ellipsis


def test_build_and_staleness(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(solution_notebook(), solutions / "07_demo.ipynb")
    assert stale_exercises(solutions, exercises) == [exercises / "07_demo.ipynb"]
    assert build_exercises(solutions, exercises) == [exercises / "07_demo.ipynb"]
    assert stale_exercises(solutions, exercises) == []
    (exercises / "07_demo.ipynb").write_text((exercises / "07_demo.ipynb").read_text().replace("n = ...", "n = 2"))
    assert stale_exercises(solutions, exercises) == [exercises / "07_demo.ipynb"]


def test_build_refuses_an_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="No solution notebooks"):
        build_exercises(tmp_path, tmp_path / "out")


def test_nbval_markers_are_tags_that_the_build_keeps():
    """A student never sees `# NBVAL_...` comments: markers are cell tags, and the exercise keeps them."""
    solution = solution_notebook()
    solution.cells[1].metadata["tags"] = ["nbval-ignore-output"]
    solution.cells[3].metadata["tags"] = ["raises-exception", "nbval-skip"]
    exercise = make_exercise(solution)
    assert exercise.cells[1].metadata["tags"] == ["nbval-ignore-output"]
    assert exercise.cells[3].metadata["tags"] == ["raises-exception", "nbval-skip"]


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_no_nbval_comment_in_code_a_student_sees(folder):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / folder
    notebooks = sorted(root.glob("[0-9][0-9]_*.ipynb"))
    assert notebooks, f"no notebooks found in {root}"
    offenders = [
        f"{path.name} cell {index}"
        for path in notebooks
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells)
        if cell.cell_type == "code" and "# nbval" in cell.source.lower()
    ]
    assert not offenders, f"use nbval cell tags instead of comments: {offenders}"


def test_instructor_notes_stay_out_of_the_exercise():
    from nbformat.v4 import new_markdown_cell, new_notebook

    from course_lib.kit.exercise_build import make_exercise

    solution = new_notebook(
        cells=[
            new_markdown_cell("## Task 1", metadata={"slideshow": {"slide_type": "slide"}}),
            new_markdown_cell("Ask the room first.", metadata={"slideshow": {"slide_type": "notes"}}),
            new_markdown_cell("**For the instructor.** The answer is 42.", metadata={"slideshow": {"slide_type": "-"}}),
            new_markdown_cell("Write your answer below.", metadata={"slideshow": {"slide_type": "-"}}),
        ]
    )
    exercise = make_exercise(solution)
    assert [cell.source for cell in exercise.cells] == ["## Task 1", "Write your answer below."]
    assert len(solution.cells) == 4  # the solution itself is untouched
