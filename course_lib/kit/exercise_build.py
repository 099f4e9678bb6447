"""Generate the exercise notebooks from the solution notebooks (the single source).

In ``solutions/NN_name.ipynb`` the answer of each exercise stands between
nbgrader-style marker lines::

    ### BEGIN SOLUTION
    n_customers = len(customers)
    ### END SOLUTION

:func:`make_exercise` replaces such a block by a placeholder that still runs
(``n_customers = ...``), so the unsolved notebook executes top to bottom and
its check says "Not yet: replace the `...`". In markdown cells the block becomes
"*Your answer here.*". Outputs and execution counts are cleared.

Examples
--------
>>> print(placeholder_for("    total = orders['amount'].sum()\\n    share = total / 2"))
    # YOUR CODE HERE: replace each ... with your code
    total = ...
    share = ...
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "build_exercises",
    "exercise_path_for",
    "make_exercise",
    "placeholder_for",
    "stale_exercises",
]

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
MARKDOWN_PLACEHOLDER = "*Your answer here.*"
_SOLUTION_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[^\n]*\n(?P<body>.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)",
    re.MULTILINE | re.DOTALL,
)


def _assigned_names(code: str) -> list[str]:
    """Names assigned by the top-level statements of `code`, in order, without repeats."""
    names: list[str] = []
    for statement in ast.parse(code).body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets = [statement.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names += [element.id for element in elements if isinstance(element, ast.Name)]
    return list(dict.fromkeys(names))


def placeholder_for(solution: str, *, indent: str | None = None) -> str:
    """The runnable placeholder that replaces one block of solution code.

    Every name the solution assigns becomes ``name = ...``; a block that assigns
    nothing becomes a bare ``...`` (or ``return ...`` inside a function). The
    placeholder takes `indent`, by default that of the solution's first line.
    """
    if indent is None:
        indent = re.match(r"[ \t]*", solution).group(0)
    code = textwrap.dedent(solution)
    try:
        names = _assigned_names(code)
    except SyntaxError:
        names = []
    if names:
        body = [f"{name} = ..." for name in names]
    elif re.search(r"^\s*return\b", code, re.MULTILINE):
        body = ["return ..."]
    else:
        body = ["..."]
    lines = ["# YOUR CODE HERE: replace each ... with your code", *body]
    return "\n".join(indent + line for line in lines) + "\n"


def _strip_code(source: str) -> str:
    return _SOLUTION_BLOCK.sub(
        lambda match: placeholder_for(match.group("body"), indent=match.group("indent")),
        source,
    ).rstrip("\n")


def _strip_markdown(source: str) -> str:
    return _SOLUTION_BLOCK.sub(lambda match: match.group("indent") + MARKDOWN_PLACEHOLDER + "\n", source).rstrip("\n")


def is_instructor_note(cell: NotebookNode) -> bool:
    """A cell for the instructor only: slide type ``notes``, or text starting "**For the instructor.**"."""
    return cell.metadata.get("slideshow", {}).get("slide_type") == "notes" or (
        cell.cell_type == "markdown" and cell.source.lstrip().startswith("**For the instructor")
    )


def make_exercise(solution: NotebookNode) -> NotebookNode:
    """Return the exercise version of a solution notebook (the input is not modified).

    Instructor notes are left out: the exercise is the student's copy.
    """
    exercise = copy.deepcopy(solution)
    exercise.cells = [cell for cell in exercise.cells if not is_instructor_note(cell)]
    for cell in exercise.cells:
        if cell.cell_type == "code":
            cell.source = _strip_code(cell.source)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)  # run timestamps of the solution, not the exercise's
        elif cell.cell_type == "markdown":
            cell.source = _strip_markdown(cell.source)
    exercise.metadata.pop("widgets", None)
    return exercise


def exercise_path_for(solution_path: Path, exercises_dir: Path) -> Path:
    return Path(exercises_dir) / Path(solution_path).name


def _exercise_text(solution_path: Path) -> str:
    solution = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(make_exercise(solution)) + "\n"


def build_exercises(solutions_dir: Path, exercises_dir: Path) -> list[Path]:
    """Write ``exercises_dir/NN_name.ipynb`` for every solution notebook; return the paths written."""
    solutions = sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb"))
    if not solutions:
        raise FileNotFoundError(f"No solution notebooks (NN_name.ipynb) found in {solutions_dir}.")
    Path(exercises_dir).mkdir(parents=True, exist_ok=True)
    written = []
    for solution_path in solutions:
        target = exercise_path_for(solution_path, exercises_dir)
        target.write_text(_exercise_text(solution_path), encoding="utf-8")
        written.append(target)
    return written


def stale_exercises(solutions_dir: Path, exercises_dir: Path) -> list[Path]:
    """Exercise notebooks that are missing or differ from what the build would write."""
    stale = []
    for solution_path in sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb")):
        target = exercise_path_for(solution_path, exercises_dir)
        if not target.exists() or target.read_text(encoding="utf-8") != _exercise_text(solution_path):
            stale.append(target)
    return stale
