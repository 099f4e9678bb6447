"""Structural checks on every notebook, exercise sync, and exercises that run unsolved.

nbval (run by the same pytest command) re-runs lessons and solutions and compares
their stored outputs; these tests make sure there *are* stored outputs to compare,
and that nothing a learner should not see (warnings, errors, absolute paths) is in them.
"""

from __future__ import annotations

import re
from pathlib import Path

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


MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
NETWORK_CODE = re.compile(r"pip install|conda install|urlopen|requests\.|https?://")


def links_of(cell) -> list[str]:
    """Every link target of a markdown cell: markdown links and images, HTML href and src."""
    return MARKDOWN_LINK.findall(cell.source) + HTML_LINK.findall(cell.source)


def anchors_of(notebook) -> set[str]:
    """The anchors JupyterLab gives a notebook's headings: the heading text, spaces turned into '-'."""
    headings = [
        heading for cell in notebook.cells if cell.cell_type == "markdown" for heading in HEADING.findall(cell.source)
    ]
    return {re.sub(r"[*_`]", "", heading).replace(" ", "-") for heading in headings}


def link_problems(notebook, path: Path, root: Path = KIT_ROOT) -> list[str]:
    """What would break for a reader: code that downloads, links that leave `root` or lead nowhere.

    JupyterLab serves the kit's folder (``kit.py start``), so a relative link must name a file
    inside it, and an anchor (``#Recap``) must name a heading of the notebook it points to.
    """
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            if NETWORK_CODE.search(cell.source):
                problems.append(f"cell {index} installs or downloads: {NETWORK_CODE.search(cell.source).group(0)}")
            continue
        for target in links_of(cell):
            if target.startswith(("http://", "https://", "//", "/", "file:")):
                problems.append(f"cell {index} links outside the kit: {target}")
                continue
            local, _, anchor = target.partition("#")
            resolved = (path.parent / local).resolve() if local else path.resolve()
            if not resolved.is_relative_to(root.resolve()):
                problems.append(f"cell {index} links outside the kit's folder, which JupyterLab cannot open: {target}")
            elif not resolved.exists():
                problems.append(f"cell {index} links to a missing file: {target}")
            elif anchor and resolved.suffix == ".ipynb":
                linked = notebook if resolved == path.resolve() else nbformat.read(resolved, as_version=4)
                if anchor not in anchors_of(linked):
                    problems.append(f"cell {index} links to #{anchor}, which is no heading of {resolved.name}")
    return problems


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_links_are_local_and_code_stays_offline(path):
    """Links that die and lessons that download are how peer courses break: neither here."""
    assert link_problems(nbformat.read(path, as_version=4), path) == []


def test_the_link_check_finds_each_kind_of_broken_link(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    (tmp_path / "exercises").mkdir()
    (tmp_path / "notebooks").mkdir()
    exercise = tmp_path / "exercises" / "03_x.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("## Your turn")]), exercise)
    lesson = tmp_path / "notebooks" / "03_x.ipynb"
    good = "[exercise](../exercises/03_x.ipynb) [task](../exercises/03_x.ipynb#Your-turn) <a href='#Recap'>up</a>"
    bad = [
        "[outside](../../elsewhere.ipynb)",
        "[missing](../exercises/04_y.ipynb)",
        "[anchor](../exercises/03_x.ipynb#Recap)",
        '<img src="https://example.org/x.png">',
    ]
    cells = [new_markdown_cell("## Recap\n" + good), *[new_markdown_cell(text) for text in bad]]
    cells.append(new_code_cell("!pip install pandas"))
    nbformat.write(new_notebook(cells=cells), lesson)
    problems = link_problems(nbformat.read(lesson, as_version=4), lesson, root=tmp_path)
    assert [problem.split(":")[0] for problem in problems] == [
        "cell 1 links outside the kit's folder, which JupyterLab cannot open",
        "cell 2 links to a missing file",
        "cell 3 links to #Recap, which is no heading of 03_x.ipynb",
        "cell 4 links outside the kit",
        "cell 5 installs or downloads",
    ]


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_lesson_with_an_exercise_links_to_it(path):
    exercise = KIT_ROOT / "exercises" / path.name
    if not exercise.exists():
        pytest.skip(f"{path.stem} has no exercise")
    notebook = nbformat.read(path, as_version=4)
    targets = {
        (path.parent / target.partition("#")[0]).resolve()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for target in links_of(cell)
    }
    assert exercise.resolve() in targets, f"the lesson does not link to its exercise exercises/{path.name}"
