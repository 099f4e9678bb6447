"""Structural checks on every notebook, exercise sync, and exercises that run unsolved.

nbval (run by the same pytest command) re-runs lessons and solutions and compares
their stored outputs; these tests make sure there *are* stored outputs to compare,
and that nothing a learner should not see (warnings, errors, absolute paths) is in them.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from helpers import ids, output_texts

from conftest import EXERCISES, LESSONS, SOLUTIONS
from course_lib import KIT_ROOT
from course_lib.kit.exercise_build import stale_exercises
from course_lib.kit.notebook_run import execute_notebook

ALL = LESSONS + SOLUTIONS + EXERCISES
EXECUTED = LESSONS + SOLUTIONS
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/(home|root|work|Users|tmp|var|opt)/|[A-Za-z]:\\\\)")
LESSON_SECTIONS = ("Learning objectives", "Time needed", "Prerequisites", "Recap", "Self-check")


def test_the_course_has_its_notebooks():
    assert [path.name for path in LESSONS][:1] == ["00_welcome.ipynb"]
    assert [path.name for path in SOLUTIONS] == [path.name for path in EXERCISES]
    lesson_numbers = {path.name[:2] for path in LESSONS}
    assert {path.name[:2] for path in SOLUTIONS} <= lesson_numbers


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_notebook_structure(path):
    assert path.stat().st_size < 1_000_000, "keep notebooks under 1 MB (smaller figures, fewer rows shown)"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for index, cell in enumerate(notebook.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {index} has no slide metadata (slideshow.slide_type)"
        for text in [cell.source, *output_texts(cell)]:
            assert not ABSOLUTE_PATH.search(text), (
                f"cell {index} shows an absolute path: {ABSOLUTE_PATH.search(text).group(0)}"
            )


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_stored_outputs_are_complete_and_clean(path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), (
        "re-run the notebook top to bottom: python -m course_lib refresh"
    )
    assert any(cell.outputs for cell in code_cells), "the notebook is stored without outputs"
    for index, cell in enumerate(code_cells):
        for output in cell.outputs:
            assert output.output_type != "error", f"code cell {index} stores an error"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"code cell {index} writes to stderr: {output.text[:200]}"
            )
        for text in output_texts(cell):
            assert "Warning" not in text, f"code cell {index} shows a warning: {text[:200]}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_follows_the_template(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert notebook.cells[0].source.startswith("# "), "a lesson opens with its title"
    missing = [section for section in LESSON_SECTIONS if section not in markdown]
    assert not missing, f"the lesson lacks {missing}"
    assert notebook.metadata.get("course", {}).get("minutes", 0) > 0, "set metadata.course.minutes"


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_exercise_is_stored_unsolved(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "### BEGIN SOLUTION" not in text
    assert all(not cell.outputs for cell in notebook.cells if cell.cell_type == "code")


def test_exercises_are_in_sync_with_solutions():
    stale = stale_exercises(KIT_ROOT / "solutions", KIT_ROOT / "exercises")
    assert not stale, f"regenerate with `python -m course_lib build`: {stale}"


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_exercise_runs_unsolved_and_every_check_says_not_yet(path):
    notebook = execute_notebook(path)
    texts = "".join(text for cell in notebook.cells if cell.cell_type == "code" for text in output_texts(cell))
    assert "❌ Not yet" in texts
    assert "✅ Correct" not in texts
    assert not any(
        output.output_type == "error" for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    )


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
NETWORK_CODE = re.compile(r"pip install|conda install|urlopen|requests\.|https?://")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_links_are_local_and_code_stays_offline(path):
    """Links that die and lessons that download are how peer courses break: neither here."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not NETWORK_CODE.search(cell.source), (
                f"cell {index} installs or downloads: {NETWORK_CODE.search(cell.source).group(0)}"
            )
            continue
        for target in MARKDOWN_LINK.findall(cell.source):
            assert not target.startswith(("http://", "https://")), f"cell {index} links outside the kit: {target}"
            local = target.split("#")[0]
            if local:
                assert (path.parent / local).exists(), f"cell {index} links to a missing file: {target}"
