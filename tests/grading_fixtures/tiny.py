"""Build the grading tests' tiny exercise notebooks (lesson "90", checks of ``tiny_checks.py``).

The released exercise has a setup cell, three tasks (each: an answer cell, then a
check cell) and a free-text question. 90.1 is worth 2 points (its check cell's
metadata), 90.2 and 90.3 the default 1, the free-text answer 1 (its cell's metadata).
A submission is the exercise with some cells replaced, removed or added.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

FIXTURES = Path(__file__).resolve().parent
SETUP = (
    f"import sys\nsys.path.insert(0, {str(FIXTURES)!r})\nimport pandas as pd\n"
    "import tiny_checks as check\nfrom tiny_checks import BASKET, DIETS"
)
PROMPT = "## Think about it\n\nWhich diet would you market to first?\n\n"
RIGHT = {
    "total": "total = sum(BASKET)",
    "n_vegan": "n_vegan = DIETS.count('vegan')",
    "per_diet": "per_diet = pd.Series(DIETS).value_counts().rename_axis('diet').rename('customers').reset_index()",
}
BLANK = {"total": "total = ...", "n_vegan": "n_vegan = ...", "per_diet": "per_diet = ..."}
CHECKS = {
    "total": "check.basket_total(total)",
    "n_vegan": "check.diet_count(n_vegan, diet='vegan')",
    "per_diet": "check.per_diet(per_diet)",
}


def cells(answers: dict[str, str] | None = None, *, text: str = "*Your answer here.*") -> dict[str, str]:
    """The cells by name, in order: setup, then per task its answer and its check, then the text."""
    answers = {**BLANK, **(answers or {})}
    named = {"setup": SETUP}
    for task in ("total", "n_vegan", "per_diet"):
        named[task] = answers[task]
        named[f"check {task}"] = CHECKS[task]
    named["text"] = PROMPT + text
    return named


def write(path: Path, named: dict[str, str], *, lesson: str = "90") -> Path:
    """Write the notebook of `named` cells (a name "text" is markdown, others code; None: left out)."""
    notebook_cells = [new_markdown_cell("# 90 · Tiny exercise", id="title")]
    for name, source in named.items():
        if source is None:
            continue
        cell_id = name.replace(" ", "-")
        if name == "text":
            notebook_cells.append(new_markdown_cell(source, id=cell_id, metadata={"course": {"points": 1}}))
        elif name == "check total":
            notebook_cells.append(new_code_cell(source, id=cell_id, metadata={"course": {"points": 2}}))
        else:
            notebook_cells.append(new_code_cell(source, id=cell_id))
    notebook = new_notebook(
        cells=notebook_cells, metadata={"course": {"lesson": lesson, "title": "Tiny exercise", "minutes": 5}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def reference(path: Path) -> Path:
    """The released exercise: every answer a placeholder."""
    return write(path, cells())


def submission(path: Path, answers: dict[str, str] | None = None, **changes: str | None) -> Path:
    """The exercise answered with `answers`; `changes` replace (or with None remove) named cells.

    A change's name is a cell's name with ``check_`` for ``check ``: ``check_n_vegan=None``.
    """
    named = cells(answers)
    for name, source in changes.items():
        named[name.replace("check_", "check ", 1)] = source
    return write(path, named)
